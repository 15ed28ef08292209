/* ica_wd.c - WD command names and length rules (ica.md §8, corrected by
 * ica-modern.md §3).
 *
 * Sources for the corrections: the RISC OS client (RO) sends SOFT_KEYBOARD
 * 0x39 with one fixed data byte (wdica:668); the u16 rule for 0x39 in its
 * length table is a receive-side stub named PACKET_MOUSE2 (input:287), so
 * 0x39 is fixed 1.  The HTML5 client's (H5) WdDispatcher sizes table gives
 * a u16 length to 0x3A COMMAND_CACHE, 0x41 COOKIE and 0x43
 * RESUME_VIRTUAL_WRITE (channel byte, then the rest of an interrupted
 * virtual write).  TERMINATE (0x05) has a u8 length: RO sends `05 01 01` and
 * `05 01 02` (wdica:650,730); H5's terminate-ack writer emits `05 00 02`,
 * which its own reader would cut as `05 00` plus a stray byte: both forms
 * are accepted (`05 00 02` is cut as one 3-byte command, ica_terminate_form).
 * 0x40 (no name in any source): a u16 length, an inference from the real
 * Win32 client of captures/edt-citrixudp.pcap, whose one `40 08 00` + 8
 * bytes fills its V3 chunk exactly (ica-modern.md §6).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ica_wd.h"

#define F(n, sz)  { n, ICA_LEN_FIXED, sz, 0 }
#define B(n)      { n, ICA_LEN_U8, 0, 0 }
#define W(n)      { n, ICA_LEN_U16, 0, 0 }
#define U(n)      { n, ICA_LEN_UNKNOWN, 0, 0 }
#define WI(n)     { n, ICA_LEN_U16, 0, ICA_CMD_LEN_INFERRED }

static const ica_cmd_info cmd_table[ICA_CMD_TABLE_SIZE] = {
    /* 00 */ W("INIT_REQUEST"), W("INIT_RESPONSE"), W("INIT_CONNECT"), B("CALLBACK"),
    /* 04 */ W("INIT_CONNECT_RESPONSE"),
    /* TERMINATE: the two clients disagree on the encoding of the reason, not on the rule */
    /* 05 */ B("TERMINATE"), W("REDRAW"), F("STOP_REQUEST", 0),
    /* 08 */ F("STOP_OK", 0), F("REDISPLAY", 0), F("KEYBOARD0", 1), B("KEYBOARD1"),
    /* 0c */ W("KEYBOARD2"), F("MOUSE0", 5), B("MOUSE1"), W("MOUSE2"),
    /* 10 */ F("CLEAR_SCREEN", 1), F("XON", 0), F("CLEAR_EOL", 3), F("XOFF", 0),
    /* 14 */ F("RAW_WRITE0", 1), B("RAW_WRITE1"), W("RAW_WRITE2"), B("WRTCHARSTRATTR1"),
    /* 18 */ W("WRTCHARSTRATTR2"), F("WRTNCELL1", 5), F("WRTNCELL2", 6), F("BEEP", 4),
    /* 1c */ F("SETMOU_POSITION", 4), F("SETMOU_ATTR", 1), F("SETCUR_POSITION", 2), F("SETCUR_ROW", 1),
    /* 20 */ F("SETCUR_COLUMN", 1), F("SETCUR_SIZE", 1), F("SCROLL_SCREEN", 1), F("SCROLLUP", 7),
    /* 24 */ F("SCROLLDN", 7), F("SCROLLLF", 7), F("SCROLLRT", 7), F("SCROLLUP1", 0),
    /* 28 */ F("SCROLLDN1", 0), F("SCROLLLF1", 0), F("SCROLLRT1", 0), F("SCROLLUP2", 1),
    /* 2c */ F("SCROLLDN2", 1), F("SCROLLLF2", 1), F("SCROLLRT2", 1), F("VIRTUAL_WRITE0", 2),
    /* 30 */ B("VIRTUAL_WRITE1"), W("VIRTUAL_WRITE2"), F("VIRTUAL_ACK", 3), B("SET_GRAPHICS"),
    /* 34 */ B("SET_TEXT"), F("SET_GLOBAL_ATTR", 1), F("SET_VIDEO_MODE", 3), F("SET_LED", 1),
    /* 38 */ F("VIRTUAL_FLUSH", 2),
    /* 39 */ F("SOFT_KEYBOARD", 1),
    /* 3a */ W("COMMAND_CACHE"), W("SET_CLIENT_DATA"),
    /* 3c */ W("ALT_KEYBOARD2"), U(NULL), U(NULL), B("CHANNEL_MONITORING"),
    /* 40 */ WI(NULL), W("COOKIE"), U(NULL), W("RESUME_VIRTUAL_WRITE"),
    /* 44 */ W("WDCREDENTIALS"),
};

static const ica_cmd_info cmd_unknown = { NULL, ICA_LEN_UNKNOWN, 0, 0 };

const ica_cmd_info *ica_cmd_lookup(uint8_t code)
{
    return code < ICA_CMD_TABLE_SIZE ? &cmd_table[code] : &cmd_unknown;
}

enum ica_cut ica_cmd_cut(const uint8_t *buf, size_t avail, size_t *total, size_t *hdr_len)
{
    *total = 0;
    *hdr_len = 0;
    if (avail < 1)
        return ICA_CUT_NEED_MORE;
    const ica_cmd_info *ci = ica_cmd_lookup(buf[0]);
    size_t hdr, data;
    switch (ci->rule) {
    case ICA_LEN_FIXED:
        hdr = 1;
        data = ci->fixed;
        break;
    case ICA_LEN_U8:
        if (avail < 2)
            return ICA_CUT_NEED_MORE;
        hdr = 2;
        data = buf[1];
        if (buf[0] == ICA_CMD_TERMINATE && data == 0) {
            /* `05 00` alone, or H5's `05 00 02`: the next byte decides */
            if (avail < 3)
                return ICA_CUT_NEED_MORE;
            if (buf[2] == ICA_TERMINATE_ACK)
                data = 1;
        }
        break;
    case ICA_LEN_U16:
        if (avail < 3)
            return ICA_CUT_NEED_MORE;
        hdr = 3;
        data = (size_t)buf[1] | ((size_t)buf[2] << 8);
        break;
    default:
        return ICA_CUT_UNKNOWN;
    }
    *hdr_len = hdr;
    *total = hdr + data;
    return avail >= *total ? ICA_CUT_OK : ICA_CUT_NEED_MORE;
}

int ica_cmds_exact(const uint8_t *p, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        size_t total, hdr;
        if (ica_cmd_cut(p + pos, len - pos, &total, &hdr) != ICA_CUT_OK)
            return 0;
        pos += total;
    }
    return 1;
}

enum ica_terminate_form ica_terminate_form(const uint8_t *cmd, size_t len, size_t *reason_off)
{
    *reason_off = 0;
    if (len < 2 || cmd[0] != ICA_CMD_TERMINATE)
        return ICA_TERM_NONE;
    if (cmd[1] == 0 && len == 3 && cmd[2] == ICA_TERMINATE_ACK) {
        *reason_off = 2;
        return ICA_TERM_ACK_NO_LENGTH;
    }
    if (cmd[1] >= 1 && len >= 3) {
        *reason_off = 2;
        return ICA_TERM_LENGTH_REASON;
    }
    return ICA_TERM_NONE;
}
