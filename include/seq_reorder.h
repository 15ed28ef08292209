/* seq_reorder.h - one direction of a TCP byte stream put back in order
 * (epan-free, bounded).
 *
 * The ICA TCP carrier offers every segment it sees (in capture order) with
 * its sequence number; bytes come out once, in stream order, through a
 * callback: retransmitted, duplicated and overlapping bytes are dropped (the
 * first copy wins), segments ahead of a hole are held until the hole is
 * filled.  A hole is given up (a real capture gap) when the peer has
 * acknowledged bytes beyond it, or when more than SEQ_REORDER_MAX_HELD
 * segments or SEQ_REORDER_MAX_BYTES bytes wait behind it; the held
 * segments are then delivered from the lowest one.  Sequence numbers are
 * compared modulo 2^32.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_SEQ_REORDER_H
#define CITRIX_SEQ_REORDER_H
#include <stddef.h>
#include <stdint.h>

#define SEQ_REORDER_MAX_HELD  64
#define SEQ_REORDER_MAX_BYTES (256u * 1024u)

/* What happened to an offered segment (bit set). */
#define SEQ_NEW       0x01  /* some of its bytes were delivered now */
#define SEQ_DUP       0x02  /* some or all of its bytes were delivered before (dropped) */
#define SEQ_HELD      0x04  /* kept: it lies ahead of a hole */
#define SEQ_GAP       0x08  /* a hole was given up before a delivery (bytes lost) */
#define SEQ_RELEASED  0x10  /* held segments were delivered */

typedef struct {
    uint32_t seq, len;
    uint32_t tag;           /* the caller's name for where it came from (a frame number) */
    uint8_t *data;
} seq_held;

typedef struct {
    uint32_t next;          /* sequence number of the next byte to deliver */
    uint8_t have_next;
    uint16_t n_held;
    uint32_t held_bytes;
    seq_held *held;         /* sorted by sequence number; NULL until something is held */
} seq_reorder;

/* Receives delivered bytes; tag says which offered segment they came from. */
typedef void (*seq_deliver_fn)(void *ctx, const uint8_t *data, uint32_t len, uint32_t tag);

void seq_reorder_init(seq_reorder *r);
void seq_reorder_free(seq_reorder *r);

/* The stream starts at seq (e.g. its first byte after the SYN), whatever
 * segment is offered first.  Before any offer only. */
void seq_reorder_start(seq_reorder *r, uint32_t seq);

/* Offer one segment (len > 0).  Returns SEQ_* bits.  The first segment
 * offered sets where the stream starts. */
unsigned seq_reorder_offer(seq_reorder *r, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag,
                           seq_deliver_fn out, void *ctx);

/* The peer acknowledged everything before ack: a hole below it will not be
 * filled.  Returns SEQ_GAP | SEQ_RELEASED when held segments were given up
 * waiting and delivered, else 0. */
unsigned seq_reorder_acked(seq_reorder *r, uint32_t ack, seq_deliver_fn out, void *ctx);

/* Bytes held behind a hole right now. */
static inline uint32_t seq_reorder_held_bytes(const seq_reorder *r) { return r->held_bytes; }

#endif
