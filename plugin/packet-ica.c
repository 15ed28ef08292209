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
#include "packet-ica-vc.h"
#include "ica_wd.h"

#define ICA_TCP_PORT 1494
/* Relative sequence numbers up to which a segment counts as "the start of
 * the stream, reordered" (the detect string is 6 bytes; a few segments). */
#define ICA_EARLY_SEQ 64

void proto_register_ica(void);
void proto_reg_handoff_ica(void);

int proto_ica = -1;
int ica_tap = -1;
static dissector_handle_t ica_handle;
static dissector_handle_t ica_tls_app_handle;
dissector_handle_t tls_handle;

wsc_pref_bool_t pref_decrypt = TRUE;
wsc_pref_bool_t pref_desegment = TRUE;
wsc_pref_bool_t pref_recover_key = TRUE;
guint pref_session_key = 0;

int hf_ica_cmd = -1;
int hf_ica_cmd_length = -1;
int hf_ica_cmd_data = -1;
int hf_ica_vc_name = -1;
int hf_ica_vc_number = -1;
int ett_ica_bits = -1;
expert_field ei_ica_undecoded = EI_INIT;
static expert_field ei_ica_tls = EI_INIT;

/* The one table of compression names: ica.compression, the expert texts,
 * -z ica,tree and citrix.compression / -z citrix,tree all show these. */
const value_string compression_vals[] = {
    { ICA_COMP_NONE, "none" }, { ICA_COMP_L1, "reducer level 1" },
    { ICA_COMP_L2, "reducer level 2 (Mark II, not decodable)" },
    { ICA_COMP_V3, "reducer V3/V4" }, { ICA_COMP_UNKNOWN, "unknown reducer" },
    { ICA_COMP_PDCOMP, "PDCOMP (not decodable)" }, { 0, NULL }
};

/* Client product ids (SDK icaid.h CLIENTID_*; id 2 is "not to be used"). */
const value_string product_id_vals[] = {
    { 0x0001, "DOS/Win32" }, { 0x0003, "Console" }, { 0x0004, "Text terminal" }, { 0x0007, "MVGA terminal" },
    { 0x0008, "Java" }, { 0x000A, "EPOC" }, { 0x000B, "OS/2" }, { 0x000E, "DOS32" }, { 0x0051, "UNIX" },
    { 0x0052, "Mac" }, { 0x0053, "iPhone" }, { 0x0054, "Android" }, { 0x0055, "BlackBerry" },
    { 0x0056, "Windows Metro" }, { 0x0057, "Windows Phone" }, { 0x0058, "BlackBerry PlayBook" },
    { 0x0101, "HTML5" }, { 0x1f09, "WinCE" }, { 0, NULL }
};
/* WD command names come from the core's table (one place); built at registration. */
static value_string cmd_vals[ICA_CMD_TABLE_SIZE + 1];

const char *ica_cmd_label(guint8 code)
{
    const ica_cmd_info *ci = ica_cmd_lookup(code);
    return ci->name ? ci->name : "unknown";
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

static int dissect_tls_chunk(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv)
{
    guint32 *n = tls_chunk_counter(pinfo);
    guint32 key = ICA_KEY_TLS_BASE + (*n)++;
    return ica_dissect_chunk(conv->s, ica_tcp_dir(conv, pinfo), tvb, pinfo, tree, key);
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
    ica_tcp_conv *conv = ica_tcp_conv_get(pinfo, pr == ICA_PROBE_DETECT ? ICA_PHASE_DETECT : ICA_PHASE_RAW,
                                  sender_is_server, ICA_CARRIER_TLS);
    conv->tls = TRUE;
    return conv;
}

/* Decrypted application data of a TLS session handed to ICA. */
static int dissect_ica_tls_app(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    ica_tcp_conv *conv = ica_tcp_conv_find(pinfo);
    if (!conv && !(conv = tls_probe_conv(tvb, pinfo)))
        return 0;
    return dissect_tls_chunk(tvb, pinfo, tree, conv);
}

/* Heuristic on the "tls" list: plain ICA directly inside decrypted TLS
 * (VDA TLS without Session Reliability, cgp.md §11). */
static wsc_heur_ret_t dissect_ica_tls_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    ica_tcp_conv *conv = ica_tcp_conv_find(pinfo);
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

/* A session found within the first bytes of its TCP stream: both
 * directions start at relative sequence number 1 (TCP's default relative
 * numbering), so segments that arrive before their predecessors wait for
 * them instead of fixing where the stream starts. */
static void at_stream_start(ica_tcp_conv *conv, const struct tcpinfo *tcpi)
{
    if (tcpi && tcpi->seq >= 1 && tcpi->seq <= ICA_EARLY_SEQ) {
        seq_reorder_start(&conv->ro[ICA_C2S], 1);
        seq_reorder_start(&conv->ro[ICA_S2C], 1);
    }
}

/* A segment of a conversation known to carry ICA. */
static int dissect_conv(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv,
                        struct tcpinfo *tcpi)
{
    if (conv->tls)
        return dissect_tls_on_port(tvb, pinfo, tree, conv, ica_tcp_dir(conv, pinfo), tcpi);
    return ica_tcp_dissect(tvb, pinfo, tree, conv, tcpi);
}

static gboolean looks_like_tls(tvbuff_t *tvb)
{
    return tvb_captured_length(tvb) >= 5 && tvb_get_uint8(tvb, 0) == 0x16 && tvb_get_uint8(tvb, 1) == 0x03 &&
           tvb_get_uint8(tvb, 2) <= 0x04;
}

/* Port handle: validates, and returns 0 on data that is not ICA. */
static int dissect_ica_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_tcp_conv *conv = ica_tcp_conv_find(pinfo);
    if (!conv) {
        guint len = tvb_captured_length(tvb);
        const guint8 *p = tvb_get_ptr(tvb, 0, len);
        gboolean to_port = pinfo->destport == pinfo->match_uint;
        if (looks_like_tls(tvb)) {
            conv = ica_tcp_conv_get(pinfo, ICA_PHASE_DETECT, !to_port, ICA_CARRIER_TLS);
            conv->tls = TRUE;
            conv->tls_note_frame = pinfo->num;
        } else {
            /* On the registered port a stream may start with a detect string
             * cut short by segmentation (1-byte segments). */
            enum ica_probe pr = ica_probe(p, len);
            if (pr == ICA_PROBE_NO && len > 0 && len < ICA_DETECT_LEN && memcmp(p, ica_detect_string, len) == 0)
                pr = ICA_PROBE_DETECT;
            /* On the registered port, a first segment that starts a little
             * after the stream's first byte (relative sequence number 1) is
             * the detect string's tail arriving before its head: reordered. */
            struct tcpinfo *tcpi = (struct tcpinfo *)data;
            if (pr == ICA_PROBE_NO && tcpi && tcpi->seq > 1 && tcpi->seq <= ICA_EARLY_SEQ && !to_port) {
                conv = ica_tcp_conv_get(pinfo, ICA_PHASE_DETECT, TRUE, ICA_CARRIER_TCP);
                at_stream_start(conv, tcpi);
                return dissect_conv(tvb, pinfo, tree, conv, tcpi);
            }
            switch (pr) {
            case ICA_PROBE_DETECT:
                conv = ica_tcp_conv_get(pinfo, ICA_PHASE_DETECT, !to_port, ICA_CARRIER_TCP);
                break;
            case ICA_PROBE_HANDSHAKE:
                conv = ica_tcp_conv_get(pinfo, ICA_PHASE_RAW, p[0] != ICA_CMD_INIT_RESPONSE, ICA_CARRIER_TCP);
                break;
            case ICA_PROBE_FRAMES:
                conv = ica_tcp_conv_get(pinfo, ICA_PHASE_SYNC, !to_port, ICA_CARRIER_TCP);
                break;
            default:
                return 0;
            }
            at_stream_start(conv, tcpi);
        }
    }
    return dissect_conv(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
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
        conv = ica_tcp_conv_get(pinfo, pr == ICA_PROBE_DETECT ? ICA_PHASE_DETECT : ICA_PHASE_RAW, sender_is_server,
                                ICA_CARRIER_TCP);
        at_stream_start(conv, (struct tcpinfo *)data);
    }
    conversation_set_dissector(c, ica_handle);
    dissect_conv(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
    return TRUE;
}

/* Called by the conversation dissector once the session is known. */
static int dissect_ica(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_tcp_conv *conv = ica_tcp_conv_find(pinfo);
    if (!conv)
        return dissect_ica_port(tvb, pinfo, tree, data);
    return dissect_conv(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
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
    };
    static int *ett[] = { &ett_ica_bits };
    static ei_register_info ei[] = {
        { &ei_ica_undecoded, { "ica.undecoded.expert", PI_UNDECODED, PI_WARN, "ICA bytes not decoded", EXPFILL } },
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
    ica_register_vc_fields(proto_ica, expert_ica);
    ica_tcp_register(proto_ica, expert_ica);

    module_t *ica_module = prefs_register_protocol(proto_ica, ica_tcp_prefs_apply);
    ica_tcp_register_prefs(ica_module);
    prefs_register_bool_preference(ica_module, "decrypt", "Decrypt Basic encryption",
                                   "Decrypt PDCRYPT1 \"Basic\" encrypted frames with the session key seen in the "
                                   "key exchange", &pref_decrypt);
    prefs_register_bool_preference(ica_module, "desegment", "Reassemble ICA units spanning TCP segments",
                                   "Follow PDRFRAME frames and WD commands across TCP segments. When off, a unit "
                                   "that spans segments is not decoded and the direction resumes at the next "
                                   "plausible frame", &pref_desegment);
    prefs_register_bool_preference(ica_module, "recover_key", "Recover the Basic key of mid-session captures",
                                   "When no CRYPT_SESSIONKEY was captured, try the 256 Basic keys on the first "
                                   "frames of each direction and use the one key under which several frames "
                                   "parse as WD commands with no bytes left over", &pref_recover_key);
    prefs_register_bool_preference(ica_module, "show_passwords", "Show passwords",
                                   "Show the password of WDCREDENTIALS commands (otherwise only its length)",
                                   &pref_show_passwords);
    prefs_register_uint_preference(ica_module, "session_key", "Basic session key (hex, 0 = none)",
                                   "Basic session key to use when the capture holds no CRYPT_SESSIONKEY "
                                   "(capture started mid-session); a captured key exchange takes precedence. "
                                   "Clients never choose 0.", 16, &pref_session_key);

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
    ica_tcp_handoff();
    stats_tree_register_plugin("ica", "ica", "Citrix/ICA sessions", 0, ica_stats_packet, ica_stats_init, NULL);
}

