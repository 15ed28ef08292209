/* packet-cgp.c - Citrix CGP ("Common Gateway Protocol", Session
 * Reliability) on TCP 2598, inside decrypted TLS, inside WebSocket and
 * inside Citrix EDT (packet-edt.c hands the in-order payloads over,
 * cgp_carry.h); the Gateway's SOCKS v5 path.
 *
 * Wire format (shared notes cgp.md, from Citrix's HTML5 receiver):
 *   each direction: 7-byte signature 1a "CGP/01" (§3), then records
 *   varlen L | u8 cmd | extension flag bytes + data (§5) | payload (§6)
 * The layouts are parsed by the epan-free core plugin/core/cgp.c; this file
 * renders what it reports, keeps the per-session state of the first pass
 * (reliability numbering, channels, reconnect tickets, resume links) and
 * hands the ICA byte stream inside to the ICA decoder.
 *
 * Over TCP and TLS (TLS passes desegmentation requests through), a
 * DATA_REALTIME(_WITH_ACK) record spanning segments, and a DATA record on a
 * channel whose TcpProxy protocol is ICA, is streamed: its header where it
 * starts, its ICA bytes to the ICA decoder from each segment that holds them
 * (dissect_cgp_segment); the other records are reassembled by
 * TCP/TLS (exact desegmentation requests, as tcp_dissect_pdus() makes them;
 * tcp_dissect_pdus() itself when the cgp.desegment preference is off).
 * Streaming relies on TCP handing segments in order (it does not call
 * subdissectors for the retransmitted or out-of-order ones).  WebSocket does no
 * desegmentation for the dissectors it calls, and a sender may cut a record
 * across messages: the first pass follows each direction's record
 * boundaries across messages (plugin/core/cgp.c cgp_join_message) and joins
 * the cut records with Wireshark's reassembly table; messages that start
 * and end on record boundaries keep no state.
 *
 * Picked up mid-session (TCP 2598 without signature or bind, EDT without
 * the signature): CGP_PROBATION consecutive segments or payloads made of
 * whole valid records accept the connection; the ICA decoder inside then
 * searches for PDRFRAME alignment (ICA_PHASE_SYNC), which real captures
 * give at once (each ICA-carrying record starts one frame).
 *
 * A CGP session outlives its TCP connection: a BIND_REQUEST with the
 * reconnect flag names the ticket a BIND_RESPONSE issued earlier, and the
 * new connection continues that session (§9).  Tracked messages are
 * numbered per direction from 1 [I: H5 sends next_message_number = last
 * received + 1], so after a resume the messages the peer sends again are
 * recognised by their numbers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "ws_compat.h"
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/reassemble.h>
#include <epan/stats_tree.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-tls-utils.h>
#include "cgp.h"
#include "citrix_tap.h"
#include "ica_carrier.h"
#include "cgp_carry.h"

#define CGP_TCP_PORT 2598
#define MAX_CAPS 256            /* capability blocks rendered per bind (each costs >= 7 wire bytes anyway) */
#define MAX_SERVICES 256
#define MAX_EMBEDDED 64

void proto_register_cgp(void);
void proto_reg_handoff_cgp(void);

static int proto_cgp = -1;
static int cgp_tap = -1;
static dissector_handle_t cgp_handle;
static dissector_handle_t cgp_tls_handle;
static dissector_handle_t tls_handle;

static wsc_pref_bool_t pref_desegment = TRUE;
static wsc_pref_bool_t pref_ica = TRUE;

/* ---- fields ------------------------------------------------------------- */
static int hf_cgp_signature = -1;
static int hf_cgp_length = -1;
static int hf_cgp_cmd = -1;
static int hf_cgp_session = -1;
static int hf_cgp_direction = -1;
static int hf_cgp_bind_flags = -1;
static int hf_cgp_ext_flag_byte = -1;
static int hf_cgp_ext_length = -1;
static int hf_cgp_ext_monitoring = -1;
static int hf_cgp_ext_undecoded = -1;
static int hf_cgp_rel_flags = -1;
static int hf_cgp_rel_track = -1;
static int hf_cgp_rel_ack = -1;
static int hf_cgp_ack_delta = -1;
static int hf_cgp_msg_number = -1;
static int hf_cgp_ack_cumulative = -1;
static int hf_cgp_resent = -1;
static int hf_cgp_resent_of = -1;
static int hf_cgp_reserved = -1;
static int hf_cgp_num_caps = -1;
static int hf_cgp_cap = -1;
static int hf_cgp_cap_length = -1;
static int hf_cgp_cap_service = -1;
static int hf_cgp_cap_id = -1;
static int hf_cgp_cap_data = -1;
static int hf_cgp_service_count = -1;
static int hf_cgp_service_length = -1;
static int hf_cgp_service_id = -1;
static int hf_cgp_service_version = -1;
static int hf_cgp_service_name = -1;
static int hf_cgp_endpoint_type = -1;
static int hf_cgp_endpoint_address = -1;
static int hf_cgp_sr_pref_version = -1;
static int hf_cgp_sr_min_version = -1;
static int hf_cgp_sr_c2s_algorithm = -1;
static int hf_cgp_sr_s2c_algorithm = -1;
static int hf_cgp_sr_ack_data_length = -1;
static int hf_cgp_sr_ack_n = -1;
static int hf_cgp_sr_ack_data = -1;
static int hf_cgp_next_message = -1;
static int hf_cgp_reconnect_flags = -1;
static int hf_cgp_ticket_version = -1;
static int hf_cgp_ticket_length = -1;
static int hf_cgp_ticket = -1;
static int hf_cgp_num_open = -1;
static int hf_cgp_resume = -1;
static int hf_cgp_resumed_from = -1;
static int hf_cgp_issued_in = -1;
static int hf_cgp_sec_ticket_type = -1;
static int hf_cgp_sec_ticket = -1;
static int hf_cgp_sta_version = -1;
static int hf_cgp_sta_id = -1;
static int hf_cgp_sta_ticket = -1;
static int hf_cgp_ka_c2s = -1;
static int hf_cgp_ka_s2c = -1;
static int hf_cgp_rp_version = -1;
static int hf_cgp_rp_timeout = -1;
static int hf_cgp_rp_ui_flags = -1;
static int hf_cgp_rp_ui_dimming = -1;
static int hf_cgp_rp_dimming = -1;
static int hf_cgp_rp_tcp_timeout = -1;
static int hf_cgp_channel_id = -1;
static int hf_cgp_channel_side = -1;
static int hf_cgp_channel_service = -1;
static int hf_cgp_channel_framing = -1;
static int hf_cgp_channel_priority = -1;
static int hf_cgp_channel_params_length = -1;
static int hf_cgp_channel_params = -1;
static int hf_cgp_tcpproxy_version = -1;
static int hf_cgp_channel_target = -1;
static int hf_cgp_channel_protocol = -1;
static int hf_cgp_channel_status = -1;
static int hf_cgp_channel_service_status = -1;
static int hf_cgp_close_status = -1;
static int hf_cgp_close_service_status = -1;
static int hf_cgp_finish_type = -1;
static int hf_cgp_finish_reserved = -1;
static int hf_cgp_data_flags = -1;
static int hf_cgp_data_partial = -1;
static int hf_cgp_data_prio_med = -1;
static int hf_cgp_data_prio_rt = -1;
static int hf_cgp_data_push = -1;
static int hf_cgp_data = -1;
static int hf_cgp_embedded = -1;
static int hf_cgp_socks_version = -1;
static int hf_cgp_socks_cmd = -1;
static int hf_cgp_socks_atyp = -1;
static int hf_cgp_socks_ticket = -1;
static int hf_cgp_socks_port = -1;
static int hf_cgp_socks_reply = -1;
static int hf_cgp_socks_data = -1;
static int hf_cgp_continued = -1;
static int hf_cgp_fragments = -1;
static int hf_cgp_fragment = -1;
static int hf_cgp_fragment_overlap = -1;
static int hf_cgp_fragment_overlap_conflicts = -1;
static int hf_cgp_fragment_multiple_tails = -1;
static int hf_cgp_fragment_too_long = -1;
static int hf_cgp_fragment_error = -1;
static int hf_cgp_fragment_count = -1;
static int hf_cgp_reassembled_in = -1;
static int hf_cgp_reassembled_length = -1;

static int ett_cgp = -1;
static int ett_cgp_record = -1;
static int ett_cgp_ext = -1;
static int ett_cgp_rel = -1;
static int ett_cgp_cap = -1;
static int ett_cgp_service = -1;
static int ett_cgp_sta = -1;
static int ett_cgp_params = -1;
static int ett_cgp_embedded = -1;
static int ett_cgp_data_flags = -1;
static int ett_cgp_ui_flags = -1;
static int ett_cgp_fragment = -1;
static int ett_cgp_fragments = -1;

/* Records joined across WebSocket messages. */
static reassembly_table cgp_reassembly;
static const fragment_items cgp_frag_items = {
    &ett_cgp_fragment, &ett_cgp_fragments, &hf_cgp_fragments, &hf_cgp_fragment, &hf_cgp_fragment_overlap,
    &hf_cgp_fragment_overlap_conflicts, &hf_cgp_fragment_multiple_tails, &hf_cgp_fragment_too_long,
    &hf_cgp_fragment_error, &hf_cgp_fragment_count, &hf_cgp_reassembled_in, &hf_cgp_reassembled_length,
    NULL, "CGP record fragments"
};

static expert_field ei_cgp_resume_attempt = EI_INIT;
static expert_field ei_cgp_resume_refused = EI_INIT;
static expert_field ei_cgp_resume_unknown_ticket = EI_INIT;
static expert_field ei_cgp_resume_self = EI_INIT;
static expert_field ei_cgp_nonminimal = EI_INIT;
static expert_field ei_cgp_reserved = EI_INIT;
static expert_field ei_cgp_unknown_cmd = EI_INIT;
static expert_field ei_cgp_ext_undecodable = EI_INIT;
static expert_field ei_cgp_ext_undecoded = EI_INIT;
static expert_field ei_cgp_ext_length = EI_INIT;
static expert_field ei_cgp_truncated = EI_INIT;
static expert_field ei_cgp_bad = EI_INIT;
static expert_field ei_cgp_count = EI_INIT;
static expert_field ei_cgp_trailing = EI_INIT;
static expert_field ei_cgp_resent = EI_INIT;
static expert_field ei_cgp_lost = EI_INIT;

/* ---- value strings ------------------------------------------------------ */
static const value_string cmd_vals[] = {
    { CGP_BIND_REQUEST, "BIND_REQUEST" }, { CGP_BIND_RESPONSE, "BIND_RESPONSE" },
    { CGP_FINISH_REQUEST, "FINISH_REQUEST" }, { CGP_FINISH_RESPONSE, "FINISH_RESPONSE" },
    { CGP_NOP, "NOP" }, { CGP_CHANNEL_OPEN_REQUEST, "CHANNEL_OPEN_REQUEST" },
    { CGP_CHANNEL_OPEN_RESPONSE, "CHANNEL_OPEN_RESPONSE" }, { CGP_CHANNEL_CLOSE, "CHANNEL_CLOSE" },
    { CGP_DATA, "DATA" }, { CGP_DATA_REALTIME, "DATA_REALTIME" },
    { CGP_DATA_REALTIME_WITH_ACK, "DATA_REALTIME_WITH_ACK" }, { 0, NULL }
};
static const value_string dir_vals[] = { { ICA_C2S, "client to server" }, { ICA_S2C, "server to client" }, { 0, NULL } };
static const value_string cap_vals[] = {
    { CGP_CAP_SERVICES_BINDING, "SERVICES_BINDING" }, { CGP_CAP_ENDPOINT_ADDRESS, "ENDPOINT_ADDRESS" },
    { CGP_CAP_CHANNEL_MONITORING, "CHANNEL_MONITORING" }, { CGP_CAP_COMPRESSION, "COMPRESSION" },
    { CGP_CAP_SESSION_RELIABILITY, "SESSION_RELIABILITY" }, { CGP_CAP_SECURITY_TICKET, "SECURITY_TICKET" },
    { CGP_CAP_KEEP_ALIVES, "KEEP_ALIVES" }, { CGP_CAP_RELIABILITY_PARAMS, "RELIABILITY_PARAMS" }, { 0, NULL }
};
static const value_string endpoint_vals[] = {
    { 0, "DEFAULT" }, { 1, "HOSTNAME" }, { 2, "TICKET_STA" }, { 3, "SECURITY_TICKET" }, { 0, NULL }
};
static const value_string ack_algo_vals[] = { { 1, "N_MESSAGES_PER_ACK" }, { 0, NULL } };
static const value_string framing_vals[] = { { 0, "STREAM" }, { 1, "MESSAGE" }, { 0, NULL } };
static const value_string priority_vals[] = { { 0, "LOW" }, { 1, "NORMAL" }, { 2, "REALTIME" }, { 0, NULL } };
static const value_string side_vals[] = { { 0, "client-initiated" }, { 1, "server-initiated" }, { 0, NULL } };
static const value_string protocol_vals[] = {
    { CGP_PROTO_UNKNOWN, "UNKNOWN" }, { CGP_PROTO_UNSPECIFIED, "UNSPECIFIED" }, { CGP_PROTO_MIXED, "MIXED" },
    { CGP_PROTO_ICA, "ICA" }, { CGP_PROTO_HTTP, "HTTP" }, { CGP_PROTO_RDP, "RDP" }, { 0, NULL }
};
static const value_string open_status_vals[] = {
    { 0, "ACCEPTED" }, { 1, "REJECTED" }, { 2, "FAILURE" }, { 3, "SERVICE_FAILURE" }, { 0, NULL }
};
/* TcpProxyService connect status (§8; that it is this field is an inference) */
static const value_string tcpproxy_status_vals[] = {
    { 0, "ACCEPTED" }, { 1, "INVALID_PARAMETER_BLOCK" }, { 2, "USER_PROGRAM_ERROR" },
    { 3, "DESTINATION_UNRESOLVABLE" }, { 4, "DESTINATION_REFUSED" }, { 5, "DESTINATION_TIMEOUT" },
    { 6, "CORE_FAILURE" }, { 0, NULL }
};
static const value_string close_status_vals[] = { { 0, "NORMAL" }, { 1, "SERVICE_ERROR" }, { 0, NULL } };
static const value_string tcpproxy_close_vals[] = { { 0, "NORMAL" }, { 1, "SESSION" }, { 2, "ERROR" }, { 0, NULL } };
static const value_string finish_vals[] = { { 0, "CLOSE" }, { 1, "RESTART" }, { 0, NULL } };
static const value_string sec_ticket_vals[] = { { 0, "STA" }, { 0, NULL } };
static const value_string socks_cmd_vals[] = { { 1, "CONNECT" }, { 2, "BIND" }, { 3, "UDP ASSOCIATE" }, { 0, NULL } };
static const value_string socks_atyp_vals[] = { { 1, "IPv4" }, { 3, "domain name" }, { 4, "IPv6" }, { 0, NULL } };
static const value_string socks_reply_vals[] = { { 0, "succeeded" }, { 1, "general failure" },
    { 2, "not allowed" }, { 3, "network unreachable" }, { 4, "host unreachable" }, { 5, "connection refused" },
    { 6, "TTL expired" }, { 7, "command not supported" }, { 8, "address type not supported" }, { 0, NULL } };

/* ---- state ---------------------------------------------------------------
 * Built on the first pass only; later passes read it back.
 *   cgp_session_t  one CGP session, file scope, survives resumed connections
 *   cgp_conv_t     one TCP connection carrying CGP (conversation data)
 *   cgp_pdu_t      what the first pass learned about one record
 */
typedef struct {
    guint8 protocol;            /* TcpProxyService protocol, 0xff = not a TcpProxy channel */
    guint16 service_id;
    guint32 open_frame;
} cgp_channel_t;

/* Where a resent message was first seen.  Only messages the peer has not
 * acknowledged are resent (H5 acks every 5, cgp.md §6), so a short window
 * of the latest numbers suffices; an older original is not pointed at. */
#define RESEND_WINDOW 64
typedef struct {
    guint32 num, frame;
} cgp_seen_t;

typedef struct {
    guint32 id;                 /* 1, 2, ... in order of first sight */
    const char *label;          /* "client:port -> server:port" of the first connection */
    const char *transport;
    guint32 last_num[2];        /* highest tracked message number seen per direction */
    guint32 cum_ack[2];         /* messages of the other direction acked by this one */
    cgp_seen_t *seen[2];        /* last RESEND_WINDOW tracked messages per direction, allocated on first use */
    ica_session *ica;           /* the ICA stream carried, one per session */
} cgp_session_t;

typedef struct {
    cgp_session_t *session;
    address client;
    guint32 client_port;
    gboolean have_client;
    const char *transport;
    guint32 next_num[2];        /* number the next tracked message of each direction gets */
    guint32 expect_resume_answer;   /* frame of a resuming BIND_REQUEST awaiting its BIND_RESPONSE */
    gboolean resumed;           /* this connection continues an earlier one */
    gboolean resumed_unlinked;  /* a resume whose earlier connection is not in the capture */
    gboolean midstream;         /* picked up without signature or bind (port 2598, EDT) */
    gboolean probing;           /* ... and not yet accepted: probation over consecutive units */
    guint8 probation;           /* consecutive segments or payloads of whole valid records */
    guint32 first_frame;        /* a stream picked up mid-session: the frame it was accepted in */
    gboolean datagram;          /* EDT: each payload whole records, in order (cgp_carry_dissect) */
    guint32 bind_request_frame;
    wmem_map_t *services;       /* service id -> name (file scope string) */
    wmem_map_t *channels;       /* channel id -> cgp_channel_t */
    gint32 realtime_channel;    /* channel opened with priority REALTIME, -1 none */
    gboolean socks;             /* the Gateway SOCKS path, not CGP */
    gboolean socks_done[2];
    ica_session *socks_ica;     /* the ICA stream after the SOCKS exchange */
    struct cgp_ws *ws;          /* WebSocket carrier: records joined across messages */
    wmem_array_t *recs;         /* cgp_rec_t of this connection's records, in first-pass order */
    guint32 stream_rem[2];      /* first pass: ICA bytes of a streamed record still to come */
    guint8 stream_resent[2];    /* ... and that record was sent again after a resume */
    guint8 stream_data[2];      /* ... and it is a DATA record (else realtime) */
} cgp_conv_t;

/* First-pass state of a WebSocket carrier, per direction. */
typedef struct cgp_ws {
    cgp_join join[2];
    guint32 id[2];              /* reassembly id of the record being joined */
} cgp_ws_t;

/* What the first pass found about one WebSocket message that does not
 * start and end on record boundaries (the others keep nothing). */
typedef struct {
    guint32 head_id;            /* record its first head_len bytes continue, 0 none */
    guint32 head_len;
    guint32 tail_id;            /* record starting at tail_off and continuing later, 0 none */
    guint32 tail_off;
    gboolean head_done;         /* the head completes its record */
} cgp_ws_msg_t;

/* What the first pass learned about one record, as the dissection of the
 * record uses it (on the stack); stored compactly (cgp_rec_t). */
typedef struct {
    guint8 dir;
    guint16 total;
    guint32 session_id;
    guint32 msg_num;            /* 0: not tracked */
    guint32 cum_ack;            /* after this message; valid when has_ack */
    guint32 resent_of;          /* frame of the first copy of a resent message */
    guint32 resumed_from;       /* resuming BIND_REQUEST: frame of the BIND_RESPONSE that issued its ticket */
    guint32 ticket_issued_in;   /* resuming BIND_REQUEST whose ticket was issued on its own connection */
    guint8 has_ack;
    guint8 resent;
    guint8 resume;              /* BIND_REQUEST with the reconnect flag */
    guint8 refused;             /* the answer to a resume, with next message number 0 */
    guint8 unknown_ticket;
    guint8 self_resume;
    guint8 lost_before;         /* tracked messages of this direction were never seen */
    guint8 channel_protocol;    /* DATA: the channel's TcpProxy protocol, 0xff unknown */
} cgp_pdu_t;

/* Stored per record for random access: 20 bytes in its connection's array
 * (appended in frame order on the first pass, found by binary search), not
 * a proto-data item per record (a CGP-heavy capture has 100,000s of
 * records).  The facts of resumes and resends, rare, go in a proto-data
 * item of their own (cgp_rec_rare_t, under RARE_KEY). */
typedef struct {
    guint32 frame, key;         /* pinfo->num, pdu_key() */
    guint32 msg_num, cum_ack;
    guint16 total;
    guint8 flags;               /* REC_* */
    guint8 channel_protocol;
} cgp_rec_t;
#define REC_S2C     0x01
#define REC_ACK     0x02
#define REC_RESENT  0x04
#define REC_LOST    0x08
#define REC_SESSION 0x10        /* the connection's session existed after the record */
#define REC_RARE    0x20

typedef struct {
    guint32 resent_of, resumed_from, ticket_issued_in;
    guint8 resume, refused, unknown_ticket, self_resume;
} cgp_rec_rare_t;
/* A record's pdu_key() with bit 30, which no record key has (the layer is 8 bits). */
#define RARE_KEY(k) ((k) | 0x40000000u)

/* Reconnect tickets issued by BIND_RESPONSEs: ticket bytes -> issuer. */
typedef struct {
    cgp_session_t *session;
    cgp_conv_t *conv;
    guint32 frame;
} cgp_ticket_t;

static wmem_map_t *tickets;     /* file scope: hex of the ticket -> cgp_ticket_t */
static guint32 session_count;
static guint32 join_count;      /* reassembly ids: unique in the file (the table's keys of
                                 * completed records are frame and id only) */

static void cgp_init(void)
{
    tickets = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    session_count = 0;
    join_count = 0;
}

static cgp_session_t *session_new(packet_info *pinfo, cgp_conv_t *conv)
{
    cgp_session_t *s = wmem_new0(wmem_file_scope(), cgp_session_t);
    s->id = ++session_count;
    s->transport = conv->transport;
    const address *srv = conv->have_client && addresses_equal(&pinfo->src, &conv->client) &&
                         pinfo->srcport == conv->client_port ? &pinfo->dst : &pinfo->src;
    guint32 srv_port = srv == &pinfo->dst ? pinfo->destport : pinfo->srcport;
    s->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u -> %s:%u",
                                  address_to_str(pinfo->pool, &conv->client), conv->client_port,
                                  address_to_str(pinfo->pool, srv), srv_port);
    return s;
}

static cgp_conv_t *conv_get(packet_info *pinfo, const char *transport, gboolean create)
{
    conversation_t *c = create ? find_or_create_conversation(pinfo) : find_conversation_pinfo(pinfo, 0);
    if (!c)
        return NULL;
    cgp_conv_t *cv = (cgp_conv_t *)conversation_get_proto_data(c, proto_cgp);
    if (cv || !create)
        return cv;
    cv = wmem_new0(wmem_file_scope(), cgp_conv_t);
    cv->transport = transport;
    cv->next_num[0] = cv->next_num[1] = 1;
    cv->realtime_channel = -1;
    cv->services = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    cv->channels = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    conversation_add_proto_data(c, proto_cgp, cv);
    return cv;
}

static void conv_set_client(cgp_conv_t *cv, packet_info *pinfo, gboolean sender_is_client)
{
    if (cv->have_client)
        return;
    copy_address_wmem(wmem_file_scope(), &cv->client, sender_is_client ? &pinfo->src : &pinfo->dst);
    cv->client_port = sender_is_client ? pinfo->srcport : pinfo->destport;
    cv->have_client = TRUE;
}

static enum ica_dir conv_dir(const cgp_conv_t *cv, packet_info *pinfo)
{
    return cv->have_client && addresses_equal(&pinfo->src, &cv->client) && pinfo->srcport == cv->client_port
           ? ICA_C2S : ICA_S2C;
}

/* Per-record key: the protocol layer and the record's offset in the real
 * buffer it lies in are the same on every pass (several TLS records of one
 * frame are distinct layers). */
static guint32 pdu_key(tvbuff_t *tvb, packet_info *pinfo)
{
    return ((guint32)pinfo->curr_layer_num << 17) | ((guint32)tvb_raw_offset(tvb) & 0x1FFFF);
}

/* ---- small rendering helpers -------------------------------------------- */

static proto_item *add_vl(proto_tree *tree, packet_info *pinfo, int hf, tvbuff_t *tvb, guint base, const cgp_vl *v)
{
    proto_item *pi = proto_tree_add_uint(tree, hf, tvb, base + v->off, v->len, v->value);
    if (v->nonminimal)
        expert_add_info_format(pinfo, pi, &ei_cgp_nonminimal, "Value %u written in the 2-byte varlen form", v->value);
    return pi;
}

static void check_reserved(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, guint off, guint len, guint32 value)
{
    proto_item *pi = proto_tree_add_item(tree, hf_cgp_reserved, tvb, off, len, ENC_LITTLE_ENDIAN);
    if (value)
        expert_add_info(pinfo, pi, &ei_cgp_reserved);
}

static void status_expert(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, guint off, enum cgp_status st)
{
    if (st == CGP_SHORT)
        proto_tree_add_expert(tree, pinfo, &ei_cgp_truncated, tvb, off, tvb_captured_length_remaining(tvb, off) > 0 ? -1 : 0);
    else if (st == CGP_BAD)
        proto_tree_add_expert(tree, pinfo, &ei_cgp_bad, tvb, off, tvb_captured_length_remaining(tvb, off) > 0 ? -1 : 0);
}

/* Ticket bytes as a map key. */
static const char *ticket_key(wmem_allocator_t *scope, tvbuff_t *tvb, guint off, guint len)
{
    static const char hexd[] = "0123456789abcdef";
    char *k = (char *)wmem_alloc(scope, len * 2 + 1);
    for (guint i = 0; i < len; i++) {
        guint8 b = tvb_get_uint8(tvb, off + i);
        k[2 * i] = hexd[b >> 4];
        k[2 * i + 1] = hexd[b & 15];
    }
    k[len * 2] = '\0';
    return k;
}

/* ---- capabilities (§7) -------------------------------------------------- */

/* Context of one record's dissection, every pass. */
typedef struct {
    packet_info *pinfo;
    cgp_conv_t *conv;           /* NULL inside an embedded record of a later pass */
    cgp_pdu_t *pdu;
    gboolean first_pass;
    enum ica_dir dir;
    wmem_strbuf_t *info;
    guint32 sr_next_msg;        /* SESSION_RELIABILITY of this bind */
    guint8 sr_reconnect;
    guint8 have_sr;
    guint ticket_off, ticket_len;
    tvbuff_t *ticket_tvb;
    tvbuff_t *ica_tvb;          /* ICA bytes of this record, handed over after the CGP item */
    guint ica_off, ica_len;
    gboolean streamed;          /* a realtime record whose rest follows in later segments */
} cgp_ctx_t;

static void dissect_cgp_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_ctx_t *cx, gboolean embedded,
                               cgp_record *r);

static void dissect_services(tvbuff_t *tvb, guint base, guint len, proto_tree *tree, cgp_ctx_t *cx)
{
    const guint8 *p = tvb_get_ptr(tvb, base, len);
    cgp_vl n;
    if (cgp_varlen(p, len, 0, &n) != CGP_OK) {
        status_expert(tree, cx->pinfo, tvb, base, CGP_SHORT);
        return;
    }
    add_vl(tree, cx->pinfo, hf_cgp_service_count, tvb, base, &n);
    size_t off = n.len;
    guint i;
    for (i = 0; i < n.value && i < MAX_SERVICES && off < len; i++) {
        cgp_service s;
        cgp_parse_service(p, len, off, &s);
        guint shown = MIN(s.total, (guint32)(len - off));
        proto_tree *st = proto_tree_add_subtree_format(tree, tvb, base + (guint)off, shown, ett_cgp_service, NULL,
                                                        "Service %u", s.service_id);
        add_vl(st, cx->pinfo, hf_cgp_service_length, tvb, base, &s.blk_len);
        if (s.status == CGP_OK || s.name_len.len) {
            proto_tree_add_item(st, hf_cgp_service_id, tvb, base + s.blk_len.off + s.blk_len.len, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(st, hf_cgp_service_version, tvb, base + s.blk_len.off + s.blk_len.len + 2, 1, ENC_NA);
            check_reserved(st, cx->pinfo, tvb, base + s.blk_len.off + s.blk_len.len + 3, 2, s.reserved);
        }
        if (s.status == CGP_OK) {
            proto_item *ni = proto_tree_add_item(st, hf_cgp_service_name, tvb, base + s.name_off, s.name_len.value, ENC_ASCII);
            (void)ni;
            char *name = (char *)tvb_get_string_enc(wmem_file_scope(), tvb, base + s.name_off, s.name_len.value, ENC_ASCII);
            proto_item_append_text(st, ": %s", name);
            if (cx->first_pass && cx->conv)
                wmem_map_insert(cx->conv->services, GUINT_TO_POINTER(s.service_id), name);
            off += s.total;
        } else {
            status_expert(st, cx->pinfo, tvb, base + (guint)off, s.status);
            return;
        }
    }
    if (i < n.value)
        proto_tree_add_expert_format(tree, cx->pinfo, &ei_cgp_count, tvb, base, len,
                                     "%u services announced, %u present", n.value, i);
}

static void dissect_sr(tvbuff_t *tvb, guint base, guint len, proto_tree *tree, cgp_ctx_t *cx)
{
    const guint8 *p = tvb_get_ptr(tvb, base, len);
    cgp_sr s;
    cgp_parse_sr(p, len, &s);
    packet_info *pinfo = cx->pinfo;
    guint o = base;
    proto_tree_add_item(tree, hf_cgp_sr_pref_version, tvb, o, 1, ENC_NA);
    proto_tree_add_item(tree, hf_cgp_sr_min_version, tvb, o + 1, 1, ENC_NA);
    proto_tree_add_item(tree, hf_cgp_sr_c2s_algorithm, tvb, o + 2, 1, ENC_NA);
    if (s.c2s_len.len) {
        add_vl(tree, pinfo, hf_cgp_sr_ack_data_length, tvb, base, &s.c2s_len);
        if (s.c2s_len.value == 2 && s.c2s_off + 2 <= len)
            proto_tree_add_item(tree, hf_cgp_sr_ack_n, tvb, base + s.c2s_off, 2, ENC_LITTLE_ENDIAN);
        else if (s.c2s_len.value && s.c2s_off + s.c2s_len.value <= len)
            proto_tree_add_item(tree, hf_cgp_sr_ack_data, tvb, base + s.c2s_off, s.c2s_len.value, ENC_NA);
    }
    if (s.c2s_off + s.c2s_len.value < len && s.c2s_len.len) {
        guint a = base + s.c2s_off + s.c2s_len.value;
        proto_tree_add_item(tree, hf_cgp_sr_s2c_algorithm, tvb, a, 1, ENC_NA);
        if (s.s2c_len.len) {
            add_vl(tree, pinfo, hf_cgp_sr_ack_data_length, tvb, base, &s.s2c_len);
            if (s.s2c_len.value == 2 && s.s2c_off + 2 <= len)
                proto_tree_add_item(tree, hf_cgp_sr_ack_n, tvb, base + s.s2c_off, 2, ENC_LITTLE_ENDIAN);
            else if (s.s2c_len.value && s.s2c_off + s.s2c_len.value <= len)
                proto_tree_add_item(tree, hf_cgp_sr_ack_data, tvb, base + s.s2c_off, s.s2c_len.value, ENC_NA);
        }
    }
    if (s.next_msg_off + 4 <= len && (s.status == CGP_OK || s.ticket_len.len)) {
        proto_tree_add_item(tree, hf_cgp_next_message, tvb, base + s.next_msg_off, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_cgp_reconnect_flags, tvb, base + s.next_msg_off + 4, 1, ENC_NA);
        proto_tree_add_item(tree, hf_cgp_ticket_version, tvb, base + s.next_msg_off + 5, 1, ENC_NA);
        cx->have_sr = 1;
        cx->sr_next_msg = s.next_msg;
        cx->sr_reconnect = s.reconnect_flags;
    }
    if (s.ticket_len.len) {
        add_vl(tree, pinfo, hf_cgp_ticket_length, tvb, base, &s.ticket_len);
        if (s.ticket_off + s.ticket_len.value <= len && (s.status == CGP_OK || s.n_open.off > s.ticket_off)) {
            if (s.ticket_len.value)
                proto_tree_add_item(tree, hf_cgp_ticket, tvb, base + s.ticket_off, s.ticket_len.value, ENC_NA);
            cx->ticket_tvb = tvb;
            cx->ticket_off = base + s.ticket_off;
            cx->ticket_len = s.ticket_len.value;
        }
    }
    if (s.status != CGP_OK) {
        status_expert(tree, pinfo, tvb, base, s.status);
        return;
    }
    add_vl(tree, pinfo, hf_cgp_num_open, tvb, base, &s.n_open);
    /* The open requests replayed on resume: complete records (§7). */
    guint off = s.open_off, i;
    for (i = 0; i < s.n_open.value && i < MAX_EMBEDDED && off < len; i++) {
        cgp_record r;
        cgp_parse_record(p + off, len - off, &r);
        guint shown = r.status == CGP_OK ? r.total : len - off;
        proto_item *ei = proto_tree_add_item(tree, hf_cgp_embedded, tvb, base + off, shown, ENC_NA);
        proto_tree *et = proto_item_add_subtree(ei, ett_cgp_embedded);
        cgp_record er;
        dissect_cgp_record(tvb_new_subset_length(tvb, base + off, shown), pinfo, et, cx, TRUE, &er);
        if (r.status != CGP_OK)
            return;
        off += r.total;
    }
    if (i < s.n_open.value)
        proto_tree_add_expert_format(tree, pinfo, &ei_cgp_count, tvb, base, len,
                                     "%u open requests announced, %u present", s.n_open.value, i);
    else if (off < len)
        proto_tree_add_expert(tree, pinfo, &ei_cgp_trailing, tvb, base + off, len - off);
}

static void dissect_sec_ticket(tvbuff_t *tvb, guint base, guint len, proto_tree *tree, cgp_ctx_t *cx)
{
    cgp_sec_ticket t;
    cgp_parse_sec_ticket(tvb_get_ptr(tvb, base, len), len, &t);
    proto_tree_add_item(tree, hf_cgp_sec_ticket_type, tvb, base, 1, ENC_NA);
    if (t.ticket_len.len)
        add_vl(tree, cx->pinfo, hf_cgp_ticket_length, tvb, base, &t.ticket_len);
    if (t.status != CGP_OK) {
        status_expert(tree, cx->pinfo, tvb, base, t.status);
        return;
    }
    proto_item *ti = proto_tree_add_item(tree, hf_cgp_sec_ticket, tvb, base + t.ticket_off, t.ticket_len.value, ENC_ASCII);
    cgp_sta sta;
    if (cgp_parse_sta(tvb_get_ptr(tvb, base + t.ticket_off, t.ticket_len.value), t.ticket_len.value, &sta)) {
        proto_tree *st = proto_item_add_subtree(ti, ett_cgp_sta);
        guint b = base + t.ticket_off;
        proto_tree_add_item(st, hf_cgp_sta_version, tvb, b + sta.version_off, sta.version_len, ENC_ASCII);
        proto_tree_add_item(st, hf_cgp_sta_id, tvb, b + sta.id_off, sta.id_len, ENC_ASCII);
        proto_tree_add_item(st, hf_cgp_sta_ticket, tvb, b + sta.ticket_off, sta.ticket_len, ENC_ASCII);
    }
}

static void dissect_cap_body(tvbuff_t *tvb, guint base, guint len, const cgp_cap *c, proto_tree *tree, cgp_ctx_t *cx)
{
    const guint8 *p = tvb_get_ptr(tvb, base, len);
    packet_info *pinfo = cx->pinfo;
    if (c->service_id != 0) {   /* service-specific: layout unknown */
        if (len)
            proto_tree_add_item(tree, hf_cgp_cap_data, tvb, base, len, ENC_NA);
        return;
    }
    switch (c->cap_id) {
    case CGP_CAP_SERVICES_BINDING:
        dissect_services(tvb, base, len, tree, cx);
        return;
    case CGP_CAP_ENDPOINT_ADDRESS: {
        cgp_endpoint e;
        cgp_parse_endpoint(p, len, &e);
        proto_tree_add_item(tree, hf_cgp_endpoint_type, tvb, base, 1, ENC_NA);
        if (e.status == CGP_OK && e.addr_len.value)
            proto_tree_add_item(tree, hf_cgp_endpoint_address, tvb, base + e.addr_off, e.addr_len.value, ENC_ASCII);
        status_expert(tree, pinfo, tvb, base, e.status);
        return;
    }
    case CGP_CAP_SESSION_RELIABILITY:
        dissect_sr(tvb, base, len, tree, cx);
        return;
    case CGP_CAP_SECURITY_TICKET:
        dissect_sec_ticket(tvb, base, len, tree, cx);
        return;
    case CGP_CAP_KEEP_ALIVES: {
        cgp_keepalive k;
        cgp_parse_keepalive(p, len, &k);
        if (k.status == CGP_OK) {
            proto_tree_add_item(tree, hf_cgp_ka_c2s, tvb, base, 4, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(tree, hf_cgp_ka_s2c, tvb, base + 4, 4, ENC_LITTLE_ENDIAN);
        }
        status_expert(tree, pinfo, tvb, base, k.status);
        return;
    }
    case CGP_CAP_RELIABILITY_PARAMS: {
        static int *const ui_flags[] = { &hf_cgp_rp_ui_dimming, NULL };
        cgp_relparams r;
        cgp_parse_relparams(p, len, &r);
        if (r.status == CGP_OK) {
            proto_tree_add_item(tree, hf_cgp_rp_version, tvb, base, 1, ENC_NA);
            proto_tree_add_item(tree, hf_cgp_rp_timeout, tvb, base + 1, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_bitmask(tree, tvb, base + 3, hf_cgp_rp_ui_flags, ett_cgp_ui_flags, ui_flags, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(tree, hf_cgp_rp_dimming, tvb, base + 5, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(tree, hf_cgp_rp_tcp_timeout, tvb, base + 7, 2, ENC_LITTLE_ENDIAN);
        }
        status_expert(tree, pinfo, tvb, base, r.status);
        return;
    }
    default:                    /* CHANNEL_MONITORING, COMPRESSION, 8, unknown: layouts unknown */
        if (len)
            proto_tree_add_item(tree, hf_cgp_cap_data, tvb, base, len, ENC_NA);
        return;
    }
}

/* First pass: the service names of a bind, before its capabilities are
 * shown, since a resume's SESSION_RELIABILITY (with the embedded open
 * requests naming service ids) comes before SERVICES_BINDING (§9). */
static void prescan_services(const guint8 *p, guint len, guint off, guint ncaps, cgp_conv_t *cv)
{
    for (guint i = 0; i < ncaps && i < MAX_CAPS && off < len; i++) {
        cgp_cap c;
        cgp_parse_cap(p, len, off, &c);
        if (c.status != CGP_OK)
            return;
        if (c.service_id == 0 && c.cap_id == CGP_CAP_SERVICES_BINDING) {
            const guint8 *b = p + c.body_off;
            cgp_vl n;
            if (cgp_varlen(b, c.body_len, 0, &n) != CGP_OK)
                return;
            size_t so = n.len;
            for (guint k = 0; k < n.value && k < MAX_SERVICES && so < c.body_len; k++) {
                cgp_service sv;
                cgp_parse_service(b, c.body_len, so, &sv);
                if (sv.status != CGP_OK)
                    break;
                char *name = (char *)wmem_alloc(wmem_file_scope(), sv.name_len.value + 1u);
                memcpy(name, b + sv.name_off, sv.name_len.value);
                name[sv.name_len.value] = '\0';
                wmem_map_insert(cv->services, GUINT_TO_POINTER(sv.service_id), name);
                so += sv.total;
            }
        }
        off += c.total;
    }
}

static void dissect_bind(tvbuff_t *tvb, guint base, guint len, proto_tree *tree, cgp_ctx_t *cx)
{
    const guint8 *p = tvb_get_ptr(tvb, base, len);
    packet_info *pinfo = cx->pinfo;
    cgp_bind b;
    cgp_parse_bind(p, len, &b);
    if (len >= 2)
        check_reserved(tree, pinfo, tvb, base, 2, b.reserved);
    if (b.status != CGP_OK) {
        status_expert(tree, pinfo, tvb, base, b.status);
        return;
    }
    add_vl(tree, pinfo, hf_cgp_num_caps, tvb, base, &b.num_caps);
    if (cx->first_pass && cx->conv)
        prescan_services(p, len, b.caps_off, b.num_caps.value, cx->conv);
    guint off = b.caps_off, i;
    for (i = 0; i < b.num_caps.value && i < MAX_CAPS && off < len; i++) {
        cgp_cap c;
        cgp_parse_cap(p, len, off, &c);
        guint shown = c.status == CGP_OK ? c.total : len - off;
        proto_item *ci = proto_tree_add_item(tree, hf_cgp_cap, tvb, base + off, shown, ENC_NA);
        proto_tree *ct = proto_item_add_subtree(ci, ett_cgp_cap);
        add_vl(ct, pinfo, hf_cgp_cap_length, tvb, base, &c.blk_len);
        if (c.status == CGP_BAD) {
            status_expert(ct, pinfo, tvb, base + off, c.status);
            return;
        }
        if (c.body_off > off + c.blk_len.len) {
            proto_tree_add_item(ct, hf_cgp_cap_service, tvb, base + c.blk_len.off + c.blk_len.len, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(ct, hf_cgp_cap_id, tvb, base + c.blk_len.off + c.blk_len.len + 2, 2, ENC_LITTLE_ENDIAN);
            check_reserved(ct, pinfo, tvb, base + c.blk_len.off + c.blk_len.len + 4, 2, c.reserved);
            proto_item_append_text(ci, ": %s", c.service_id ? "service-specific"
                                   : val_to_str_const(c.cap_id, cap_vals, "unknown"));
        }
        if (c.status != CGP_OK) {
            if (c.body_len)
                proto_tree_add_item(ct, hf_cgp_cap_data, tvb, base + c.body_off, c.body_len, ENC_NA);
            status_expert(ct, pinfo, tvb, base + off, c.status);
            return;
        }
        dissect_cap_body(tvb, base + c.body_off, c.body_len, &c, ct, cx);
        off += c.total;
    }
    if (i < b.num_caps.value)
        proto_tree_add_expert_format(tree, pinfo, &ei_cgp_count, tvb, base, len,
                                     "%u capabilities announced, %u present", b.num_caps.value, i);
    else if (off < len)
        proto_tree_add_expert(tree, pinfo, &ei_cgp_trailing, tvb, base + off, len - off);
}

/* ---- channels (§6, §8) -------------------------------------------------- */

static cgp_channel_t *channel_get(cgp_ctx_t *cx, guint32 id)
{
    return cx->conv ? (cgp_channel_t *)wmem_map_lookup(cx->conv->channels, GUINT_TO_POINTER(id)) : NULL;
}

static void add_channel_id(proto_tree *tree, cgp_ctx_t *cx, tvbuff_t *tvb, guint base, const cgp_vl *ch)
{
    add_vl(tree, cx->pinfo, hf_cgp_channel_id, tvb, base, ch);
    proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_channel_side, tvb, base + ch->off, ch->len, ch->value & 1));
}

static void dissect_open_req(tvbuff_t *tvb, guint base, guint len, proto_tree *tree, cgp_ctx_t *cx)
{
    const guint8 *p = tvb_get_ptr(tvb, base, len);
    packet_info *pinfo = cx->pinfo;
    cgp_open_req o;
    cgp_parse_open_req(p, len, &o);
    if (len < 2) {
        status_expert(tree, pinfo, tvb, base, CGP_SHORT);
        return;
    }
    proto_tree_add_item(tree, hf_cgp_channel_service, tvb, base, 2, ENC_LITTLE_ENDIAN);
    const char *svc = cx->conv ? (const char *)wmem_map_lookup(cx->conv->services, GUINT_TO_POINTER(o.service_id)) : NULL;
    if (svc)
        proto_item_set_generated(proto_tree_add_string(tree, hf_cgp_service_name, tvb, base, 2, svc));
    if (o.status != CGP_OK && o.params_len.len == 0) {
        status_expert(tree, pinfo, tvb, base, o.status);
        return;
    }
    add_channel_id(tree, cx, tvb, base, &o.channel);
    guint a = base + o.channel.off + o.channel.len;
    proto_tree_add_item(tree, hf_cgp_channel_framing, tvb, a, 1, ENC_NA);
    proto_tree_add_item(tree, hf_cgp_channel_priority, tvb, a + 1, 1, ENC_NA);
    check_reserved(tree, pinfo, tvb, a + 2, 2, o.reserved);
    add_vl(tree, pinfo, hf_cgp_channel_params_length, tvb, base, &o.params_len);
    wmem_strbuf_append_printf(cx->info, " ch=%u", o.channel.value);
    if (o.status != CGP_OK) {
        status_expert(tree, pinfo, tvb, base, o.status);
        return;
    }
    guint8 protocol = 0xff;
    if (o.params_len.value) {
        proto_item *pi = proto_tree_add_item(tree, hf_cgp_channel_params, tvb, base + o.params_off, o.params_len.value, ENC_NA);
        if (svc && strcmp(svc, CGP_TCPPROXY_NAME) == 0) {
            proto_tree *pt = proto_item_add_subtree(pi, ett_cgp_params);
            cgp_tcpproxy t;
            guint pb = base + o.params_off;
            cgp_parse_tcpproxy(p + o.params_off, o.params_len.value, &t);
            proto_tree_add_item(pt, hf_cgp_tcpproxy_version, tvb, pb, 1, ENC_NA);
            if (t.status == CGP_OK) {
                proto_tree_add_item(pt, hf_cgp_channel_target, tvb, pb + t.target_off, t.target_len.value, ENC_ASCII);
                proto_tree_add_item(pt, hf_cgp_channel_protocol, tvb, pb + t.protocol_off, 2, ENC_LITTLE_ENDIAN);
                protocol = t.protocol <= 0xfe ? (guint8)t.protocol : 0xfe;
                wmem_strbuf_append_printf(cx->info, " %s %s",
                                          tvb_format_text(pinfo->pool, tvb, pb + t.target_off, t.target_len.value),
                                          val_to_str_const(t.protocol, protocol_vals, "unknown protocol"));
            }
            status_expert(pt, pinfo, tvb, pb, t.status);
        }
    }
    if (cx->first_pass && cx->conv) {
        cgp_channel_t *ch = wmem_new0(wmem_file_scope(), cgp_channel_t);
        ch->protocol = protocol;
        ch->service_id = o.service_id;
        ch->open_frame = pinfo->num;
        if (o.priority == 2)
            cx->conv->realtime_channel = o.channel.value;
        wmem_map_insert(cx->conv->channels, GUINT_TO_POINTER(o.channel.value), ch);
    }
}

static void dissect_open_resp(tvbuff_t *tvb, guint base, guint len, proto_tree *tree, cgp_ctx_t *cx)
{
    cgp_open_resp o;
    cgp_parse_open_resp(tvb_get_ptr(tvb, base, len), len, &o);
    if (o.status != CGP_OK && !o.params_len.len) {
        status_expert(tree, cx->pinfo, tvb, base, o.status);
        return;
    }
    add_channel_id(tree, cx, tvb, base, &o.channel);
    guint a = base + o.channel.off + o.channel.len;
    proto_tree_add_item(tree, hf_cgp_channel_status, tvb, a, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_cgp_channel_service_status, tvb, a + 2, 2, ENC_LITTLE_ENDIAN);
    check_reserved(tree, cx->pinfo, tvb, a + 4, 2, o.reserved);
    add_vl(tree, cx->pinfo, hf_cgp_channel_params_length, tvb, base, &o.params_len);
    wmem_strbuf_append_printf(cx->info, " ch=%u %s", o.channel.value,
                              val_to_str_const(o.status_code, open_status_vals, "unknown status"));
    if (o.status == CGP_OK && o.params_len.value)   /* TcpProxy response params: layout unknown (§14) */
        proto_tree_add_item(tree, hf_cgp_channel_params, tvb, base + o.params_off, o.params_len.value, ENC_NA);
    status_expert(tree, cx->pinfo, tvb, base, o.status);
}

static void dissect_close(tvbuff_t *tvb, guint base, guint len, proto_tree *tree, cgp_ctx_t *cx)
{
    cgp_close c;
    cgp_parse_close(tvb_get_ptr(tvb, base, len), len, &c);
    if (c.status != CGP_OK) {
        status_expert(tree, cx->pinfo, tvb, base, c.status);
        return;
    }
    add_channel_id(tree, cx, tvb, base, &c.channel);
    guint a = base + c.channel.off + c.channel.len;
    check_reserved(tree, cx->pinfo, tvb, a, 2, c.reserved);
    proto_tree_add_item(tree, hf_cgp_close_status, tvb, a + 2, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_cgp_close_service_status, tvb, a + 4, 2, ENC_LITTLE_ENDIAN);
    wmem_strbuf_append_printf(cx->info, " ch=%u %s", c.channel.value,
                              val_to_str_const(c.status_code, close_status_vals, "unknown status"));
    if (a + 6 < base + len)
        proto_tree_add_expert(tree, cx->pinfo, &ei_cgp_trailing, tvb, a + 6, base + len - a - 6);
}

/* ---- one record: header, extensions, payload (§4-§6) -------------------- */

static void dissect_extensions(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const cgp_record *r, cgp_ctx_t *cx)
{
    static int *const rel_bits[] = { &hf_cgp_rel_track, &hf_cgp_rel_ack, NULL };
    if (r->cmd == CGP_BIND_REQUEST || r->cmd == CGP_BIND_RESPONSE) {
        if (r->n_flag_bytes) {
            proto_item *fi = proto_tree_add_item(tree, hf_cgp_bind_flags, tvb, r->flags_off, 1, ENC_NA);
            if (r->bind_flag_not_zero)
                expert_add_info(pinfo, fi, &ei_cgp_reserved);
        }
        return;
    }
    if (!r->has_flag_bytes) {       /* 0x0B: its ack delta comes first */
        if (r->has_ack && r->ack_delta.len)
            add_vl(tree, pinfo, hf_cgp_ack_delta, tvb, 0, &r->ack_delta);
        return;
    }
    if (!r->n_flag_bytes)
        return;
    proto_tree *et = proto_tree_add_subtree(tree, tvb, r->flags_off, r->n_flag_bytes, ett_cgp_ext, NULL,
                                            "Header extension flags");
    for (guint i = 0; i < r->n_flag_bytes; i++)
        proto_tree_add_item(et, hf_cgp_ext_flag_byte, tvb, r->flags_off + i, 1, ENC_NA);
    if (r->has_ext_len)
        add_vl(tree, pinfo, hf_cgp_ext_length, tvb, 0, &r->ext_len);
    if (r->has_monitoring)
        proto_tree_add_item(tree, hf_cgp_ext_monitoring, tvb, r->monitoring_off, 1, ENC_NA);
    if (r->has_reliability) {
        proto_item *ri = proto_tree_add_bitmask(tree, tvb, r->reliability_off, hf_cgp_rel_flags, ett_cgp_rel,
                                                rel_bits, ENC_NA);
        if (r->rel_flags & ~(CGP_REL_TRACK | CGP_REL_ACK))
            expert_add_info(pinfo, ri, &ei_cgp_reserved);
    }
    if (r->has_ack && r->ack_delta.len)
        add_vl(tree, pinfo, hf_cgp_ack_delta, tvb, 0, &r->ack_delta);
    if (r->undecoded_len)
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_cgp_ext_undecoded, tvb, r->undecoded_off, r->undecoded_len, ENC_NA),
                        &ei_cgp_ext_undecoded);
    if (r->ext_len_mismatch)
        proto_tree_add_expert(tree, pinfo, &ei_cgp_ext_length, tvb, 0, r->payload_off);
    if (r->ext_undecodable) {
        guint rest = tvb_captured_length(tvb) > r->undecoded_off ? tvb_captured_length(tvb) - r->undecoded_off : 0;
        proto_item *ui = proto_tree_add_item(tree, hf_cgp_ext_undecoded, tvb, r->undecoded_off, rest, ENC_NA);
        expert_add_info(pinfo, ui, &ei_cgp_ext_undecodable);
    }
    (void)cx;
}

/* The ICA bytes of a realtime or ICA-channel message: shown as ICA after
 * this record's CGP item (see hand_to_ica), or as data when resent. */
static void dissect_ica_payload(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree, cgp_ctx_t *cx, guint off, guint len)
{
    if (!len)
        return;
    if ((cx->pdu && cx->pdu->resent) || !cx->conv || !cx->conv->session || !pref_ica) {
        /* already seen before the resume: shown, never decoded twice */
        proto_tree_add_item(tree, hf_cgp_data, tvb, off, len, ENC_NA);
        return;
    }
    cx->ica_tvb = tvb;
    cx->ica_off = off;
    cx->ica_len = len;
}

/* One ICA session per CGP session: the stream position, Basic key and
 * channel table carry over a resume because the session does.  Created
 * (first pass) before this record's "cgp" tap record is queued, so that
 * the record already names the ICA session its bytes start. */
static void prepare_ica(packet_info *pinfo, cgp_ctx_t *cx)
{
    cgp_session_t *s = cx->conv->session;
    if (!cx->first_pass)
        return;
    if (!s->ica) {
        const address *srv = cx->dir == ICA_S2C ? &pinfo->src : &pinfo->dst;
        guint32 srv_port = cx->dir == ICA_S2C ? pinfo->srcport : pinfo->destport;
        /* a session first seen on a resumed connection starts mid-stream */
        s->ica = ica_session_new(pinfo, &cx->conv->client, cx->conv->client_port, srv, srv_port, s->transport,
                                 cx->conv->resumed_unlinked || cx->conv->midstream ? ICA_PHASE_SYNC
                                                                                     : ICA_PHASE_DETECT);
    }
    if (cx->pdu && cx->pdu->lost_before)
        ica_session_lose(s->ica, cx->dir, pinfo);
}

static void hand_to_ica(packet_info *pinfo, proto_tree *tree, cgp_ctx_t *cx, guint32 key)
{
    cgp_session_t *s = cx->conv->session;
    if (s->ica)
        ica_dissect_chunk(s->ica, cx->dir, tvb_new_subset_length(cx->ica_tvb, cx->ica_off, cx->ica_len), pinfo,
                          tree, key);
}

static void dissect_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const cgp_record *r, cgp_ctx_t *cx)
{
    guint base = r->payload_off, len = r->payload_len;
    const guint8 *p = tvb_get_ptr(tvb, base, len);
    switch (r->cmd) {
    case CGP_BIND_REQUEST:
    case CGP_BIND_RESPONSE:
        dissect_bind(tvb, base, len, tree, cx);
        break;
    case CGP_FINISH_REQUEST:
    case CGP_FINISH_RESPONSE: {
        cgp_finish f;
        cgp_parse_finish(p, len, &f);
        if (f.status == CGP_OK) {
            proto_tree_add_item(tree, hf_cgp_finish_type, tvb, base, 1, ENC_NA);
            proto_item *ri = proto_tree_add_item(tree, hf_cgp_finish_reserved, tvb, base + 1, 1, ENC_NA);
            if (f.reserved)
                expert_add_info(pinfo, ri, &ei_cgp_reserved);
            wmem_strbuf_append_printf(cx->info, " %s", val_to_str_const(f.close_type, finish_vals, "unknown"));
            /* the answer to a FINISH CLOSE ends the session (RESTART: what follows is not known) */
            if (cx->first_pass && r->cmd == CGP_FINISH_RESPONSE && f.close_type == 0 && cx->conv->session)
                ica_session_end(cx->conv->session->ica, pinfo);
        }
        status_expert(tree, pinfo, tvb, base, f.status);
        break;
    }
    case CGP_NOP:
        if (len)
            proto_tree_add_expert(tree, pinfo, &ei_cgp_trailing, tvb, base, len);
        break;
    case CGP_CHANNEL_OPEN_REQUEST:
        dissect_open_req(tvb, base, len, tree, cx);
        break;
    case CGP_CHANNEL_OPEN_RESPONSE:
        dissect_open_resp(tvb, base, len, tree, cx);
        break;
    case CGP_CHANNEL_CLOSE:
        dissect_close(tvb, base, len, tree, cx);
        break;
    case CGP_DATA: {
        static int *const bits[] = { &hf_cgp_data_partial, &hf_cgp_data_prio_med, &hf_cgp_data_prio_rt,
                                     &hf_cgp_data_push, NULL };
        cgp_data d;
        cgp_parse_data(p, len, &d);
        if (len)
            proto_tree_add_bitmask(tree, tvb, base, hf_cgp_data_flags, ett_cgp_data_flags, bits, ENC_NA);
        if (d.status != CGP_OK) {
            status_expert(tree, pinfo, tvb, base, d.status);
            break;
        }
        add_channel_id(tree, cx, tvb, base, &d.channel);
        wmem_strbuf_append_printf(cx->info, " ch=%u", d.channel.value);
        cgp_channel_t *ch = channel_get(cx, d.channel.value);
        guint8 proto = cx->pdu ? cx->pdu->channel_protocol : (ch ? ch->protocol : 0xff);
        if (proto != 0xff)
            proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_channel_protocol, tvb, base, 0, proto));
        if (proto == CGP_PROTO_ICA)
            dissect_ica_payload(tvb, pinfo, tree, cx, base + d.data_off, d.data_len);
        else if (d.data_len)
            proto_tree_add_item(tree, hf_cgp_data, tvb, base + d.data_off, d.data_len, ENC_NA);
        break;
    }
    case CGP_DATA_REALTIME:
    case CGP_DATA_REALTIME_WITH_ACK:
        if (cx->conv && cx->conv->realtime_channel >= 0)
            wmem_strbuf_append_printf(cx->info, " ch=%d", cx->conv->realtime_channel);
        dissect_ica_payload(tvb, pinfo, tree, cx, base, len);
        break;
    default:
        if (len)
            proto_tree_add_item(tree, hf_cgp_data, tvb, base, len, ENC_NA);
        break;
    }
}

/* First pass, before the payload: numbering and acks of this direction. */
static void number_message(packet_info *pinfo, cgp_ctx_t *cx, const cgp_record *r)
{
    cgp_conv_t *cv = cx->conv;
    cgp_session_t *s = cv->session;
    cgp_pdu_t *pd = cx->pdu;
    guint d = cx->dir;
    if (r->tracked) {
        guint32 num = cv->next_num[d]++;
        pd->msg_num = num;
        if (!s->seen[d])
            s->seen[d] = wmem_alloc0_array(wmem_file_scope(), cgp_seen_t, RESEND_WINDOW);
        cgp_seen_t *e = &s->seen[d][num % RESEND_WINDOW];
        if (num <= s->last_num[d]) {
            pd->resent = 1;
            pd->resent_of = e->num == num ? e->frame : 0;
        } else {
            if (s->last_num[d] && num > s->last_num[d] + 1)
                pd->lost_before = 1;
            s->last_num[d] = num;
            e->num = num;
            e->frame = pinfo->num;
        }
    }
    if (r->has_ack && r->ack_delta.len) {
        s->cum_ack[d] += r->ack_delta.value;
        pd->has_ack = 1;
        pd->cum_ack = s->cum_ack[d];
    }
}

/* First pass, after the payload of a bind: sessions, tickets, resumes (§9). */
static void bind_state(packet_info *pinfo, cgp_ctx_t *cx, const cgp_record *r)
{
    cgp_conv_t *cv = cx->conv;
    cgp_pdu_t *pd = cx->pdu;
    if (r->cmd == CGP_BIND_REQUEST) {
        cv->bind_request_frame = pinfo->num;
        pd->resume = cx->have_sr && (cx->sr_reconnect & CGP_RECONNECT_TICKET);
        cgp_ticket_t *t = NULL;
        if (pd->resume && cx->ticket_len) {
            t = (cgp_ticket_t *)wmem_map_lookup(tickets, ticket_key(pinfo->pool, cx->ticket_tvb, cx->ticket_off, cx->ticket_len));
            if (!t)
                pd->unknown_ticket = 1;
            else if (t->conv == cv) {
                pd->self_resume = 1;
                pd->ticket_issued_in = t->frame;
                t = NULL;
            }
        } else if (pd->resume) {
            pd->unknown_ticket = 1;
        }
        if (t)
            pd->resumed_from = t->frame;
        if (t && !cv->session) {
            cv->session = t->session;
            cv->resumed = TRUE;
            /* the client expects the server's messages from this number on */
            cv->next_num[ICA_S2C] = cx->sr_next_msg ? cx->sr_next_msg : 1;
            cv->session->cum_ack[ICA_C2S] = cx->sr_next_msg ? cx->sr_next_msg - 1 : 0;
        }
        if (!cv->session) {
            cv->session = session_new(pinfo, cv);
            cv->resumed_unlinked = pd->resume;
        }
        cv->expect_resume_answer = pd->resume ? pinfo->num : 0;
        return;
    }
    /* BIND_RESPONSE */
    if (!cv->session) {
        cv->session = session_new(pinfo, cv);
    }
    if (cv->expect_resume_answer && cx->have_sr) {
        if (cx->sr_next_msg == 0) {
            pd->refused = 1;
        } else if (cv->resumed) {
            cv->next_num[ICA_C2S] = cx->sr_next_msg;
            cv->session->cum_ack[ICA_S2C] = cx->sr_next_msg - 1;
        }
        cv->expect_resume_answer = 0;
    }
    if (cx->ticket_len && !pd->refused) {
        cgp_ticket_t *t = wmem_new(wmem_file_scope(), cgp_ticket_t);
        t->session = cv->session;
        t->conv = cv;
        t->frame = pinfo->num;
        wmem_map_insert(tickets, ticket_key(wmem_file_scope(), cx->ticket_tvb, cx->ticket_off, cx->ticket_len), t);
    }
}

static void render_state(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *rec_item, const cgp_pdu_t *pd)
{
    proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_direction, tvb, 0, 0, pd->dir));
    if (pd->session_id)
        proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_session, tvb, 0, 0, pd->session_id));
    if (pd->msg_num) {
        proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_msg_number, tvb, 0, 0, pd->msg_num));
        proto_item_append_text(rec_item, ", #%u", pd->msg_num);
    }
    if (pd->has_ack)
        proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_ack_cumulative, tvb, 0, 0, pd->cum_ack));
    if (pd->lost_before)
        proto_tree_add_expert(tree, pinfo, &ei_cgp_lost, tvb, 0, 0);
    if (pd->resent) {
        proto_item *ri = proto_tree_add_boolean(tree, hf_cgp_resent, tvb, 0, 0, TRUE);
        proto_item_set_generated(ri);
        expert_add_info_format(pinfo, ri, &ei_cgp_resent, "Message #%u sent again after the resume (first seen in frame %u)",
                               pd->msg_num, pd->resent_of);
        if (pd->resent_of)
            proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_resent_of, tvb, 0, 0, pd->resent_of));
    }
    if (pd->resume) {
        proto_item *ri = proto_tree_add_boolean(tree, hf_cgp_resume, tvb, 0, 0, TRUE);
        proto_item_set_generated(ri);
        expert_add_info(pinfo, ri, &ei_cgp_resume_attempt);
        if (pd->resumed_from)
            proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_resumed_from, tvb, 0, 0, pd->resumed_from));
        if (pd->unknown_ticket)
            expert_add_info(pinfo, ri, &ei_cgp_resume_unknown_ticket);
        if (pd->self_resume) {
            expert_add_info_format(pinfo, ri, &ei_cgp_resume_self,
                                   "Resume names a ticket issued on this same connection (frame %u): not linked",
                                   pd->ticket_issued_in);
            proto_item_set_generated(proto_tree_add_uint(tree, hf_cgp_issued_in, tvb, 0, 0, pd->ticket_issued_in));
        }
    }
    if (pd->refused)
        proto_tree_add_expert(tree, pinfo, &ei_cgp_resume_refused, tvb, 0, 0);
}

static void queue_tap(packet_info *pinfo, const cgp_conv_t *cv, const cgp_pdu_t *pd, const cgp_record *r)
{
    if (!have_tap_listener(cgp_tap))
        return;
    cgp_tap_rec *t = wmem_new0(pinfo->pool, cgp_tap_rec);
    t->session = cv ? (const void *)cv->session : NULL;
    t->label = cv && cv->session ? cv->session->label : "";
    t->transport = cv && cv->session ? cv->session->transport : (cv ? cv->transport : "cgp");
    t->ica = cv && cv->session ? (const void *)cv->session->ica : NULL;
    t->cmd = r->cmd;
    t->dir = pd->dir;
    t->length = r->length.value;
    t->event = CGP_TAP_MESSAGE;
    if (r->cmd == CGP_BIND_REQUEST)
        t->event = pd->resume ? CGP_TAP_RESUME : CGP_TAP_BIND;
    else if (pd->refused)
        t->event = CGP_TAP_RESUME_REFUSED;
    t->resumed_from = pd->resumed_from;
    citrix_tap_queue(cgp_tap, pinfo, t);
}

/* rp: the record as parsed, for the caller */
static void dissect_cgp_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_ctx_t *cx, gboolean embedded,
                               cgp_record *rp)
{
    guint len = tvb_captured_length(tvb);
    cgp_parse_record(tvb_get_ptr(tvb, 0, len), len, rp);
    if (rp->length.len == 0) {
        proto_tree_add_expert(tree, pinfo, &ei_cgp_truncated, tvb, 0, len);
        return;
    }
    add_vl(tree, pinfo, hf_cgp_length, tvb, 0, &rp->length);
    if (rp->status == CGP_BAD && rp->length.value == 0) {
        status_expert(tree, pinfo, tvb, 0, rp->status);
        return;
    }
    if (len <= rp->length.len)
        return;
    proto_item *ci = proto_tree_add_item(tree, hf_cgp_cmd, tvb, rp->length.len, 1, ENC_NA);
    const char *name = cgp_cmd_name(rp->cmd);
    if (!name) {
        expert_add_info(pinfo, ci, &ei_cgp_unknown_cmd);
        wmem_strbuf_append_printf(cx->info, "unknown command 0x%02x", rp->cmd);
        if (len > rp->length.len + 1u)
            proto_tree_add_item(tree, hf_cgp_data, tvb, rp->length.len + 1, len - rp->length.len - 1, ENC_NA);
        return;
    }
    proto_item_append_text(proto_tree_get_parent(tree), ": %s", name);
    if (!embedded)
        wmem_strbuf_append(cx->info, name);
    dissect_extensions(tvb, pinfo, tree, rp, cx);

    cgp_pdu_t *saved = cx->pdu;
    if (embedded) {
        /* an open request inside a resume's SR capability: not a message of
         * the stream, no numbering, and its channel is not opened twice */
        cgp_ctx_t sub = *cx;
        sub.pdu = NULL;
        sub.first_pass = FALSE;
        sub.info = wmem_strbuf_new(pinfo->pool, "");
        if (rp->cmd != CGP_CHANNEL_OPEN_REQUEST) {
            /* only open requests are replayed (§7); anything else, a bind
             * with more embedded records say, is not followed: no nesting */
            if (rp->payload_len)
                proto_tree_add_item(tree, hf_cgp_data, tvb, rp->payload_off, rp->payload_len, ENC_NA);
            return;
        }
        sub.first_pass = cx->first_pass && cx->conv;   /* re-registers the channel on the new connection */
        dissect_payload(tvb, pinfo, tree, rp, &sub);
        status_expert(tree, pinfo, tvb, rp->payload_off, rp->status);
        return;
    }
    if (cx->first_pass && cx->conv) {
        if (!cx->conv->session && rp->cmd != CGP_BIND_REQUEST && rp->cmd != CGP_BIND_RESPONSE)
            cx->conv->session = session_new(pinfo, cx->conv);
        if (cx->conv->session)
            number_message(pinfo, cx, rp);
        if (rp->cmd == CGP_DATA) {
            cgp_data d;
            cgp_parse_data(tvb_get_ptr(tvb, rp->payload_off, rp->payload_len), rp->payload_len, &d);
            cgp_channel_t *ch = d.status == CGP_OK ? channel_get(cx, d.channel.value) : NULL;
            saved->channel_protocol = ch ? ch->protocol : 0xff;
        }
    }
    cx->have_sr = 0;
    cx->ticket_len = 0;
    if (!rp->ext_undecodable)     /* else the payload's start is unknown: shown undecoded above */
        dissect_payload(tvb, pinfo, tree, rp, cx);
    if (cx->first_pass && cx->conv && (rp->cmd == CGP_BIND_REQUEST || rp->cmd == CGP_BIND_RESPONSE))
        bind_state(pinfo, cx, rp);
    if (saved && cx->conv && cx->conv->session)
        saved->session_id = cx->conv->session->id;
    if (!cx->streamed)
        status_expert(tree, pinfo, tvb, rp->payload_off, rp->status);
}

/* ---- the stream: signature and records over TCP / TLS / WebSocket ------- */

/* tcp_dissect_pdus() has 2 bytes at offset: enough for any unit's length. */
static guint get_cgp_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    return cgp_unit_len(tvb_get_ptr(tvb, offset, 2), 2);
}

/* ---- per-record state: stored compactly (cgp_rec_t) ---------------------- */

static guint32 rec_session_id(const cgp_conv_t *cv)
{
    return cv->session ? cv->session->id : 0;
}

/* The stored state of the record under key in this frame into *pd; FALSE
 * when there is none or it is not this record (another length). */
static gboolean rec_load(cgp_conv_t *cv, packet_info *pinfo, guint32 key, tvbuff_t *tvb, cgp_pdu_t *pd)
{
    if (!cv->recs)
        return FALSE;
    guint n = wmem_array_get_count(cv->recs), lo = 0, hi = n;
    const cgp_rec_t *a = (const cgp_rec_t *)wmem_array_get_raw(cv->recs);
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (a[mid].frame < pinfo->num)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && a[lo].frame == pinfo->num && a[lo].key != key; lo++)
        ;
    if (lo == n || a[lo].frame != pinfo->num || a[lo].total != (guint16)MIN(tvb_reported_length(tvb), 0xffff))
        return FALSE;
    const cgp_rec_t *e = &a[lo];
    memset(pd, 0, sizeof *pd);
    pd->dir = e->flags & REC_S2C ? ICA_S2C : ICA_C2S;
    pd->total = e->total;
    pd->session_id = e->flags & REC_SESSION ? rec_session_id(cv) : 0;
    pd->msg_num = e->msg_num;
    pd->cum_ack = e->cum_ack;
    pd->has_ack = !!(e->flags & REC_ACK);
    pd->resent = !!(e->flags & REC_RESENT);
    pd->lost_before = !!(e->flags & REC_LOST);
    pd->channel_protocol = e->channel_protocol;
    const cgp_rec_rare_t *x = e->flags & REC_RARE ?
        (const cgp_rec_rare_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_cgp, RARE_KEY(key)) : NULL;
    if (x) {
        pd->resent_of = x->resent_of;
        pd->resumed_from = x->resumed_from;
        pd->ticket_issued_in = x->ticket_issued_in;
        pd->resume = x->resume;
        pd->refused = x->refused;
        pd->unknown_ticket = x->unknown_ticket;
        pd->self_resume = x->self_resume;
    }
    return TRUE;
}

/* First pass, the end of the record's dissection: keep what later passes need. */
static void rec_store(cgp_conv_t *cv, packet_info *pinfo, guint32 key, const cgp_pdu_t *pd)
{
    if (!cv->recs)
        cv->recs = wmem_array_new(wmem_file_scope(), sizeof(cgp_rec_t));
    guint n = wmem_array_get_count(cv->recs);
    if (n && ((const cgp_rec_t *)wmem_array_index(cv->recs, n - 1))->frame > pinfo->num)
        return;                 /* never in frame order: the search needs it */
    cgp_rec_t e = { pinfo->num, key, pd->msg_num, pd->cum_ack, pd->total, 0, pd->channel_protocol };
    e.flags = (guint8)((pd->dir == ICA_S2C ? REC_S2C : 0) | (pd->has_ack ? REC_ACK : 0) |
                       (pd->resent ? REC_RESENT : 0) | (pd->lost_before ? REC_LOST : 0) |
                       (pd->session_id ? REC_SESSION : 0));
    if (pd->resent_of || pd->resumed_from || pd->ticket_issued_in || pd->resume || pd->refused ||
        pd->unknown_ticket || pd->self_resume) {
        cgp_rec_rare_t *x = wmem_new(wmem_file_scope(), cgp_rec_rare_t);
        x->resent_of = pd->resent_of;
        x->resumed_from = pd->resumed_from;
        x->ticket_issued_in = pd->ticket_issued_in;
        x->resume = pd->resume;
        x->refused = pd->refused;
        x->unknown_ticket = pd->unknown_ticket;
        x->self_resume = pd->self_resume;
        p_add_proto_data(wmem_file_scope(), pinfo, proto_cgp, RARE_KEY(key), x);
        e.flags |= REC_RARE;
    }
    wmem_array_append_one(cv->recs, e);
}

/* First pass, a record not seen before: its direction (a bind says who
 * the client is) and length. */
static void pdu_start(tvbuff_t *tvb, packet_info *pinfo, cgp_conv_t *cv, cgp_pdu_t *pd)
{
    guint len = tvb_captured_length(tvb);
    memset(pd, 0, sizeof *pd);
    pd->channel_protocol = 0xff;
    guint cmd_off = tvb_get_uint8(tvb, 0) < 0x80 ? 1 : 2;
    if (cmd_off < len) {
        guint8 cmd = tvb_get_uint8(tvb, cmd_off);
        if (cmd == CGP_BIND_REQUEST || cmd == CGP_BIND_RESPONSE)
            conv_set_client(cv, pinfo, cmd == CGP_BIND_REQUEST);
    }
    pd->dir = (guint8)conv_dir(cv, pinfo);
    pd->total = (guint16)MIN(tvb_reported_length(tvb), 0xffff);
}

/* One unit (the signature or a record); streamed: the start of a realtime
 * record whose ICA bytes continue in later segments (dissect_cgp_segment). */
static int dissect_cgp_unit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv, gboolean streamed)
{
    guint len = tvb_captured_length(tvb);
    proto_item *ti = proto_tree_add_item(tree, proto_cgp, tvb, 0, -1, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ti, ett_cgp);
    if (len >= 2 && tvb_get_uint8(tvb, 0) == cgp_signature[0] && tvb_get_uint8(tvb, 1) == cgp_signature[1]) {
        proto_item *si = proto_tree_add_item(ct, hf_cgp_signature, tvb, 0, MIN(len, CGP_SIGNATURE_LEN), ENC_NA);
        proto_item_append_text(ti, ": signature");
        if (len < CGP_SIGNATURE_LEN || tvb_memeql(tvb, 0, cgp_signature, CGP_SIGNATURE_LEN) != 0)
            expert_add_info(pinfo, si, &ei_cgp_bad);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "Signature");
        return len;
    }
    guint32 key = pdu_key(tvb, pinfo);
    cgp_pdu_t pdu;
    cgp_ctx_t cx;
    memset(&cx, 0, sizeof cx);
    cx.pinfo = pinfo;
    cx.conv = cv;
    cx.streamed = streamed;
    if (streamed)
        proto_item_append_text(ti, " (continues in later segments)");
    cx.pdu = rec_load(cv, pinfo, key, tvb, &pdu) ? &pdu : NULL;
    if (!cx.pdu && !PINFO_FD_VISITED(pinfo)) {
        pdu_start(tvb, pinfo, cv, &pdu);
        cx.pdu = &pdu;
        cx.first_pass = TRUE;
    }
    cgp_pdu_t *pd = cx.pdu;
    cx.dir = pd ? (enum ica_dir)pd->dir : conv_dir(cv, pinfo);
    cx.info = wmem_strbuf_new(pinfo->pool, "");
    cgp_record r;
    dissect_cgp_record(tvb, pinfo, ct, &cx, FALSE, &r);
    if (pd) {
        render_state(tvb, pinfo, ct, ti, pd);
        if (pd->resent)
            wmem_strbuf_append(cx.info, " [resent]");
        if (pd->resume)
            wmem_strbuf_append(cx.info, pd->resumed_from ? " [resume]" : pd->self_resume ?
                               " [resume, ticket of this connection]" : " [resume, ticket not seen]");
        if (pd->refused)
            wmem_strbuf_append(cx.info, " [resume refused]");
        if (cx.ica_len || (streamed && !pd->resent && cv->session && pref_ica))
            prepare_ica(pinfo, &cx);    /* (the bytes of a streamed record may all be in later segments) */
        if (r.length.len && len > r.length.len)
            queue_tap(pinfo, cv, pd, &r);
        if (cx.first_pass)
            rec_store(cv, pinfo, key, pd);
    }
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", wmem_strbuf_get_str(cx.info));
    if (cx.ica_len && pd)
        hand_to_ica(pinfo, tree, &cx, key);
    if (streamed && pd && !PINFO_FD_VISITED(pinfo))
        cv->stream_resent[pd->dir] = pd->resent;
    return tvb_reported_length(tvb);
}

static int dissect_cgp_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_cgp_unit(tvb, pinfo, tree, (cgp_conv_t *)data, FALSE);
}

/* Whole units between off and end (a message or payload); the last one
 * may be cut short (shown truncated). */
static void dissect_units(tvbuff_t *tvb, guint off, guint end, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv)
{
    while (off < end) {
        guint n = cgp_unit_len(tvb_get_ptr(tvb, off, MIN(end - off, 2)), MIN(end - off, 2));
        n = n && n < end - off ? n : end - off;     /* the last unit of a message cut short */
        dissect_cgp_pdu(tvb_new_subset_length(tvb, off, n), pinfo, tree, cv);
        off += n;
    }
}

/* ---- WebSocket: records cut across messages ---------------------------- */

/* Message keys: a record's pdu_key() with bit 31, which no record key has
 * (the layer number is 8 bits). */
#define WS_MSG_KEY(k) ((k) | 0x80000000u)

/* First pass: where this message's record boundaries lie; the bytes of a
 * record cut across messages go into the reassembly table. */
static cgp_ws_msg_t *ws_first_pass(tvbuff_t *tvb, packet_info *pinfo, cgp_conv_t *cv, guint32 key)
{
    guint len = tvb_captured_length(tvb);
    enum ica_dir d = conv_dir(cv, pinfo);
    cgp_ws_t *ws = cv->ws;
    if (!pref_desegment || len < tvb_reported_length(tvb)) {
        /* not joining, or a message cut short by the capture: its
         * boundaries are unknown, a record being joined is lost */
        memset(&ws->join[d], 0, sizeof ws->join[d]);
        ws->id[d] = 0;
        return NULL;
    }
    cgp_join_split sp;
    cgp_join_message(&ws->join[d], tvb_get_ptr(tvb, 0, len), len, &sp);
    if (!sp.head_len && sp.tail_off == len)
        return NULL;
    cgp_ws_msg_t *m = wmem_new0(wmem_file_scope(), cgp_ws_msg_t);
    if (sp.head_len) {
        m->head_id = ws->id[d];
        m->head_len = sp.head_len;
        m->head_done = sp.head_done;
        fragment_add_check(&cgp_reassembly, tvb, 0, pinfo, m->head_id, NULL, sp.head_at, sp.head_len, !sp.head_done);
    }
    if (sp.tail_off < len) {
        m->tail_id = ws->id[d] = ++join_count;
        m->tail_off = sp.tail_off;
        fragment_add_check(&cgp_reassembly, tvb, sp.tail_off, pinfo, m->tail_id, NULL, 0, len - sp.tail_off, TRUE);
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_cgp, WS_MSG_KEY(key), m);
    return m;
}

/* Bytes of a record cut across messages: the whole record where this
 * piece completes it, else the piece and where the record was joined. */
static void ws_piece(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv, guint off, guint len,
                     guint32 id, gboolean done)
{
    fragment_head *fh = fragment_get_reassembled_id(&cgp_reassembly, pinfo, id);
    if (done && fh) {
        tvbuff_t *rec = process_reassembled_data(tvb, off, pinfo, "Reassembled CGP record", fh, &cgp_frag_items,
                                                 NULL, tree);
        if (rec) {
            dissect_cgp_pdu(rec, pinfo, tree, cv);
            return;
        }
    }
    proto_item *ti = proto_tree_add_item(tree, proto_cgp, tvb, off, len, ENC_NA);
    proto_item_append_text(ti, ": part of a record cut across WebSocket messages");
    proto_tree *ct = proto_item_add_subtree(ti, ett_cgp);
    proto_tree_add_item(ct, hf_cgp_continued, tvb, off, len, ENC_NA);
    if (fh)
        proto_item_set_generated(proto_tree_add_uint(ct, hf_cgp_reassembled_in, tvb, off, 0, fh->reassembled_in));
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[part of a CGP record]");
}

/* One WebSocket message: the end of a record begun earlier, whole records,
 * the start of a record that continues in a later message. */
static void dissect_cgp_ws(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv)
{
    guint len = tvb_captured_length(tvb), off = 0, end = len;
    guint32 key = WS_MSG_KEY(pdu_key(tvb, pinfo));
    cgp_ws_msg_t *m = (cgp_ws_msg_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_cgp, key);
    if (!m && !PINFO_FD_VISITED(pinfo))
        m = ws_first_pass(tvb, pinfo, cv, key);
    if (m && m->head_len) {
        ws_piece(tvb, pinfo, tree, cv, 0, m->head_len, m->head_id, m->head_done);
        off = m->head_len;
    }
    if (m && m->tail_id)
        end = m->tail_off;
    dissect_units(tvb, off, end, pinfo, tree, cv);
    if (m && m->tail_id)
        ws_piece(tvb, pinfo, tree, cv, m->tail_off, len - m->tail_off, m->tail_id, FALSE);
}

/* ---- TCP and TLS: ICA-carrying records streamed, the others reassembled -
 * A DATA_REALTIME(_WITH_ACK) record that spans segments, or a DATA record
 * on an ICA channel (known from its open request when the record starts), is
 * not handed to TCP's reassembly (which would keep a copy of every such
 * record for the file's lifetime): its header is dissected where it starts,
 * with the ICA bytes present, and the ICA bytes at the start of the
 * following segments go to the ICA decoder from those segments themselves
 * (the decoder takes a byte stream, not records).  The other records that
 * span segments (binds, channel opens: small; DATA on other channels) are
 * reassembled by TCP or TLS as before. */

/* Segments starting with the rest of a streamed record: the first pass's
 * finding, under the tvb's pdu_key() with bit 29. */
#define CONT_KEY(k) ((k) | 0x20000000u)
typedef struct {
    guint32 len;                /* ICA bytes at the start continuing a streamed record */
    guint8 dir;
    guint8 resent;              /* the record was sent again after a resume: not decoded twice */
    guint8 data;                /* a DATA record on an ICA channel, else DATA_REALTIME(_WITH_ACK) */
} cgp_cont_t;

/* Bytes of a realtime record's header at p (length, command, and 0x0B's
 * ack delta), 0 when not a realtime record or not all there. */
static guint realtime_header_len(const guint8 *p, guint avail)
{
    cgp_vl l, a;
    if (cgp_varlen(p, avail, 0, &l) != CGP_OK || l.len >= avail)
        return 0;
    guint8 cmd = p[l.len];
    if (cmd == CGP_DATA_REALTIME)
        return l.len + 1u;
    if (cmd != CGP_DATA_REALTIME_WITH_ACK || cgp_varlen(p, avail, l.len + 1u, &a) != CGP_OK)
        return 0;
    return l.len + 1u + a.len;
}

/* The header of a DATA record at p (avail bytes, not all of the record),
 * with its data flags and channel id, when all there. */
static gboolean data_header(const guint8 *p, guint avail, cgp_data *d)
{
    cgp_record r;
    cgp_parse_record(p, avail, &r);
    if (r.cmd != CGP_DATA || !r.header_complete)
        return FALSE;
    cgp_parse_data(p + r.payload_off, r.payload_len, d);
    return d->status == CGP_OK;
}

/* ... and the channel's TcpProxy protocol is ICA: its ICA bytes can be
 * streamed like a realtime record's (first pass; the channel table is the
 * one of this point in the stream). */
static gboolean data_streamable(const cgp_conv_t *cv, const guint8 *p, guint avail)
{
    cgp_data d;
    if (!data_header(p, avail, &d))
        return FALSE;
    const cgp_channel_t *ch = (const cgp_channel_t *)wmem_map_lookup(cv->channels, GUINT_TO_POINTER(d.channel.value));
    return ch && ch->protocol == CGP_PROTO_ICA;
}

/* Whether the record starting tvb (spanning segments) is streamed: a
 * realtime record always; a DATA record when data_streamable() said so on
 * the first pass (later passes: it left its state here, in the segment
 * where it starts, rather than where TCP completed it). *data: it is DATA. */
static gboolean stream_record(tvbuff_t *tvb, packet_info *pinfo, cgp_conv_t *cv, gboolean *data)
{
    guint avail = tvb_captured_length(tvb);
    const guint8 *p = tvb_get_ptr(tvb, 0, avail);
    *data = FALSE;
    if (realtime_header_len(p, MIN(avail, 8)))
        return TRUE;
    *data = TRUE;
    if (!PINFO_FD_VISITED(pinfo))
        return data_streamable(cv, p, avail);
    cgp_pdu_t pd;
    return rec_load(cv, pinfo, pdu_key(tvb, pinfo), tvb, &pd);
}

/* The ICA bytes at the start of tvb that continue a streamed record; returns their length. */
static guint stream_continuation(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv)
{
    guint32 key = CONT_KEY(pdu_key(tvb, pinfo));
    cgp_cont_t *c = (cgp_cont_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_cgp, key);
    if (!c && !PINFO_FD_VISITED(pinfo)) {
        enum ica_dir d = conv_dir(cv, pinfo);
        if (!cv->stream_rem[d])
            return 0;
        c = wmem_new(wmem_file_scope(), cgp_cont_t);
        c->len = MIN(cv->stream_rem[d], tvb_captured_length(tvb));
        c->dir = (guint8)d;
        c->resent = cv->stream_resent[d];
        c->data = cv->stream_data[d];
        cv->stream_rem[d] -= c->len;
        p_add_proto_data(wmem_file_scope(), pinfo, proto_cgp, key, c);
    }
    if (!c)
        return 0;
    proto_item *ti = proto_tree_add_item(tree, proto_cgp, tvb, 0, c->len, ENC_NA);
    proto_item_append_text(ti, c->data ? ": DATA record continued from an earlier segment"
                                       : ": realtime record continued from an earlier segment");
    proto_tree *ct = proto_item_add_subtree(ti, ett_cgp);
    ica_session *ica = cv->session ? cv->session->ica : NULL;
    if (c->resent || !ica || !pref_ica) {
        proto_tree_add_item(ct, hf_cgp_data, tvb, 0, c->len, ENC_NA);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", c->data ? "[DATA record continued]"
                                                                 : "[realtime record continued]");
    } else {
        ica_dissect_chunk(ica, (enum ica_dir)c->dir, tvb_new_subset_length(tvb, 0, c->len), pinfo, tree, key);
    }
    return c->len;
}

/* Records of a TCP segment (or TLS record, or what TCP reassembled). */
static void dissect_cgp_segment(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv)
{
    guint len = tvb_captured_length(tvb);
    if (!pref_desegment || !pinfo->can_desegment || len < tvb_reported_length(tvb)) {
        /* no reassembly (or a frame cut by the capture): records as they
         * are; the rest of a streamed record is lost to the ICA decoder */
        enum ica_dir d = conv_dir(cv, pinfo);
        if (!PINFO_FD_VISITED(pinfo) && cv->stream_rem[d] && cv->session && cv->session->ica)
            ica_session_lose(cv->session->ica, d, pinfo);
        cv->stream_rem[d] = 0;
        tcp_dissect_pdus(tvb, pinfo, tree, pref_desegment, 2, get_cgp_pdu_len, dissect_cgp_pdu, cv);
        return;
    }
    guint off = stream_continuation(tvb, pinfo, tree, cv);
    while (off < len) {
        guint avail = len - off;
        const guint8 *p = tvb_get_ptr(tvb, off, MIN(avail, 8));
        guint32 n = cgp_unit_len(p, MIN(avail, 8));
        if (n && n <= avail) {
            dissect_cgp_pdu(tvb_new_subset_length(tvb, off, n), pinfo, tree, cv);
            off += n;
            continue;
        }
        tvbuff_t *rest = tvb_new_subset_remaining(tvb, off);
        gboolean data;
        if (n && stream_record(rest, pinfo, cv, &data)) {
            if (!PINFO_FD_VISITED(pinfo)) {
                cv->stream_rem[conv_dir(cv, pinfo)] = n - avail;
                cv->stream_data[conv_dir(cv, pinfo)] = (guint8)data;
            }
            dissect_cgp_unit(rest, pinfo, tree, cv, TRUE);
            return;
        }
        /* A record that is not streamed: TCP reassembles exactly it.  A
         * realtime or DATA header not all there (or a length or command not
         * yet known): one more segment, then it is streamed or reassembled. */
        guint cmd_off = p[0] >= 0x80 ? 2 : 1;
        cgp_data d;
        gboolean known = n && avail > cmd_off && p[cmd_off] != CGP_DATA_REALTIME &&
                         p[cmd_off] != CGP_DATA_REALTIME_WITH_ACK &&
                         (p[cmd_off] != CGP_DATA || data_header(tvb_get_ptr(tvb, off, avail), avail, &d));
        pinfo->desegment_offset = off;
        pinfo->desegment_len = known ? n - avail : DESEGMENT_ONE_MORE_SEGMENT;
        return;
    }
}

/* Every carrier's entry: the conversation state exists. */
static int dissect_cgp_stream(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "CGP");
    /* Info: one item per record, appended; cleared once per frame (TCP
     * calls again after a reassembled record, TLS once per record) */
    if (!p_get_proto_data(pinfo->pool, pinfo, proto_cgp, 0)) {
        col_clear(pinfo->cinfo, COL_INFO);
        p_add_proto_data(pinfo->pool, pinfo, proto_cgp, 0, GUINT_TO_POINTER(1));
    }
    if (cv->ws)
        dissect_cgp_ws(tvb, pinfo, tree, cv);
    else if (cv->datagram)
        dissect_units(tvb, 0, tvb_captured_length(tvb), pinfo, tree, cv);
    else
        dissect_cgp_segment(tvb, pinfo, tree, cv);
    return tvb_captured_length(tvb);
}

/* A stream start: the signature, then a valid bind (§13.1). */
static int probe_start(tvbuff_t *tvb)
{
    guint len = tvb_captured_length(tvb);
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    if (cgp_probe_bind(p, len, CGP_BIND_REQUEST))
        return CGP_BIND_REQUEST;
    if (cgp_probe_bind(p, len, CGP_BIND_RESPONSE))
        return CGP_BIND_RESPONSE;
    return 0;
}

/* Mid-stream pickup (§13.3): the records from off are valid; *n counts
 * those whose header is there, *rem the bytes of the last one past the
 * end (a record continued in the next segment). */
static gboolean probe_records(tvbuff_t *tvb, guint off, guint *n, guint32 *rem)
{
    guint len = tvb_captured_length(tvb);
    *n = 0;
    *rem = 0;
    if (off >= len || len < tvb_reported_length(tvb))
        return FALSE;
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    while (off < len) {
        cgp_record r;
        cgp_parse_record(p + off, len - off, &r);
        gboolean cut = r.status == CGP_SHORT && r.header_complete && r.total > len - off;
        if ((r.status != CGP_OK && !cut) || !cgp_cmd_name(r.cmd) || r.ext_undecodable ||
            (r.has_flag_bytes && (r.flag_bytes[0] & 0x70)) || (r.rel_flags & ~3) || !r.total)
            return FALSE;
        (*n)++;
        if (cut) {
            *rem = r.total - (len - off);
            return TRUE;
        }
        off += r.total;
    }
    return TRUE;
}

gboolean cgp_carry_plausible(tvbuff_t *tvb)
{
    guint len = tvb_captured_length(tvb), n;
    guint32 rem;
    return (len >= CGP_SIGNATURE_LEN && tvb_memeql(tvb, 0, cgp_signature, CGP_SIGNATURE_LEN) == 0) ||
           (probe_records(tvb, 0, &n, &rem) && !rem);
}

/* First pass, a stream without signature or bind: the segment's records
 * go on probation (after the rest of a record cut at the end of the
 * direction's previous segment); TRUE once CGP_PROBATION consecutive valid
 * records were seen and this segment starts on a record boundary (the
 * stream is CGP from here on).  A datagram carrier's payloads are whole
 * records. */
static gboolean probation_step(tvbuff_t *tvb, packet_info *pinfo, cgp_conv_t *cv)
{
    enum ica_dir d = conv_dir(cv, pinfo);
    guint len = tvb_captured_length(tvb), n;
    guint32 skip = cv->stream_rem[d], rem;
    if (skip >= len) {
        cv->stream_rem[d] -= len;
        return FALSE;
    }
    if (!probe_records(tvb, skip, &n, &rem) || (cv->datagram && rem)) {
        cv->probation = 0;
        cv->stream_rem[0] = cv->stream_rem[1] = 0;
        return FALSE;
    }
    cv->stream_rem[d] = rem;
    cv->probation = (guint8)MIN(cv->probation + n, 255);
    if (cv->probation < CGP_PROBATION || skip)
        return FALSE;
    cv->stream_rem[d] = 0;      /* dissection starts with this segment: streaming begins afresh */
    cv->probing = FALSE;
    cv->midstream = TRUE;
    cv->first_frame = pinfo->num;
    return TRUE;
}

/* Whether a stream picked up mid-session is CGP in this frame. */
static gboolean accepted_here(tvbuff_t *tvb, packet_info *pinfo, cgp_conv_t *cv)
{
    if (PINFO_FD_VISITED(pinfo))
        return !cv->probing && pinfo->num >= cv->first_frame;
    if (cv->probing)
        return probation_step(tvb, pinfo, cv);
    return TRUE;
}

static int dissect_cgp_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    cgp_conv_t *cv = conv_get(pinfo, ICA_CARRIER_CGP, FALSE);
    if (!cv && !PINFO_FD_VISITED(pinfo)) {
        /* Decode As / the 2598 port: a stream start, possibly cut into tiny
         * segments, or a stream picked up mid-session (on probation). */
        guint len = tvb_captured_length(tvb);
        int cmd = probe_start(tvb);
        gboolean sig_prefix = len < 16 && len > 0 &&
            tvb_memeql(tvb, 0, cgp_signature, MIN(len, CGP_SIGNATURE_LEN)) == 0;
        guint n;
        guint32 rem;
        if (!cmd && !sig_prefix && !probe_records(tvb, 0, &n, &rem))
            return 0;
        if (sig_prefix && !cmd && pinfo->can_desegment) {
            pinfo->desegment_offset = 0;
            pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
            return len;
        }
        cv = conv_get(pinfo, ICA_CARRIER_CGP, TRUE);
        cv->probing = !cmd && !sig_prefix;
        conv_set_client(cv, pinfo, cmd ? cmd == CGP_BIND_REQUEST : pinfo->destport == pinfo->match_uint);
    }
    if (!cv || !accepted_here(tvb, pinfo, cv))
        return 0;
    return dissect_cgp_stream(tvb, pinfo, tree, cv);
}

static wsc_heur_ret_t dissect_cgp_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    int cmd = probe_start(tvb);
    if (!cmd)
        return FALSE;
    cgp_conv_t *cv = conv_get(pinfo, ICA_CARRIER_CGP, TRUE);
    conv_set_client(cv, pinfo, cmd == CGP_BIND_REQUEST);
    conversation_set_dissector(find_or_create_conversation(pinfo), cgp_handle);
    dissect_cgp_stream(tvb, pinfo, tree, cv);
    return TRUE;
}

/* ---- SOCKS v5 with the STA ticket: the Gateway path with SR off (§11) --- */

/* What one tvb of the SOCKS path holds at its start (first pass). */
typedef struct {
    gint16 greeting;            /* offsets, -1 = absent */
    gint16 connect;
    gint16 choice;
    gint16 reply;
    guint16 socks_len;          /* SOCKS bytes before the ICA stream */
} cgp_socks_pdu_t;

/* The CONNECT whose "domain" is an STA ticket. */
static gboolean socks_sta_connect(const guint8 *p, guint len, cgp_socks_connect *k)
{
    cgp_sta sta;
    cgp_parse_socks_connect(p, len, k);
    return k->status == CGP_OK && k->cmd == 1 && cgp_parse_sta(p + k->domain_off, k->domain_len, &sta);
}

/* A greeting 05 n methods filling exactly the data (n <= 8). */
static gboolean socks_greeting(const guint8 *p, guint len)
{
    return len >= 3 && p[0] == 5 && p[1] >= 1 && p[1] <= 8 && cgp_socks_greeting_len(p, len) == len;
}

static void socks_first_pass(const guint8 *p, guint len, cgp_conv_t *cv, enum ica_dir dir, cgp_socks_pdu_t *sp)
{
    guint off = 0;
    sp->greeting = sp->connect = sp->choice = sp->reply = -1;
    if (cv->socks_done[dir])
        return;
    if (dir == ICA_C2S) {
        cgp_socks_connect k;
        if (len >= 3 && p[0] == 5 && p[1] != 1 && cgp_socks_greeting_len(p, len)) {
            sp->greeting = 0;
            off = (guint)cgp_socks_greeting_len(p, len);
        } else if (socks_greeting(p, len)) {    /* 05 01 00: one method */
            sp->greeting = 0;
            off = len;
        }
        if (off < len && socks_sta_connect(p + off, len - off, &k)) {
            sp->connect = (gint16)off;
            off += k.total;
            cv->socks_done[dir] = TRUE;
        }
    } else {
        if (len >= 2 && p[0] == 5 && !cgp_socks_reply_len(p, len)) {
            sp->choice = 0;
            off = 2;
        }
        if (off < len && cgp_socks_reply_len(p + off, len - off)) {
            sp->reply = (gint16)off;
            off += (guint)cgp_socks_reply_len(p + off, len - off);
            cv->socks_done[dir] = TRUE;
        }
    }
    sp->socks_len = (guint16)off;
}

static void render_socks(tvbuff_t *tvb, packet_info *pinfo, proto_tree *st, const cgp_socks_pdu_t *sp)
{
    guint len = tvb_captured_length(tvb);
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    if (sp->greeting >= 0) {
        proto_tree_add_item(st, hf_cgp_socks_version, tvb, sp->greeting, 1, ENC_NA);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "SOCKS greeting");
    }
    if (sp->choice >= 0) {
        proto_tree_add_item(st, hf_cgp_socks_version, tvb, sp->choice, 1, ENC_NA);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "SOCKS method choice");
    }
    if (sp->connect >= 0) {
        guint c = (guint)sp->connect;
        cgp_socks_connect k;
        cgp_sta sta;
        socks_sta_connect(p + c, len - c, &k);
        proto_tree_add_item(st, hf_cgp_socks_version, tvb, c, 1, ENC_NA);
        proto_tree_add_item(st, hf_cgp_socks_cmd, tvb, c + 1, 1, ENC_NA);
        proto_tree_add_item(st, hf_cgp_socks_atyp, tvb, c + 3, 1, ENC_NA);
        proto_item *ki = proto_tree_add_item(st, hf_cgp_socks_ticket, tvb, c + k.domain_off, k.domain_len, ENC_ASCII);
        cgp_parse_sta(p + c + k.domain_off, k.domain_len, &sta);
        proto_tree *kt = proto_item_add_subtree(ki, ett_cgp_sta);
        guint b = c + k.domain_off;
        proto_tree_add_item(kt, hf_cgp_sta_version, tvb, b + sta.version_off, sta.version_len, ENC_ASCII);
        proto_tree_add_item(kt, hf_cgp_sta_id, tvb, b + sta.id_off, sta.id_len, ENC_ASCII);
        proto_tree_add_item(kt, hf_cgp_sta_ticket, tvb, b + sta.ticket_off, sta.ticket_len, ENC_ASCII);
        proto_tree_add_item(st, hf_cgp_socks_port, tvb, b + k.domain_len, 2, ENC_BIG_ENDIAN);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "SOCKS CONNECT with STA ticket");
    }
    if (sp->reply >= 0) {
        proto_tree_add_item(st, hf_cgp_socks_version, tvb, sp->reply, 1, ENC_NA);
        proto_tree_add_item(st, hf_cgp_socks_reply, tvb, sp->reply + 1, 1, ENC_NA);
        proto_tree_add_item(st, hf_cgp_socks_atyp, tvb, sp->reply + 3, 1, ENC_NA);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "SOCKS reply");
    }
}

static void dissect_socks(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cgp_conv_t *cv)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "CGP");
    col_clear(pinfo->cinfo, COL_INFO);
    guint len = tvb_captured_length(tvb);
    enum ica_dir dir = conv_dir(cv, pinfo);
    guint32 key = pdu_key(tvb, pinfo);
    cgp_socks_pdu_t *sp = (cgp_socks_pdu_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_cgp, key);
    if (!sp) {
        sp = wmem_new0(PINFO_FD_VISITED(pinfo) ? pinfo->pool : wmem_file_scope(), cgp_socks_pdu_t);
        if (PINFO_FD_VISITED(pinfo)) {
            sp->greeting = sp->connect = sp->choice = sp->reply = -1;
        } else {
            socks_first_pass(tvb_get_ptr(tvb, 0, len), len, cv, dir, sp);
            p_add_proto_data(wmem_file_scope(), pinfo, proto_cgp, key, sp);
        }
    }
    proto_item *ti = proto_tree_add_item(tree, proto_cgp, tvb, 0, sp->socks_len ? sp->socks_len : -1, ENC_NA);
    proto_item_append_text(ti, ": Gateway SOCKS v5 path (STA ticket)");
    proto_tree *st = proto_item_add_subtree(ti, ett_cgp);
    render_socks(tvb, pinfo, st, sp);
    guint socks = sp->socks_len;
    if (socks >= len)
        return;
    /* after both sides' SOCKS exchange: the ICA stream */
    if (!cv->socks_done[ICA_C2S] || !cv->socks_done[ICA_S2C]) {
        proto_tree_add_item(st, hf_cgp_socks_data, tvb, socks, len - socks, ENC_NA);
        return;
    }
    if (!PINFO_FD_VISITED(pinfo) && !cv->socks_ica) {
        const address *srv = dir == ICA_S2C ? &pinfo->src : &pinfo->dst;
        guint32 srv_port = dir == ICA_S2C ? pinfo->srcport : pinfo->destport;
        cv->socks_ica = ica_session_new(pinfo, &cv->client, cv->client_port, srv, srv_port, ICA_CARRIER_SOCKS,
                                        ICA_PHASE_DETECT);
    }
    if (cv->socks_ica)
        ica_dissect_chunk(cv->socks_ica, dir, tvb_new_subset_remaining(tvb, socks), pinfo, tree, key);
    else
        proto_tree_add_item(st, hf_cgp_socks_data, tvb, socks, len - socks, ENC_NA);
}

/* ---- TLS and WebSocket heuristics --------------------------------------- */

static int dissect_cgp_tls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    cgp_conv_t *cv = conv_get(pinfo, ICA_CARRIER_CGP_TLS, FALSE);
    if (!cv)
        return 0;
    if (cv->socks) {
        dissect_socks(tvb, pinfo, tree, cv);
        return tvb_captured_length(tvb);
    }
    return dissect_cgp_stream(tvb, pinfo, tree, cv);
}

/* The TLS dissector keeps calling the application-data handle of its
 * session once set; the heuristic is then not asked again. */
static void tls_keep(packet_info *pinfo)
{
    if (tls_handle)
        tls_set_appdata_dissector(tls_handle, pinfo, cgp_tls_handle);
}

static wsc_heur_ret_t dissect_cgp_heur_tls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    cgp_conv_t *known = conv_get(pinfo, ICA_CARRIER_CGP_TLS, FALSE);
    if (known) {
        tls_keep(pinfo);
        dissect_cgp_tls(tvb, pinfo, tree, NULL);
        return TRUE;
    }
    int cmd = probe_start(tvb);
    if (cmd) {
        cgp_conv_t *cv = conv_get(pinfo, ICA_CARRIER_CGP_TLS, TRUE);
        conv_set_client(cv, pinfo, cmd == CGP_BIND_REQUEST);
        tls_keep(pinfo);
        dissect_cgp_stream(tvb, pinfo, tree, cv);
        return TRUE;
    }
    /* SR off through a Gateway: SOCKS v5, the first application data being
     * the greeting (TLS asks its heuristics for the first record only when
     * a port dissector exists) or the CONNECT whose domain is an STA ticket */
    guint len = tvb_captured_length(tvb);
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    cgp_socks_connect k;
    if (!socks_greeting(p, len) && !(len >= 10 && p[0] == 5 && socks_sta_connect(p, len, &k)))
        return FALSE;
    cgp_conv_t *cv = conv_get(pinfo, ICA_CARRIER_SOCKS, TRUE);
    cv->socks = TRUE;
    conv_set_client(cv, pinfo, TRUE);
    tls_keep(pinfo);
    dissect_socks(tvb, pinfo, tree, cv);
    return TRUE;
}

static wsc_heur_ret_t dissect_cgp_heur_ws(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    /* WebSocket asks its heuristics for every message: a connection once
     * recognised stays CGP. */
    cgp_conv_t *cv = conv_get(pinfo, ICA_CARRIER_CGP_WS, FALSE);
    if (!cv || cv->socks) {
        int cmd = probe_start(tvb);
        if (!cmd)
            return FALSE;
        cv = conv_get(pinfo, ICA_CARRIER_CGP_WS, TRUE);
        conv_set_client(cv, pinfo, cmd == CGP_BIND_REQUEST);
        if (!cv->ws)
            cv->ws = wmem_new0(wmem_file_scope(), cgp_ws_t);
    }
    dissect_cgp_stream(tvb, pinfo, tree, cv);
    return TRUE;
}

/* ---- EDT: the in-order payloads of packet-edt.c (cgp_carry.h) ---------- */

gboolean cgp_carry_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, gboolean sender_is_client,
                           guint32 lost)
{
    /* called directly, not through a table: --disable-protocol cgp must stop it here */
    if (!proto_is_protocol_enabled(find_protocol_by_id(proto_cgp)))
        return FALSE;
    cgp_conv_t *cv = conv_get(pinfo, ICA_CARRIER_CGP_EDT, FALSE);
    if (!cv) {
        if (PINFO_FD_VISITED(pinfo) || !cgp_carry_plausible(tvb))
            return FALSE;
        int cmd = probe_start(tvb);
        cv = conv_get(pinfo, ICA_CARRIER_CGP_EDT, TRUE);
        cv->datagram = TRUE;
        cv->probing = !cmd && tvb_memeql(tvb, 0, cgp_signature, CGP_SIGNATURE_LEN) != 0;
        conv_set_client(cv, pinfo, cmd ? cmd == CGP_BIND_REQUEST : sender_is_client);
    }
    if (!accepted_here(tvb, pinfo, cv))
        return FALSE;
    if (lost && !PINFO_FD_VISITED(pinfo) && cv->session && cv->session->ica)
        ica_session_lose(cv->session->ica, conv_dir(cv, pinfo), pinfo);
    const char *outer = pinfo->current_proto;
    pinfo->current_proto = "CGP";   /* called, not through a dissector table: experts name CGP */
    dissect_cgp_stream(tvb, pinfo, tree, cv);
    pinfo->current_proto = outer;
    return TRUE;
}

/* ---- statistics: tshark -z cgp,tree ------------------------------------- */

static const char *st_str_sessions = "CGP sessions";
static const char *st_str_resumes = "Resume attempts";
static const char *st_str_linked = "Resumes linked to an earlier connection";
static const char *st_str_refused = "Resumes refused";
static const char *st_str_messages = "CGP messages by command";
static int st_node_messages = -1;

static void cgp_stats_init(stats_tree *st)
{
    stats_tree_create_node(st, st_str_sessions, 0, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, st_str_resumes, 0, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, st_str_linked, 0, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, st_str_refused, 0, STAT_DT_INT, FALSE);
    st_node_messages = stats_tree_create_node(st, st_str_messages, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status cgp_stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                          const void *p, tap_flags_t flags _U_)
{
    const cgp_tap_rec *t = (const cgp_tap_rec *)p;
    if (t->event == CGP_TAP_BIND)
        tick_stat_node(st, st_str_sessions, 0, FALSE);
    if (t->event == CGP_TAP_RESUME) {
        tick_stat_node(st, st_str_resumes, 0, FALSE);
        if (t->resumed_from)
            tick_stat_node(st, st_str_linked, 0, FALSE);
    }
    if (t->event == CGP_TAP_RESUME_REFUSED)
        tick_stat_node(st, st_str_refused, 0, FALSE);
    tick_stat_node(st, st_str_messages, 0, TRUE);
    tick_stat_node(st, val_to_str_const(t->cmd, cmd_vals, "unknown command"), st_node_messages, FALSE);
    return TAP_PACKET_REDRAW;
}

/* ---- registration ------------------------------------------------------- */

/* Fields: record framing, extensions, reliability, binds and the capability block header. */
static void register_record_fields(void)
{
    static hf_register_info hf[] = {
        { &hf_cgp_signature, { "Signature", "cgp.signature", FT_BYTES, BASE_NONE, NULL, 0x0,
            "1a \"CGP/01\" at the start of each direction", HFILL } },
        { &hf_cgp_length, { "Length", "cgp.length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Record length: the command byte and everything after it (varlen)", HFILL } },
        { &hf_cgp_cmd, { "Command", "cgp.cmd", FT_UINT8, BASE_HEX, VALS(cmd_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_session, { "Session", "cgp.session", FT_UINT32, BASE_DEC, NULL, 0x0,
            "CGP session number in this capture (the same across resumed connections)", HFILL } },
        { &hf_cgp_direction, { "Direction", "cgp.direction", FT_UINT8, BASE_DEC, VALS(dir_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_bind_flags, { "Flag byte", "cgp.bind.flags", FT_UINT8, BASE_HEX, NULL, 0x0,
            "The single flag byte of BIND_REQUEST/BIND_RESPONSE (must be 00)", HFILL } },
        { &hf_cgp_ext_flag_byte, { "Extension flag byte", "cgp.ext.flags", FT_UINT8, BASE_HEX, NULL, 0x0,
            "7 extension flags (bit n of byte k = extension 7k+n); 0x80 = another flag byte follows", HFILL } },
        { &hf_cgp_ext_length, { "Extension data length", "cgp.ext.length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "EXT_LENGTH (extension 0): bytes of extension data that follow", HFILL } },
        { &hf_cgp_ext_monitoring, { "Monitoring flags", "cgp.ext.monitoring", FT_UINT8, BASE_HEX, NULL, 0x0,
            "First byte of the MONITORING extension (1); the rest of its layout is unknown", HFILL } },
        { &hf_cgp_ext_undecoded, { "Undecoded extension data", "cgp.ext.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Extension bytes whose layout is not known", HFILL } },
        { &hf_cgp_rel_flags, { "Reliability flags", "cgp.rel.flags", FT_UINT8, BASE_HEX, NULL, 0x0,
            "RELIABILITY extension (3)", HFILL } },
        { &hf_cgp_rel_track, { "Tracked", "cgp.rel.track", FT_BOOLEAN, 8, NULL, CGP_REL_TRACK,
            "TRACK_MESSAGE: counted for acknowledgement", HFILL } },
        { &hf_cgp_rel_ack, { "Ack", "cgp.rel.ack", FT_BOOLEAN, 8, NULL, CGP_REL_ACK,
            "An ack delta follows", HFILL } },
        { &hf_cgp_ack_delta, { "Ack delta", "cgp.ack_delta", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Tracked messages of the other direction newly acknowledged", HFILL } },
        { &hf_cgp_msg_number, { "Message number", "cgp.msg_number", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of this tracked message in its direction, from 1, continued across resumes", HFILL } },
        { &hf_cgp_ack_cumulative, { "Cumulative ack", "cgp.ack_cumulative", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Messages of the other direction acknowledged so far (sum of ack deltas)", HFILL } },
        { &hf_cgp_resent, { "Sent again after resume", "cgp.resent", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "A tracked message whose number was already seen: not decoded again", HFILL } },
        { &hf_cgp_resent_of, { "First sent in", "cgp.resent_of", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Frame of the first copy of a resent message", HFILL } },
        { &hf_cgp_reserved, { "Reserved", "cgp.reserved", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_num_caps, { "Capabilities", "cgp.num_caps", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_cap, { "Capability", "cgp.cap", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_cap_length, { "Block length", "cgp.cap.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_cap_service, { "Service id", "cgp.cap.service", FT_UINT16, BASE_DEC, NULL, 0x0,
            "0 = CGP core; otherwise a bound service (body shown as bytes)", HFILL } },
        { &hf_cgp_cap_id, { "Capability id", "cgp.cap.id", FT_UINT16, BASE_DEC, VALS(cap_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_cap_data, { "Capability data", "cgp.cap.data", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Body of a capability whose layout is unknown", HFILL } },
        { &hf_cgp_service_count, { "Services", "cgp.service.count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_service_length, { "Service block length", "cgp.service.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_service_id, { "Service id", "cgp.service.id", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_service_version, { "Service version", "cgp.service.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_service_name, { "Service name", "cgp.service.name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_endpoint_type, { "Address type", "cgp.endpoint.type", FT_UINT8, BASE_DEC, VALS(endpoint_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_endpoint_address, { "Address", "cgp.endpoint.address", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    };
    proto_register_field_array(proto_cgp, hf, array_length(hf));
}

/* Fields: the capability bodies (§7). */
static void register_capability_fields(void)
{
    static hf_register_info hf[] = {
        { &hf_cgp_sr_pref_version, { "Preferred version", "cgp.sr.preferred_version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_sr_min_version, { "Minimum version", "cgp.sr.min_version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_sr_c2s_algorithm, { "Client-to-server ack algorithm", "cgp.sr.c2s_ack_algorithm", FT_UINT8, BASE_DEC,
            VALS(ack_algo_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_sr_s2c_algorithm, { "Server-to-client ack algorithm", "cgp.sr.s2c_ack_algorithm", FT_UINT8, BASE_DEC,
            VALS(ack_algo_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_sr_ack_data_length, { "Ack data length", "cgp.sr.ack_data_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_sr_ack_n, { "Messages per ack", "cgp.sr.messages_per_ack", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_sr_ack_data, { "Ack data", "cgp.sr.ack_data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_next_message, { "Next message number", "cgp.next_message", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Next message expected from the peer; 0 in the answer to a resume = refused", HFILL } },
        { &hf_cgp_reconnect_flags, { "Reconnect flags", "cgp.sr.reconnect_flags", FT_UINT8, BASE_HEX, NULL, 0x0,
            "0x01 = resuming with a ticket", HFILL } },
        { &hf_cgp_ticket_version, { "Reconnect ticket version", "cgp.sr.ticket_version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_ticket_length, { "Ticket length", "cgp.ticket.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_ticket, { "Reconnect ticket", "cgp.ticket", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_num_open, { "Embedded open requests", "cgp.sr.num_open", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_resume, { "Resume", "cgp.resume", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "BIND_REQUEST with the reconnect flag", HFILL } },
        { &hf_cgp_resumed_from, { "Resumed from", "cgp.resumed_from", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Frame of the BIND_RESPONSE that issued this resume's ticket", HFILL } },
        { &hf_cgp_issued_in, { "Ticket issued in", "cgp.ticket.issued_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "A resume naming a ticket of its own connection: the frame that issued it", HFILL } },
        { &hf_cgp_sec_ticket_type, { "Security ticket type", "cgp.sec_ticket.type", FT_UINT8, BASE_DEC, VALS(sec_ticket_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_sec_ticket, { "Security ticket", "cgp.sec_ticket", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_sta_version, { "STA version", "cgp.sta.version", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_sta_id, { "STA id", "cgp.sta.id", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_sta_ticket, { "STA ticket", "cgp.sta.ticket", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_ka_c2s, { "Client-to-server keep-alive interval (ms)", "cgp.keepalive.c2s", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_ka_s2c, { "Server-to-client keep-alive interval (ms)", "cgp.keepalive.s2c", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_rp_version, { "Block version", "cgp.rp.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_rp_timeout, { "Reliability timeout (s)", "cgp.rp.timeout", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_rp_ui_flags, { "UI flags", "cgp.rp.ui_flags", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_rp_ui_dimming, { "Dimming", "cgp.rp.ui_flags.dimming", FT_BOOLEAN, 16, NULL, CGP_UI_DIMMING, NULL, HFILL } },
        { &hf_cgp_rp_dimming, { "Dimming percent", "cgp.rp.dimming", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_rp_tcp_timeout, { "Estimated TCP timeout", "cgp.rp.tcp_timeout", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    };
    proto_register_field_array(proto_cgp, hf, array_length(hf));
}

/* Fields: channels, data, the SOCKS path, records joined across WebSocket messages. */
static void register_channel_fields(void)
{
    static hf_register_info hf[] = {
        { &hf_cgp_channel_id, { "Channel id", "cgp.channel.id", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_channel_side, { "Channel opened by", "cgp.channel.side", FT_UINT8, BASE_DEC, VALS(side_vals), 0x0,
            "Bit 0 of the channel id", HFILL } },
        { &hf_cgp_channel_service, { "Service id", "cgp.channel.service", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_channel_framing, { "Framing", "cgp.channel.framing", FT_UINT8, BASE_DEC, VALS(framing_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_channel_priority, { "Priority", "cgp.channel.priority", FT_UINT8, BASE_DEC, VALS(priority_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_channel_params_length, { "Parameters length", "cgp.channel.params_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_channel_params, { "Parameters", "cgp.channel.params", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_tcpproxy_version, { "TcpProxy version", "cgp.channel.tcpproxy_version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_channel_target, { "Target", "cgp.channel.target", FT_STRING, BASE_NONE, NULL, 0x0, "host:port", HFILL } },
        { &hf_cgp_channel_protocol, { "Protocol", "cgp.channel.protocol", FT_UINT16, BASE_DEC, VALS(protocol_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_channel_status, { "Status", "cgp.channel.status", FT_UINT16, BASE_DEC, VALS(open_status_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_channel_service_status, { "Service status", "cgp.channel.service_status", FT_UINT16, BASE_DEC,
            VALS(tcpproxy_status_vals), 0x0, "TcpProxyService connect status (that it is this field is an inference)", HFILL } },
        { &hf_cgp_close_status, { "Close status", "cgp.channel.close_status", FT_UINT16, BASE_DEC, VALS(close_status_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_close_service_status, { "Close service status", "cgp.channel.close_service_status", FT_UINT16, BASE_DEC,
            VALS(tcpproxy_close_vals), 0x0, "TcpProxyService close code", HFILL } },
        { &hf_cgp_finish_type, { "Close type", "cgp.finish.type", FT_UINT8, BASE_DEC, VALS(finish_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_finish_reserved, { "Reserved", "cgp.finish.reserved", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_data_flags, { "Data flags", "cgp.data.flags", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_data_partial, { "Partial", "cgp.data.flags.partial", FT_BOOLEAN, 8, NULL, CGP_DATA_PARTIAL, NULL, HFILL } },
        { &hf_cgp_data_prio_med, { "Priority medium", "cgp.data.flags.priority_medium", FT_BOOLEAN, 8, NULL, CGP_DATA_PRIO_MED, NULL, HFILL } },
        { &hf_cgp_data_prio_rt, { "Priority realtime", "cgp.data.flags.priority_realtime", FT_BOOLEAN, 8, NULL, CGP_DATA_PRIO_RT, NULL, HFILL } },
        { &hf_cgp_data_push, { "Push", "cgp.data.flags.push", FT_BOOLEAN, 8, NULL, CGP_DATA_PUSH, NULL, HFILL } },
        { &hf_cgp_data, { "Data", "cgp.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_embedded, { "Embedded CHANNEL_OPEN_REQUEST", "cgp.embedded", FT_NONE, BASE_NONE, NULL, 0x0,
            "An open request replayed inside a resume's SESSION_RELIABILITY capability", HFILL } },
        { &hf_cgp_socks_version, { "SOCKS version", "cgp.socks.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_socks_cmd, { "SOCKS command", "cgp.socks.cmd", FT_UINT8, BASE_DEC, VALS(socks_cmd_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_socks_atyp, { "SOCKS address type", "cgp.socks.atyp", FT_UINT8, BASE_DEC, VALS(socks_atyp_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_socks_ticket, { "STA ticket (SOCKS domain)", "cgp.socks.ticket", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_socks_port, { "SOCKS port", "cgp.socks.port", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_socks_reply, { "SOCKS reply", "cgp.socks.reply", FT_UINT8, BASE_DEC, VALS(socks_reply_vals), 0x0, NULL, HFILL } },
        { &hf_cgp_socks_data, { "Data after SOCKS", "cgp.socks.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_continued, { "Part of a record", "cgp.continued", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes of a CGP record cut across WebSocket messages", HFILL } },
        { &hf_cgp_fragments, { "Record fragments", "cgp.fragments", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_fragment, { "Record fragment", "cgp.fragment", FT_FRAMENUM, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_fragment_overlap, { "Fragment overlap", "cgp.fragment.overlap", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_cgp_fragment_overlap_conflicts, { "Conflicting data in fragment overlap", "cgp.fragment.overlap.conflicts",
            FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_fragment_multiple_tails, { "Multiple tail fragments found", "cgp.fragment.multiple_tails",
            FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_fragment_too_long, { "Fragment too long", "cgp.fragment.too_long_fragment", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_cgp_fragment_error, { "Defragmentation error", "cgp.fragment.error", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_cgp_fragment_count, { "Fragment count", "cgp.fragment.count", FT_UINT32, BASE_DEC, NULL, 0x0, NULL,
            HFILL } },
        { &hf_cgp_reassembled_in, { "Reassembled in", "cgp.reassembled_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Frame whose WebSocket message completes this record", HFILL } },
        { &hf_cgp_reassembled_length, { "Reassembled record length", "cgp.reassembled.length", FT_UINT32, BASE_DEC,
            NULL, 0x0, NULL, HFILL } },
    };
    proto_register_field_array(proto_cgp, hf, array_length(hf));
}

static void register_experts(void)
{
    static ei_register_info ei[] = {
        { &ei_cgp_resume_attempt, { "cgp.resume_attempt", PI_SEQUENCE, PI_NOTE,
            "Session Reliability resume attempt (reconnect flag)", EXPFILL } },
        { &ei_cgp_resume_refused, { "cgp.resume_refused", PI_SEQUENCE, PI_WARN,
            "Resume refused: next message number 0 in the answer to a resume", EXPFILL } },
        { &ei_cgp_resume_unknown_ticket, { "cgp.resume_ticket_unknown", PI_SEQUENCE, PI_NOTE,
            "Resume with a ticket no BIND_RESPONSE in this capture issued", EXPFILL } },
        { &ei_cgp_resume_self, { "cgp.resume_self", PI_SEQUENCE, PI_WARN,
            "Resume names a ticket issued on this same connection", EXPFILL } },
        { &ei_cgp_nonminimal, { "cgp.varlen_nonminimal", PI_PROTOCOL, PI_NOTE,
            "Value below 128 written in the 2-byte varlen form", EXPFILL } },
        { &ei_cgp_reserved, { "cgp.reserved_not_zero", PI_PROTOCOL, PI_WARN, "Reserved bits or bytes are not zero", EXPFILL } },
        { &ei_cgp_unknown_cmd, { "cgp.unknown_command", PI_MALFORMED, PI_ERROR, "Command outside 0x01-0x0B", EXPFILL } },
        { &ei_cgp_ext_undecodable, { "cgp.ext_undecodable", PI_UNDECODED, PI_WARN,
            "Header extension of unknown layout without EXT_LENGTH: the payload cannot be found", EXPFILL } },
        { &ei_cgp_ext_undecoded, { "cgp.ext_undecoded", PI_UNDECODED, PI_NOTE,
            "Header extension data of unknown layout (skipped with EXT_LENGTH)", EXPFILL } },
        { &ei_cgp_ext_length, { "cgp.ext_length_mismatch", PI_MALFORMED, PI_WARN,
            "Decoded extensions do not end where EXT_LENGTH says", EXPFILL } },
        { &ei_cgp_truncated, { "cgp.truncated", PI_MALFORMED, PI_ERROR, "A length or count points past the end", EXPFILL } },
        { &ei_cgp_bad, { "cgp.bad_value", PI_MALFORMED, PI_ERROR, "Value no encoder produces", EXPFILL } },
        { &ei_cgp_count, { "cgp.count_mismatch", PI_MALFORMED, PI_WARN, "Fewer items present than announced", EXPFILL } },
        { &ei_cgp_trailing, { "cgp.trailing", PI_MALFORMED, PI_WARN, "Bytes after the last item", EXPFILL } },
        { &ei_cgp_resent, { "cgp.message_resent", PI_SEQUENCE, PI_NOTE, "Message sent again after a resume", EXPFILL } },
        { &ei_cgp_lost, { "cgp.messages_lost", PI_SEQUENCE, PI_WARN,
            "Tracked messages of this direction were not captured before this one", EXPFILL } },
    };
    expert_module_t *expert_cgp = expert_register_protocol(proto_cgp);
    expert_register_field_array(expert_cgp, ei, array_length(ei));
}

void
proto_register_cgp(void)
{
    static int *ett[] = {
        &ett_cgp, &ett_cgp_record, &ett_cgp_ext, &ett_cgp_rel, &ett_cgp_cap, &ett_cgp_service, &ett_cgp_sta,
        &ett_cgp_params, &ett_cgp_embedded, &ett_cgp_data_flags, &ett_cgp_ui_flags, &ett_cgp_fragment, &ett_cgp_fragments,
    };

    proto_cgp = proto_register_protocol("Citrix CGP (Session Reliability)", "CGP", "cgp");
    register_record_fields();
    register_capability_fields();
    register_channel_fields();
    proto_register_subtree_array(ett, array_length(ett));
    register_experts();
    module_t *cgp_module = prefs_register_protocol(proto_cgp, NULL);
    prefs_register_bool_preference(cgp_module, "desegment", "Reassemble CGP records spanning TCP segments, TLS records or WebSocket messages",
                                   "Whether the CGP dissector reassembles records spanning several TCP segments, "
                                   "TLS records or WebSocket messages (over TCP and TLS, TCP's \"Allow subdissectors "
                                   "to reassemble TCP streams\" must be on)",
                                   &pref_desegment);
    prefs_register_bool_preference(cgp_module, "ica", "Decode the ICA session inside",
                                   "Hand the ICA bytes of realtime messages and of TcpProxy ICA channels to the ICA "
                                   "decoder (off: shown as cgp.data)", &pref_ica);
    cgp_handle = register_dissector("cgp", dissect_cgp_tcp, proto_cgp);
    cgp_tls_handle = register_dissector("cgp.tls", dissect_cgp_tls, proto_cgp);
    cgp_tap = register_tap("cgp");
    register_init_routine(cgp_init);
    reassembly_table_register(&cgp_reassembly, &addresses_ports_reassembly_table_functions);
}

void
proto_reg_handoff_cgp(void)
{
    tls_handle = find_dissector("tls");
    dissector_add_uint_with_preference("tcp.port", CGP_TCP_PORT, cgp_handle);
    heur_dissector_add("tcp", dissect_cgp_heur_tcp, "Citrix CGP over TCP", "cgp_tcp", proto_cgp, HEURISTIC_ENABLE);
    heur_dissector_add("tls", dissect_cgp_heur_tls, "Citrix CGP (or Gateway SOCKS) over TLS", "cgp_tls", proto_cgp,
                       HEURISTIC_ENABLE);
    heur_dissector_add("ws", dissect_cgp_heur_ws, "Citrix CGP over WebSocket", "cgp_ws", proto_cgp, HEURISTIC_ENABLE);
    stats_tree_register_plugin("cgp", "cgp", "Citrix/CGP sessions", 0, cgp_stats_packet, cgp_stats_init, NULL);
}
