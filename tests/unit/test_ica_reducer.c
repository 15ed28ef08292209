/* Reducer level 1 expander and V3 chunk headers.  The level-1 blocks are
 * built here by a bit writer following the same description (ica.md §7.2);
 * no real level-1 traffic is known. */
#include "unit.h"
#include "ica_reducer.h"

typedef struct { uint8_t buf[256]; size_t bitpos; } bitwriter;

static void put(bitwriter *w, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, w->bitpos++)
        if (v & (1u << i))
            w->buf[w->bitpos / 8] |= (uint8_t)(1u << (w->bitpos % 8));
}

static size_t block(bitwriter *w, uint16_t items)
{
    w->buf[0] = (uint8_t)items;
    w->buf[1] = (uint8_t)(items >> 8);
    return (w->bitpos + 7) / 8;
}

static void literal(bitwriter *w, uint8_t b) { put(w, 0, 1); put(w, b, 8); }

static uint8_t hist[1u << 12];
static uint8_t out[512];

static void test_raw_block(void)
{
    ica_expander ex;
    CHECK_EQ_INT(ica_expander_init(&ex, 12, hist), 0);
    const uint8_t raw[] = { 0xfc, 0xff, 'x', 'y', 'z' };   /* ~0xfffc = 3 */
    CHECK_EQ_INT(ica_expand_l1(&ex, raw, sizeof raw, out, sizeof out), 3);
    CHECK_EQ_MEM(out, "xyz", 3);
    const uint8_t bad[] = { 0xfc, 0xff, 'x' };             /* says 3, has 1 */
    CHECK_EQ_INT(ica_expand_l1(&ex, bad, sizeof bad, out, sizeof out), -1);
}

static void test_literals_and_matches(void)
{
    ica_expander ex;
    bitwriter w = { { 0 }, 16 };
    CHECK_EQ_INT(ica_expander_init(&ex, 12, hist), 0);
    literal(&w, 'a'); literal(&w, 'b'); literal(&w, 'c');
    /* match length 3 (code 1), distance 3: nbits 2 -> 4-bit field 1, one bit 0 -> 2, +1 */
    put(&w, 1, 1); put(&w, 1, 2); put(&w, 1, 4); put(&w, 0, 1);
    /* match length 2 (code 0), distance 2: 3-bit field 0 -> nbits 2, one bit 0 -> 2 */
    put(&w, 1, 1); put(&w, 0, 2); put(&w, 0, 3); put(&w, 0, 1);
    /* match length 12 (escapes 3, 7, then 0), distance 1: nbits 1, no bits -> 1, +1 = 2 */
    put(&w, 1, 1); put(&w, 3, 2); put(&w, 7, 3); put(&w, 0, 5); put(&w, 0, 4);
    size_t n = block(&w, 6);
    long got = ica_expand_l1(&ex, w.buf, n, out, sizeof out);
    CHECK_EQ_INT(got, 3 + 3 + 2 + 12);
    CHECK_EQ_MEM(out, "abcabcbcbcbcbcbcbcbc", 20);

    /* history carries over to the next block */
    bitwriter w2 = { { 0 }, 16 };
    put(&w2, 1, 1); put(&w2, 2, 2); put(&w2, 2, 4); put(&w2, 3, 2);  /* len 4, nbits 3: 4|3=7, +1 = 8 */
    n = block(&w2, 1);
    CHECK_EQ_INT(ica_expand_l1(&ex, w2.buf, n, out, sizeof out), 4);
    CHECK_EQ_MEM(out, "bcbc", 4);
}

static void test_bounds(void)
{
    ica_expander ex;
    CHECK_EQ_INT(ica_expander_init(&ex, 0, hist), -1);
    CHECK_EQ_INT(ica_expander_init(&ex, ICA_REDUCER_MAX_POW2 + 1, hist), -1);
    CHECK_EQ_INT(ica_expander_init(&ex, 12, hist), 0);
    bitwriter w = { { 0 }, 16 };
    literal(&w, 'a');
    put(&w, 1, 1); put(&w, 0, 2); put(&w, 1, 3); put(&w, 1, 2);  /* distance 7 > 1 byte of history */
    CHECK_EQ_INT(ica_expand_l1(&ex, w.buf, block(&w, 2), out, sizeof out), -1);

    CHECK_EQ_INT(ica_expander_init(&ex, 12, hist), 0);
    bitwriter w2 = { { 0 }, 16 };
    literal(&w2, 'a');
    /* length 298 + 8191 with distance 2: must be refused by out_max, not written */
    put(&w2, 1, 1); put(&w2, 3, 2); put(&w2, 7, 3); put(&w2, 31, 5); put(&w2, 255, 8); put(&w2, 8191, 13);
    put(&w2, 1, 4); put(&w2, 0, 1);
    CHECK_EQ_INT(ica_expand_l1(&ex, w2.buf, block(&w2, 2), out, sizeof out), -1);
    /* more items announced than bits present */
    const uint8_t trunc[] = { 0x10, 0x00, 0x00 };
    CHECK_EQ_INT(ica_expand_l1(&ex, trunc, sizeof trunc, out, sizeof out), -1);
    CHECK_EQ_INT(ica_expand_l1(&ex, trunc, 1, out, sizeof out), -1);
}

int main(void)
{
    test_raw_block();
    test_literals_and_matches();
    test_bounds();
    return unit_report();
}
