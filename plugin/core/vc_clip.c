/* vc_clip.c - the size of a CTXCLIP message from its layout (vc_clip.h,
 * vc.md §5).  Epan-free.
 *
 *   INIT_REQUEST (1)      u16 function, u16 VersionLow, u16 VersionHigh: 6 bytes
 *   INIT_REPLY (2)        u16 function, u16 flags, u16 version, u32 threshold,
 *                         u16 CFNotify[] ending with 0
 *   PLACE (3)             u16 function, u16 flags; with REQUEST_FAILED nothing
 *                         more; else format blocks u16 uFormat, u32 cbData and,
 *                         unless NOTIFICATION_ONLY, cbData bytes; one block, or
 *                         with MULTIPLE_FORMATS blocks up to a u16 0 (the HTML5
 *                         client's terminator; wfshell's comment says a ULONG)
 *   RENDER_REQUEST (4)    u16 function, u16 flags, u16 uFormat, u16 reserved: 8
 *   RENDER_REPLY (5)      u16 function, u16 flags; with REQUEST_FAILED nothing
 *                         more; else u16 uFormat, u32 cbData, cbData bytes
 *   REGISTER_FORMAT_REQUEST / _REPLY (8, 9)  u16 function, u16 flags, blocks
 *                         u16 uFormat, u32 cbData, cbData bytes (the format
 *                         name; 0 in the reply) up to a block of uFormat 0
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vc_clip.h"
#include "le_bytes.h"

/* Blocks u16 uFormat, u32 cbData [, data] from off; stops after one block
 * unless `chain`, at a u16 0 (`zero_block` 0) or a whole 6-byte zero block. */
static enum vc_cut blocks(const uint8_t *buf, size_t avail, uint64_t off, int with_data, int chain,
                          int zero_block, uint32_t *total)
{
    for (;;) {
        if (chain && off + 2 <= avail && le16(buf + off) == 0) {
            uint64_t end = off + (zero_block ? CLIP_FORMAT_BLOCK : 2);
            if (end > avail)
                return VC_CUT_NEED_HEADER;
            *total = end > UINT32_MAX ? UINT32_MAX : (uint32_t)end;
            return VC_CUT_OK;
        }
        if (off + CLIP_FORMAT_BLOCK > avail)
            return VC_CUT_NEED_HEADER;
        off += CLIP_FORMAT_BLOCK + (uint64_t)(with_data ? le32(buf + off + 2) : 0);
        if (!chain || off > UINT32_MAX) {
            *total = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
            return off > UINT32_MAX ? VC_CUT_TOO_LONG : VC_CUT_OK;
        }
        if (off > avail)
            return VC_CUT_NEED_HEADER;      /* the next block lies beyond what is there */
    }
}

enum vc_cut vc_clip_size(const uint8_t *buf, size_t avail, uint32_t *total)
{
    *total = 0;
    if (avail < 4)
        return VC_CUT_NEED_HEADER;
    uint16_t fn = le16(buf), flags = le16(buf + 2);
    switch (fn) {
    case CLIP_INIT_REQUEST:
        *total = 6;
        return VC_CUT_OK;
    case CLIP_RENDER_REQUEST:
        *total = 8;
        return VC_CUT_OK;
    case CLIP_INIT_REPLY:
        for (size_t o = 10; o + 2 <= avail; o += 2)
            if (le16(buf + o) == 0) {
                *total = (uint32_t)(o + 2);
                return VC_CUT_OK;
            }
        return VC_CUT_NEED_HEADER;
    case CLIP_PLACE:
    case CLIP_RENDER_REPLY:
        if (flags & CLIP_FLAG_REQUEST_FAILED) {
            *total = 4;
            return VC_CUT_OK;
        }
        return blocks(buf, avail, 4, !(fn == CLIP_PLACE && (flags & CLIP_FLAG_NOTIFICATION_ONLY)),
                      fn == CLIP_PLACE && (flags & CLIP_FLAG_MULTIPLE_FORMATS), 0, total);
    case CLIP_REGISTER_FORMAT_REQUEST:
    case CLIP_REGISTER_FORMAT_REPLY:
        return blocks(buf, avail, 4, 1, 1, 1, total);
    default:
        return VC_CUT_REST;
    }
}
