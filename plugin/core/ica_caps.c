/* ica_caps.c - capability list walk and lookup, PACKET_PRIORITY (see ica_caps.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "ica_caps.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

void ica_caplist_parse(const uint8_t *list, size_t len, ica_caplist *out)
{
    out->more = out->count = 0;
    out->first = 0;
    out->n = 0;
    out->bad_len = 0;
    out->stop_off = 0;
    if (len < ICA_CAPLIST_HEAD_LEN) {
        out->stop = ICA_CAPLIST_SHORT;
        return;
    }
    out->more = list[0];
    out->count = list[1];
    out->first = le16(list + 2);
    if (out->first < ICA_CAPLIST_HEAD_LEN || out->first > len) {
        out->stop = ICA_CAPLIST_FIRST_OUTSIDE;
        return;
    }
    size_t off = out->first;
    out->stop = ICA_CAPLIST_COMPLETE;
    while (out->n < out->count) {
        if (off + ICA_CAP_HEAD_LEN > len) {
            out->stop = ICA_CAPLIST_TRUNCATED;
            break;
        }
        uint16_t bl = le16(list + off);
        if (bl < ICA_CAP_HEAD_LEN || bl > len - off) {
            out->stop = ICA_CAPLIST_BAD_BLOCK;
            out->bad_len = bl;
            break;
        }
        ica_cap_block *b = &out->block[out->n++];
        b->off = (uint32_t)off;
        b->len = bl;
        b->sig = le16(list + off + 2);
        off += bl;
    }
    out->stop_off = (uint32_t)off;
}

int ica_caplist_find(const uint8_t *list, size_t len, uint16_t sig, const uint8_t **block, size_t *block_len)
{
    ica_caplist cl;
    ica_caplist_parse(list, len, &cl);
    for (unsigned i = 0; i < cl.n; i++) {
        if (cl.block[i].sig == sig) {
            *block = list + cl.block[i].off;
            *block_len = cl.block[i].len;
            return 1;
        }
    }
    return 0;
}

int ica_cap_packet_priority(const uint8_t *block, size_t blen, ica_cap_priority *out)
{
    memset(out, 0, sizeof *out);
    if (blen < ICA_CAP_PRIORITY_FIXED)
        return 0;
    out->offset = le16(block + 4) | ((uint32_t)le16(block + 6) << 16);
    out->count = le16(block + 8);
    out->use_lowest = block[10];
    out->in_block = out->offset >= ICA_CAP_PRIORITY_FIXED && out->offset <= blen &&
                    out->count <= blen - out->offset;
    return 1;
}
