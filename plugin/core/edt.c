/* edt.c - Citrix EDT (UDT4) header classification, the Citrix handshake
 * variant, mid-session acceptance and the ordering mode of data payloads.
 * Wire layout: include/edt.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "edt.h"
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
    return seq_diff_masked(a, b, EDT_SEQ_MASK);
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

/* ---- in-order delivery: the shared core in datagram mode ------------------ */

void edt_order_init(seq_reorder *r)
{
    static const seq_mode udt = { EDT_SEQ_MASK, 1, 1, EDT_ORDER_MAX_GAP };
    seq_reorder_init_mode(r, &udt);
}
