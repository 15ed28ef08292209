/* WD command length table: every code's rule (ica.md §8). */
#include "unit.h"
#include "ica_wd.h"

static void test_every_code_has_the_documented_rule(void)
{
    /* rule per code 0x00..0x44: 'F'ixed (size in fixed[]), 'B'yte, 'W'ord, '?' unknown */
    const char *rules = "WWWBWBWFFFFBWFBW" "FFFFFBWBWFFFFFFF" "FFFFFFFFFFFFFFFF" "BWFBBFFFFFWWW??B" "WW?WW";
    const uint8_t fixed[ICA_CMD_TABLE_SIZE] = {
        [0x07] = 0, [0x0a] = 1, [0x0d] = 5, [0x10] = 1, [0x12] = 3, [0x14] = 1,
        [0x19] = 5, [0x1a] = 6, [0x1b] = 4, [0x1c] = 4, [0x1d] = 1, [0x1e] = 2,
        [0x1f] = 1, [0x20] = 1, [0x21] = 1, [0x22] = 1, [0x23] = 7, [0x24] = 7,
        [0x25] = 7, [0x26] = 7, [0x2b] = 1, [0x2c] = 1, [0x2d] = 1, [0x2e] = 1,
        [0x2f] = 2, [0x32] = 3, [0x35] = 1, [0x36] = 3, [0x37] = 1, [0x38] = 2, [0x39] = 1,
    };
    CHECK_EQ_INT(strlen(rules), ICA_CMD_TABLE_SIZE);
    for (int c = 0; c < ICA_CMD_TABLE_SIZE; c++) {
        const ica_cmd_info *ci = ica_cmd_lookup((uint8_t)c);
        int want = rules[c] == 'F' ? ICA_LEN_FIXED : rules[c] == 'B' ? ICA_LEN_U8 :
                   rules[c] == 'W' ? ICA_LEN_U16 : ICA_LEN_UNKNOWN;
        if (ci->rule != want)
            fprintf(stderr, "code 0x%02x\n", c);
        CHECK_EQ_INT(ci->rule, want);
        if (want == ICA_LEN_FIXED)
            CHECK_EQ_INT(ci->fixed, fixed[c]);
    }
    CHECK_EQ_STR(ica_cmd_lookup(0x31)->name, "VIRTUAL_WRITE2");
    CHECK_EQ_STR(ica_cmd_lookup(0x1c)->name, "SETMOU_POSITION");
    CHECK_EQ_STR(ica_cmd_lookup(0x41)->name, "COOKIE");
    CHECK(ica_cmd_lookup(0x3d)->name == NULL);
    CHECK(ica_cmd_lookup(0x45)->name == NULL);
    CHECK(ica_cmd_lookup(0xff)->rule == ICA_LEN_UNKNOWN);
    CHECK_EQ_STR(ica_cmd_lookup(0x43)->name, "RESUME_VIRTUAL_WRITE");
    CHECK_EQ_STR(ica_cmd_lookup(0x39)->name, "SOFT_KEYBOARD");
    CHECK_EQ_STR(ica_cmd_lookup(0x3a)->name, "COMMAND_CACHE");
    /* 0x40: u16, inferred from the real capture (no source), still nameless */
    CHECK(ica_cmd_lookup(0x40)->name == NULL);
    CHECK(ica_cmd_lookup(0x40)->flags & ICA_CMD_LEN_INFERRED);
    CHECK(!(ica_cmd_lookup(0x41)->flags & ICA_CMD_LEN_INFERRED));
    /* ica-modern.md §3 settles both conflicts: no code is flagged any more */
    for (int c = 0; c < 256; c++)
        CHECK(!(ica_cmd_lookup((uint8_t)c)->flags & ICA_CMD_LEN_CONFLICT));
}

/* ica-modern.md §3: each corrected code cuts as its source says. */
static void test_corrected_codes(void)
{
    size_t total = 0, hdr = 0, roff = 0;
    const uint8_t soft_kbd[] = { 0x39, 0x05, 0x09 };        /* fixed 1, then REDISPLAY */
    CHECK_EQ_INT(ica_cmd_cut(soft_kbd, sizeof soft_kbd, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 2);
    CHECK_EQ_INT(hdr, 1);
    const uint8_t cache[] = { 0x3a, 0x02, 0x00, 0xaa, 0xbb };
    CHECK_EQ_INT(ica_cmd_cut(cache, sizeof cache, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 5);
    CHECK_EQ_INT(hdr, 3);
    const uint8_t cookie[] = { 0x41, 0x03, 0x00, 0x01, 0xaa, 0xbb };
    CHECK_EQ_INT(ica_cmd_cut(cookie, sizeof cookie, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 6);
    const uint8_t resume[] = { 0x43, 0x04, 0x00, 0x07, 1, 2, 3 };
    CHECK_EQ_INT(ica_cmd_cut(resume, sizeof resume, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 7);
    CHECK_EQ_INT(hdr, 3);
    /* TERMINATE, RISC OS form 05 01 01 (logoff) and 05 01 02 (ack) */
    const uint8_t term_ro[] = { 0x05, 0x01, 0x01, 0x09 };
    CHECK_EQ_INT(ica_cmd_cut(term_ro, sizeof term_ro, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 3);
    CHECK_EQ_INT(ica_terminate_form(term_ro, 3, &roff), ICA_TERM_LENGTH_REASON);
    CHECK_EQ_INT(roff, 2);
    /* HTML5 ack form 05 00 02: one 3-byte command, not `05 00` + stray 0x02 */
    const uint8_t term_h5[] = { 0x05, 0x00, 0x02, 0x09 };
    CHECK_EQ_INT(ica_cmd_cut(term_h5, sizeof term_h5, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 3);
    CHECK_EQ_INT(ica_terminate_form(term_h5, 3, &roff), ICA_TERM_ACK_NO_LENGTH);
    CHECK_EQ_INT(term_h5[roff], ICA_TERMINATE_ACK);
    CHECK_EQ_INT(ica_cmd_cut(term_h5, 2, &total, &hdr), ICA_CUT_NEED_MORE);
    /* 05 00 followed by another command: an empty TERMINATE */
    const uint8_t term_empty[] = { 0x05, 0x00, 0x09 };
    CHECK_EQ_INT(ica_cmd_cut(term_empty, sizeof term_empty, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 2);
    CHECK_EQ_INT(ica_terminate_form(term_empty, 2, &roff), ICA_TERM_NONE);
}

static void test_cut(void)
{
    size_t total = 0, hdr = 0;
    const uint8_t redraw[] = { 0x06, 0x06, 0x00, 0, 0, 0, 0x80, 0x02, 0x1e };
    CHECK_EQ_INT(ica_cmd_cut(redraw, sizeof redraw, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 9);
    CHECK_EQ_INT(hdr, 3);
    CHECK_EQ_INT(ica_cmd_cut(redraw, 8, &total, &hdr), ICA_CUT_NEED_MORE);
    CHECK_EQ_INT(ica_cmd_cut(redraw, 2, &total, &hdr), ICA_CUT_NEED_MORE);
    const uint8_t vw1[] = { 0x30, 0x03, 0x0c, 0xaa, 0xbb };
    CHECK_EQ_INT(ica_cmd_cut(vw1, sizeof vw1, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 5);
    CHECK_EQ_INT(hdr, 2);
    const uint8_t mouse[] = { 0x0d, 1, 2, 3, 4, 5, 0x09 };
    CHECK_EQ_INT(ica_cmd_cut(mouse, sizeof mouse, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 6);
    const uint8_t redisplay[] = { 0x09 };
    CHECK_EQ_INT(ica_cmd_cut(redisplay, 1, &total, &hdr), ICA_CUT_OK);
    CHECK_EQ_INT(total, 1);
    const uint8_t vw2max[] = { 0x31, 0xff, 0xff };
    CHECK_EQ_INT(ica_cmd_cut(vw2max, 3, &total, &hdr), ICA_CUT_NEED_MORE);
    CHECK_EQ_INT(total, 65538);
    const uint8_t unk[] = { 0x3d, 0, 0 };
    CHECK_EQ_INT(ica_cmd_cut(unk, 3, &total, &hdr), ICA_CUT_UNKNOWN);
    CHECK_EQ_INT(ica_cmd_cut(unk, 0, &total, &hdr), ICA_CUT_NEED_MORE);
}

int main(void)
{
    test_every_code_has_the_documented_rule();
    test_cut();
    test_corrected_codes();
    return unit_report();
}
