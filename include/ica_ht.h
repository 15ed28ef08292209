/* ica_ht.h - the high-throughput frame header (ica-modern.md §2).  Epan-free.
 *
 * Source: the HTML5 client's HighThroughputExtractor (H5).  On receive the
 * stack is PDRFRAME -> PDCRYPT1 -> high-throughput extractor -> expander ->
 * WD dispatcher, so once the header is in use every frame that carries WD
 * data starts, after decryption and before the reducer, with one flag byte:
 *
 *   0x08 ROUND_TRIP_ESTIMATE      u16 LE round-trip estimate in ms follows
 *   0x10 BANDWIDTH_ESTIMATE       u16 LE bandwidth estimate follows:
 *                                 bits 11-15 shift c, bits 0-10 mantissa m,
 *                                 bytes/s = ((m | 0x800) << 20) >> c (32 bits)
 *   0x20 ROUND_TRIP_TOKEN         the sender asks the peer to time a round trip
 *   0x40 TIME_NEXT_PACKET         the peer should time the next packet
 *   0x80 INTERRUPT_VIRTUAL_WRITE  a virtual write was cut short; its rest comes
 *                                 later in RESUME_VIRTUAL_WRITE (0x43)
 *   0x07                          no source names these bits (shown undecoded)
 *
 * The extra fields come in the order flag byte, bandwidth, round trip (H5's
 * AddHeader writes them at descending offsets before the data).  H5's own
 * reader of the round-trip field shifts the high byte the wrong way; its
 * writer, followed here, is little endian.
 *
 * Activation (H5 WinstationDriver): HIGH_THROUGHPUT is capability 16
 * {u32 supportMask, u16 MaxICAPacketLength, u16 LineLoadingPercent}; H5
 * uses the header when the capability it negotiated (and sends in its
 * WD_C2H capability list) has supportMask 0, in both directions, from the
 * end of the handshake on.  How other clients decide is not public.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_HT_H
#define CITRIX_ICA_HT_H
#include <stddef.h>
#include <stdint.h>
#include "ica_caps.h"       /* ica_caplist_find */

#define ICA_CAP_HIGH_THROUGHPUT 16
#define ICA_CAP_HIGH_THROUGHPUT_LEN 12      /* head 4 + mask 4 + length 2 + percent 2 */

#define ICA_HT_ROUND_TRIP_ESTIMATE      0x08
#define ICA_HT_BANDWIDTH_ESTIMATE       0x10
#define ICA_HT_ROUND_TRIP_TOKEN         0x20
#define ICA_HT_TIME_NEXT_PACKET         0x40
#define ICA_HT_INTERRUPT_VIRTUAL_WRITE  0x80
#define ICA_HT_UNNAMED_BITS             0x07
#define ICA_HT_MAX_LEN 5

/* Whether the header applies to a session (enum values kept in ica_summary). */
enum ica_ht_state {
    ICA_HT_UNKNOWN = 0,     /* handshake not captured: decided by inference */
    ICA_HT_OFF,             /* negotiation seen, header not in use */
    ICA_HT_ON,              /* negotiated */
    ICA_HT_INFERRED_ON,     /* not seen negotiated, but the frames only parse with it */
    ICA_HT_INFERRED_OFF     /* not seen negotiated, the frames parse without it */
};

typedef struct {
    uint8_t len;            /* header bytes: 1, 3 or 5 */
    uint8_t flags;
    uint8_t has_rtt, has_bw;
    uint16_t rtt_ms;
    uint16_t bw_raw;
    uint32_t bw_bytes_per_s;
} ica_ht_header;

/* Parse the header at the start of a frame's WD bytes.  Returns its length,
 * or 0 when len is shorter than the fields its flags announce. */
size_t ica_ht_parse(const uint8_t *p, size_t len, ica_ht_header *out);

/* bytes/s of a bandwidth estimate field */
uint32_t ica_ht_bandwidth(uint16_t raw);

#endif
