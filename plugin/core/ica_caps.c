/* ica_caps.c - capability list lookup and PACKET_PRIORITY (see ica_caps.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "ica_caps.h"

#define CAP_LIST_HEAD 4     /* u8 moreData, u8 blockCount, u16 offsetToFirstBlock */

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

int ica_caplist_find(const uint8_t *list, size_t len, uint16_t sig, const uint8_t **block, size_t *block_len)
{
    if (len < CAP_LIST_HEAD)
        return 0;
    unsigned count = list[1];
    size_t off = le16(list + 2);
    for (unsigned i = 0; i < count; i++) {
        if (off < CAP_LIST_HEAD || off + ICA_CAP_HEAD_LEN > len)
            return 0;
        size_t bl = le16(list + off);
        if (bl < ICA_CAP_HEAD_LEN || bl > len - off)
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
