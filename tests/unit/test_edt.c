/* edt: UDT4 headers as the real EDT capture has them (captures/edt-citrixudp.pcap),
 * the Citrix handshake variant, strict mid-session acceptance, and the
 * in-order delivery of data payloads (reordered, duplicated, lost). */
#include "unit.h"
#include "edt.h"
#include <stdlib.h>

static size_t unhex(const char *h, uint8_t *out)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2)
        out[n++] = (uint8_t)strtoul((char[]){ h[0], h[1], 0 }, NULL, 16);
    return n;
}

/* frames 1 and 4 of the real capture: the Citrix request, the plain response */
static const char *hs1 = "80000005000000000000000000000000000000040000000140ab8156000005dc00004000"
                         "000000017578eaef00000000d963630a000000000000000000000000";
static const char *hs4 = "8000000000000000000000007578eaef000000040000000140ab8156000005dc00002000"
                         "ffffffff643ac86f0f2ccbbe6500360a000000000000000000000000";
static const char *ack8 = "8002000000000001000000007578eaef40ab8158000186a00000c35000001ffe00000001000003e8";
static const char *ack2_10 = "800600000000000100000000643ac86f00000000";
static const char *data9 = "40ab8157c000000200002ed97578eaef0d07090203010000000000000000";

static void test_handshake(void)
{
    uint8_t b[128];
    size_t n = unhex(hs1, b);
    edt_header h;
    edt_handshake hs;
    edt_parse_header(b, n, &h);
    CHECK_EQ_INT(h.status, EDT_OK);
    CHECK_EQ_INT(h.control, 1);
    CHECK_EQ_INT(h.type, EDT_CT_HANDSHAKE);
    CHECK_EQ_INT(h.ext, 5);
    CHECK(edt_parse_handshake(b, n, &hs));
    CHECK_EQ_INT(hs.citrix, 1);
    CHECK_EQ_INT(hs.version, 4);
    CHECK_EQ_INT(hs.sock_type, 1);
    CHECK_EQ_INT(hs.isn, 0x40ab8156);
    CHECK_EQ_INT(hs.mss, 1500);
    CHECK_EQ_INT(hs.flow_window, 16384);
    CHECK_EQ_INT(hs.req_type, 1);
    CHECK_EQ_INT(hs.socket_id, 0x7578eaef);
    CHECK_EQ_INT(hs.peer_ip[0], 0xd9);
    n = unhex(hs4, b);
    CHECK(edt_parse_handshake(b, n, &hs));
    CHECK_EQ_INT(hs.citrix, 0);
    CHECK_EQ_INT(hs.req_type, -1);
    CHECK_EQ_INT(hs.cookie, 0x0f2ccbbe);
    /* other low bits, version 5, socket type 3, cut short: not EDT */
    n = unhex(hs1, b);
    b[3] = 6;
    CHECK(!edt_parse_handshake(b, n, &hs));
    b[3] = 5;
    b[19] = 5;
    CHECK(!edt_parse_handshake(b, n, &hs));
    b[19] = 4;
    b[23] = 3;
    CHECK(!edt_parse_handshake(b, n, &hs));
    b[23] = 1;
    CHECK(!edt_parse_handshake(b, 63, &hs));
    edt_parse_header(b, 40, &h);
    CHECK_EQ_INT(h.status, EDT_SHORT);
}

static void test_control_data(void)
{
    uint8_t b[128];
    size_t n = unhex(ack8, b);
    edt_header h;
    edt_ack a;
    edt_parse_header(b, n, &h);
    CHECK_EQ_INT(h.status, EDT_OK);
    CHECK_EQ_INT(h.type, EDT_CT_ACK);
    CHECK_EQ_INT(h.info, 1);
    CHECK_EQ_INT(h.dst_socket, 0x7578eaef);
    CHECK(edt_parse_ack(b, n, &a));
    CHECK_EQ_INT(a.n_words, 6);
    CHECK_EQ_INT(a.ack_seq, 0x40ab8158);
    CHECK_EQ_INT(a.rtt, 100000);
    CHECK_EQ_INT(a.rtt_var, 50000);
    CHECK_EQ_INT(a.buffer, 8190);
    CHECK_EQ_INT(a.rate, 1);
    CHECK_EQ_INT(a.capacity, 1000);
    CHECK(edt_parse_ack(b, 20, &a));
    CHECK_EQ_INT(a.n_words, 1);
    CHECK(!edt_parse_ack(b, 36, &a));
    edt_parse_header(b, 36, &h);
    CHECK_EQ_INT(h.status, EDT_BAD_LENGTH);
    n = unhex(ack2_10, b);
    edt_parse_header(b, n, &h);
    CHECK_EQ_INT(h.type, EDT_CT_ACK2);
    CHECK_EQ_INT(h.status, EDT_OK);
    edt_parse_header(b, 28, &h);
    CHECK_EQ_INT(h.status, EDT_BAD_LENGTH);
    b[1] = 0x09;                    /* type 9: undefined */
    edt_parse_header(b, n, &h);
    CHECK_EQ_INT(h.status, EDT_BAD_TYPE);
    n = unhex(data9, b);
    edt_parse_header(b, n, &h);
    CHECK_EQ_INT(h.control, 0);
    CHECK_EQ_INT(h.seq, 0x40ab8157);
    CHECK_EQ_INT(h.boundary, 3);
    CHECK_EQ_INT(h.in_order, 0);
    CHECK_EQ_INT(h.msgno, 2);
    CHECK_EQ_INT(h.timestamp, 0x2ed9);
    CHECK_EQ_INT(h.body_len, 14);
    /* NAK: a single loss and a range, and a range cut short */
    const uint8_t nak[] = { 0x80, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                            0, 0, 0, 5, 0x80, 0, 0, 9, 0, 0, 0, 12, 0x80, 0, 0, 20 };
    uint32_t f, l;
    CHECK_EQ_INT(edt_nak_entry(nak, sizeof nak, 16, &f, &l), 4);
    CHECK_EQ_INT(f, 5);
    CHECK_EQ_INT(l, 5);
    CHECK_EQ_INT(edt_nak_entry(nak, sizeof nak, 20, &f, &l), 8);
    CHECK_EQ_INT(f, 9);
    CHECK_EQ_INT(l, 12);
    CHECK_EQ_INT(edt_nak_entry(nak, sizeof nak, 28, &f, &l), 0);
    CHECK_EQ_INT(edt_seq_diff(0, EDT_SEQ_MASK), 1);
    CHECK_EQ_INT(edt_seq_diff(EDT_SEQ_MASK, 0), -1);
}

/* A data packet of direction dir: seq, socket. */
static size_t mkdata(uint8_t *b, uint32_t seq, uint32_t sock, size_t body)
{
    memset(b, 0, 16 + body);
    b[0] = (uint8_t)(seq >> 24 & 0x7f); b[1] = (uint8_t)(seq >> 16); b[2] = (uint8_t)(seq >> 8); b[3] = (uint8_t)seq;
    b[4] = 0xc0;
    b[12] = (uint8_t)(sock >> 24); b[13] = (uint8_t)(sock >> 16); b[14] = (uint8_t)(sock >> 8); b[15] = (uint8_t)sock;
    for (size_t i = 0; i < body; i++)
        b[16 + i] = (uint8_t)(seq + i);
    return 16 + body;
}

static void test_probe(void)
{
    uint8_t b[128];
    edt_probe pr;
    edt_probe_init(&pr);
    size_t n = unhex(hs1, b);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, n), EDT_PROBE_ACCEPT);
    /* mid-session: two data packets each way with an ACK2 between */
    edt_probe_init(&pr);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, mkdata(b, 100, 0x11, 10)), EDT_PROBE_WAIT);
    n = unhex(ack2_10, b);
    CHECK_EQ_INT(edt_probe_offer(&pr, 1, b, n), EDT_PROBE_WAIT);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, mkdata(b, 101, 0x11, 10)), EDT_PROBE_WAIT);
    CHECK_EQ_INT(edt_probe_offer(&pr, 1, b, mkdata(b, 7, 0x643ac86f, 3)), EDT_PROBE_ACCEPT);
    /* a sequence jump or another socket starts over */
    edt_probe_init(&pr);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, mkdata(b, 100, 0x11, 10)), EDT_PROBE_WAIT);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, mkdata(b, 101, 0x11, 10)), EDT_PROBE_WAIT);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, mkdata(b, 103, 0x11, 10)), EDT_PROBE_WAIT);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, mkdata(b, 104, 0x12, 10)), EDT_PROBE_WAIT);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, mkdata(b, 105, 0x12, 10)), EDT_PROBE_WAIT);
    CHECK_EQ_INT(pr.agreed, 2);
    /* RTP (version 2, PT 0..127): control bit with ext bits = sequence, not EDT */
    const uint8_t rtp[32] = { 0x80, 0x00, 0x12, 0x34, 0, 0, 0, 160, 0xde, 0xad, 0xbe, 0xef };
    edt_probe_init(&pr);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, rtp, sizeof rtp), EDT_PROBE_REJECT);
    const uint8_t rtp8[32] = { 0x80, 0x08, 0x00, 0x00, 0, 0, 0, 160, 0xde, 0xad, 0xbe, 0xef, 1 };
    CHECK(edt_probe_offer(&pr, 0, rtp8, sizeof rtp8) != EDT_PROBE_ACCEPT);
    const uint8_t rtp8b[32] = { 0x80, 0x08, 0x00, 0x00, 0, 0, 0, 160, 0xde, 0xad, 0xbe, 0xef, 2 };
    CHECK(edt_probe_offer(&pr, 0, rtp8b, sizeof rtp8b) != EDT_PROBE_ACCEPT);
    CHECK_EQ_INT(pr.agreed, 1);
    CHECK_EQ_INT(edt_probe_offer(&pr, 0, b, 10), EDT_PROBE_REJECT);
}

typedef struct {
    uint8_t buf[4096];
    uint32_t len, calls, gaps, gap_at;
} sink;

static void collect(void *ctx, const uint8_t *data, uint32_t len, uint32_t tag, uint32_t gap)
{
    sink *s = (sink *)ctx;
    if (s->len + len <= sizeof s->buf)
        memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->calls++;
    if (gap) {
        s->gaps += gap;
        s->gap_at = tag;
    }
}

#define NPKT 20
static uint8_t pkt[NPKT][8];
static const uint32_t base = EDT_SEQ_MASK - 5;  /* wraps inside the run */

static void fill(void)
{
    for (int i = 0; i < NPKT; i++)
        for (int j = 0; j < 8; j++)
            pkt[i][j] = (uint8_t)(i * 8 + j);
}

static unsigned offer(edt_order *o, sink *s, int i)
{
    return edt_order_offer(o, (base + (uint32_t)i) & EDT_SEQ_MASK, pkt[i], 8, (uint32_t)i, collect, s);
}

static void test_order(void)
{
    fill();
    uint8_t want[NPKT * 8];
    memcpy(want, pkt, sizeof want);
    edt_order o;
    sink s;
    /* reversed pairs, duplicates, a retransmission after delivery */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    edt_order_start(&o, base);
    for (int i = 0; i < NPKT; i += 2) {
        CHECK(offer(&o, &s, i + 1) & EDT_ORD_HELD);
        CHECK(offer(&o, &s, i + 1) & EDT_ORD_DUP);
        CHECK_EQ_INT(offer(&o, &s, i), EDT_ORD_NEW | EDT_ORD_RELEASED);
        CHECK_EQ_INT(offer(&o, &s, i), EDT_ORD_DUP);
    }
    CHECK_EQ_INT(s.len, sizeof want);
    CHECK_EQ_MEM(s.buf, want, sizeof want);
    CHECK_EQ_INT(s.gaps, 0);
    CHECK_EQ_INT(o.n_held, 0);
    edt_order_free(&o);
    /* a lost datagram: held behind it until the receiver's ACK passes it */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    edt_order_start(&o, base);
    for (int i = 0; i < NPKT; i++)
        if (i != 7)
            offer(&o, &s, i);
    CHECK_EQ_INT(s.len, 7 * 8);
    CHECK_EQ_INT(o.n_held, NPKT - 8);
    CHECK_EQ_INT(edt_order_acked(&o, (base + 5) & EDT_SEQ_MASK, collect, &s), 0);
    CHECK_EQ_INT(edt_order_acked(&o, (base + 10) & EDT_SEQ_MASK, collect, &s), EDT_ORD_GAP | EDT_ORD_RELEASED);
    CHECK_EQ_INT(s.len, (NPKT - 1) * 8);
    CHECK_EQ_INT(s.gaps, 1);
    CHECK_EQ_INT(s.gap_at, 8);
    CHECK_EQ_INT(o.lost, 1);
    CHECK_EQ_INT(o.n_held, 0);
    edt_order_free(&o);
    /* the last datagrams lost: the ACK says so, the next delivery carries the gap */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    offer(&o, &s, 0);
    CHECK_EQ_INT(edt_order_acked(&o, (base + 3) & EDT_SEQ_MASK, collect, &s), EDT_ORD_GAP);
    offer(&o, &s, 3);
    CHECK_EQ_INT(s.gaps, 2);
    CHECK_EQ_INT(s.gap_at, 3);
    edt_order_free(&o);
    /* bounds: more than EDT_ORDER_MAX_HELD behind a hole gives it up */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    edt_order_start(&o, 0);
    static uint8_t one[4];
    for (uint32_t i = 1; i <= EDT_ORDER_MAX_HELD + 1; i++)
        edt_order_offer(&o, i, one, 4, i, collect, &s);
    CHECK_EQ_INT(s.gaps, 1);
    CHECK_EQ_INT(s.len, (EDT_ORDER_MAX_HELD + 1) * 4);
    CHECK(o.n_held <= EDT_ORDER_MAX_HELD);
    edt_order_free(&o);
}

int main(void)
{
    test_handshake();
    test_control_data();
    test_probe();
    test_order();
    return unit_report();
}
