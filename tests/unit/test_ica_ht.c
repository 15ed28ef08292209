/* High-throughput header (ica_ht.h, ica-modern.md §2): field decoding,
 * activation exactly when negotiated (H5 rule), inference when the
 * handshake was not captured, and interrupted virtual writes joined with
 * RESUME_VIRTUAL_WRITE. */
#include <stdlib.h>
#include "unit.h"
#include "ica_stream.h"
#include "ica_wd.h"
#include "ica_ht.h"

typedef struct {
    int frames, ht_frames, inferred, short_hdr, cmds;
    uint8_t ht_flags[16];
    uint16_t rtt[16];
    uint32_t bw[16];
    uint8_t codes[32], cmd_flags[32];
    uint32_t cmd_len[32];
    uint8_t joined[64];
    size_t joined_len;
} ht_tally;

static void on_event(void *ctx, const ica_event *ev)
{
    ht_tally *t = ctx;
    if (ev->type == ICA_EV_FRAME) {
        t->frames++;
        if (ev->ht_short)
            t->short_hdr++;
        if (ev->ht_len && t->ht_frames < 16) {
            t->ht_flags[t->ht_frames] = ev->ht_flags;
            t->rtt[t->ht_frames] = ev->ht_rtt_ms;
            t->bw[t->ht_frames] = ev->ht_bw;
            t->ht_frames++;
            t->inferred += ev->ht_inferred;
        }
    } else if (ev->type == ICA_EV_CMD && t->cmds < 32) {
        t->codes[t->cmds] = ev->code;
        t->cmd_flags[t->cmds] = ev->cmd_flags;
        t->cmd_len[t->cmds] = ev->plain_len;
        if ((ev->cmd_flags & ICA_CMDF_JOINED) && ev->plain_len <= sizeof t->joined) {
            memcpy(t->joined, ev->plain, ev->plain_len);
            t->joined_len = ev->plain_len;
        }
        t->cmds++;
    }
}

static size_t hex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = h; p[0] && p[1] && n < cap;) {
        if (*p == ' ') { p++; continue; }
        unsigned v;
        sscanf(p, "%2x", &v);
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

static void feed(ica_stream *st, enum ica_dir dir, const char *h, ht_tally *t)
{
    uint8_t buf[512];
    size_t n = hex(h, buf, sizeof buf);
    ica_stream_feed(st, dir, buf, n, on_event, t);
}

/* One clear PDRFRAME frame (CRYPT_NOT_ENCRYPTED) around WD bytes given in hex. */
static void clear_frame(ica_stream *st, enum ica_dir dir, const char *h, ht_tally *t)
{
    uint8_t buf[512];
    size_t n = hex(h, buf + 3, sizeof buf - 3);
    buf[0] = (uint8_t)(n + 1);
    buf[1] = (uint8_t)((n + 1) >> 8);
    buf[2] = ICA_CRYPT_NOT_ENCRYPTED;
    ica_stream_feed(st, dir, buf, n + 3, on_event, t);
}

static void test_fields(void)
{
    /* H5 encoder for 1,000,000 bytes/s: 12 leading zeros, top 12 bits 0xF42
     * -> raw 0x6742, which decodes to 0xF42 << 8 = 999,936 bytes/s */
    CHECK_EQ_INT(ica_ht_bandwidth(0x6742), 999936);
    CHECK_EQ_INT(ica_ht_bandwidth(0x0000), 0x80000000u);     /* shift 0: the largest value */
    CHECK_EQ_INT(ica_ht_bandwidth(0xffff), 1);                /* shift 31: 0xfff00000 >> 31 */
    CHECK_EQ_INT(ica_ht_bandwidth(0x5800 | 0x388), 0xb88u << 9);
    ica_ht_header h;
    const uint8_t both[] = { 0x18, 0x42, 0x67, 0xe8, 0x03, 0x09 };
    CHECK_EQ_INT(ica_ht_parse(both, sizeof both, &h), 5);
    CHECK_EQ_INT(h.bw_bytes_per_s, 999936);
    CHECK_EQ_INT(h.rtt_ms, 1000);
    const uint8_t rtt_only[] = { 0x28, 0x2c, 0x01 };
    CHECK_EQ_INT(ica_ht_parse(rtt_only, sizeof rtt_only, &h), 3);
    CHECK_EQ_INT(h.rtt_ms, 300);
    CHECK_EQ_INT(h.has_bw, 0);
    CHECK_EQ_INT(ica_ht_parse(both, 4, &h), 0);               /* round trip cut short */
    CHECK_EQ_INT(ica_ht_parse(both, 0, &h), 0);
    const uint8_t plain_hdr[] = { 0x00, 0x09 };
    CHECK_EQ_INT(ica_ht_parse(plain_hdr, sizeof plain_hdr, &h), 1);
    /* capability lookup is bounded by the list */
    const uint8_t list[] = { 0, 2, 4, 0, 6, 0, 2, 0, 3, 0, 12, 0, 16, 0, 0, 0, 0, 0, 0x88, 0x13, 0, 0 };
    const uint8_t *b;
    size_t bl;
    CHECK(ica_caplist_find(list, sizeof list, 16, &b, &bl));
    CHECK_EQ_INT(bl, 12);
    CHECK_EQ_INT(b - list, 10);
    CHECK(!ica_caplist_find(list, sizeof list - 1, 16, &b, &bl));
    CHECK(!ica_caplist_find(list, sizeof list, 5, &b, &bl));
}

/* INIT_REQUEST level 7 offering HIGH_THROUGHPUT */
#define REQUEST_HT "00 11 00 07 00 01 04 00 0c 00 10 00 00 00 00 00 88 13 00 00"
/* INIT_CONNECT WD v9 (reducer off, empty capability list), PDRFRAME, PDCRYPT1, TD */
#define CONNECTS "02 2a 00 2a 00 03 02 01 09 09 00 00 08 06 00 06 00 ff ff ff ff 00 00 00 00 00 00 " \
                 "01 00 00 00 d0 07 02 00 04 00 26 00 e4 04 00 00 04 00 " \
                 "02 0c 00 0c 00 02 04 01 01 01 00 09 00 00 00 " \
                 "02 0c 00 0c 00 01 04 01 01 01 00 0b 00 00 00 " \
                 "02 08 00 08 00 00 05 01 01 01 00"

/* WD_C2H v9 module, no VcBind, capability list at 86 holding HIGH_THROUGHPUT
 * with the given supportMask (or no capability when mask < 0). */
static void client_wd(ica_stream *st, long mask, ht_tally *t)
{
    uint8_t p[3 + 86 + 16];
    memset(p, 0, sizeof p);
    size_t caplen = mask < 0 ? 4 : 16, mlen = 86 + caplen;
    p[0] = 0x01;
    p[1] = (uint8_t)mlen;
    p[3] = (uint8_t)mlen;
    p[3 + 3] = 2;                       /* WinstationDriver */
    p[3 + 4] = 1;
    p[3 + 5] = 9;
    memcpy(p + 3 + 6, "WDICA30N.DLL", 12);
    p[3 + 82] = (uint8_t)caplen;
    p[3 + 84] = 86;
    uint8_t *c = p + 3 + 86;
    c[2] = 4;
    if (mask >= 0) {
        c[1] = 1;
        c[4] = 12;
        c[6] = ICA_CAP_HIGH_THROUGHPUT;
        c[8] = (uint8_t)mask;
        c[12] = 0x88;
        c[13] = 0x13;                   /* MaxICAPacketLength 5000 */
    }
    ica_stream_feed(st, ICA_C2S, p, 3 + mlen, on_event, t);
}

static void session(ica_stream *st, long client_mask, int host_offers, ht_tally *t)
{
    ica_stream_init(st, ICA_PHASE_RAW, NULL, NULL);
    feed(st, ICA_S2C, host_offers ? REQUEST_HT : "00 05 00 07 00 00 04 00", t);
    client_wd(st, client_mask, t);
    feed(st, ICA_S2C, CONNECTS, t);
    feed(st, ICA_C2S, "04 00 00", t);
}

static void test_negotiated(void)
{
    ica_stream st;
    ht_tally t = { 0 };
    session(&st, 0, 1, &t);
    CHECK_EQ_INT(st.sum.ht_host_offered, 1);
    CHECK_EQ_INT(st.sum.ht_client_listed, 1);
    CHECK_EQ_INT(st.sum.ht_max_packet, 5000);
    CHECK_EQ_INT(st.sum.ht_state, ICA_HT_ON);
    /* bandwidth 999,936 bytes/s and round trip 1000 ms, then REDISPLAY, SET_LED */
    clear_frame(&st, ICA_C2S, "18 42 67 e8 03 09 37 01", &t);
    /* round-trip token only, then SET_GRAPHICS */
    clear_frame(&st, ICA_S2C, "20 33 00", &t);
    /* round trip 35 ms */
    clear_frame(&st, ICA_S2C, "08 23 00 33 00", &t);
    CHECK_EQ_INT(t.ht_frames, 3);
    CHECK_EQ_INT(t.inferred, 0);
    CHECK_EQ_INT(t.ht_flags[0], 0x18);
    CHECK_EQ_INT(t.bw[0], 999936);
    CHECK_EQ_INT(t.rtt[0], 1000);
    CHECK_EQ_INT(t.ht_flags[1], 0x20);
    CHECK_EQ_INT(t.rtt[2], 35);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_C2S][0x09], 1);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_C2S][0x37], 1);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_S2C][0x33], 2);
    /* a frame too short for the fields its flags announce */
    clear_frame(&st, ICA_S2C, "18 42", &t);
    CHECK_EQ_INT(t.short_hdr, 1);
    ica_stream_free(&st);
}

static void test_not_negotiated(void)
{
    /* the host offers it, the client does not list it: no header */
    ica_stream st;
    ht_tally t = { 0 };
    session(&st, -1, 1, &t);
    CHECK_EQ_INT(st.sum.ht_state, ICA_HT_OFF);
    clear_frame(&st, ICA_C2S, "08 09", &t);            /* STOP_OK, REDISPLAY: not flags */
    CHECK_EQ_INT(t.ht_frames, 0);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_C2S][0x08], 1);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_C2S][0x09], 1);
    ica_stream_free(&st);

    /* the client lists it but the host never offered it */
    ht_tally t2 = { 0 };
    session(&st, 0, 0, &t2);
    CHECK_EQ_INT(st.sum.ht_state, ICA_HT_OFF);
    ica_stream_free(&st);

    /* both list it, supportMask non-zero: H5 would not use it; other
     * clients' rule is not public, so the frames decide (inferred) */
    ht_tally t3 = { 0 };
    session(&st, 3, 1, &t3);
    CHECK_EQ_INT(st.sum.ht_state, ICA_HT_UNKNOWN);
    clear_frame(&st, ICA_C2S, "33 00", &t3);
    CHECK_EQ_INT(st.sum.ht_state, ICA_HT_INFERRED_OFF);
    CHECK_EQ_INT(t3.ht_frames, 0);
    ica_stream_free(&st);
}

static void test_inferred(void)
{
    ica_stream st;
    ht_tally t = { 0 };
    ica_stream_init(&st, ICA_PHASE_SYNC, NULL, NULL);
    /* without the header 0x18 would be WRTCHARSTRATTR2 claiming 0x6742 bytes */
    clear_frame(&st, ICA_S2C, "18 42 67 e8 03 09 37 01", &t);
    CHECK_EQ_INT(st.sum.ht_state, ICA_HT_INFERRED_ON);
    CHECK_EQ_INT(t.ht_frames, 1);
    CHECK_EQ_INT(t.inferred, 1);
    CHECK_EQ_INT(t.bw[0], 999936);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_S2C][0x37], 1);
    clear_frame(&st, ICA_C2S, "00 0d 01 00 02 00 01", &t);
    CHECK_EQ_INT(t.inferred, 2);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_C2S][0x0d], 1);
    ica_stream_free(&st);

    /* a classic mid-session stream is inferred without the header */
    ht_tally t2 = { 0 };
    ica_stream_init(&st, ICA_PHASE_SYNC, NULL, NULL);
    clear_frame(&st, ICA_S2C, "1c 01 00 02 00 33 00", &t2);
    CHECK_EQ_INT(st.sum.ht_state, ICA_HT_INFERRED_OFF);
    CHECK_EQ_INT(t2.ht_frames, 0);
    CHECK_EQ_INT(st.sum.cmd_count[ICA_S2C][0x1c], 1);
    ica_stream_free(&st);
}

static void test_interrupted_write(void)
{
    ica_stream st;
    ht_tally t = { 0 };
    session(&st, 0, 1, &t);
    /* VIRTUAL_WRITE2 on channel 5, length 10 (channel + 9 bytes): 3 bytes sent */
    clear_frame(&st, ICA_S2C, "00 31 0a 00 05 a1 a2 a3", &t);
    /* interrupt: a REDISPLAY-sized SET_LED goes first */
    clear_frame(&st, ICA_S2C, "80 37 01", &t);
    /* resume: channel 5 and the remaining 6 bytes */
    clear_frame(&st, ICA_S2C, "00 43 07 00 05 b1 b2 b3 b4 b5 b6", &t);
    CHECK_EQ_INT(t.cmds, 4);
    CHECK_EQ_INT(t.codes[0], 0x31);
    CHECK_EQ_INT(t.cmd_flags[0], ICA_CMDF_INTERRUPTED);
    CHECK_EQ_INT(t.cmd_len[0], 7);
    CHECK_EQ_INT(t.codes[1], 0x37);
    CHECK_EQ_INT(t.codes[2], ICA_CMD_RESUME_VIRTUAL_WRITE);
    CHECK_EQ_INT(t.cmd_flags[2], 0);
    CHECK_EQ_INT(t.codes[3], 0x31);
    CHECK_EQ_INT(t.cmd_flags[3], ICA_CMDF_JOINED);
    const uint8_t want[] = { 0x31, 0x0a, 0x00, 0x05, 0xa1, 0xa2, 0xa3, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6 };
    CHECK_EQ_INT(t.joined_len, sizeof want);
    CHECK_EQ_MEM(t.joined, want, sizeof want);
    CHECK_EQ_INT(ica_vc_writes(&st.sum, ICA_S2C, 5), 1);
    CHECK_EQ_INT(ica_vc_bytes(&st.sum, ICA_S2C, 5), 9);
    /* a resume for a channel with nothing interrupted */
    clear_frame(&st, ICA_S2C, "00 43 02 00 06 ff", &t);
    CHECK_EQ_INT(t.cmd_flags[4], ICA_CMDF_RESUME_ORPHAN);
    /* a resume longer than the rest: the write is completed, the excess flagged */
    clear_frame(&st, ICA_C2S, "00 30 05 07 01 02", &t);
    clear_frame(&st, ICA_C2S, "80 09", &t);
    clear_frame(&st, ICA_C2S, "00 43 05 00 07 03 04 05 06", &t);
    CHECK_EQ_INT(t.cmd_flags[7], ICA_CMDF_RESUME_OVERRUN);
    CHECK_EQ_INT(t.cmd_flags[8], ICA_CMDF_JOINED);
    CHECK_EQ_INT(t.cmd_len[8], 7);
    ica_stream_free(&st);
}

/* Hostile: more interrupted writes than slots, lying resume lengths, a
 * header-only frame; nothing is kept beyond ICA_MAX_INTERRUPTED. */
static void test_interrupt_bounds(void)
{
    ica_stream st;
    ht_tally t = { 0 };
    session(&st, 0, 1, &t);
    char frame[64];
    for (int ch = 1; ch <= ICA_MAX_INTERRUPTED + 1; ch++) {
        snprintf(frame, sizeof frame, "00 31 ff 7f %02x 01 02", ch);    /* claims 32767 bytes */
        clear_frame(&st, ICA_S2C, frame, &t);
        clear_frame(&st, ICA_S2C, "80", &t);                            /* header only: interrupt */
    }
    int interrupted = 0, dropped = 0;
    for (int i = 0; i < t.cmds; i++) {
        interrupted += (t.cmd_flags[i] & ICA_CMDF_INTERRUPTED) != 0;
        dropped += (t.cmd_flags[i] & ICA_CMDF_NOT_RESUMABLE) != 0;
    }
    CHECK_EQ_INT(interrupted, ICA_MAX_INTERRUPTED + 1);
    CHECK_EQ_INT(dropped, 1);
    /* a resume of channel 1 far shorter than the rest: partial, kept */
    clear_frame(&st, ICA_S2C, "00 43 03 00 01 aa bb", &t);
    CHECK_EQ_INT(t.cmd_flags[t.cmds - 1], ICA_CMDF_RESUME_PARTIAL);
    /* the stream goes on */
    clear_frame(&st, ICA_S2C, "00 37 01", &t);
    CHECK_EQ_INT(t.codes[t.cmds - 1], 0x37);
    ica_stream_free(&st);
}

int main(void)
{
    test_fields();
    test_negotiated();
    test_not_negotiated();
    test_inferred();
    test_interrupted_write();
    test_interrupt_bounds();
    return unit_report();
}
