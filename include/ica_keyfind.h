/* ica_keyfind.h - recover the Basic session key of a capture that starts
 * mid-session (no CRYPT_SESSIONKEY seen).  Epan-free.
 *
 * Basic (ica.md §6.3) decrypts p = c ^ q ^ K with q the previous
 * ciphertext byte of the same direction, so once one ciphertext byte is
 * known the chain is known and only K (one byte, the same in both
 * directions) is missing.  The first encrypted frame seen only primes the
 * chain (its first byte's q is the last byte of a frame never captured).
 * Every later frame is decrypted under each of the 256 keys and cut into WD
 * commands (ica_cmd_cut; commands may span frames).  A key dies at the
 * first code with no known length rule and starts a new run at the next
 * frame (the frame where its run began may have started inside a command).
 * A frame "ends clean" under a key when no bytes are left over (no command
 * cut short).  A key is accepted when it is the only one whose last
 * ICA_KEYFIND_MIN_FRAMES frames all ended clean: wrong keys mostly read a
 * huge length early and never end clean again.  After ICA_KEYFIND_MAX_FRAMES
 * frames without a decision the trial gives up.
 *
 * Current sessions may carry the high-throughput header (ica_ht.h) at the
 * start of every frame: each key is also tried with that layout (flag byte
 * with its unnamed low bits clear, the estimates its flags announce, an
 * interrupt flag dropping the command in progress), so a candidate is a
 * (key, layout) pair and the accepted pair also says whether the session
 * uses the header.
 *
 * Reducer V3 sessions (ica-modern.md §6) carry no WD commands a cutter
 * could follow: there a key (with or without the header) survives a frame
 * whose V3 chunk headers fit it exactly (or up to a compressed chunk, whose
 * size only an expander knows) and whose base-channel copy chunks that
 * start on a command boundary hold whole WD commands (a key K with the
 * header and K ^ 0x02 without it fit the same chunk headers on many
 * frames; the WD bytes tell them apart).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_KEYFIND_H
#define CITRIX_ICA_KEYFIND_H
#include <stddef.h>
#include <stdint.h>

#define ICA_KEYFIND_MIN_FRAMES 4    /* consecutive frames with no bytes left over */
#define ICA_KEYFIND_MAX_FRAMES 32   /* frames tried before giving up */

enum ica_keyfind_result {
    ICA_KEYFIND_PENDING = -1,
    ICA_KEYFIND_FAILED = -2
};

typedef struct {
    uint32_t need;          /* data bytes of the current command still to come */
    uint8_t hdr[3];         /* command code and length bytes collected so far */
    uint8_t hdr_len;
    uint8_t alive;
    uint8_t streak;         /* consecutive frames that ended clean (capped) */
    uint16_t run;           /* frames parsed since this key's run began */
    uint8_t v3_open;        /* V3 layouts: the last base-channel chunk did not end a command */
} ica_keyfind_cand;

#define ICA_KEYFIND_PLAIN 0x01       /* try the classic layout */
#define ICA_KEYFIND_HT    0x02       /* try the high-throughput header layout */
#define ICA_KEYFIND_V3    0x04       /* reducer V3 packets */
#define ICA_KEYFIND_V3_HT 0x08       /* reducer V3 packets after the high-throughput header */
#define ICA_KEYFIND_LAYOUTS 4

typedef struct {
    ica_keyfind_cand cand[ICA_KEYFIND_LAYOUTS][256];   /* by layout: classic, HT, V3, V3 after HT */
    uint8_t layouts;        /* ICA_KEYFIND_* */
    uint8_t result_ht;      /* the accepted candidate uses the high-throughput header */
    uint8_t result_v3;      /* ... carries reducer V3 packets */
    uint8_t result_layout;  /* its layout index (for ica_keyfind_run) */
    uint16_t seen;          /* frames seen, anchor included */
    uint8_t have_prev;      /* the chain is known */
    uint8_t prev;           /* last ciphertext byte seen */
    int16_t result;         /* the key, or enum ica_keyfind_result */
} ica_keyfind;

/* layouts: which frame layouts to try (ICA_KEYFIND_PLAIN / _HT). */
void ica_keyfind_init(ica_keyfind *kf, uint8_t layouts);

/* One encrypted frame's ciphertext (the bytes after the PDCRYPT1 header),
 * in stream order.  Returns the key (0-255) when it is accepted at this
 * frame, else ICA_KEYFIND_PENDING or ICA_KEYFIND_FAILED. */
int ica_keyfind_frame(ica_keyfind *kf, const uint8_t *ct, size_t len);

/* Frames (the latest included) that key k has parsed in layout index
 * `layout` (0 classic, 1 HT, 2 V3, 3 V3 after HT) since its run began; the
 * earliest of them started on a command boundary under k. */
unsigned ica_keyfind_run(const ica_keyfind *kf, uint8_t k, int layout);

#endif
