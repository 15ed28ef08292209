/* ica_caps.h - capability lists (ica.md §5.6) and the capability bodies
 * the high-throughput and priority work reads.  Epan-free.
 *
 *   CapabilityList: u8 moreData, u8 blockCount, u16 offsetToFirstBlock, blocks
 *   CAP_HEAD:       u16 byteCount (head included), u16 signature, body
 *   PACKET_PRIORITY (5): u32 PriorityOffset, u16 ArrayLength, u8
 *     fUseLowestPriority; the ArrayLength priorities (one byte per channel)
 *     start at the capability's start + PriorityOffset (the HTML5 client's
 *     PacketPriority reader; IcaCaps.h structure), not right after the
 *     fixed fields.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_CAPS_H
#define CITRIX_ICA_CAPS_H
#include <stddef.h>
#include <stdint.h>

#define ICA_CAP_PACKET_PRIORITY 5
#define ICA_CAP_HEAD_LEN 4
#define ICA_CAPLIST_HEAD_LEN 4      /* u8 moreData, u8 blockCount, u16 offsetToFirstBlock */
#define ICA_CAPLIST_MAX 255         /* blockCount is one byte */

/* One walk of a capability list, for the stream core (what it learns) and
 * the dissector (what it shows). */
enum ica_caplist_stop {
    ICA_CAPLIST_COMPLETE,           /* all blockCount blocks read */
    ICA_CAPLIST_SHORT,              /* shorter than the list head: no list */
    ICA_CAPLIST_FIRST_OUTSIDE,      /* offsetToFirstBlock below the head or beyond the list */
    ICA_CAPLIST_BAD_BLOCK,          /* a block's byteCount below its head or beyond the list (at stop_off) */
    ICA_CAPLIST_TRUNCATED           /* the list ends before blockCount blocks (at stop_off) */
};
typedef struct {
    uint32_t off;                   /* from the list's start */
    uint16_t len;                   /* byteCount, head included */
    uint16_t sig;
} ica_cap_block;
typedef struct {
    uint8_t more, count;
    uint16_t first;
    uint8_t stop;                   /* enum ica_caplist_stop */
    uint8_t n;                      /* blocks read */
    uint16_t bad_len;               /* ICA_CAPLIST_BAD_BLOCK: that byteCount */
    uint32_t stop_off;              /* where reading stopped (the end of the last block when complete) */
    ica_cap_block block[ICA_CAPLIST_MAX];
} ica_caplist;

void ica_caplist_parse(const uint8_t *list, size_t len, ica_caplist *out);
#define ICA_CAP_PRIORITY_FIXED (ICA_CAP_HEAD_LEN + 7)

/* Find capability `sig` in a capability list of len bytes; every block
 * length is checked against the list.  Returns 1 and the block (head
 * included) when found. */
int ica_caplist_find(const uint8_t *list, size_t len, uint16_t sig, const uint8_t **block, size_t *block_len);

typedef struct {
    uint32_t offset;        /* PriorityOffset, from the capability's start */
    uint16_t count;         /* ArrayLength */
    uint8_t use_lowest;     /* fUseLowestPriority */
    uint8_t in_block;       /* the priorities lie inside the block */
} ica_cap_priority;

/* PACKET_PRIORITY block (head included) of blen bytes.  Returns 0 when the
 * block is only the head and its fixed fields are absent (the client's
 * form), else 1 with *out filled; out->in_block says whether
 * block[offset .. offset+count) may be read. */
int ica_cap_packet_priority(const uint8_t *block, size_t blen, ica_cap_priority *out);

#endif
