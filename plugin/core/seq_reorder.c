/* seq_reorder.c - one direction of a sequenced stream (TCP bytes, UDT
 * datagrams) put back in order.  See seq_reorder.h.  Held items are copies
 * (malloc), at most SEQ_REORDER_MAX_HELD of them and SEQ_REORDER_MAX_BYTES
 * in all.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "seq_reorder.h"
#include <stdlib.h>
#include <string.h>

const seq_mode SEQ_MODE_TCP = { 0xffffffffu, 0, 0, 0 };

int32_t seq_diff_masked(uint32_t a, uint32_t b, uint32_t mask)
{
    uint32_t d = (a - b) & mask;
    uint32_t sign = (mask >> 1) + 1;            /* the top bit of the sequence space */
    return (int32_t)(d & sign ? d | ~mask : d);
}

static int32_t seq_diff(const seq_reorder *r, uint32_t a, uint32_t b)
{
    return seq_diff_masked(a, b, r->mode.mask);
}

void seq_reorder_init(seq_reorder *r)
{
    seq_reorder_init_mode(r, &SEQ_MODE_TCP);
}

void seq_reorder_init_mode(seq_reorder *r, const seq_mode *mode)
{
    memset(r, 0, sizeof *r);
    r->mode = *mode;
}

void seq_reorder_free(seq_reorder *r)
{
    seq_mode mode = r->mode;
    for (unsigned i = 0; i < r->n_held; i++)
        free(r->held[i].data);
    free(r->held);
    seq_reorder_init_mode(r, &mode);
}

void seq_reorder_start(seq_reorder *r, uint32_t seq)
{
    if (!r->have_next) {
        r->next = seq & r->mode.mask;
        r->have_next = 1;
    }
}

/* Hand len bytes standing for span sequence numbers to the caller, with
 * what was given up before them. */
static void emit(seq_reorder *r, const uint8_t *data, uint32_t len, uint32_t span, uint32_t tag,
                 seq_deliver_fn out, void *ctx)
{
    uint32_t gap = r->pending_gap;
    r->pending_gap = 0;
    r->next = (r->next + span) & r->mode.mask;
    out(ctx, data, len, tag, gap);
}

/* The sequence numbers before seq (ahead of next) will never come. */
static void skip_to(seq_reorder *r, uint32_t seq)
{
    uint32_t d = (uint32_t)seq_diff(r, seq, r->next);
    r->lost += d;
    r->pending_gap += d;
    r->next = seq;
}

static void drop_first(seq_reorder *r)
{
    r->held_bytes -= r->held[0].len;
    free(r->held[0].data);
    r->n_held--;
    memmove(r->held, r->held + 1, r->n_held * sizeof *r->held);
}

/* Deliver held items that start at or before next; returns SEQ_RELEASED if anything went out. */
static unsigned drain(seq_reorder *r, seq_deliver_fn out, void *ctx)
{
    unsigned flags = 0;
    while (r->n_held && seq_diff(r, r->held[0].seq, r->next) <= 0) {
        seq_held *h = &r->held[0];
        uint32_t skip = (uint32_t)-seq_diff(r, h->seq, r->next);   /* 0 in units mode */
        uint32_t span = r->mode.units ? 1 : h->len;
        if (skip < span) {
            emit(r, h->data + skip, h->len - skip, span - skip, h->tag, out, ctx);
            flags |= SEQ_RELEASED;
        }
        drop_first(r);
    }
    return flags;
}

/* Give up the hole before the lowest held item. */
static unsigned give_up(seq_reorder *r, seq_deliver_fn out, void *ctx)
{
    if (!r->n_held)
        return 0;
    skip_to(r, r->held[0].seq);
    return SEQ_GAP | drain(r, out, ctx);
}

/* Keep a copy, in sequence order; an item already held at the same number
 * (bytes: with at least this length) makes it a duplicate.  Returns
 * SEQ_HELD or SEQ_DUP. */
static unsigned hold(seq_reorder *r, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag)
{
    unsigned i = 0;
    while (i < r->n_held && seq_diff(r, r->held[i].seq, seq) < 0)
        i++;
    if (i < r->n_held && r->held[i].seq == seq && (r->mode.units || r->held[i].len >= len))
        return SEQ_DUP;
    if (!r->held) {
        r->held = (seq_held *)malloc(SEQ_REORDER_MAX_HELD * sizeof *r->held);
        if (!r->held)
            return SEQ_DUP;
    }
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1);
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

/* Bytes mode, a segment starting at or before next: deliver its new bytes,
 * but stop at a held segment: its bytes came first, so they win where the
 * two overlap. */
static unsigned take_bytes(seq_reorder *r, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag,
                           seq_deliver_fn out, void *ctx)
{
    unsigned flags = 0;
    uint32_t used = 0;     /* bytes of this segment delivered */
    while (len) {
        uint32_t skip = (uint32_t)-seq_diff(r, seq, r->next);
        if (seq_diff(r, seq, r->next) > 0 || skip >= len)
            break;
        uint32_t n = len - skip;
        if (r->n_held && seq_diff(r, r->held[0].seq, r->next) >= 0 &&
            (uint32_t)seq_diff(r, r->held[0].seq, r->next) < n)
            n = (uint32_t)seq_diff(r, r->held[0].seq, r->next);
        if (n) {
            emit(r, data + skip, n, n, tag, out, ctx);
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

unsigned seq_reorder_offer(seq_reorder *r, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag,
                           seq_deliver_fn out, void *ctx)
{
    unsigned flags = 0;
    if (len == 0 && !r->mode.units)
        return 0;
    seq &= r->mode.mask;
    seq_reorder_start(r, seq);
    int32_t ahead = seq_diff(r, seq, r->next);
    if (ahead <= 0 && !r->mode.units)
        return take_bytes(r, seq, data, len, tag, out, ctx);
    if (ahead < 0)
        return SEQ_DUP;
    if (ahead == 0) {
        emit(r, data, len, 1, tag, out, ctx);
        return SEQ_NEW | drain(r, out, ctx);
    }
    /* Ahead of a hole: make room first if the bounds are reached. */
    while (r->n_held && (r->n_held >= SEQ_REORDER_MAX_HELD || r->held_bytes + len > SEQ_REORDER_MAX_BYTES))
        flags |= give_up(r, out, ctx);
    if (seq_diff(r, seq, r->next) <= 0)    /* the hole was given up up to (or past) this item */
        return flags | seq_reorder_offer(r, seq, data, len, tag, out, ctx);
    if (len > SEQ_REORDER_MAX_BYTES) {     /* too big to wait for anything: the hole is lost */
        skip_to(r, seq);
        return flags | SEQ_GAP | seq_reorder_offer(r, seq, data, len, tag, out, ctx);
    }
    return flags | hold(r, seq, data, len, tag);
}

unsigned seq_reorder_acked(seq_reorder *r, uint32_t ack, seq_deliver_fn out, void *ctx)
{
    unsigned flags = 0;
    ack &= r->mode.mask;
    if (!r->have_next)
        return 0;
    /* The peer has everything before ack: whatever of it is missing here
     * was not captured.  Holes above ack may still be filled. */
    while (seq_diff(r, ack, r->next) > 0) {
        if (r->n_held && seq_diff(r, r->held[0].seq, ack) <= 0) {
            flags |= give_up(r, out, ctx);
            continue;
        }
        if (!r->n_held && !r->mode.ack_alone)
            break;
        if (r->mode.max_gap && (uint32_t)seq_diff(r, ack, r->next) > r->mode.max_gap)
            break;
        skip_to(r, ack);
        flags |= SEQ_GAP;
    }
    return flags;
}
