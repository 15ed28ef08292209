/* vc_clip: CTXCLIP message sizes from their layout (vc.md §5; wfshell and
 * the HTML5 client's ClipboardEngine). */
#include "unit.h"
#include "vc_clip.h"

#define SIZE(buf, n, want_cut, want_total) do { \
        uint32_t _t; \
        CHECK_EQ_INT(vc_clip_size((buf), (n), &_t), (want_cut)); \
        if ((want_cut) == VC_CUT_OK) CHECK_EQ_INT(_t, (want_total)); \
    } while (0)

int main(void)
{
    /* INIT_REQUEST versions 1..3, then the next message's bytes */
    static const uint8_t init_req[] = { 1, 0, 1, 0, 3, 0, 4, 0 };
    SIZE(init_req, sizeof init_req, VC_CUT_OK, 6);
    SIZE(init_req, 3, VC_CUT_NEED_HEADER, 0);
    /* INIT_REPLY as the HTML5 client writes it: 12 bytes, CFNotify list empty */
    static const uint8_t init_reply[] = { 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0 };
    SIZE(init_reply, sizeof init_reply, VC_CUT_OK, 12);
    SIZE(init_reply, 11, VC_CUT_NEED_HEADER, 0);
    /* ... with two notify formats (1, 13) before the 0 */
    static const uint8_t init_reply2[] = { 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 13, 0, 0, 0 };
    SIZE(init_reply2, sizeof init_reply2, VC_CUT_OK, 16);
    /* RENDER_REQUEST CF_UNICODETEXT */
    static const uint8_t render_req[] = { 4, 0, 0, 0, 13, 0, 0, 0 };
    SIZE(render_req, sizeof render_req, VC_CUT_OK, 8);
    /* RENDER_REPLY with 6 data bytes: 10 + 6 (size known from the first 10 bytes) */
    static const uint8_t render_reply[] = { 5, 0, 0, 0, 13, 0, 6, 0, 0, 0, 'h', 0, 'i', 0, 0, 0 };
    SIZE(render_reply, sizeof render_reply, VC_CUT_OK, 16);
    SIZE(render_reply, 10, VC_CUT_OK, 16);
    SIZE(render_reply, 9, VC_CUT_NEED_HEADER, 0);
    /* failed RENDER_REPLY: 05 00 04 00 */
    static const uint8_t failed[] = { 5, 0, 4, 0, 9, 9 };
    SIZE(failed, sizeof failed, VC_CUT_OK, 4);
    /* PLACE, one format, notification only: no data */
    static const uint8_t place1[] = { 3, 0, 1, 0, 13, 0, 6, 0, 0, 0 };
    SIZE(place1, sizeof place1, VC_CUT_OK, 10);
    /* PLACE, several formats, notification only, u16 0 terminator */
    static const uint8_t placem[] = { 3, 0, 3, 0, 13, 0, 6, 0, 0, 0, 1, 0, 3, 0, 0, 0, 0, 0 };
    SIZE(placem, sizeof placem, VC_CUT_OK, 18);
    SIZE(placem, 17, VC_CUT_NEED_HEADER, 0);
    /* PLACE with data: one format, 3 bytes */
    static const uint8_t placed[] = { 3, 0, 0, 0, 1, 0, 3, 0, 0, 0, 'a', 'b', 0 };
    SIZE(placed, sizeof placed, VC_CUT_OK, 13);
    /* REGISTER_FORMAT_REQUEST: one format 0xC001 named "HTML Format\0", then the 6-byte zero block */
    static const uint8_t reg[] = { 8, 0, 0, 0, 0x01, 0xC0, 12, 0, 0, 0,
                                   'H', 'T', 'M', 'L', ' ', 'F', 'o', 'r', 'm', 'a', 't', 0, 0, 0, 0, 0, 0, 0 };
    SIZE(reg, sizeof reg, VC_CUT_OK, 28);
    SIZE(reg, 27, VC_CUT_NEED_HEADER, 0);
    SIZE(reg, 20, VC_CUT_NEED_HEADER, 0);       /* inside the name */
    /* REGISTER_FORMAT_REPLY: 09 00 00 00, C001 with cbData 0, zero block */
    static const uint8_t regr[] = { 9, 0, 0, 0, 0x01, 0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    SIZE(regr, sizeof regr, VC_CUT_OK, 16);
    /* CANCEL: no public layout */
    static const uint8_t cancel[] = { 6, 0, 0, 0, 1, 2 };
    SIZE(cancel, sizeof cancel, VC_CUT_REST, 0);
    /* RENDER_REPLY claiming 0xFFFFFFFF bytes: past any 32-bit size */
    static const uint8_t huge[] = { 5, 0, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF };
    SIZE(huge, sizeof huge, VC_CUT_TOO_LONG, 0);
    /* through a rule: the channel's bound applies */
    static const vc_len_rule rule = { VC_LEN_MEASURE, 0, 0, 0, 0, 64, vc_clip_size };
    uint32_t t;
    CHECK_EQ_INT(vc_msg_size(&rule, render_reply, sizeof render_reply, &t), VC_CUT_OK);
    static const uint8_t big[] = { 5, 0, 0, 0, 1, 0, 100, 0, 0, 0 };
    CHECK_EQ_INT(vc_msg_size(&rule, big, sizeof big, &t), VC_CUT_TOO_LONG);
    CHECK_EQ_INT(t, 110);
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed != 0;
}
