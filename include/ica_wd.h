/* ica_wd.h - the ICA WD command set and the length rule of every code
 * (ica.md §8).  Epan-free.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_WD_H
#define CITRIX_ICA_WD_H
#include <stddef.h>
#include <stdint.h>

enum ica_len_rule {
    ICA_LEN_UNKNOWN = 0,    /* no source gives the length: decoding must stop */
    ICA_LEN_FIXED,          /* `fixed` data bytes, no length field */
    ICA_LEN_U8,             /* u8 length, then data */
    ICA_LEN_U16             /* u16 LE length, then data */
};

/* Sources disagree on the length (ica.md §13): decode with `rule` but flag it. */
#define ICA_CMD_LEN_CONFLICT 0x01
/* No source gives the length; a real capture does (ica_wd.c). */
#define ICA_CMD_LEN_INFERRED 0x02

typedef struct {
    const char *name;       /* NULL: code not in any source */
    uint8_t rule;           /* enum ica_len_rule */
    uint8_t fixed;          /* data size for ICA_LEN_FIXED */
    uint8_t flags;          /* ICA_CMD_* */
} ica_cmd_info;

enum {
    ICA_CMD_INIT_REQUEST = 0x00, ICA_CMD_INIT_RESPONSE = 0x01, ICA_CMD_INIT_CONNECT = 0x02,
    ICA_CMD_INIT_CONNECT_RESPONSE = 0x04, ICA_CMD_TERMINATE = 0x05, ICA_CMD_REDRAW = 0x06,
    ICA_CMD_KEYBOARD0 = 0x0a, ICA_CMD_KEYBOARD1 = 0x0b, ICA_CMD_KEYBOARD2 = 0x0c,
    ICA_CMD_MOUSE0 = 0x0d, ICA_CMD_MOUSE1 = 0x0e, ICA_CMD_MOUSE2 = 0x0f,
    ICA_CMD_BEEP = 0x1b, ICA_CMD_SETMOU_POSITION = 0x1c,
    ICA_CMD_VIRTUAL_WRITE0 = 0x2f, ICA_CMD_VIRTUAL_WRITE1 = 0x30, ICA_CMD_VIRTUAL_WRITE2 = 0x31,
    ICA_CMD_VIRTUAL_ACK = 0x32, ICA_CMD_SET_LED = 0x37, ICA_CMD_VIRTUAL_FLUSH = 0x38,
    ICA_CMD_SOFT_KEYBOARD = 0x39, ICA_CMD_COMMAND_CACHE = 0x3a,
    ICA_CMD_SET_CLIENT_DATA = 0x3b, ICA_CMD_ALT_KEYBOARD2 = 0x3c,
    ICA_CMD_CHANNEL_MONITORING = 0x3f, ICA_CMD_COOKIE = 0x41, ICA_CMD_RESUME_VIRTUAL_WRITE = 0x43,
    ICA_CMD_WDCREDENTIALS = 0x44
};

/* TERMINATE reasons (ica.md §8) */
enum { ICA_TERMINATE_DISCONNECT = 0, ICA_TERMINATE_LOGOFF = 1, ICA_TERMINATE_ACK = 2 };

#define ICA_CMD_TABLE_SIZE 0x45

/* Never NULL: codes outside the table get an entry with name NULL and
 * rule ICA_LEN_UNKNOWN. */
const ica_cmd_info *ica_cmd_lookup(uint8_t code);

enum ica_cut {
    ICA_CUT_OK,             /* *total = whole command size (code + length field + data) */
    ICA_CUT_NEED_MORE,      /* not enough bytes; *total is the size once known, else 0 */
    ICA_CUT_UNKNOWN         /* code with no known length rule */
};

/* Cut one command from the start of buf (avail bytes).  *hdr_len receives
 * 1, 2 or 3 (code plus length field) when the rule is known. */
enum ica_cut ica_cmd_cut(const uint8_t *buf, size_t avail, size_t *total, size_t *hdr_len);

/* 1 when p[0..len) is whole WD commands exactly (an empty buffer counts):
 * the test key recovery and header inference use to tell a right guess. */
int ica_cmds_exact(const uint8_t *p, size_t len);

/* The two TERMINATE encodings (ica-modern.md §3): `05 01 r` (u8 length,
 * reason) as the RISC OS client sends it, and `05 00 02` as the HTML5
 * client's ack writer emits it (length 0, reason after it).  *reason_off
 * receives the reason's offset in cmd (0 when there is none). */
enum ica_terminate_form {
    ICA_TERM_NONE,              /* no reason byte */
    ICA_TERM_LENGTH_REASON,     /* 05 01 r */
    ICA_TERM_ACK_NO_LENGTH      /* 05 00 02 */
};
enum ica_terminate_form ica_terminate_form(const uint8_t *cmd, size_t len, size_t *reason_off);

#endif
