/* ica_basic.h - ICA "Basic" encryption (PDCRYPT1) and UI_C2H string scrambling.
 * Epan-free; see ica.md §6.3 and §5.3 (UI_C2H).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_BASIC_H
#define CITRIX_ICA_BASIC_H
#include <stddef.h>
#include <stdint.h>

/* One running state per direction: the cipher is chained over every
 * encrypted byte that direction ever sends, across PDRFRAME frames. */
typedef struct {
    uint8_t key;    /* session key K from CRYPT_SESSIONKEY */
    uint8_t prev;   /* previous ciphertext byte, K|0x43 before the first */
} ica_basic_state;

void ica_basic_init(ica_basic_state *st, uint8_t key);
/* In place; buf may be NULL when len is 0. */
void ica_basic_decrypt(ica_basic_state *st, uint8_t *buf, size_t len);
/* Advance the state over ciphertext without decrypting it. */
void ica_basic_decrypt_skip(ica_basic_state *st, const uint8_t *buf, size_t len);
void ica_basic_encrypt(ica_basic_state *st, uint8_t *buf, size_t len);

/* UI_C2H variable part when EncryptionLevel is 1 (in place). */
void ica_ui_descramble(uint8_t *buf, size_t len, uint8_t seed);
void ica_ui_scramble(uint8_t *buf, size_t len, uint8_t seed);
/* One descrambled byte of a scrambled buffer: each byte depends only on
 * itself and the previous scrambled byte, so any range decodes alone. */
uint8_t ica_ui_descrambled_byte(const uint8_t *buf, size_t i, uint8_t seed);

#endif
