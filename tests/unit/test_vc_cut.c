/* vc_cut: message sizes by each channel's length rule (vc.md §0.1), with
 * the HTML5 client's EUEM test vectors (vc.md §2) as the including-header
 * case. */
#include "unit.h"
#include "vc_cut.h"

static const vc_len_rule euem = { VC_LEN_FIELD, 4, 0, 2, 1, 0xFFFF, NULL };   /* ByteCount includes header */
static const vc_len_rule ctl = { VC_LEN_FIELD, 4, 0, 2, 0, 0xFFFF + 4, NULL }; /* len excludes header */
static const vc_len_rule gusb = { VC_LEN_FIELD, 7, 0, 4, 1, 1 << 20, NULL };   /* u32 incl. 7-byte header */
static const vc_len_rule whole = { VC_LEN_WRITE, 0, 0, 0, 0, 0, NULL };

int main(void)
{
    uint32_t total;
    /* EUEM bind request (13 bytes) followed by more bytes: size 13 */
    static const uint8_t bind[] = { 0x0D, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x05, 0x00, 0x01, 0x00, 0x03, 0x06 };
    CHECK_EQ_INT(vc_msg_size(&euem, bind, sizeof bind, &total), VC_CUT_OK);
    CHECK_EQ_INT(total, 13);
    /* only part of the header: size unknown */
    CHECK_EQ_INT(vc_msg_size(&euem, bind, 3, &total), VC_CUT_NEED_HEADER);
    CHECK_EQ_INT(total, 0);
    /* header alone: the size is known before the body arrives */
    CHECK_EQ_INT(vc_msg_size(&euem, bind, 4, &total), VC_CUT_OK);
    CHECK_EQ_INT(total, 13);
    /* ByteCount 3 < its own 4-byte header */
    static const uint8_t short_euem[] = { 0x03, 0x00, 0x07, 0x00 };
    CHECK_EQ_INT(vc_msg_size(&euem, short_euem, 4, &total), VC_CUT_TOO_SHORT);
    CHECK_EQ_INT(total, 3);
    /* CTXCTL: length 4 excludes the header: 8 bytes in all; length 0 is a bare header */
    static const uint8_t ctl_resp[] = { 0x04, 0x00, 0x04, 0x00, 0, 0, 0, 0 };
    CHECK_EQ_INT(vc_msg_size(&ctl, ctl_resp, sizeof ctl_resp, &total), VC_CUT_OK);
    CHECK_EQ_INT(total, 8);
    static const uint8_t ctl_empty[] = { 0x00, 0x00, 0x08, 0x00 };
    CHECK_EQ_INT(vc_msg_size(&ctl, ctl_empty, 4, &total), VC_CUT_OK);
    CHECK_EQ_INT(total, 4);
    /* CTXGUSB: u32 0xFFFFFFFF is past the channel's limit */
    static const uint8_t gusb_huge[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0x20, 0x01, 0x00 };
    CHECK_EQ_INT(vc_msg_size(&gusb, gusb_huge, 7, &total), VC_CUT_TOO_LONG);
    CHECK_EQ_INT(total, 0xFFFFFFFFu);
    static const uint8_t gusb_ok[] = { 0x09, 0x00, 0x00, 0x00, 0x1F, 0x01, 0x00, 0x05, 0x00 };
    CHECK_EQ_INT(vc_msg_size(&gusb, gusb_ok, 9, &total), VC_CUT_OK);
    CHECK_EQ_INT(total, 9);
    /* a u16 "excludes" length of 0xFFFF plus its header is 0x10003, not wrapped */
    static const uint8_t ctl_max[] = { 0xFF, 0xFF, 0x03, 0x00 };
    CHECK_EQ_INT(vc_msg_size(&ctl, ctl_max, 4, &total), VC_CUT_OK);
    CHECK_EQ_INT(total, 0x10003);
    /* no length field: the whole write */
    CHECK_EQ_INT(vc_msg_size(&whole, bind, 5, &total), VC_CUT_OK);
    CHECK_EQ_INT(total, 5);
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed != 0;
}
