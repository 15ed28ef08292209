/* ica_ht.c - high-throughput frame header and capability lookup (see ica_ht.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "ica_ht.h"

#define CAP_LIST_HEAD 4     /* u8 moreData, u8 blockCount, u16 offsetToFirstBlock */
#define CAP_HEAD 4          /* u16 byteCount, u16 signature */

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

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

int ica_caplist_find(const uint8_t *list, size_t len, uint16_t sig, const uint8_t **block, size_t *block_len)
{
    if (len < CAP_LIST_HEAD)
        return 0;
    unsigned count = list[1];
    size_t off = le16(list + 2);
    for (unsigned i = 0; i < count; i++) {
        if (off < CAP_LIST_HEAD || off + CAP_HEAD > len)
            return 0;
        size_t bl = le16(list + off);
        if (bl < CAP_HEAD || bl > len - off)
            return 0;
        if (le16(list + off + 2) == sig) {
            *block = list + off;
            *block_len = bl;
            return 1;
        }
        off += bl;
    }
    return 0;
}
