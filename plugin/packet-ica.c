/* packet-ica.c - Citrix ICA (TCP 1494): registration, preferences, the TCP
 * carrier and the heuristics.
 *
 * An ICA connection starts with the server's detect string (7F 7F "ICA" 00,
 * shared notes ica.md §3-§4), then the raw WD handshake, then PDRFRAME
 * frames.  This file finds ICA on TCP (port 1494 and a strict heuristic on
 * the detect string or a well-formed raw INIT_* packet), keeps one session
 * per TCP conversation, tracks TCP sequence numbers so that retransmitted
 * bytes are fed once, and hands TLS seen on 1494 to the TLS dissector.
 * The other files render the layers (see packet-ica-int.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-tls-utils.h>
#include "packet-ica-int.h"
#include "ica_wd.h"

#define ICA_TCP_PORT 1494

void proto_register_ica(void);
void proto_reg_handoff_ica(void);

int proto_ica = -1;
int ica_tap = -1;
static dissector_handle_t ica_handle;
static dissector_handle_t ica_tls_app_handle;
dissector_handle_t tls_handle;

wsc_pref_bool_t pref_decrypt = TRUE;
wsc_pref_bool_t pref_desegment = TRUE;

int hf_ica_cmd = -1;
int hf_ica_cmd_length = -1;
int hf_ica_cmd_data = -1;
int hf_ica_vc_name = -1;
int hf_ica_vc_number = -1;
int ett_ica_bits = -1;
expert_field ei_ica_undecoded = EI_INIT;
static int hf_ica_retransmitted = -1;
static expert_field ei_ica_retransmission = EI_INIT;
static expert_field ei_ica_tls = EI_INIT;

const value_string compression_vals[] = {
    { ICA_COMP_NONE, "none" }, { ICA_COMP_L1, "reducer level 1" },
    { ICA_COMP_L2, "reducer level 2 (Mark II, not decodable)" },
    { ICA_COMP_V3, "reducer V3/V4 container" }, { ICA_COMP_UNKNOWN, "unknown reducer" },
    { ICA_COMP_PDCOMP, "PDCOMP (not decodable)" }, { 0, NULL }
};

const value_string product_id_vals[] = {
    { 0x0001, "DOS/Win32" }, { 0x0051, "UNIX" }, { 0x0052, "Mac" }, { 0x0101, "HTML5" },
    { 0x1f09, "WinCE" }, { 0, NULL }
};
/* WD command names come from the core's table (one place); built at registration. */
static value_string cmd_vals[ICA_CMD_TABLE_SIZE + 1];

const char *ica_cmd_label(guint8 code)
{
    const ica_cmd_info *ci = ica_cmd_lookup(code);
    return ci->name ? ci->name : "unknown";
}


/* ---- the TCP carrier ---------------------------------------------------- */

/* What the TCP carrier decided for one frame on the first pass; stored only
 * for frames that have something to show. */
#define TCP_MARK_RETRANSMITTED  0x01    /* `skip` leading bytes were fed already */
#define TCP_MARK_TRUNCATED      0x02    /* cut by the snapshot length */

typedef struct {
    guint8 flags;
    guint32 skip;
} ica_tcp_mark;

/* One TCP conversation carrying ICA. */
typedef struct {
    ica_session *s;
    address server_addr;
    guint32 server_port;
    guint32 next_seq[2];
    gboolean have_seq[2];
    gboolean tls;
    guint32 tls_note_frame;
    wmem_map_t *marks;              /* frame number -> ica_tcp_mark */
} ica_tcp_conv;

static ica_tcp_conv *get_conv(packet_info *pinfo, enum ica_phase start, gboolean sender_is_server, const char *carrier)
{
    conversation_t *c = find_or_create_conversation(pinfo);
    ica_tcp_conv *conv = (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica);
    if (conv)
        return conv;
    conv = wmem_new0(wmem_file_scope(), ica_tcp_conv);
    conv->marks = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    if (sender_is_server) {
        copy_address_wmem(wmem_file_scope(), &conv->server_addr, &pinfo->src);
        conv->server_port = pinfo->srcport;
        conv->s = ica_session_new(pinfo, &pinfo->dst, pinfo->destport, &pinfo->src, pinfo->srcport, carrier, start);
    } else {
        copy_address_wmem(wmem_file_scope(), &conv->server_addr, &pinfo->dst);
        conv->server_port = pinfo->destport;
        conv->s = ica_session_new(pinfo, &pinfo->src, pinfo->srcport, &pinfo->dst, pinfo->destport, carrier, start);
    }
    conversation_add_proto_data(c, proto_ica, conv);
    return conv;
}

/* First pass: which bytes of this segment are new.  Retransmitted or
 * overlapping bytes were fed already; a hole means bytes were lost. */
static ica_tcp_mark tcp_first_pass(ica_tcp_conv *conv, enum ica_dir dir, tvbuff_t *tvb, packet_info *pinfo,
                                   const struct tcpinfo *tcpi)
{
    ica_tcp_mark m = { 0, 0 };
    guint len = tvb_captured_length(tvb);
    gboolean gap = FALSE;
    if (tcpi && tcpi->nxtseq != tcpi->seq) {
        if (conv->have_seq[dir]) {
            guint32 next = conv->next_seq[dir];
            if ((gint32)(tcpi->nxtseq - next) <= 0) {
                m.flags |= TCP_MARK_RETRANSMITTED;
                m.skip = len;
            } else if ((gint32)(tcpi->seq - next) < 0) {
                m.skip = next - tcpi->seq;
                m.flags |= TCP_MARK_RETRANSMITTED;
            } else if (tcpi->seq != next) {
                gap = TRUE;
            }
        }
        if (!(m.flags & TCP_MARK_RETRANSMITTED) || m.skip < len) {
            conv->next_seq[dir] = tcpi->nxtseq;
            conv->have_seq[dir] = TRUE;
        }
    }
    if (len < tvb_reported_length(tvb))
        m.flags |= TCP_MARK_TRUNCATED;
    if (gap && !conv->tls && m.skip < len)
        ica_session_lose(conv->s, dir, pinfo);
    if (m.flags)
        wmem_map_insert(conv->marks, GUINT_TO_POINTER(pinfo->num), wmem_memdup(wmem_file_scope(), &m, sizeof m));
    return m;
}

/* ---- the TLS carrier ---------------------------------------------------- */

/* Chunk keys of the TLS carrier: one per decrypted record handed to ICA in
 * a frame, counted in packet-scope data so that every pass (and a single
 * frame redissected in the GUI) numbers them alike. */
#define ICA_PKEY_TLS_CHUNKS 1
#define ICA_KEY_TLS_BASE    0x10000

static guint32 *tls_chunk_counter(packet_info *pinfo)
{
    guint32 *n = (guint32 *)p_get_proto_data(pinfo->pool, pinfo, proto_ica, ICA_PKEY_TLS_CHUNKS);
    if (!n) {
        n = wmem_new0(pinfo->pool, guint32);
        p_add_proto_data(pinfo->pool, pinfo, proto_ica, ICA_PKEY_TLS_CHUNKS, n);
    }
    return n;
}

static enum ica_dir conv_dir(const ica_tcp_conv *conv, const packet_info *pinfo)
{
    return (pinfo->srcport == conv->server_port && addresses_equal(&pinfo->src, &conv->server_addr))
           ? ICA_S2C : ICA_C2S;
}

static int dissect_tls_chunk(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv)
{
    guint32 *n = tls_chunk_counter(pinfo);
    guint32 key = ICA_KEY_TLS_BASE + (*n)++;
    return ica_dissect_chunk(conv->s, conv_dir(conv, pinfo), tvb, pinfo, tree, key);
}

/* A session found in decrypted TLS: the detect string (sent by the server)
 * or a well-formed raw INIT_* packet must come first. */
static ica_tcp_conv *tls_probe_conv(tvbuff_t *tvb, packet_info *pinfo)
{
    guint len = tvb_captured_length(tvb);
    if (len < 4)
        return NULL;
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    enum ica_probe pr = ica_probe(p, len);
    if (pr != ICA_PROBE_DETECT && pr != ICA_PROBE_HANDSHAKE)
        return NULL;
    gboolean sender_is_server = pr == ICA_PROBE_DETECT || p[0] != ICA_CMD_INIT_RESPONSE;
    ica_tcp_conv *conv = get_conv(pinfo, pr == ICA_PROBE_DETECT ? ICA_PHASE_DETECT : ICA_PHASE_RAW,
                                  sender_is_server, ICA_CARRIER_TLS);
    conv->tls = TRUE;
    return conv;
}

/* Decrypted application data of a TLS session handed to ICA. */
static int dissect_ica_tls_app(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    ica_tcp_conv *conv = c ? (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica) : NULL;
    if (!conv && !(conv = tls_probe_conv(tvb, pinfo)))
        return 0;
    return dissect_tls_chunk(tvb, pinfo, tree, conv);
}

/* Heuristic on the "tls" list: plain ICA directly inside decrypted TLS
 * (VDA TLS without Session Reliability, cgp.md §11). */
static wsc_heur_ret_t dissect_ica_tls_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    ica_tcp_conv *conv = c ? (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica) : NULL;
    if (!conv && !(conv = tls_probe_conv(tvb, pinfo)))
        return FALSE;
    if (!conv->tls)
        return FALSE;
    tls_set_appdata_dissector(tls_handle, pinfo, ica_tls_app_handle);
    dissect_tls_chunk(tvb, pinfo, tree, conv);
    return TRUE;
}

/* TLS seen on 1494.  The TLS dissector is called with the desegmentation
 * ability TCP gave this dissector, so that TLS records spanning segments are
 * reassembled by TCP, and with ICA as its application-data dissector
 * (tls_set_appdata_dissector), so that decrypted records come back to
 * dissect_ica_tls_app.  Frames whose TLS records did not come back as ICA
 * (no keys, handshake) are marked as ICA over TLS. */
static int dissect_tls_on_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv,
                               enum ica_dir dir, struct tcpinfo *tcpi)
{
    guint32 chunks_before = *tls_chunk_counter(pinfo);
    if (tls_handle) {
        guint16 save_can_desegment = pinfo->can_desegment;
        tls_set_appdata_dissector(tls_handle, pinfo, ica_tls_app_handle);
        pinfo->can_desegment = pinfo->saved_can_desegment;
        col_set_fence(pinfo->cinfo, COL_INFO);
        call_dissector_with_data(tls_handle, tvb, pinfo, tree, tcpi);
        pinfo->can_desegment = save_can_desegment;
    }
    if (*tls_chunk_counter(pinfo) == chunks_before) {
        proto_tree *it = ica_add_protocol_item(tvb, pinfo, tree, (guint8)dir, NULL);
        proto_item *ei = proto_tree_add_uint(it, hf_ica_encryption, tvb, 0, 0, ICA_ENC_TLS);
        proto_item_set_generated(ei);
        if (conv->tls_note_frame == pinfo->num)
            expert_add_info(pinfo, ei, &ei_ica_tls);
    }
    return tvb_captured_length(tvb);
}

static int dissect_ica_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv,
                           struct tcpinfo *tcpi)
{
    enum ica_dir dir = conv_dir(conv, pinfo);
    guint len = tvb_captured_length(tvb);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "ICA");
    col_clear(pinfo->cinfo, COL_INFO);
    ica_tcp_mark m = { 0, 0 };
    if (!PINFO_FD_VISITED(pinfo)) {
        m = tcp_first_pass(conv, dir, tvb, pinfo, tcpi);
    } else {
        const ica_tcp_mark *stored = (const ica_tcp_mark *)wmem_map_lookup(conv->marks, GUINT_TO_POINTER(pinfo->num));
        if (stored)
            m = *stored;
    }
    if (conv->tls)
        return dissect_tls_on_port(tvb, pinfo, tree, conv, dir, tcpi);
    if (m.skip < len) {
        ica_dissect_chunk(conv->s, dir, tvb_new_subset_remaining(tvb, m.skip), pinfo, tree, 0);
        if ((m.flags & TCP_MARK_TRUNCATED) && !PINFO_FD_VISITED(pinfo))
            ica_session_lose(conv->s, dir, pinfo);
    }
    if (m.flags & TCP_MARK_RETRANSMITTED) {
        proto_tree *it = ica_add_protocol_item(tvb, pinfo, tree, (guint8)dir, NULL);
        expert_add_info(pinfo, proto_tree_add_item(it, hf_ica_retransmitted, tvb, 0, -1, ENC_NA),
                        &ei_ica_retransmission);
        if (m.skip >= len)
            col_add_str(pinfo->cinfo, COL_INFO, "Retransmitted data");
    }
    return tvb_captured_length(tvb);
}

static gboolean looks_like_tls(tvbuff_t *tvb)
{
    return tvb_captured_length(tvb) >= 5 && tvb_get_uint8(tvb, 0) == 0x16 && tvb_get_uint8(tvb, 1) == 0x03 &&
           tvb_get_uint8(tvb, 2) <= 0x04;
}

/* Port handle: validates, and returns 0 on data that is not ICA. */
static int dissect_ica_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    ica_tcp_conv *conv = c ? (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica) : NULL;
    if (!conv) {
        guint len = tvb_captured_length(tvb);
        const guint8 *p = tvb_get_ptr(tvb, 0, len);
        gboolean to_port = pinfo->destport == pinfo->match_uint;
        if (looks_like_tls(tvb)) {
            conv = get_conv(pinfo, ICA_PHASE_DETECT, !to_port, ICA_CARRIER_TLS);
            conv->tls = TRUE;
            conv->tls_note_frame = pinfo->num;
        } else {
            /* On the registered port a stream may start with a detect string
             * cut short by segmentation (1-byte segments). */
            enum ica_probe pr = ica_probe(p, len);
            if (pr == ICA_PROBE_NO && len > 0 && len < ICA_DETECT_LEN && memcmp(p, ica_detect_string, len) == 0)
                pr = ICA_PROBE_DETECT;
            switch (pr) {
            case ICA_PROBE_DETECT:
                conv = get_conv(pinfo, ICA_PHASE_DETECT, !to_port, ICA_CARRIER_TCP);
                break;
            case ICA_PROBE_HANDSHAKE:
                conv = get_conv(pinfo, ICA_PHASE_RAW, p[0] != ICA_CMD_INIT_RESPONSE, ICA_CARRIER_TCP);
                break;
            case ICA_PROBE_FRAMES:
                conv = get_conv(pinfo, ICA_PHASE_SYNC, !to_port, ICA_CARRIER_TCP);
                break;
            default:
                return 0;
            }
        }
    }
    return dissect_ica_tcp(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
}

static wsc_heur_ret_t dissect_ica_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    if (len < 4)
        return FALSE;
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    enum ica_probe pr = ica_probe(p, len);
    if (pr != ICA_PROBE_DETECT && pr != ICA_PROBE_HANDSHAKE)
        return FALSE;
    conversation_t *c = find_or_create_conversation(pinfo);
    ica_tcp_conv *conv = (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica);
    if (!conv) {
        /* The server speaks first: a detect string's sender is the server. */
        gboolean sender_is_server = pr == ICA_PROBE_DETECT || p[0] != ICA_CMD_INIT_RESPONSE;
        conv = get_conv(pinfo, pr == ICA_PROBE_DETECT ? ICA_PHASE_DETECT : ICA_PHASE_RAW, sender_is_server,
                        ICA_CARRIER_TCP);
    }
    conversation_set_dissector(c, ica_handle);
    dissect_ica_tcp(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
    return TRUE;
}

/* Called by the conversation dissector once the session is known. */
static int dissect_ica(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    ica_tcp_conv *conv = c ? (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica) : NULL;
    if (!conv)
        return dissect_ica_port(tvb, pinfo, tree, data);
    return dissect_ica_tcp(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
}

/* ---- registration ------------------------------------------------------- */

void
proto_register_ica(void)
{
    static hf_register_info hf[] = {
        { &hf_ica_cmd, { "Command", "ica.cmd", FT_UINT8, BASE_HEX, VALS(cmd_vals), 0x0, "WD packet type", HFILL } },
        { &hf_ica_cmd_length, { "Length", "ica.cmd.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Length field of the WD command", HFILL } },
        { &hf_ica_cmd_data, { "Data", "ica.cmd.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Command data not decoded further", HFILL } },
        { &hf_ica_vc_name, { "Virtual channel name", "ica.vc.name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_number, { "Virtual channel", "ica.vc.number", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_retransmitted, { "Retransmitted data", "ica.retransmitted", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes already seen in this direction (not decoded again)", HFILL } },
    };
    static int *ett[] = { &ett_ica_bits };
    static ei_register_info ei[] = {
        { &ei_ica_undecoded, { "ica.undecoded.expert", PI_UNDECODED, PI_WARN, "ICA bytes not decoded", EXPFILL } },
        { &ei_ica_retransmission, { "ica.retransmission", PI_SEQUENCE, PI_NOTE, "Retransmitted bytes ignored", EXPFILL } },
        { &ei_ica_tls, { "ica.tls", PI_DECRYPTION, PI_NOTE, "ICA over TLS: shown as encrypted", EXPFILL } },
    };
    for (int c = 0, n = 0; c < ICA_CMD_TABLE_SIZE; c++) {
        const ica_cmd_info *ci = ica_cmd_lookup((guint8)c);
        if (ci->name) {
            cmd_vals[n].value = (guint32)c;
            cmd_vals[n].strptr = ci->name;
            n++;
        }
    }

    proto_ica = proto_register_protocol("Citrix ICA", "ICA", "ica");
    proto_register_field_array(proto_ica, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert_ica = expert_register_protocol(proto_ica);
    expert_register_field_array(expert_ica, ei, array_length(ei));
    ica_register_chunk_fields(proto_ica, expert_ica);
    ica_register_handshake_fields(proto_ica, expert_ica);
    ica_register_frame_fields(proto_ica, expert_ica);
    ica_register_wd_fields(proto_ica, expert_ica);

    module_t *ica_module = prefs_register_protocol(proto_ica, NULL);
    prefs_register_bool_preference(ica_module, "decrypt", "Decrypt Basic encryption",
                                   "Decrypt PDCRYPT1 \"Basic\" encrypted frames with the session key seen in the "
                                   "key exchange", &pref_decrypt);
    prefs_register_bool_preference(ica_module, "desegment", "Reassemble ICA units spanning TCP segments",
                                   "Follow PDRFRAME frames and WD commands across TCP segments. When off, a unit "
                                   "that spans segments ends decoding of that direction", &pref_desegment);

    ica_handle = register_dissector("ica", dissect_ica, proto_ica);
    ica_tap = register_tap("ica");
}

void
proto_reg_handoff_ica(void)
{
    dissector_handle_t port_handle = create_dissector_handle(dissect_ica_port, proto_ica);
    dissector_add_uint_with_preference("tcp.port", ICA_TCP_PORT, port_handle);
    heur_dissector_add("tcp", dissect_ica_heur, "Citrix ICA over TCP", "citrix_ica_tcp", proto_ica, HEURISTIC_ENABLE);
    heur_dissector_add("tls", dissect_ica_tls_heur, "Citrix ICA over TLS", "citrix_ica_tls", proto_ica, HEURISTIC_ENABLE);
    ica_tls_app_handle = create_dissector_handle(dissect_ica_tls_app, proto_ica);
    tls_handle = find_dissector("tls");
    stats_tree_register_plugin("ica", "ica", "Citrix ICA/Sessions", 0, ica_stats_packet, ica_stats_init, NULL);
}

