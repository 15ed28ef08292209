/* libFuzzer target for the reducer V3/V4 expander (plugin/core/ica_v3.c),
 * without libwireshark.  The first input byte picks the mode:
 *
 *   even: the ICA pipeline (ica_stream: PDRFRAME, Basic decryption, the
 *     high-throughput header, the expander, the WD decoder), from the
 *     start of the session, or (bit 1 set) picked up mid-session (key
 *     recovery, V3 without history); the rest is
 *     records [dir:1][length:2 LE][bytes] of the two directions' byte
 *     streams (bit 0 of dir: server to client).  Seeds: the real session,
 *     tests/data/v3/edt-citrixudp-ica.txt (tools/robust/fuzz_v3_seeds.py).
 *   odd: the expander alone; the next byte picks the history size
 *     (2^(10 + b % 13)) and the default coder count (bit 7: server to
 *     client's), the rest is records [length:2 LE][V3 packet] expanded in
 *     order by one expander (seeds: the real session's V3 packets, the same
 *     tool).
 *
 * A record whose length runs past the input takes what is left.  Both
 * modes end by freeing everything: ASan's leak check covers the state.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ica_stream.h"
#include "ica_v3.h"

static volatile size_t sink;   /* keeps the reads below */

static void on_event(void *ctx, const ica_event *ev)
{
    /* touch what a dissector would read */
    size_t *sum = ctx;
    if (ev->plain && ev->plain_len)
        *sum += ev->plain[0] + ev->plain[ev->plain_len - 1];
}

static size_t record(const uint8_t **p, const uint8_t *end, size_t hdr)
{
    if ((size_t)(end - *p) < hdr + 2)
        return (size_t)-1;
    size_t len = (size_t)(*p)[hdr] | (size_t)(*p)[hdr + 1] << 8;
    *p += hdr + 2;
    if (len > (size_t)(end - *p))
        len = (size_t)(end - *p);
    return len;
}

static void pipeline(const uint8_t *p, const uint8_t *end, int midsession)
{
    ica_stream st;
    size_t sum = 0;
    ica_stream_init(&st, midsession ? ICA_PHASE_SYNC : ICA_PHASE_DETECT, NULL, NULL);
    while (p < end) {
        uint8_t dir = p[0] & 1;
        size_t len = record(&p, end, 1);
        if (len == (size_t)-1)
            break;
        ica_stream_feed(&st, dir ? ICA_S2C : ICA_C2S, p, len, on_event, &sum);
        p += len;
    }
    ica_stream_free(&st);
}

static void expander(const uint8_t *p, const uint8_t *end)
{
    if (p >= end)
        return;
    ica_v3 x;
    unsigned pow2 = 10 + p[0] % 13;
    unsigned coders = (p[0] & 0x80) ? ICA_V3_DEFAULT_CODERS_S2C : ICA_V3_DEFAULT_CODERS_C2S;
    p++;
    if (ica_v3_init(&x, pow2, coders, NULL, NULL) == 0) {
        while (p < end) {
            size_t len = record(&p, end, 0);
            if (len == (size_t)-1)
                break;
            const uint8_t *out;
            size_t n;
            if (ica_v3_expand(&x, p, len, &out, &n) == 0 && n)
                sink += out[0] + out[n - 1];
            p += len;
        }
    }
    ica_v3_free(&x, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        expander(data + 1, data + size);
    else
        pipeline(data + 1, data + size, data[0] & 2);
    return 0;
}
