/* le_bytes.h - little-endian reads from a byte buffer the caller has
 * bounded, for the epan-free cores (ICA and CGP fields are little-endian).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_LE_BYTES_H
#define CITRIX_LE_BYTES_H
#include <stdint.h>

static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | ((uint32_t)le16(p + 2) << 16); }

#endif
