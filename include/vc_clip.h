/* vc_clip.h - CTXCLIP message sizes (shared notes vc.md §5).  Epan-free.
 *
 * The clipboard channel has no length field: each message's size follows
 * from its function and the counts and data sizes inside it (the RISC OS
 * client's wfshell header, WinFrame clipboard protocol v1; the HTML5
 * client's ClipboardEngine, protocol v3, search-index file 9566384228).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_VC_CLIP_H
#define CITRIX_VC_CLIP_H
#include <stddef.h>
#include <stdint.h>
#include "vc_cut.h"

enum {
    CLIP_INIT_REQUEST = 1, CLIP_INIT_REPLY = 2, CLIP_PLACE = 3, CLIP_RENDER_REQUEST = 4, CLIP_RENDER_REPLY = 5,
    CLIP_CANCEL = 6, CLIP_PROGRESS = 7, CLIP_REGISTER_FORMAT_REQUEST = 8, CLIP_REGISTER_FORMAT_REPLY = 9
};

#define CLIP_FLAG_NOTIFICATION_ONLY 0x0001
#define CLIP_FLAG_MULTIPLE_FORMATS  0x0002
#define CLIP_FLAG_REQUEST_FAILED    0x0004
#define CLIP_FLAG_REQUEST_EMPTY     0x0008
#define CLIP_FORMAT_BLOCK 6         /* u16 uFormat, u32 cbData */

/* The size of the CTXCLIP message at buf (vc_cut.h conventions):
 * VC_CUT_NEED_HEADER until enough of it is there, VC_CUT_REST for the
 * functions with no public layout (CANCEL, PROGRESS, unknown ones). */
enum vc_cut vc_clip_size(const uint8_t *buf, size_t avail, uint32_t *total);

#endif
