/* ica_basic.c - ICA Basic cipher and UI string scrambling (ica.md §6.3, §5.3).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ica_basic.h"

void ica_basic_init(ica_basic_state *st, uint8_t key)
{
    st->key = key;
    st->prev = key | 0x43;
}

void ica_basic_decrypt(ica_basic_state *st, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        buf[i] = c ^ st->prev ^ st->key;
        st->prev = c;
    }
}

void ica_basic_decrypt_skip(ica_basic_state *st, const uint8_t *buf, size_t len)
{
    if (len)
        st->prev = buf[len - 1];
}

void ica_basic_encrypt(ica_basic_state *st, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = buf[i] ^ st->prev ^ st->key;
        st->prev = buf[i];
    }
}

/* Each byte is chained to the previous *encoded* byte, so decoding runs
 * from the end towards the start. */
void ica_ui_descramble(uint8_t *buf, size_t len, uint8_t seed)
{
    if (len == 0)
        return;
    for (size_t i = len - 1; i >= 1; i--)
        buf[i] ^= buf[i - 1] ^ seed;
    buf[0] ^= seed | 0x43;
}

void ica_ui_scramble(uint8_t *buf, size_t len, uint8_t seed)
{
    if (len == 0)
        return;
    buf[0] ^= seed | 0x43;
    for (size_t i = 1; i < len; i++)
        buf[i] ^= buf[i - 1] ^ seed;
}

uint8_t ica_ui_descrambled_byte(const uint8_t *buf, size_t i, uint8_t seed)
{
    return i == 0 ? (uint8_t)(buf[0] ^ (seed | 0x43)) : (uint8_t)(buf[i] ^ buf[i - 1] ^ seed);
}
