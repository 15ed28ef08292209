/* seq_reorder.c - one direction of a TCP byte stream put back in order.
 * See seq_reorder.h.  Held segments are copies (malloc), at most
 * SEQ_REORDER_MAX_HELD of them and SEQ_REORDER_MAX_BYTES in all.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "seq_reorder.h"
#include <stdlib.h>
#include <string.h>

/* a - b as a signed distance modulo 2^32 */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

void seq_reorder_init(seq_reorder *r)
{
    memset(r, 0, sizeof *r);
}

void seq_reorder_free(seq_reorder *r)
{
    for (unsigned i = 0; i < r->n_held; i++)
        free(r->held[i].data);
    free(r->held);
    seq_reorder_init(r);
}

void seq_reorder_start(seq_reorder *r, uint32_t seq)
{
    if (!r->have_next) {
        r->next = seq;
        r->have_next = 1;
    }
}

static void drop_first(seq_reorder *r)
{
    r->held_bytes -= r->held[0].len;
    free(r->held[0].data);
    r->n_held--;
    memmove(r->held, r->held + 1, r->n_held * sizeof *r->held);
}

/* Deliver held segments that start at or before next; returns SEQ_RELEASED if any byte went out. */
static unsigned drain(seq_reorder *r, seq_deliver_fn out, void *ctx)
{
    unsigned flags = 0;
    while (r->n_held && seq_diff(r->held[0].seq, r->next) <= 0) {
        seq_held *h = &r->held[0];
        uint32_t skip = (uint32_t)-seq_diff(h->seq, r->next);
        if (skip < h->len) {
            out(ctx, h->data + skip, h->len - skip, h->tag);
            r->next += h->len - skip;
            flags |= SEQ_RELEASED;
        }
        drop_first(r);
    }
    return flags;
}

/* Give up the hole before the lowest held segment. */
static unsigned give_up(seq_reorder *r, seq_deliver_fn out, void *ctx)
{
    if (!r->n_held)
        return 0;
    r->next = r->held[0].seq;
    return SEQ_GAP | drain(r, out, ctx);
}

/* Keep a copy, in sequence order; a segment already held at the same start
 * with at least this length makes it a duplicate.  Returns 0 or SEQ_DUP. */
static unsigned hold(seq_reorder *r, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag)
{
    unsigned i = 0;
    while (i < r->n_held && seq_diff(r->held[i].seq, seq) < 0)
        i++;
    if (i < r->n_held && r->held[i].seq == seq && r->held[i].len >= len)
        return SEQ_DUP;
    if (!r->held) {
        r->held = (seq_held *)malloc(SEQ_REORDER_MAX_HELD * sizeof *r->held);
        if (!r->held)
            return SEQ_DUP;
    }
    uint8_t *copy = (uint8_t *)malloc(len);
    if (!copy)
        return SEQ_DUP;
    memcpy(copy, data, len);
    memmove(r->held + i + 1, r->held + i, (r->n_held - i) * sizeof *r->held);
    r->held[i].seq = seq;
    r->held[i].len = len;
    r->held[i].tag = tag;
    r->held[i].data = copy;
    r->n_held++;
    r->held_bytes += len;
    return SEQ_HELD;
}

unsigned seq_reorder_offer(seq_reorder *r, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag,
                           seq_deliver_fn out, void *ctx)
{
    unsigned flags = 0;
    if (len == 0)
        return 0;
    if (!r->have_next) {
        r->next = seq;
        r->have_next = 1;
    }
    int32_t ahead = seq_diff(seq, r->next);
    if (ahead <= 0) {
        /* Deliver the new bytes, but stop at a held segment: its bytes came
         * first, so they win where the two overlap. */
        uint32_t used = 0;     /* bytes of this segment delivered */
        while (len) {
            uint32_t skip = (uint32_t)-seq_diff(seq, r->next);
            if (seq_diff(seq, r->next) > 0 || skip >= len)
                break;
            uint32_t n = len - skip;
            if (r->n_held && seq_diff(r->held[0].seq, r->next) >= 0 &&
                (uint32_t)seq_diff(r->held[0].seq, r->next) < n)
                n = (uint32_t)seq_diff(r->held[0].seq, r->next);
            if (n) {
                out(ctx, data + skip, n, tag);
                r->next += n;
                used += n;
                flags |= SEQ_NEW;
            }
            flags |= drain(r, out, ctx);
            if (!n && !(flags & SEQ_RELEASED))
                break;
        }
        if (used < len)
            flags |= SEQ_DUP;   /* delivered before, or held already */
        return flags;
    }
    /* Ahead of a hole: make room first if the bounds are reached. */
    while (r->n_held && (r->n_held >= SEQ_REORDER_MAX_HELD || r->held_bytes + len > SEQ_REORDER_MAX_BYTES))
        flags |= give_up(r, out, ctx);
    if (seq_diff(seq, r->next) <= 0)    /* the hole was given up up to (or past) this segment */
        return flags | seq_reorder_offer(r, seq, data, len, tag, out, ctx);
    if (len > SEQ_REORDER_MAX_BYTES) {  /* too big to wait for anything: the hole is lost */
        r->next = seq;
        return flags | SEQ_GAP | seq_reorder_offer(r, seq, data, len, tag, out, ctx);
    }
    return flags | hold(r, seq, data, len, tag);
}

unsigned seq_reorder_acked(seq_reorder *r, uint32_t ack, seq_deliver_fn out, void *ctx)
{
    if (!r->have_next || !r->n_held || seq_diff(ack, r->next) <= 0)
        return 0;
    /* The peer has every byte before ack: whatever of it is missing here
     * was not captured.  Holes above ack may still be filled. */
    unsigned flags = 0;
    while (r->n_held && seq_diff(ack, r->next) > 0) {
        if (seq_diff(r->held[0].seq, ack) <= 0) {
            flags |= give_up(r, out, ctx);
        } else {
            r->next = ack;
            flags |= SEQ_GAP;
        }
    }
    return flags;
}
