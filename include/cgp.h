/* cgp.h - Citrix CGP ("Common Gateway Protocol", Session Reliability) wire
 * format, epan-free.
 *
 * Facts: shared notes cgp.md (sections cited below), from Citrix's HTML5
 * receiver (H5).  Every parser here works on one buffer (p, len) and
 * reports offsets into it plus the decoded values, so the dissector adds
 * items at those offsets without reading the layout a second time.  Nothing
 * allocates; every count and length taken from the wire is checked against
 * len, so a lying length can only end a parse early.
 *
 *   record    = varlen L | u8 cmd | L-1 bytes                (§4)
 *   varlen    = 1 or 2 bytes little-endian base-128, max 32767 (§4)
 *   extension = flag bytes (7 flags each, 0x80 = more) then data (§5)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_CGP_H
#define CITRIX_CGP_H
#include <stddef.h>
#include <stdint.h>

#define CGP_SIGNATURE_LEN 7
extern const uint8_t cgp_signature[CGP_SIGNATURE_LEN];     /* 1a "CGP/01" (§3) */

#define CGP_VARLEN_MAX 0x7FFF
#define CGP_MAX_FLAG_BYTES 32       /* §5 */
#define CGP_MAX_RECORD (2 + CGP_VARLEN_MAX)

/* Commands (§6) */
enum {
    CGP_BIND_REQUEST = 0x01, CGP_BIND_RESPONSE = 0x02, CGP_FINISH_REQUEST = 0x03,
    CGP_FINISH_RESPONSE = 0x04, CGP_NOP = 0x05, CGP_CHANNEL_OPEN_REQUEST = 0x06,
    CGP_CHANNEL_OPEN_RESPONSE = 0x07, CGP_CHANNEL_CLOSE = 0x08, CGP_DATA = 0x09,
    CGP_DATA_REALTIME = 0x0A, CGP_DATA_REALTIME_WITH_ACK = 0x0B
};
const char *cgp_cmd_name(unsigned cmd);   /* NULL outside 0x01-0x0B */

/* Header extension indexes (§5) */
enum { CGP_EXT_LENGTH = 0, CGP_EXT_MONITORING = 1, CGP_EXT_COMPRESSION = 2, CGP_EXT_RELIABILITY = 3 };
#define CGP_REL_TRACK 0x01
#define CGP_REL_ACK   0x02

/* Capability ids of service 0 (§7) */
enum {
    CGP_CAP_SERVICES_BINDING = 1, CGP_CAP_ENDPOINT_ADDRESS = 2, CGP_CAP_CHANNEL_MONITORING = 3,
    CGP_CAP_COMPRESSION = 4, CGP_CAP_SESSION_RELIABILITY = 5, CGP_CAP_SECURITY_TICKET = 6,
    CGP_CAP_KEEP_ALIVES = 7, CGP_CAP_RELIABILITY_PARAMS = 9
};

/* TcpProxyService protocols (§8) */
enum { CGP_PROTO_UNKNOWN = 0, CGP_PROTO_UNSPECIFIED, CGP_PROTO_MIXED, CGP_PROTO_ICA, CGP_PROTO_HTTP, CGP_PROTO_RDP };
#define CGP_TCPPROXY_NAME "Citrix.TcpProxyService"

enum cgp_status {
    CGP_OK = 0,
    CGP_SHORT,      /* a length or count points past the end of the buffer */
    CGP_BAD         /* a value no encoder produces (zero record length, block shorter than its header) */
};

/* A varlen: where it is, how long, its value, and whether a 1-byte value
 * was written in the 2-byte form (legitimate, §4: `a4 00` = 36). */
typedef struct {
    uint32_t off;
    uint8_t len;
    uint8_t nonminimal;
    uint16_t value;
} cgp_vl;

enum cgp_status cgp_varlen(const uint8_t *p, size_t len, size_t off, cgp_vl *v);

/* Bytes of the whole record starting at p (length field included).
 * Returns CGP_SHORT when avail does not yet hold the length field (1 byte
 * suffices when b0 < 0x80). */
enum cgp_status cgp_pdu_len(const uint8_t *p, size_t avail, uint32_t *total);

/* Bytes of the stream unit at p: the 7-byte signature (1a 'C': a record
 * would be command 0x43, never one, §3) or a record.  0 while avail does
 * not yet tell (no byte; or one byte that is 0x1a or >= 0x80). */
uint32_t cgp_unit_len(const uint8_t *p, size_t avail);

/* ---- units cut across carrier messages (WebSocket) ----------------------
 * A WebSocket message need not end on a record boundary: a record may be
 * cut across messages (WebSocket does no desegmentation for the dissectors
 * it calls).  One cgp_join per direction follows the unit being joined;
 * cgp_join_message() says, for the next message of that direction, which
 * of its bytes continue the pending unit, where the whole units lie and
 * where a unit starts that continues in a later message.  The pending unit
 * is at most CGP_MAX_RECORD bytes (the join keeps only its first 2). */
typedef struct {
    uint32_t have;              /* bytes of the pending unit so far; 0: none pending */
    uint32_t need;              /* its length once known, else 0 */
    uint8_t first[2];           /* its first bytes, for the length */
} cgp_join;

typedef struct {
    uint32_t head_len;          /* bytes at the start that continue the pending unit */
    uint32_t head_at;           /* where they go in that unit */
    uint8_t head_done;          /* ... and they complete it */
    uint32_t tail_off;          /* whole units lie in [head_len, tail_off); a unit
                                 * starting at tail_off < len continues in a later message */
} cgp_join_split;

void cgp_join_message(cgp_join *j, const uint8_t *p, size_t len, cgp_join_split *out);

/* ---- one record: length, command, header extensions (§4-§6) ------------- */

typedef struct {
    enum cgp_status status;
    cgp_vl length;              /* L */
    uint32_t total;             /* length.len + L: the record's bytes */
    uint8_t cmd;
    uint8_t has_flag_bytes;     /* not 0x0A/0x0B */
    uint32_t flags_off;
    uint8_t n_flag_bytes;
    uint8_t flag_bytes_unterminated;    /* 32 flag bytes, the last with 0x80 */
    uint8_t flag_bytes[CGP_MAX_FLAG_BYTES];
    uint8_t bind_flag_not_zero; /* 0x01/0x02 flag byte is not 00 (§5) */
    /* EXT_LENGTH */
    uint8_t has_ext_len;
    cgp_vl ext_len;
    /* MONITORING: only its first byte (flags) is known */
    uint8_t has_monitoring;
    uint32_t monitoring_off;
    /* RELIABILITY */
    uint8_t has_reliability;
    uint32_t reliability_off;
    uint8_t rel_flags;
    uint8_t has_ack;
    cgp_vl ack_delta;           /* also 0x0B's ack_delta */
    /* Extension bytes whose layout is unknown (compression, the rest of
     * monitoring, indexes >= 4) */
    uint32_t undecoded_off, undecoded_len;
    /* The payload start cannot be found (unknown extension without
     * EXT_LENGTH, §5): payload_off/len then cover the rest, undecoded. */
    uint8_t ext_undecodable;
    uint8_t ext_len_mismatch;   /* decoded extensions do not end where EXT_LENGTH says */
    uint8_t tracked;            /* counts for acking: TRACK_MESSAGE, or 0x0A/0x0B */
    uint8_t header_complete;    /* the payload's start is known and within the bytes given, also when
                                 * the record continues past them (CGP_SHORT): its start can be shown */
    uint32_t payload_off, payload_len;
} cgp_record;

/* p/len: the bytes from the record's length field on; len may exceed the
 * record (only total bytes are read) or fall short (status CGP_SHORT, the
 * fields parsed so far are valid). */
void cgp_parse_record(const uint8_t *p, size_t len, cgp_record *r);
int cgp_flag_set(const cgp_record *r, unsigned index);

/* ---- payloads; all offsets relative to the payload buffer given ---------- */

/* BIND_REQUEST / BIND_RESPONSE: reserved u16, varlen num_caps, caps. */
typedef struct {
    enum cgp_status status;
    uint16_t reserved;
    cgp_vl num_caps;
    uint32_t caps_off;
} cgp_bind;
void cgp_parse_bind(const uint8_t *p, size_t len, cgp_bind *b);

/* Capability block (§7): varlen blk_len; u16 service; u16 cap id; 00 00; body. */
typedef struct {
    enum cgp_status status;
    cgp_vl blk_len;
    uint32_t off;               /* of blk_len */
    uint32_t total;             /* blk_len.len + blk_len.value */
    uint16_t service_id, cap_id, reserved;
    uint32_t body_off, body_len;
} cgp_cap;
/* The block at off; CGP_BAD when blk_len < 6. */
void cgp_parse_cap(const uint8_t *p, size_t len, size_t off, cgp_cap *c);

/* SERVICES_BINDING entries: varlen n, then n × {varlen blk_len; u16 id;
 * u8 version; 00 00; varlen name_len; name}. */
typedef struct {
    enum cgp_status status;
    cgp_vl blk_len;
    uint32_t off, total;
    uint16_t service_id;
    uint8_t version;
    uint16_t reserved;
    cgp_vl name_len;
    uint32_t name_off;
} cgp_service;
void cgp_parse_service(const uint8_t *p, size_t len, size_t off, cgp_service *s);

typedef struct {
    enum cgp_status status;
    uint8_t type;               /* 0 DEFAULT, 1 HOSTNAME, 2 TICKET_STA, 3 SECURITY_TICKET */
    cgp_vl addr_len;
    uint32_t addr_off;
} cgp_endpoint;
void cgp_parse_endpoint(const uint8_t *p, size_t len, cgp_endpoint *e);

typedef struct {
    enum cgp_status status;
    uint8_t pref_version, min_version;
    uint8_t c2s_algo;
    cgp_vl c2s_len;
    uint32_t c2s_off;
    uint8_t s2c_algo;
    cgp_vl s2c_len;
    uint32_t s2c_off;
    uint32_t next_msg_off;
    uint32_t next_msg;
    uint8_t reconnect_flags;
    uint8_t ticket_version;
    cgp_vl ticket_len;
    uint32_t ticket_off;
    cgp_vl n_open;
    uint32_t open_off;          /* first embedded CHANNEL_OPEN_REQUEST record */
} cgp_sr;
void cgp_parse_sr(const uint8_t *p, size_t len, cgp_sr *s);
#define CGP_RECONNECT_TICKET 0x01

typedef struct {
    enum cgp_status status;
    uint8_t type;
    cgp_vl ticket_len;
    uint32_t ticket_off;
} cgp_sec_ticket;
void cgp_parse_sec_ticket(const uint8_t *p, size_t len, cgp_sec_ticket *t);

typedef struct {
    enum cgp_status status;
    uint32_t c2s_ms, s2c_ms;
} cgp_keepalive;
void cgp_parse_keepalive(const uint8_t *p, size_t len, cgp_keepalive *k);

typedef struct {
    enum cgp_status status;
    uint8_t version;
    uint16_t timeout_s, ui_flags, dimming_pct, tcp_timeout;
} cgp_relparams;
void cgp_parse_relparams(const uint8_t *p, size_t len, cgp_relparams *r);
#define CGP_UI_DIMMING 0x0001

/* CHANNEL_OPEN_REQUEST (§6) */
typedef struct {
    enum cgp_status status;
    uint16_t service_id;
    cgp_vl channel;
    uint8_t framing, priority;
    uint16_t reserved;
    cgp_vl params_len;
    uint32_t params_off;
} cgp_open_req;
void cgp_parse_open_req(const uint8_t *p, size_t len, cgp_open_req *o);

/* TcpProxyService open params (§8): u8 version; varlen len + "host:port"; u16 protocol. */
typedef struct {
    enum cgp_status status;
    uint8_t version;
    cgp_vl target_len;
    uint32_t target_off;
    uint32_t protocol_off;
    uint16_t protocol;
} cgp_tcpproxy;
void cgp_parse_tcpproxy(const uint8_t *p, size_t len, cgp_tcpproxy *t);

typedef struct {
    enum cgp_status status;
    cgp_vl channel;
    uint16_t status_code, service_status, reserved;
    cgp_vl params_len;
    uint32_t params_off;
} cgp_open_resp;
void cgp_parse_open_resp(const uint8_t *p, size_t len, cgp_open_resp *o);

typedef struct {
    enum cgp_status status;
    cgp_vl channel;
    uint16_t reserved, status_code, service_status;
} cgp_close;
void cgp_parse_close(const uint8_t *p, size_t len, cgp_close *c);

/* FINISH_REQUEST / FINISH_RESPONSE: u8 close_type; u8 reserved. */
typedef struct {
    enum cgp_status status;
    uint8_t close_type, reserved;
} cgp_finish;
void cgp_parse_finish(const uint8_t *p, size_t len, cgp_finish *f);

/* DATA: u8 data_flags; varlen channel; data. */
typedef struct {
    enum cgp_status status;
    uint8_t flags;
    cgp_vl channel;
    uint32_t data_off, data_len;
} cgp_data;
void cgp_parse_data(const uint8_t *p, size_t len, cgp_data *d);
#define CGP_DATA_PARTIAL    0x01
#define CGP_DATA_PRIO_MED   0x02
#define CGP_DATA_PRIO_RT    0x04
#define CGP_DATA_PUSH       0x08

/* ---- the start of a stream (heuristic, §13.1) ---------------------------- */

/* Signature + BIND_REQUEST (want_cmd 1) or BIND_RESPONSE (2) at p:
 * length >= 4, flag byte 00, reserved 00 00, 1 <= num_caps <= 32.  Needs
 * the bytes up to num_caps only.  Returns 1 when it matches. */
int cgp_probe_bind(const uint8_t *p, size_t len, unsigned want_cmd);

/* ---- STA ticket ";VERSION;STA_ID;TICKET" (§11) -------------------------- */
typedef struct {
    uint32_t version_off, version_len;
    uint32_t id_off, id_len;
    uint32_t ticket_off, ticket_len;
} cgp_sta;
/* 1 when s[0..len) has that form (digits version, then two ';'-separated parts). */
int cgp_parse_sta(const uint8_t *s, size_t len, cgp_sta *out);

/* ---- SOCKS v5 as the Gateway uses it with SR off (§11) ----------------- */
/* CONNECT request: 05 01 00 03 <len> <domain> <u16 BE port>; the domain is
 * the STA ticket.  total = bytes of the request. */
typedef struct {
    enum cgp_status status;
    uint8_t cmd, atyp;
    uint32_t domain_off, domain_len;
    uint16_t port;
    uint32_t total;
} cgp_socks_connect;
void cgp_parse_socks_connect(const uint8_t *p, size_t len, cgp_socks_connect *c);
/* Greeting 05 n methods...: total bytes, 0 when not a greeting or short. */
size_t cgp_socks_greeting_len(const uint8_t *p, size_t len);
/* Reply 05 rep 00 atyp addr port: total bytes, 0 when not a reply or short. */
size_t cgp_socks_reply_len(const uint8_t *p, size_t len);

#endif
