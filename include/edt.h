/* edt.h - Citrix EDT framing (epan-free): UDT version 4 as EDT puts it on
 * UDP 1494/2598 (shared notes edt.md §3).
 *
 * Every datagram starts with a 16-byte header of four big-endian words:
 *   data:    0|seq:31   FF:2 O:1 msgno:29   timestamp(us)   dst socket id
 *   control: 1|type:15|ext:16   info   timestamp(us)   dst socket id
 * Control types (draft-gg-udt-03, UDT4): 0 handshake (48-byte body:
 * version, socket type, ISN, MSS, flow window, request type, socket id,
 * SYN cookie, peer address 16 bytes), 1 keep-alive, 2 ACK (info = ACK
 * number; body: next expected seq, RTT us, RTT variance us, available
 * buffer, receive rate, link capacity; a "light" ACK has the first word
 * only), 3 NAK (loss list: a seq, or a range as 1|first then last),
 * 4 congestion warning, 5 shutdown, 6 ACK2 (info = the ACK number),
 * 7 message drop request, 8 error signal, 0x7fff user defined.  UDT4 pads
 * keep-alive, ACK2 and shutdown with 4 zero bytes (20 bytes on the wire).
 * Citrix's variant: the handshakes of the connection request carry 5 or 4
 * in the low 16 bits of the first word (UDT4 leaves them 0 outside type
 * 0x7fff); meaning unknown (edt.md §3.2, seen in a capture only).
 *
 * Also here: the strict acceptance of a flow picked up mid-session
 * (edt_probe) and the delivery of data payloads in sequence order
 * (edt_order: reordered, duplicated, retransmitted datagrams give one
 * stream; holes given up by the peer's ACK or by bounds are gaps).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_EDT_H
#define CITRIX_EDT_H
#include <stddef.h>
#include <stdint.h>

#define EDT_HEADER_LEN    16
#define EDT_HANDSHAKE_LEN 64
#define EDT_SEQ_MASK      0x7fffffffu
#define EDT_MSGNO_MASK    0x1fffffffu

enum edt_ctrl {
    EDT_CT_HANDSHAKE = 0,
    EDT_CT_KEEPALIVE = 1,
    EDT_CT_ACK = 2,
    EDT_CT_NAK = 3,
    EDT_CT_CONGESTION = 4,
    EDT_CT_SHUTDOWN = 5,
    EDT_CT_ACK2 = 6,
    EDT_CT_DROP = 7,
    EDT_CT_ERROR = 8,
    EDT_CT_USER = 0x7fff
};

enum edt_status {
    EDT_OK = 0,
    EDT_SHORT,          /* fewer bytes than the header or the body needs */
    EDT_BAD_TYPE,       /* a control type UDT4 does not define */
    EDT_BAD_LENGTH      /* a control packet of a size its type never has */
};

typedef struct {
    uint8_t control;
    uint16_t type;          /* control only */
    uint16_t ext;           /* control: low 16 bits of word 0 */
    uint32_t seq;           /* data: 31-bit sequence number */
    uint8_t boundary;       /* data: FF (3 = solo, 2 first, 1 last, 0 middle) */
    uint8_t in_order;       /* data: O bit */
    uint32_t msgno;         /* data: 29-bit message number */
    uint32_t info;          /* control: word 1 (ACK / ACK2 number, ...) */
    uint32_t timestamp;
    uint32_t dst_socket;
    uint32_t body_len;      /* bytes after the header */
    enum edt_status status;
} edt_header;

typedef struct {
    uint32_t version, sock_type, isn, mss, flow_window;
    int32_t req_type;       /* 1 request, 0 rendezvous, -1/-2 response */
    uint32_t socket_id, cookie;
    uint8_t peer_ip[16];
    uint8_t citrix;         /* word 0's low 16 bits not 0: the Citrix variant */
} edt_handshake;

typedef struct {
    uint32_t ack_seq, rtt, rtt_var, buffer, rate, capacity;
    uint8_t n_words;        /* body words present: 1 (light), 4 or 6 */
} edt_ack;

/* The header; the status says whether the sizes fit the type. */
void edt_parse_header(const uint8_t *p, size_t len, edt_header *h);
/* Handshake body (len >= EDT_HANDSHAKE_LEN): 0 when not a plausible UDT4
 * handshake (version 4, socket type 1 or 2, word 0 low bits 0, 4 or 5). */
int edt_parse_handshake(const uint8_t *p, size_t len, edt_handshake *hs);
/* ACK body; 0 when the size is none of 20, 32, 40 (or 24: UDT4 pads). */
int edt_parse_ack(const uint8_t *p, size_t len, edt_ack *a);
/* NAK loss list entry at off: *first..*last; returns the bytes it takes
 * (4 or 8), 0 at the end or on a range cut short. */
size_t edt_nak_entry(const uint8_t *p, size_t len, size_t off, uint32_t *first, uint32_t *last);
/* Sequence numbers compared modulo 2^31: a - b as a signed distance. */
int32_t edt_seq_diff(uint32_t a, uint32_t b);
const char *edt_ctrl_name(uint16_t type);

/* ---- strict acceptance of a flow without handshake --------------------
 * Offer each datagram in capture order with its direction (0, 1).  A
 * handshake accepts at once.  Otherwise every datagram must parse (known
 * control type, its size, ext bits 0), keep the destination socket id of
 * its direction, and a data packet must carry the sequence number after
 * the previous one of its direction; anything else starts over.  Accepted
 * after EDT_PROBE_PACKETS agreeing datagrams of which EDT_PROBE_RUN
 * consecutive data packets of one direction. */
#define EDT_PROBE_PACKETS 4
#define EDT_PROBE_RUN     2
enum edt_verdict { EDT_PROBE_REJECT, EDT_PROBE_WAIT, EDT_PROBE_ACCEPT };
typedef struct {
    uint32_t sock[2], next_seq[2];
    uint8_t have_sock[2], have_seq[2];
    uint8_t run[2];
    uint8_t agreed;
} edt_probe;
void edt_probe_init(edt_probe *pr);
enum edt_verdict edt_probe_offer(edt_probe *pr, int dir, const uint8_t *p, size_t len);

/* ---- data payloads in sequence order ------------------------------------
 * Bits of what happened to an offered datagram. */
#define EDT_ORD_NEW      0x01   /* delivered now */
#define EDT_ORD_DUP      0x02   /* delivered before (duplicate, retransmission): dropped */
#define EDT_ORD_HELD     0x04   /* kept: ahead of a hole */
#define EDT_ORD_GAP      0x08   /* a hole was given up before a delivery */
#define EDT_ORD_RELEASED 0x10   /* held datagrams were delivered */

#define EDT_ORDER_MAX_HELD  64
#define EDT_ORDER_MAX_BYTES (256u * 1024u)
#define EDT_ORDER_MAX_GAP   (1u << 20)  /* an ACK further ahead is not this stream's */

typedef struct {
    uint32_t seq, len, tag;
    uint8_t *data;
} edt_held;

typedef struct {
    uint32_t next;          /* sequence number of the next datagram to deliver */
    uint8_t have_next;
    uint16_t n_held;
    uint32_t held_bytes;
    uint32_t lost;          /* datagrams given up so far */
    uint32_t pending_gap;   /* given up by an ACK, not yet reported with a delivery */
    edt_held *held;         /* sorted by sequence number; NULL until something is held */
} edt_order;

/* gap: datagrams lost before this delivery (0 none). */
typedef void (*edt_deliver_fn)(void *ctx, const uint8_t *data, uint32_t len, uint32_t tag, uint32_t gap);

void edt_order_init(edt_order *o);
void edt_order_free(edt_order *o);
/* The first datagram expected (the handshake's ISN); before any offer. */
void edt_order_start(edt_order *o, uint32_t seq);
unsigned edt_order_offer(edt_order *o, uint32_t seq, const uint8_t *data, uint32_t len, uint32_t tag,
                         edt_deliver_fn out, void *ctx);
/* The receiver acknowledged everything before ack (a UDT ACK): holes below
 * it will not be filled; when nothing is held below it, the next delivery
 * reports the datagrams up to it as lost.  Returns EDT_ORD_* bits. */
unsigned edt_order_acked(edt_order *o, uint32_t ack, edt_deliver_fn out, void *ctx);

#endif
