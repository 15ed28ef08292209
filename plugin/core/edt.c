/* edt.c - Citrix EDT (UDT4) header classification, the Citrix handshake
 * variant, mid-session acceptance and in-order delivery of data payloads.
 * Wire layout: include/edt.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "edt.h"
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

const char *edt_ctrl_name(uint16_t type)
{
    switch (type) {
    case EDT_CT_HANDSHAKE: return "handshake";
    case EDT_CT_KEEPALIVE: return "keep-alive";
    case EDT_CT_ACK: return "ACK";
    case EDT_CT_NAK: return "NAK";
    case EDT_CT_CONGESTION: return "congestion warning";
    case EDT_CT_SHUTDOWN: return "shutdown";
    case EDT_CT_ACK2: return "ACK2";
    case EDT_CT_DROP: return "message drop request";
    case EDT_CT_ERROR: return "error signal";
    case EDT_CT_USER: return "user defined";
    default: return NULL;
    }
}

int32_t edt_seq_diff(uint32_t a, uint32_t b)
{
    uint32_t d = (a - b) & EDT_SEQ_MASK;
    return d & 0x40000000u ? (int32_t)(d | 0x80000000u) : (int32_t)d;    /* sign of bit 30 */
}

/* Whether a control packet of this type may have body_len bytes after the
 * header (UDT4 pads the bodiless ones to 4 bytes). */
static int ctrl_size_ok(uint16_t type, uint32_t body_len)
{
    switch (type) {
    case EDT_CT_HANDSHAKE: return body_len == EDT_HANDSHAKE_LEN - EDT_HEADER_LEN;
    case EDT_CT_KEEPALIVE:
    case EDT_CT_SHUTDOWN:
    case EDT_CT_ACK2:
    case EDT_CT_CONGESTION: return body_len == 0 || body_len == 4;
    case EDT_CT_ACK: return body_len == 4 || body_len == 8 || body_len == 16 || body_len == 24;
    case EDT_CT_NAK: return body_len >= 4 && body_len % 4 == 0;
    case EDT_CT_DROP: return body_len == 8;
    default: return 1;      /* error signal, user defined: no size known */
    }
}

void edt_parse_header(const uint8_t *p, size_t len, edt_header *h)
{
    memset(h, 0, sizeof *h);
    if (len < EDT_HEADER_LEN) {
        h->status = EDT_SHORT;
        return;
    }
    uint32_t w0 = be32(p), w1 = be32(p + 4);
    h->timestamp = be32(p + 8);
    h->dst_socket = be32(p + 12);
    h->body_len = (uint32_t)(len - EDT_HEADER_LEN);
    h->control = (uint8_t)(w0 >> 31);
    if (!h->control) {
        h->seq = w0 & EDT_SEQ_MASK;
        h->boundary = (uint8_t)(w1 >> 30);
        h->in_order = (uint8_t)((w1 >> 29) & 1);
        h->msgno = w1 & EDT_MSGNO_MASK;
        return;
    }
    h->type = (uint16_t)((w0 >> 16) & 0x7fff);
    h->ext = (uint16_t)(w0 & 0xffff);
    h->info = w1;
    if (!edt_ctrl_name(h->type))
        h->status = EDT_BAD_TYPE;
    else if (!ctrl_size_ok(h->type, h->body_len))
        h->status = h->type == EDT_CT_HANDSHAKE && h->body_len < 48 ? EDT_SHORT : EDT_BAD_LENGTH;
}

int edt_parse_handshake(const uint8_t *p, size_t len, edt_handshake *hs)
{
    memset(hs, 0, sizeof *hs);
    if (len < EDT_HANDSHAKE_LEN || be32(p) >> 16 != 0x8000)
        return 0;
    uint16_t ext = (uint16_t)(be32(p) & 0xffff);
    const uint8_t *b = p + EDT_HEADER_LEN;
    hs->version = be32(b);
    hs->sock_type = be32(b + 4);
    hs->isn = be32(b + 8);
    hs->mss = be32(b + 12);
    hs->flow_window = be32(b + 16);
    hs->req_type = (int32_t)be32(b + 20);
    hs->socket_id = be32(b + 24);
    hs->cookie = be32(b + 28);
    memcpy(hs->peer_ip, b + 32, 16);
    hs->citrix = ext != 0;
    /* 4 and 5: the values seen (edt.md §3.2); anything else is not EDT */
    return hs->version == 4 && (hs->sock_type == 1 || hs->sock_type == 2) && (ext == 0 || ext == 4 || ext == 5);
}

int edt_parse_ack(const uint8_t *p, size_t len, edt_ack *a)
{
    memset(a, 0, sizeof *a);
    size_t body = len >= EDT_HEADER_LEN ? len - EDT_HEADER_LEN : 0;
    if (body != 4 && body != 8 && body != 16 && body != 24)
        return 0;
    const uint8_t *b = p + EDT_HEADER_LEN;
    a->n_words = body == 24 ? 6 : body == 16 ? 4 : 1;
    a->ack_seq = be32(b) & EDT_SEQ_MASK;
    if (a->n_words >= 4) {
        a->rtt = be32(b + 4);
        a->rtt_var = be32(b + 8);
        a->buffer = be32(b + 12);
    }
    if (a->n_words == 6) {
        a->rate = be32(b + 16);
        a->capacity = be32(b + 20);
    }
    return 1;
}

size_t edt_nak_entry(const uint8_t *p, size_t len, size_t off, uint32_t *first, uint32_t *last)
{
    if (off + 4 > len)
        return 0;
    uint32_t w = be32(p + off);
    *first = *last = w & EDT_SEQ_MASK;
    if (!(w >> 31))
        return 4;
    if (off + 8 > len)
        return 0;
    *last = be32(p + off + 4) & EDT_SEQ_MASK;
    return 8;
}

/* ---- acceptance --------------------------------------------------------- */

void edt_probe_init(edt_probe *pr)
{
    memset(pr, 0, sizeof *pr);
}

enum edt_verdict edt_probe_offer(edt_probe *pr, int dir, const uint8_t *p, size_t len)
{
    edt_header h;
    edt_handshake hs;
    dir = dir ? 1 : 0;
    edt_parse_header(p, len, &h);
    if (h.status == EDT_OK && h.control && h.type == EDT_CT_HANDSHAKE)
        return edt_parse_handshake(p, len, &hs) ? EDT_PROBE_ACCEPT : EDT_PROBE_REJECT;
    if (h.status != EDT_OK || (h.control && h.ext) || h.dst_socket == 0 || (!h.control && !h.body_len))
        goto restart;
    if (pr->have_sock[dir] && pr->sock[dir] != h.dst_socket)
        goto restart;
    if (!h.control && pr->have_seq[dir] && h.seq != pr->next_seq[dir])
        goto restart;
    pr->have_sock[dir] = 1;
    pr->sock[dir] = h.dst_socket;
    if (!h.control) {
        pr->run[dir] = (uint8_t)(pr->have_seq[dir] ? pr->run[dir] + 1 : 1);
        pr->have_seq[dir] = 1;
        pr->next_seq[dir] = (h.seq + 1) & EDT_SEQ_MASK;
    }
    if (pr->agreed < 255)
        pr->agreed++;
    if (pr->agreed >= EDT_PROBE_PACKETS && (pr->run[0] >= EDT_PROBE_RUN || pr->run[1] >= EDT_PROBE_RUN))
        return EDT_PROBE_ACCEPT;
    return EDT_PROBE_WAIT;
restart:
    /* this datagram may start an agreeing run itself */
    edt_probe_init(pr);
    if (h.status != EDT_OK || (h.control && h.ext) || h.dst_socket == 0 || (!h.control && !h.body_len))
        return EDT_PROBE_REJECT;
    return edt_probe_offer(pr, dir, p, len);
}

/* ---- in-order delivery -------------------------------------------------- */

void edt_order_init(edt_order *o)
{
    memset(o, 0, sizeof *o);
}

void edt_order_free(edt_order *o)
{
    for (unsigned i = 0; i < o->n_held; i++)
        free(o->held[i].data);
    free(o->held);
    edt_order_init(o);
}

void edt_order_start(edt_order *o, uint32_t seq)
{
    o->next = seq & EDT_SEQ_MASK;
    o->have_next = 1;
}

/* Deliver the held datagram at index 0 (it is next or the hole before it is given up). */
static void pop_first(edt_order *o, edt_deliver_fn out, void *ctx, uint32_t gap)
{
    edt_held e = o->held[0];
    memmove(o->held, o->held + 1, (size_t)(o->n_held - 1) * sizeof *o->held);
    o->n_held--;
    o->held_bytes -= e.len;
    o->next = (e.seq + 1) & EDT_SEQ_MASK;
    gap += o->pending_gap;
    o->pending_gap = 0;
    out(ctx, e.data, e.len, e.tag, gap);
    free(e.data);
}

/* Held datagrams that are now next. */
static unsigned drain(edt_order *o, edt_deliver_fn out, void *ctx)
{
    unsigned r = 0;
    while (o->n_held && edt_seq_diff(o->held[0].seq, o->next) <= 0) {
        if (edt_seq_diff(o->held[0].seq, o->next) < 0) {   /* cannot happen: held only ahead */
            o->held_bytes -= o->held[0].len;
            free(o->held[0].data);
            memmove(o->held, o->held + 1, (size_t)(o->n_held - 1) * sizeof *o->held);
            o->n_held--;
            continue;
        }
        pop_first(o, out, ctx, 0);
        r |= EDT_ORD_RELEASED;
    }
    return r;
}

/* Give up the hole before the first held datagram. */
static unsigned give_up(edt_order *o, edt_deliver_fn out, void *ctx)
{
    if (!o->n_held)
        return 0;
    uint32_t gap = (uint32_t)edt_seq_diff(o->held[0].seq, o->next);
    o->lost += gap;
    pop_first(o, out, ctx, gap);
    return EDT_ORD_GAP | EDT_ORD_RELEASED | drain(o, out, ctx);
}

static int hold(edt_order *o, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag)
{
    unsigned i = 0;
    while (i < o->n_held && edt_seq_diff(o->held[i].seq, seq) < 0)
        i++;
    if (i < o->n_held && o->held[i].seq == seq)
        return 0;               /* held already */
    if (!o->held && !(o->held = malloc(EDT_ORDER_MAX_HELD * sizeof *o->held)))
        return 0;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, len);
    memmove(o->held + i + 1, o->held + i, (size_t)(o->n_held - i) * sizeof *o->held);
    o->held[i] = (edt_held){ seq, len, tag, copy };
    o->n_held++;
    o->held_bytes += len;
    return 1;
}

/* The datagram that is next (after a given-up hole of gap datagrams). */
static unsigned deliver(edt_order *o, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag, uint32_t gap,
                        edt_deliver_fn out, void *ctx)
{
    o->next = (seq + 1) & EDT_SEQ_MASK;
    gap += o->pending_gap;
    o->pending_gap = 0;
    out(ctx, data, len, tag, gap);
    return EDT_ORD_NEW;
}

unsigned edt_order_offer(edt_order *o, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag,
                         edt_deliver_fn out, void *ctx)
{
    seq &= EDT_SEQ_MASK;
    if (!o->have_next)
        edt_order_start(o, seq);
    int32_t d = edt_seq_diff(seq, o->next);
    if (d < 0)
        return EDT_ORD_DUP;
    if (d == 0)
        return deliver(o, seq, data, len, tag, 0, out, ctx) | drain(o, out, ctx);
    unsigned r = 0;
    /* bounds: the oldest hole is given up rather than holding more */
    while (o->n_held && (o->n_held >= EDT_ORDER_MAX_HELD || o->held_bytes + len > EDT_ORDER_MAX_BYTES))
        r |= give_up(o, out, ctx);
    d = edt_seq_diff(seq, o->next);
    if (d < 0)
        return r | EDT_ORD_DUP;
    if (d == 0)
        return r | deliver(o, seq, data, len, tag, 0, out, ctx) | drain(o, out, ctx);
    if (len > EDT_ORDER_MAX_BYTES) {     /* never held: it takes the hole's place */
        o->lost += (uint32_t)d;
        return r | EDT_ORD_GAP | deliver(o, seq, data, len, tag, (uint32_t)d, out, ctx) | drain(o, out, ctx);
    }
    int held = hold(o, seq, data, len, tag);
    return r | (held ? EDT_ORD_HELD : EDT_ORD_DUP);
}

unsigned edt_order_acked(edt_order *o, uint32_t ack, edt_deliver_fn out, void *ctx)
{
    unsigned r = 0;
    ack &= EDT_SEQ_MASK;
    if (!o->have_next)
        return 0;
    while (o->n_held && edt_seq_diff(ack, o->next) > 0 && edt_seq_diff(o->held[0].seq, ack) < 0)
        r |= give_up(o, out, ctx);
    int32_t d = edt_seq_diff(ack, o->next);
    if (d > 0 && d <= (int32_t)EDT_ORDER_MAX_GAP) {
        /* nothing held below the ACK: the datagrams up to it were never
         * captured; the next delivery follows a gap */
        o->lost += (uint32_t)d;
        o->pending_gap += (uint32_t)d;
        o->next = ack;
        r |= EDT_ORD_GAP | drain(o, out, ctx);
    }
    return r;
}
