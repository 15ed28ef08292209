/* ica_keyfind.c - Basic key recovery for mid-session captures (see
 * ica_keyfind.h for the method and its acceptance rule).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "ica_keyfind.h"
#include "ica_wd.h"
#include "ica_ht.h"
#include "ica_v3.h"

#define MAX_FRAME 0x4000            /* PDRFRAME lengths are 14 bits */
#define V3_MAX_CHUNKS 256

static void cand_restart(ica_keyfind_cand *c)
{
    memset(c, 0, sizeof *c);
    c->alive = 1;
}

void ica_keyfind_init(ica_keyfind *kf, uint8_t layouts)
{
    memset(kf, 0, sizeof *kf);
    kf->layouts = layouts;
    kf->result = ICA_KEYFIND_PENDING;
}

/* The high-throughput header at a frame's start under key k: its length,
 * or 0 when the layout does not fit (the candidate dies). */
static size_t cand_ht_header(ica_keyfind_cand *c, const uint8_t *x, size_t n, uint8_t k)
{
    uint8_t flags = (uint8_t)(x[0] ^ k);
    size_t len = 1 + ((flags & ICA_HT_BANDWIDTH_ESTIMATE) ? 2 : 0) + ((flags & ICA_HT_ROUND_TRIP_ESTIMATE) ? 2 : 0);
    if ((flags & ICA_HT_UNNAMED_BITS) || len > n)
        return 0;
    if (flags & ICA_HT_INTERRUPT_VIRTUAL_WRITE) {
        c->need = 0;            /* the write in progress is set aside */
        c->hdr_len = 0;
    }
    return len;
}

/* Feed one plaintext byte to a candidate's command cutter; 0 = the key dies. */
static int cand_byte(ica_keyfind_cand *c, uint8_t p)
{
    c->hdr[c->hdr_len++] = p;
    for (;;) {
        size_t total, hdr;
        enum ica_cut r = ica_cmd_cut(c->hdr, c->hdr_len, &total, &hdr);
        if (r == ICA_CUT_UNKNOWN)
            return 0;
        if (r == ICA_CUT_NEED_MORE) {
            if (total) {
                c->need = (uint32_t)(total - c->hdr_len);
                c->hdr_len = 0;
            }
            return 1;
        }
        /* a whole command inside the header bytes (at most 3): keep the rest */
        memmove(c->hdr, c->hdr + total, c->hdr_len - total);
        c->hdr_len = (uint8_t)(c->hdr_len - total);
        if (c->hdr_len == 0)
            return 1;
    }
}

/* Run one candidate over x[i] = c[i] ^ q[i] (plaintext = x ^ k). */
static int cand_frame(ica_keyfind_cand *c, const uint8_t *x, size_t len, uint8_t k)
{
    size_t i = 0;
    while (i < len) {
        if (c->need) {
            size_t n = len - i < c->need ? len - i : c->need;
            c->need -= (uint32_t)n;
            i += n;
            continue;
        }
        if (!cand_byte(c, (uint8_t)(x[i] ^ k)))
            return 0;
        i++;
    }
    return 1;
}

/* A V3 candidate over one whole frame (plaintext p): the chunk headers
 * fit, and base-channel copy chunks starting on a command boundary hold
 * whole commands.  Returns 0 (the key dies), 1 (fits up to a compressed
 * chunk: no evidence either way) or 2 (the chunks cover the frame exactly:
 * evidence for the key). */
static int cand_v3_frame(ica_keyfind_cand *c, const uint8_t *p, size_t len)
{
    ica_v3_chunk ch[V3_MAX_CHUNKS];
    int complete;
    int n = ica_v3_parse(p, len, ch, V3_MAX_CHUNKS, &complete);
    if (n <= 0 || !(complete || ch[n - 1].compressed))
        return 0;
    for (int i = 0; i < n; i++) {
        if (ch[i].is_command || ch[i].channel != ICA_V3_BASE_CHANNEL)
            continue;
        if (ch[i].compressed) {
            c->v3_open = 1;     /* where it ends is unknown */
            continue;
        }
        if (!c->v3_open && ch[i].completion && !ica_cmds_exact(p + ch[i].data_off, ch[i].data_len))
            return 0;
        c->v3_open = !ch[i].completion;
    }
    return complete ? 2 : 1;
}

/* The V3 layouts (index 2 and 3) over one frame: x is the whole frame
 * under the chain (x = c ^ q). */
static void test_frame_v3(ica_keyfind *kf, const uint8_t *x, size_t len)
{
    uint8_t p[MAX_FRAME];
    if (len > sizeof p)
        len = sizeof p;
    for (int h = 2; h < ICA_KEYFIND_LAYOUTS; h++) {
        if (!(kf->layouts & (h == 2 ? ICA_KEYFIND_V3 : ICA_KEYFIND_V3_HT)))
            continue;
        for (int k = 0; k < 256; k++) {
            ica_keyfind_cand *c = &kf->cand[h][k];
            if (!c->alive)
                continue;
            size_t skip = h == 3 ? cand_ht_header(c, x, len, (uint8_t)k) : 0;
            if (h == 3 && skip == 0) {
                c->alive = 0;
                continue;
            }
            for (size_t i = skip; i < len; i++)
                p[i - skip] = (uint8_t)(x[i] ^ k);
            int fit = cand_v3_frame(c, p, len - skip);
            c->alive = fit != 0;
            /* only frames the chunks cover exactly count towards acceptance:
             * many wrong keys fit a frame that is one compressed chunk */
            if (fit == 2 && c->streak < 255)
                c->streak++;
        }
    }
}

static uint8_t layout_bit(int h)
{
    static const uint8_t bits[ICA_KEYFIND_LAYOUTS] = { ICA_KEYFIND_PLAIN, ICA_KEYFIND_HT, ICA_KEYFIND_V3,
                                                       ICA_KEYFIND_V3_HT };
    return bits[h];
}

/* Every candidate over one frame; returns the only one (layout * 256 + key)
 * whose streak reached ICA_KEYFIND_MIN_FRAMES, or -1 (none, or several). */
static int test_frame(ica_keyfind *kf, const uint8_t *ct, size_t len)
{
    uint8_t x[512];
    uint8_t q = kf->prev;
    for (int h = 0; h < ICA_KEYFIND_LAYOUTS; h++)
        for (int k = 0; k < 256; k++)
            if (!kf->cand[h][k].alive)
                cand_restart(&kf->cand[h][k]);
    if (kf->layouts & (ICA_KEYFIND_V3 | ICA_KEYFIND_V3_HT)) {
        uint8_t whole[MAX_FRAME];
        size_t n = len < sizeof whole ? len : sizeof whole;
        for (size_t i = 0; i < n; i++)
            whole[i] = (uint8_t)(ct[i] ^ (i ? ct[i - 1] : q));
        test_frame_v3(kf, whole, n);
    }
    /* x = c ^ q depends on the chain only: computed once per block for all keys */
    for (size_t off = 0; off < len; off += sizeof x) {
        size_t n = len - off < sizeof x ? len - off : sizeof x;
        for (size_t i = 0; i < n; i++) {
            x[i] = (uint8_t)(ct[off + i] ^ q);
            q = ct[off + i];
        }
        for (int h = 0; h < 2; h++) {
            if (!(kf->layouts & (h ? ICA_KEYFIND_HT : ICA_KEYFIND_PLAIN)))
                continue;
            for (int k = 0; k < 256; k++) {
                ica_keyfind_cand *c = &kf->cand[h][k];
                if (!c->alive)
                    continue;
                size_t skip = h && off == 0 ? cand_ht_header(c, x, len, (uint8_t)k) : 0;
                if (h && off == 0 && skip == 0)
                    c->alive = 0;
                else
                    c->alive = (uint8_t)cand_frame(c, x + skip, n - skip, (uint8_t)k);
            }
        }
    }
    int found = -1, count = 0;
    for (int h = 0; h < ICA_KEYFIND_LAYOUTS; h++) {
        if (!(kf->layouts & layout_bit(h)))
            continue;
        for (int k = 0; k < 256; k++) {
            ica_keyfind_cand *c = &kf->cand[h][k];
            if (!c->alive)
                continue;
            c->run++;
            if (h >= 2) {
                /* V3 layouts: streak kept by test_frame_v3 */
            } else if (c->need == 0 && c->hdr_len == 0) {
                if (c->streak < 255)
                    c->streak++;
            } else {
                c->streak = 0;
            }
            if (c->streak >= ICA_KEYFIND_MIN_FRAMES) {
                found = h * 256 + k;
                count++;
            }
        }
    }
    return count == 1 ? found : -1;
}

int ica_keyfind_frame(ica_keyfind *kf, const uint8_t *ct, size_t len)
{
    if (kf->result != ICA_KEYFIND_PENDING || len == 0)
        return kf->result;
    kf->seen++;
    if (!kf->have_prev) {
        /* the anchor: its first byte depends on a byte never captured */
        kf->have_prev = 1;
        kf->prev = ct[len - 1];
        return ICA_KEYFIND_PENDING;
    }
    int found = test_frame(kf, ct, len);
    kf->prev = ct[len - 1];
    if (found >= 0) {
        kf->result = (int16_t)(found & 0xff);
        kf->result_layout = (uint8_t)(found >> 8);
        kf->result_ht = kf->result_layout == 1 || kf->result_layout == 3;
        kf->result_v3 = kf->result_layout >= 2;
    }
    else if (kf->seen >= ICA_KEYFIND_MAX_FRAMES)
        kf->result = ICA_KEYFIND_FAILED;
    return kf->result;
}

unsigned ica_keyfind_run(const ica_keyfind *kf, uint8_t k, int layout)
{
    if (layout < 0 || layout >= ICA_KEYFIND_LAYOUTS)
        return 0;
    const ica_keyfind_cand *c = &kf->cand[layout][k];
    return kf->have_prev && c->alive ? c->run : 0;
}
