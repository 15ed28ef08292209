/* vc_cut.h - where one virtual-channel message ends: each channel's length
 * rule (vc.md §0.1) and the cut of a message from the front of a channel's
 * byte stream.  Epan-free.
 *
 * The HTML5 client reads every channel as a byte stream: a message may span
 * virtual writes (and so PDRFRAME frames, CGP records, V3 chunks), and one
 * write may hold several messages (vc.md §0.1).  A channel either has a
 * length field in a fixed header, counting or not counting that header
 * (EUEM: u16 ByteCount including its 4-byte header; CTXCTL/CTXFILE: u16
 * excluding it; CTXGUSB: u32 including a 7-byte header), or none: then the
 * channel's layout may still give the size (CTXCLIP: counts and data sizes
 * inside each message, measured by the decoder's own function), or each
 * write is taken as one message.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_VC_CUT_H
#define CITRIX_VC_CUT_H
#include <stddef.h>
#include <stdint.h>

enum vc_len_kind {
    VC_LEN_WRITE = 0,       /* no length field: a message is one virtual write */
    VC_LEN_FIELD,           /* length field in a fixed header */
    VC_LEN_MEASURE          /* no length field, but the layout gives the size: measure() */
};

enum vc_cut;

typedef struct {
    uint8_t kind;           /* enum vc_len_kind */
    uint8_t hdr_len;        /* the fixed header (the length field lies inside it) */
    uint8_t len_off;        /* offset of the length field (little-endian) */
    uint8_t len_size;       /* 2 or 4 */
    uint8_t includes_hdr;   /* the field counts the header: total = value, else value + hdr_len */
    uint32_t max_len;       /* the longest message kept for reassembly (bounds the buffer) */
    /* VC_LEN_MEASURE: the size of the message at buf from its first avail
     * bytes, as vc_msg_size() reports it (VC_CUT_NEED_HEADER: more bytes needed) */
    enum vc_cut (*measure)(const uint8_t *buf, size_t avail, uint32_t *total);
} vc_len_rule;

enum vc_cut {
    VC_CUT_OK,              /* *total = the message's size; it may exceed avail (continues later) */
    VC_CUT_NEED_HEADER,     /* fewer than hdr_len bytes: the size is not known yet */
    VC_CUT_TOO_SHORT,       /* the length field claims less than its own header */
    VC_CUT_TOO_LONG,        /* the length field claims more than max_len */
    VC_CUT_REST             /* no public layout gives the size: the message runs to the end of the write */
};

/* The size of the message at the front of buf (avail bytes), by rule.
 * VC_LEN_WRITE rules always give avail. */
enum vc_cut vc_msg_size(const vc_len_rule *rule, const uint8_t *buf, size_t avail, uint32_t *total);

#endif
