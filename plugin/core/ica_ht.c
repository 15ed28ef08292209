/* ica_ht.c - high-throughput frame header and capability lookup (see ica_ht.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "ica_ht.h"
#include "le_bytes.h"

uint32_t ica_ht_bandwidth(uint16_t raw)
{
    uint32_t mantissa = (raw & 0x7ffu) | 0x800u;
    unsigned shift = raw >> 11;
    return (mantissa << 20) >> shift;
}

size_t ica_ht_parse(const uint8_t *p, size_t len, ica_ht_header *out)
{
    memset(out, 0, sizeof *out);
    if (len < 1)
        return 0;
    size_t pos = 1;
    out->flags = p[0];
    if (out->flags & ICA_HT_BANDWIDTH_ESTIMATE) {
        if (len < pos + 2)
            return 0;
        out->has_bw = 1;
        out->bw_raw = le16(p + pos);
        out->bw_bytes_per_s = ica_ht_bandwidth(out->bw_raw);
        pos += 2;
    }
    if (out->flags & ICA_HT_ROUND_TRIP_ESTIMATE) {
        if (len < pos + 2)
            return 0;
        out->has_rtt = 1;
        out->rtt_ms = le16(p + pos);
        pos += 2;
    }
    out->len = (uint8_t)pos;
    return pos;
}
