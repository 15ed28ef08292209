/* seq_reorder: every permutation-like re-delivery of a stream comes out as
 * the stream, once; holes are given up only by acknowledgement or bounds.
 * Both modes: TCP bytes, and EDT datagrams (edt_order_init: one sequence
 * number per datagram modulo 2^31, gaps reported with the next delivery). */
#include "unit.h"
#include "seq_reorder.h"
#include "edt.h"
#include <stdlib.h>

typedef struct {
    uint8_t buf[1 << 16];
    uint32_t len;
    uint32_t calls;
    uint32_t last_tag;
    uint32_t gaps, gap_at;  /* sequence numbers reported lost; tag of the delivery after the last gap */
} sink;

static void collect(void *ctx, const uint8_t *data, uint32_t len, uint32_t tag, uint32_t gap)
{
    sink *s = (sink *)ctx;
    if (s->len + len <= sizeof s->buf)
        memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->calls++;
    s->last_tag = tag;
    if (gap) {
        s->gaps += gap;
        s->gap_at = tag;
    }
}

static uint8_t stream[4096];

static void fill(void)
{
    for (unsigned i = 0; i < sizeof stream; i++)
        stream[i] = (uint8_t)(i * 31 + 7);
}

/* 16 segments of 100 bytes, base sequence near the 2^32 wrap */
#define BASE 0xFFFFFC00u
static unsigned offer_seg(seq_reorder *r, sink *s, unsigned i)
{
    return seq_reorder_offer(r, BASE + 100 * i, stream + 100 * i, 100, i, collect, s);
}

static void test_in_order(void)
{
    seq_reorder r;
    sink s = { .len = 0 };
    seq_reorder_init(&r);
    for (unsigned i = 0; i < 16; i++)
        CHECK_EQ_INT(offer_seg(&r, &s, i), SEQ_NEW);
    CHECK_EQ_INT(s.len, 1600);
    CHECK_EQ_MEM(s.buf, stream, 1600);
    CHECK(r.held == NULL);                  /* nothing allocated on the in-order path */
    seq_reorder_free(&r);
}

static void test_reversed_window_and_swap(void)
{
    static const unsigned order[] = { 0, 5, 4, 3, 2, 1, 7, 6, 8, 9, 10, 15, 14, 13, 12, 11 };
    seq_reorder r;
    sink s = { .len = 0 };
    seq_reorder_init(&r);
    for (unsigned k = 0; k < 16; k++) {
        unsigned f = offer_seg(&r, &s, order[k]);
        if (order[k] == 5 || order[k] == 4 || order[k] == 3 || order[k] == 2 || order[k] == 7)
            CHECK_EQ_INT(f, SEQ_HELD);
        if (order[k] == 1) {
            CHECK_EQ_INT(f, SEQ_NEW | SEQ_RELEASED);
            CHECK_EQ_INT(s.len, 600);
            CHECK_EQ_INT(s.last_tag, 5);    /* delivered up to the segment held first */
        }
    }
    CHECK_EQ_INT(s.len, 1600);
    CHECK_EQ_MEM(s.buf, stream, 1600);
    CHECK_EQ_INT(r.n_held, 0);
    CHECK_EQ_INT(seq_reorder_held_bytes(&r), 0);
    seq_reorder_free(&r);
}

static void test_duplicates_retransmissions_overlaps(void)
{
    seq_reorder r;
    sink s = { .len = 0 };
    seq_reorder_init(&r);
    CHECK_EQ_INT(offer_seg(&r, &s, 0), SEQ_NEW);
    CHECK_EQ_INT(offer_seg(&r, &s, 0), SEQ_DUP);                    /* duplicate */
    CHECK_EQ_INT(offer_seg(&r, &s, 2), SEQ_HELD);
    CHECK_EQ_INT(offer_seg(&r, &s, 2), SEQ_DUP);                    /* duplicate of a held one */
    /* 1 extended into 2, with different bytes in the overlap: the held copy of 2 wins */
    uint8_t ext[150];
    memcpy(ext, stream + 100, 100);
    memset(ext + 100, 0xEE, 50);
    CHECK_EQ_INT(seq_reorder_offer(&r, BASE + 100, ext, 150, 1, collect, &s), SEQ_NEW | SEQ_RELEASED | SEQ_DUP);
    CHECK_EQ_INT(s.len, 300);
    CHECK_EQ_MEM(s.buf, stream, 300);
    /* an overlap reaching back into delivered bytes is trimmed */
    CHECK_EQ_INT(seq_reorder_offer(&r, BASE + 250, stream + 250, 150, 3, collect, &s), SEQ_NEW | SEQ_DUP);
    CHECK_EQ_INT(s.len, 400);
    CHECK_EQ_MEM(s.buf, stream, 400);
    seq_reorder_free(&r);
}

static void test_gap_given_up_by_ack(void)
{
    seq_reorder r;
    sink s = { .len = 0 };
    seq_reorder_init(&r);
    offer_seg(&r, &s, 0);
    CHECK_EQ_INT(offer_seg(&r, &s, 2), SEQ_HELD);                   /* 1 never comes */
    CHECK_EQ_INT(offer_seg(&r, &s, 3), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_acked(&r, BASE + 100, collect, &s), 0);        /* not beyond the hole yet */
    /* bytes 100..149 reached the peer but not the capture; 150..199 may still come */
    CHECK_EQ_INT(seq_reorder_acked(&r, BASE + 150, collect, &s), SEQ_GAP);
    CHECK_EQ_INT(s.len, 100);
    CHECK_EQ_INT(seq_reorder_acked(&r, BASE + 250, collect, &s), SEQ_GAP | SEQ_RELEASED);
    CHECK_EQ_INT(s.len, 300);
    CHECK_EQ_MEM(s.buf + 100, stream + 200, 200);
    CHECK_EQ_INT(offer_seg(&r, &s, 4), SEQ_NEW);
    /* an ack beyond a hole with nothing held behind it is no gap yet */
    CHECK_EQ_INT(seq_reorder_acked(&r, BASE + 900, collect, &s), 0);
    seq_reorder_free(&r);
}

static void test_bounds(void)
{
    seq_reorder r;
    sink s = { .len = 0 };
    static uint8_t big[SEQ_REORDER_MAX_BYTES + 1];
    seq_reorder_init(&r);
    offer_seg(&r, &s, 0);
    /* a hole that never fills: at most SEQ_REORDER_MAX_HELD segments wait */
    unsigned gaps = 0;
    for (unsigned i = 0; i < 3 * SEQ_REORDER_MAX_HELD; i++) {
        uint32_t seq = BASE + 200 + 2 * i;     /* one byte every other byte: every segment has a hole */
        gaps += (seq_reorder_offer(&r, seq, stream + (i % 100), 1, i, collect, &s) & SEQ_GAP) != 0;
        CHECK(r.n_held <= SEQ_REORDER_MAX_HELD);
    }
    CHECK(gaps > 0);
    seq_reorder_free(&r);
    /* a segment larger than the byte bound is never held */
    seq_reorder_init(&r);
    s.len = 0;
    seq_reorder_offer(&r, 0, stream, 1, 0, collect, &s);
    unsigned f = seq_reorder_offer(&r, 10, big, 1000, 1, collect, &s);
    CHECK_EQ_INT(f, SEQ_HELD);
    seq_reorder_free(&r);
    seq_reorder_init(&r);
    seq_reorder_offer(&r, 0, stream, 1, 0, collect, &s);
    f = seq_reorder_offer(&r, 10, big, sizeof big, 1, collect, &s);
    CHECK(f & SEQ_GAP);
    CHECK(f & SEQ_NEW);
    CHECK(r.n_held == 0);
    seq_reorder_free(&r);
}

/* A stream whose first segment arrives after later ones. */
static void test_start_before_first_offer(void)
{
    seq_reorder r;
    sink s = { .len = 0 };
    seq_reorder_init(&r);
    seq_reorder_start(&r, BASE);
    CHECK_EQ_INT(offer_seg(&r, &s, 2), SEQ_HELD);
    CHECK_EQ_INT(offer_seg(&r, &s, 1), SEQ_HELD);
    CHECK_EQ_INT(offer_seg(&r, &s, 0), SEQ_NEW | SEQ_RELEASED);
    CHECK_EQ_INT(s.len, 300);
    CHECK_EQ_MEM(s.buf, stream, 300);
    seq_reorder_free(&r);
}

/* ---- datagram mode (EDT) ----------------------------------------------- */

#define NPKT 20
static uint8_t pkt[NPKT][8];
static const uint32_t ubase = EDT_SEQ_MASK - 5;  /* wraps inside the run */

static void fill_pkts(void)
{
    for (int i = 0; i < NPKT; i++)
        for (int j = 0; j < 8; j++)
            pkt[i][j] = (uint8_t)(i * 8 + j);
}

static unsigned offer_dg(seq_reorder *o, sink *s, int i)
{
    return seq_reorder_offer(o, (ubase + (uint32_t)i) & EDT_SEQ_MASK, pkt[i], 8, (uint32_t)i, collect, s);
}

/* The cases test_edt.c held before the core was shared, unchanged. */
static void test_edt_order(void)
{
    fill_pkts();
    uint8_t want[NPKT * 8];
    memcpy(want, pkt, sizeof want);
    seq_reorder o;
    sink s;
    /* reversed pairs, duplicates, a retransmission after delivery */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    seq_reorder_start(&o, ubase);
    for (int i = 0; i < NPKT; i += 2) {
        CHECK(offer_dg(&o, &s, i + 1) & SEQ_HELD);
        CHECK(offer_dg(&o, &s, i + 1) & SEQ_DUP);
        CHECK_EQ_INT(offer_dg(&o, &s, i), SEQ_NEW | SEQ_RELEASED);
        CHECK_EQ_INT(offer_dg(&o, &s, i), SEQ_DUP);
    }
    CHECK_EQ_INT(s.len, sizeof want);
    CHECK_EQ_MEM(s.buf, want, sizeof want);
    CHECK_EQ_INT(s.gaps, 0);
    CHECK_EQ_INT(o.n_held, 0);
    seq_reorder_free(&o);
    /* a lost datagram: held behind it until the receiver's ACK passes it */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    seq_reorder_start(&o, ubase);
    for (int i = 0; i < NPKT; i++)
        if (i != 7)
            offer_dg(&o, &s, i);
    CHECK_EQ_INT(s.len, 7 * 8);
    CHECK_EQ_INT(o.n_held, NPKT - 8);
    CHECK_EQ_INT(seq_reorder_acked(&o, (ubase + 5) & EDT_SEQ_MASK, collect, &s), 0);
    CHECK_EQ_INT(seq_reorder_acked(&o, (ubase + 10) & EDT_SEQ_MASK, collect, &s), SEQ_GAP | SEQ_RELEASED);
    CHECK_EQ_INT(s.len, (NPKT - 1) * 8);
    CHECK_EQ_INT(s.gaps, 1);
    CHECK_EQ_INT(s.gap_at, 8);
    CHECK_EQ_INT(o.lost, 1);
    CHECK_EQ_INT(o.n_held, 0);
    seq_reorder_free(&o);
    /* the last datagrams lost: the ACK says so, the next delivery carries the gap */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    offer_dg(&o, &s, 0);
    CHECK_EQ_INT(seq_reorder_acked(&o, (ubase + 3) & EDT_SEQ_MASK, collect, &s), SEQ_GAP);
    offer_dg(&o, &s, 3);
    CHECK_EQ_INT(s.gaps, 2);
    CHECK_EQ_INT(s.gap_at, 3);
    seq_reorder_free(&o);
    /* bounds: more than SEQ_REORDER_MAX_HELD behind a hole gives it up */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    seq_reorder_start(&o, 0);
    static uint8_t one[4];
    for (uint32_t i = 1; i <= SEQ_REORDER_MAX_HELD + 1; i++)
        seq_reorder_offer(&o, i, one, 4, i, collect, &s);
    CHECK_EQ_INT(s.gaps, 1);
    CHECK_EQ_INT(s.len, (SEQ_REORDER_MAX_HELD + 1) * 4);
    CHECK(o.n_held <= SEQ_REORDER_MAX_HELD);
    seq_reorder_free(&o);
}

/* Sequence numbers wrap at the mask, not at 2^32; bits above it are ignored. */
static void test_units_wrap(void)
{
    seq_reorder o;
    sink s;
    memset(&s, 0, sizeof s);
    edt_order_init(&o);
    seq_reorder_start(&o, EDT_SEQ_MASK - 1);
    CHECK_EQ_INT(seq_reorder_offer(&o, 0, pkt[2], 8, 2, collect, &s), SEQ_HELD);   /* after the wrap */
    CHECK_EQ_INT(seq_reorder_offer(&o, EDT_SEQ_MASK - 1, pkt[0], 8, 0, collect, &s), SEQ_NEW);
    CHECK_EQ_INT(seq_reorder_offer(&o, EDT_SEQ_MASK, pkt[1], 8, 1, collect, &s), SEQ_NEW | SEQ_RELEASED);
    CHECK_EQ_INT(o.next, 1);
    CHECK_EQ_INT(s.last_tag, 2);
    /* bit 31 is not part of the number: 0x80000001 is datagram 1 */
    CHECK_EQ_INT(seq_reorder_offer(&o, 0x80000001u, pkt[3], 8, 3, collect, &s), SEQ_NEW);
    CHECK_EQ_INT(o.next, 2);
    /* just below the wrap is behind 2: a duplicate, not a datagram 2^31 - 3 ahead */
    CHECK_EQ_INT(seq_reorder_offer(&o, EDT_SEQ_MASK - 3, pkt[4], 8, 4, collect, &s), SEQ_DUP);
    CHECK_EQ_INT(s.len, 4 * 8);
    CHECK_EQ_INT(s.gaps, 0);
    seq_reorder_free(&o);
    /* a small sequence space: half of it ahead is ahead, the other half behind */
    const seq_mode byte_space = { 0xff, 1, 1, 0 };
    seq_reorder_init_mode(&o, &byte_space);
    memset(&s, 0, sizeof s);
    seq_reorder_start(&o, 250);
    CHECK_EQ_INT(seq_reorder_offer(&o, 250 + 127 - 256, pkt[0], 8, 0, collect, &s), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_offer(&o, 250 - 128, pkt[1], 8, 1, collect, &s), SEQ_DUP);
    CHECK_EQ_INT(seq_diff_masked(0, 0xff, 0xff), 1);
    CHECK_EQ_INT(seq_diff_masked(0x80, 0, 0xff), -128);
    CHECK_EQ_INT(seq_diff_masked(0, 0xffffffffu, 0xffffffffu), 1);
    CHECK_EQ_INT(o.mode.mask, 0xff);    /* free keeps the mode */
    seq_reorder_free(&o);
    CHECK_EQ_INT(o.mode.mask, 0xff);
    CHECK_EQ_INT(o.mode.units, 1);
}

/* Every given-up number is counted once and reported once, with the next delivery. */
static void test_units_gap_reporting(void)
{
    seq_reorder o;
    sink s;
    memset(&s, 0, sizeof s);
    edt_order_init(&o);
    seq_reorder_start(&o, 100);
    CHECK_EQ_INT(seq_reorder_offer(&o, 100, pkt[0], 8, 0, collect, &s), SEQ_NEW);
    /* two ACKs with nothing held: the gaps add up, nothing is delivered yet */
    CHECK_EQ_INT(seq_reorder_acked(&o, 104, collect, &s), SEQ_GAP);
    CHECK_EQ_INT(seq_reorder_acked(&o, 106, collect, &s), SEQ_GAP);
    CHECK_EQ_INT(seq_reorder_acked(&o, 106, collect, &s), 0);          /* repeated: nothing more */
    CHECK_EQ_INT(seq_reorder_acked(&o, 103, collect, &s), 0);          /* older ACK */
    CHECK_EQ_INT(s.calls, 1);
    CHECK_EQ_INT(o.lost, 5);
    CHECK_EQ_INT(o.pending_gap, 5);
    /* a late copy of a skipped datagram stays dropped */
    CHECK_EQ_INT(seq_reorder_offer(&o, 104, pkt[1], 8, 1, collect, &s), SEQ_DUP);
    CHECK_EQ_INT(seq_reorder_offer(&o, 106, pkt[2], 8, 2, collect, &s), SEQ_NEW);
    CHECK_EQ_INT(s.gaps, 5);
    CHECK_EQ_INT(s.gap_at, 2);
    CHECK_EQ_INT(o.pending_gap, 0);
    /* a hole given up by the bounds: its width goes with the held datagram after it */
    for (uint32_t i = 0; i < SEQ_REORDER_MAX_HELD; i++)
        CHECK_EQ_INT(seq_reorder_offer(&o, 110 + i, pkt[3], 8, 10 + i, collect, &s), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_offer(&o, 110 + SEQ_REORDER_MAX_HELD, pkt[3], 8, 99, collect, &s),
                 SEQ_GAP | SEQ_RELEASED | SEQ_NEW);
    CHECK_EQ_INT(s.gaps, 5 + 3);
    CHECK_EQ_INT(s.gap_at, 10);
    CHECK_EQ_INT(o.lost, 8);
    CHECK_EQ_INT(o.n_held, 0);
    CHECK_EQ_INT(s.last_tag, 99);
    seq_reorder_free(&o);
}

/* An ACK more than max_gap ahead skips nothing on its own. */
static void test_units_max_gap(void)
{
    seq_reorder o;
    sink s;
    memset(&s, 0, sizeof s);
    edt_order_init(&o);
    seq_reorder_start(&o, 0);
    CHECK_EQ_INT(seq_reorder_acked(&o, EDT_ORDER_MAX_GAP + 1, collect, &s), 0);
    CHECK_EQ_INT(o.next, 0);
    CHECK_EQ_INT(o.lost, 0);
    CHECK_EQ_INT(seq_reorder_acked(&o, EDT_ORDER_MAX_GAP, collect, &s), SEQ_GAP);   /* at the limit */
    CHECK_EQ_INT(o.next, EDT_ORDER_MAX_GAP);
    CHECK_EQ_INT(o.lost, EDT_ORDER_MAX_GAP);
    seq_reorder_free(&o);
    /* held beyond a far ACK: the hole before the ACK stays */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    seq_reorder_start(&o, 0);
    CHECK_EQ_INT(seq_reorder_offer(&o, 2 * EDT_ORDER_MAX_GAP, pkt[0], 8, 0, collect, &s), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_acked(&o, EDT_ORDER_MAX_GAP + 1, collect, &s), 0);
    CHECK_EQ_INT(o.n_held, 1);
    CHECK_EQ_INT(o.next, 0);
    /* held at or below the ACK: data vouches for it, given up whatever the distance */
    CHECK_EQ_INT(seq_reorder_acked(&o, 2 * EDT_ORDER_MAX_GAP + 1, collect, &s), SEQ_GAP | SEQ_RELEASED);
    CHECK_EQ_INT(s.gaps, 2 * EDT_ORDER_MAX_GAP);
    CHECK_EQ_INT(o.next, 2 * EDT_ORDER_MAX_GAP + 1);
    seq_reorder_free(&o);
    /* TCP mode has no limit, but an ACK alone skips nothing */
    seq_reorder_init(&o);
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(seq_reorder_offer(&o, 0, stream, 10, 0, collect, &s), SEQ_NEW);
    CHECK_EQ_INT(seq_reorder_acked(&o, 0x40000000u, collect, &s), 0);
    CHECK_EQ_INT(seq_reorder_offer(&o, 0x50000000u, stream, 10, 1, collect, &s), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_acked(&o, 0x40000000u, collect, &s), SEQ_GAP);
    CHECK_EQ_INT(o.next, 0x40000000u);
    CHECK_EQ_INT(o.lost, 0x40000000u - 10);
    seq_reorder_free(&o);
}

/* Duplicates in datagram mode: by number, whatever the length. */
static void test_units_duplicates(void)
{
    seq_reorder o;
    sink s;
    memset(&s, 0, sizeof s);
    edt_order_init(&o);
    seq_reorder_start(&o, 10);
    CHECK_EQ_INT(seq_reorder_offer(&o, 12, pkt[2], 4, 2, collect, &s), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_offer(&o, 12, pkt[3], 8, 3, collect, &s), SEQ_DUP);    /* longer: still a copy */
    CHECK_EQ_INT(o.n_held, 1);
    CHECK_EQ_INT(seq_reorder_offer(&o, 10, pkt[0], 8, 0, collect, &s), SEQ_NEW);
    CHECK_EQ_INT(seq_reorder_offer(&o, 10, pkt[0], 8, 0, collect, &s), SEQ_DUP);
    /* an empty datagram takes its number */
    CHECK_EQ_INT(seq_reorder_offer(&o, 11, pkt[1], 0, 1, collect, &s), SEQ_NEW | SEQ_RELEASED);
    CHECK_EQ_INT(s.calls, 3);
    CHECK_EQ_INT(s.len, 8 + 0 + 4);
    CHECK_EQ_MEM(s.buf + 8, pkt[2], 4);    /* the first copy won */
    CHECK_EQ_INT(o.next, 13);
    CHECK_EQ_INT(seq_reorder_offer(&o, 12, pkt[3], 8, 3, collect, &s), SEQ_DUP);
    CHECK_EQ_INT(s.gaps, 0);
    seq_reorder_free(&o);
}

/* Held limits in datagram mode: count, bytes, one datagram bigger than the byte bound. */
static void test_units_held_limit(void)
{
    static uint8_t big[SEQ_REORDER_MAX_BYTES + 1];
    seq_reorder o;
    sink s;
    memset(&s, 0, sizeof s);
    edt_order_init(&o);
    seq_reorder_start(&o, 0);
    for (uint32_t i = 0; i < 3 * SEQ_REORDER_MAX_HELD; i++) {
        seq_reorder_offer(&o, 2 + 2 * i, pkt[0], 8, i, collect, &s);      /* every other one missing */
        CHECK(o.n_held <= SEQ_REORDER_MAX_HELD);
    }
    CHECK_EQ_INT(o.n_held, SEQ_REORDER_MAX_HELD);
    CHECK_EQ_INT(s.calls, 2 * SEQ_REORDER_MAX_HELD);
    /* the first hole is 0 and 1, every later one a single datagram */
    CHECK_EQ_INT(s.gaps, 2 + (2 * SEQ_REORDER_MAX_HELD - 1));
    CHECK_EQ_INT(o.lost, s.gaps);
    seq_reorder_free(&o);
    /* bytes: two datagrams of half the bound and one more cannot all wait */
    edt_order_init(&o);
    memset(&s, 0, sizeof s);
    seq_reorder_start(&o, 0);
    CHECK_EQ_INT(seq_reorder_offer(&o, 2, big, SEQ_REORDER_MAX_BYTES / 2, 2, collect, &s), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_offer(&o, 4, big, SEQ_REORDER_MAX_BYTES / 2, 4, collect, &s), SEQ_HELD);
    CHECK_EQ_INT(seq_reorder_offer(&o, 6, big, 1, 6, collect, &s), SEQ_GAP | SEQ_RELEASED | SEQ_HELD);
    CHECK_EQ_INT(s.calls, 1);
    CHECK_EQ_INT(s.gap_at, 2);
    CHECK_EQ_INT(seq_reorder_held_bytes(&o), SEQ_REORDER_MAX_BYTES / 2 + 1);
    /* one datagram over the bound is never held: everything before it is given up */
    CHECK_EQ_INT(seq_reorder_offer(&o, 9, big, sizeof big, 9, collect, &s), SEQ_GAP | SEQ_RELEASED | SEQ_NEW);
    CHECK_EQ_INT(o.n_held, 0);
    CHECK_EQ_INT(o.next, 10);
    CHECK_EQ_INT(o.lost, 2 + 1 + 1 + 2);
    CHECK_EQ_INT(s.gaps, o.lost);
    CHECK_EQ_INT(s.last_tag, 9);
    seq_reorder_free(&o);
}

int main(void)
{
    fill();
    test_in_order();
    test_reversed_window_and_swap();
    test_duplicates_retransmissions_overlaps();
    test_gap_given_up_by_ack();
    test_bounds();
    test_start_before_first_offer();
    test_edt_order();
    test_units_wrap();
    test_units_gap_reporting();
    test_units_max_gap();
    test_units_duplicates();
    test_units_held_limit();
    return unit_report();
}
