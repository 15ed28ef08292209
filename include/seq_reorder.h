/* seq_reorder.h - one direction of a sequenced stream put back in order
 * (epan-free, bounded): the bytes of a TCP stream, or the datagrams of a
 * UDT (EDT) flow.
 *
 * The carrier offers every segment or datagram it sees (in capture order)
 * with its sequence number; payloads come out once, in sequence order,
 * through a callback: retransmitted, duplicated and overlapping data is
 * dropped (the first copy wins), data ahead of a hole is held until the
 * hole is filled.  A hole is given up (a real capture gap) when the peer has
 * acknowledged beyond it, or when more than SEQ_REORDER_MAX_HELD items or
 * SEQ_REORDER_MAX_BYTES bytes wait behind it; the held items are then
 * delivered from the lowest one.  What was given up is counted (lost) and
 * reported with the next delivery (the callback's gap).
 *
 * A mode says how sequence numbers count: per byte (TCP: an offer of len
 * bytes covers len numbers) or per item (UDT: each datagram is one number,
 * whatever its length), modulo mask + 1; and what an ACK alone may give up.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_SEQ_REORDER_H
#define CITRIX_SEQ_REORDER_H
#include <stddef.h>
#include <stdint.h>

#define SEQ_REORDER_MAX_HELD  64
#define SEQ_REORDER_MAX_BYTES (256u * 1024u)

/* What happened to an offered item (bit set). */
#define SEQ_NEW       0x01  /* some of it was delivered now */
#define SEQ_DUP       0x02  /* some or all of it was delivered (or held) before: dropped */
#define SEQ_HELD      0x04  /* kept: it lies ahead of a hole */
#define SEQ_GAP       0x08  /* a hole was given up (sequence numbers lost) */
#define SEQ_RELEASED  0x10  /* held items were delivered */

typedef struct {
    uint32_t mask;          /* sequence numbers count modulo mask + 1; mask is 2^k - 1 */
    uint8_t units;          /* 1: each offer is one sequence number; 0: one per byte */
    uint8_t ack_alone;      /* 1: an ACK gives up a hole even when nothing is held beyond it */
    uint32_t max_gap;       /* an ACK further ahead than this skips no hole on its own (0: no limit);
                             * holes below a held item are given up whatever the distance */
} seq_mode;

/* TCP: bytes modulo 2^32; an ACK gives up only holes something is held behind. */
extern const seq_mode SEQ_MODE_TCP;

typedef struct {
    uint32_t seq, len;
    uint32_t tag;           /* the caller's name for where it came from (a frame number) */
    uint8_t *data;
} seq_held;

typedef struct {
    seq_mode mode;
    uint32_t next;          /* sequence number of the next byte or item to deliver */
    uint8_t have_next;
    uint16_t n_held;
    uint32_t held_bytes;
    uint32_t lost;          /* sequence numbers given up so far */
    uint32_t pending_gap;   /* given up, not yet reported with a delivery */
    seq_held *held;         /* sorted by sequence number; NULL until something is held */
} seq_reorder;

/* Receives delivered data; tag says which offered item it came from, gap how
 * many sequence numbers were given up just before it (0: none). */
typedef void (*seq_deliver_fn)(void *ctx, const uint8_t *data, uint32_t len, uint32_t tag, uint32_t gap);

/* a - b as a signed distance modulo mask + 1 (mask = 2^k - 1) */
int32_t seq_diff_masked(uint32_t a, uint32_t b, uint32_t mask);

/* seq_reorder_init: SEQ_MODE_TCP. */
void seq_reorder_init(seq_reorder *r);
void seq_reorder_init_mode(seq_reorder *r, const seq_mode *mode);
/* Frees what is held; keeps the mode. */
void seq_reorder_free(seq_reorder *r);

/* The stream starts at seq (e.g. its first byte after the SYN, a UDT ISN),
 * whatever is offered first.  Before any offer only. */
void seq_reorder_start(seq_reorder *r, uint32_t seq);

/* Offer one item (bytes: len > 0; units: any len).  Returns SEQ_* bits.
 * The first item offered sets where the stream starts. */
unsigned seq_reorder_offer(seq_reorder *r, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag,
                           seq_deliver_fn out, void *ctx);

/* The peer acknowledged everything before ack: a hole below it will not be
 * filled.  Held items at or below ack are delivered after the holes before
 * them.  The hole left below ack is then skipped (reported with the next
 * delivery) when it is at most max_gap wide and something is held beyond
 * ack, or with nothing held when the mode says ack_alone.  Returns SEQ_GAP
 * (| SEQ_RELEASED) when something was given up, else 0. */
unsigned seq_reorder_acked(seq_reorder *r, uint32_t ack, seq_deliver_fn out, void *ctx);

/* Bytes held behind a hole right now. */
static inline uint32_t seq_reorder_held_bytes(const seq_reorder *r) { return r->held_bytes; }

#endif
