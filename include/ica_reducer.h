/* ica_reducer.h - ICA WD reducer: level 1 ("Perverse") expander and the
 * V3/V4 container chunk headers (ica.md §7.2).  Epan-free.
 *
 * Level 1 follows the notes' description of the RISC OS client; no level-1
 * capture is known, so it is checked only against the description.
 * Level 2 ("Mark II") is not public and is not handled here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_REDUCER_H
#define CITRIX_ICA_REDUCER_H
#include <stddef.h>
#include <stdint.h>

/* History sizes above this are refused, which bounds per-direction state. */
#define ICA_REDUCER_MAX_POW2 20

typedef struct {
    uint8_t *hist;      /* ring of 2^pow2 bytes, owned by the caller */
    uint32_t mask;      /* 2^pow2 - 1 */
    uint32_t pos;       /* next write position in the ring */
    uint64_t filled;    /* bytes ever written (distance check) */
    uint8_t pow2;
} ica_expander;

/* hist must hold 2^pow2 bytes; returns 0, or -1 if pow2 is 0 or too large. */
int ica_expander_init(ica_expander *ex, uint8_t pow2, uint8_t *hist);

/* Expand one block (one PD frame's payload) into out (at most out_max
 * bytes).  Returns the output length, or -1 on a malformed block, a
 * distance beyond the history, or output that would exceed out_max.  On
 * error the history is no longer trustworthy; callers stop expanding. */
long ica_expand_l1(ica_expander *ex, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max);

/* V3/V4 container (S5's V3Expander layout): data chunks at the front,
 * headers at the end, read backwards. */
#define ICA_V3_NULL_CHANNEL 0x3e
#define ICA_V3_SPECIAL_TW   0x3d
#define ICA_V3_BASE_CHANNEL 0x3f

typedef struct {
    uint8_t channel;        /* 6 bits */
    uint8_t completion;     /* bit 1 of the first header byte */
    uint8_t compressed;     /* bit 0 */
    uint8_t add_to_history; /* uncompressed chunks: LSB of the length */
    uint8_t is_command;     /* escape (0xF8): command chunk, no data */
    uint8_t command;        /* escape command */
    uint8_t nparams;
    uint32_t params_off;    /* offset of the parameter bytes in the packet */
    uint32_t data_off;      /* offset of the chunk data in the packet */
    uint32_t data_len;
    uint32_t hdr_off;       /* lowest offset of this chunk's header bytes */
    uint32_t hdr_len;
} ica_v3_chunk;

/* Parse up to max chunks; returns the count, or -1 if the headers and the
 * data do not exactly cover the packet (or there are more than max). */
int ica_v3_parse(const uint8_t *pkt, size_t len, ica_v3_chunk *chunks, int max);

#endif
