/* ica_reducer.h - ICA WD reducer: the level 1 ("Perverse") expander
 * (ica.md §7.2).  Epan-free.  Reducer V3/V4: ica_v3.h.
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

#endif
