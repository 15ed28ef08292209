/* vc_cut.c - a virtual-channel message's size from its channel's length
 * rule (vc_cut.h, vc.md §0.1).  Epan-free.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vc_cut.h"
#include "le_bytes.h"

enum vc_cut vc_msg_size(const vc_len_rule *rule, const uint8_t *buf, size_t avail, uint32_t *total)
{
    uint64_t size;
    *total = 0;
    if (rule->kind == VC_LEN_WRITE) {
        *total = avail > UINT32_MAX ? UINT32_MAX : (uint32_t)avail;
        return VC_CUT_OK;
    }
    if (rule->kind == VC_LEN_MEASURE) {
        enum vc_cut cut = rule->measure(buf, avail, total);
        if (cut == VC_CUT_OK && *total > rule->max_len)
            return VC_CUT_TOO_LONG;
        if (cut == VC_CUT_NEED_HEADER && avail >= rule->max_len) {
            *total = avail > UINT32_MAX ? UINT32_MAX : (uint32_t)avail;
            return VC_CUT_TOO_LONG;     /* a size not known within max_len bytes */
        }
        return cut;
    }
    if (avail < rule->hdr_len)
        return VC_CUT_NEED_HEADER;
    size = rule->len_size == 4 ? le32(buf + rule->len_off) : le16(buf + rule->len_off);
    if (!rule->includes_hdr)
        size += rule->hdr_len;
    else if (size < rule->hdr_len) {
        *total = (uint32_t)size;
        return VC_CUT_TOO_SHORT;
    }
    *total = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
    return size > rule->max_len ? VC_CUT_TOO_LONG : VC_CUT_OK;
}
