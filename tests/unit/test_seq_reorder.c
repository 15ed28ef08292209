/* seq_reorder: every permutation-like re-delivery of a stream comes out as
 * the stream, once; holes are given up only by acknowledgement or bounds. */
#include "unit.h"
#include "seq_reorder.h"
#include <stdlib.h>

typedef struct {
    uint8_t buf[1 << 16];
    uint32_t len;
    uint32_t calls;
    uint32_t last_tag;
} sink;

static void collect(void *ctx, const uint8_t *data, uint32_t len, uint32_t tag)
{
    sink *s = (sink *)ctx;
    if (s->len + len <= sizeof s->buf)
        memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->calls++;
    s->last_tag = tag;
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

int main(void)
{
    fill();
    test_in_order();
    test_reversed_window_and_swap();
    test_duplicates_retransmissions_overlaps();
    test_gap_given_up_by_ack();
    test_bounds();
    test_start_before_first_offer();
    return unit_report();
}
