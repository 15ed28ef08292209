/* ica_reducer.c - reducer level 1 expander (ica.md §7.2).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ica_reducer.h"

int ica_expander_init(ica_expander *ex, uint8_t pow2, uint8_t *hist)
{
    if (pow2 == 0 || pow2 > ICA_REDUCER_MAX_POW2 || !hist)
        return -1;
    ex->hist = hist;
    ex->pow2 = pow2;
    ex->mask = (1u << pow2) - 1;
    ex->pos = 0;
    ex->filled = 0;
    return 0;
}

/* LSB-first bit reader over a byte buffer through a 32-bit accumulator. */
typedef struct {
    const uint8_t *p, *end;
    uint32_t acc;
    unsigned nbits;
    int overrun;
} bitreader;

static uint32_t get_bits(bitreader *br, unsigned n)
{
    while (br->nbits < n) {
        if (br->p >= br->end) {
            br->overrun = 1;
            return 0;
        }
        br->acc |= (uint32_t)*br->p++ << br->nbits;
        br->nbits += 8;
    }
    uint32_t v = br->acc & ((n == 32) ? 0xffffffffu : ((1u << n) - 1));
    br->acc = n == 32 ? 0 : br->acc >> n;
    br->nbits -= n;
    return v;
}

/* nbits-1 bits with the top bit implicit; reads in two steps so that the
 * accumulator never has to hold more than 16 fresh bits. */
static uint32_t get_implicit_top(bitreader *br, unsigned nbits)
{
    if (nbits == 0)
        return 0;
    unsigned n = nbits - 1;
    uint32_t lo = n > 16 ? get_bits(br, 16) : get_bits(br, n);
    uint32_t hi = n > 16 ? get_bits(br, n - 16) << 16 : 0;
    return (1u << n) | hi | lo;
}

static uint32_t get_length(bitreader *br)
{
    uint32_t v = get_bits(br, 2);
    if (v < 3)
        return 2 + v;
    v = get_bits(br, 3);
    if (v < 7)
        return 5 + v;
    v = get_bits(br, 5);
    if (v < 31)
        return 12 + v;
    v = get_bits(br, 8);
    if (v < 255)
        return 43 + v;
    return 298 + get_bits(br, 13);
}

static void put_byte(ica_expander *ex, uint8_t b)
{
    ex->hist[ex->pos] = b;
    ex->pos = (ex->pos + 1) & ex->mask;
    ex->filled++;
}

long ica_expand_l1(ica_expander *ex, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max)
{
    if (in_len < 2)
        return -1;
    uint16_t header = (uint16_t)(in[0] | (in[1] << 8));
    size_t n = 0;
    if (header & 0x8000) {
        size_t raw = (uint16_t)~header;
        if (raw != in_len - 2 || raw > out_max)
            return -1;
        for (size_t i = 0; i < raw; i++) {
            out[n++] = in[2 + i];
            put_byte(ex, in[2 + i]);
        }
        return (long)n;
    }
    int32_t adjust = -1;
    unsigned min_bits = 1;
    if (ex->pow2 > 16) {
        adjust = (int32_t)(1u << (ex->pow2 - 16)) - 2;
        min_bits = ex->pow2 - 15u;
    }
    bitreader br = { in + 2, in + in_len, 0, 0, 0 };
    for (unsigned item = 0; item < header; item++) {
        if (get_bits(&br, 1) == 0) {
            uint8_t lit = (uint8_t)get_bits(&br, 8);
            if (br.overrun || n >= out_max)
                return -1;
            out[n++] = lit;
            put_byte(ex, lit);
            continue;
        }
        uint32_t len = get_length(&br);
        int64_t dist;
        if (len == 2) {
            dist = get_implicit_top(&br, get_bits(&br, 3) + 2);
        } else {
            unsigned nbits = get_bits(&br, 4) + min_bits;
            dist = (int64_t)get_implicit_top(&br, nbits) - adjust;
        }
        if (br.overrun || dist <= 0 || (uint64_t)dist > ex->filled || (uint64_t)dist > ex->mask + 1ull ||
            len > out_max - n)
            return -1;
        for (uint32_t i = 0; i < len; i++) {
            uint8_t b = ex->hist[(ex->pos - (uint32_t)dist) & ex->mask];
            out[n++] = b;
            put_byte(ex, b);
        }
    }
    return (long)n;
}
