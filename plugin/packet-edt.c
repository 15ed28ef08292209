/* packet-edt.c - Citrix EDT (Enlightened Data Transport) on UDP 1494/2598.
 *
 * EDT is UDT version 4 (shared notes edt.md §3; wire layout in
 * include/edt.h, parsed by plugin/core/edt.c): a 16-byte header, control
 * packets (handshake, keep-alive, ACK, NAK, shutdown, ACK2, ...) and data
 * packets whose payloads carry CGP (UDP 2598, or 1494 with Session
 * Reliability) or ICA directly (UDP 1494 without it).  Wireshark's own UDT
 * dissector renders the header and bodies (udt.* fields); this file adds
 * what Citrix changes (the handshake variant with 5 or 4 in the low bits of
 * the first word, which stock UDT's heuristic does not accept), decides
 * which flows are EDT (a handshake, or a flow picked up mid-session whose
 * headers agree, edt_probe; Decode As), puts the data payloads back in
 * sequence order (the shared core seq_reorder.h in edt_order_init's mode:
 * reordered, duplicated and retransmitted datagrams give one stream; a
 * hole the receiver's ACK passes, or too many datagrams behind it, is a
 * gap the ICA decoder is told about) and hands
 * them to CGP (cgp_carry.h) or ICA (ica_carrier.h) through UDT's "udt"
 * payload heuristic list (measured in 4.0.17: the "udt" handle and list
 * exist; so in upstream's packet-udt.c).  Where a release lacks the list,
 * or UDT is disabled, dissect_edt() delivers the payload itself after UDT.
 *
 * First pass: what each frame delivers is stored with it (its own payload,
 * or a copy of the held payloads it releases); later passes replay it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "ws_compat.h"
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/expert.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <wsutil/str_util.h>
#include "edt.h"
#include "cgp_carry.h"
#include "citrix_tap.h"
#include "ica_carrier.h"

#define EDT_UDP_PORTS "1494,2598"
#define EDT_ICA_PORT 1494          /* EDT without Session Reliability: ICA directly */
#define EDT_CGP_PORT 2598
#define EDT_PAYLOAD_KEY 0x0ED70000u   /* ica_dissect_chunk key of the one chunk per frame */

void proto_register_edt(void);
void proto_reg_handoff_edt(void);

static int proto_edt = -1;
static int edt_tap = -1;
static dissector_handle_t edt_handle;
static dissector_handle_t udt_handle;

static int hf_edt_hs_ext = -1;
static int hf_edt_hs_peer = -1;
static int hf_edt_seq_rel = -1;
static int hf_edt_ack_seq_rel = -1;
static int hf_edt_order = -1;
static int hf_edt_lost = -1;
static int hf_edt_delivered = -1;
static int hf_edt_delivered_from = -1;
static int hf_edt_midsession = -1;
static int hf_edt_payload = -1;

static int ett_edt = -1;

static expert_field ei_edt_lost = EI_INIT;
static expert_field ei_edt_dup = EI_INIT;
static expert_field ei_edt_held = EI_INIT;
static expert_field ei_edt_bad = EI_INIT;
static expert_field ei_edt_citrix_hs = EI_INIT;

/* What a data packet's payload became (edt.order). */
enum edt_fate { EDT_FATE_NONE = 0, EDT_FATE_IN_ORDER, EDT_FATE_HELD, EDT_FATE_DUP };
static const value_string fate_vals[] = {
    { EDT_FATE_IN_ORDER, "in order (delivered)" },
    { EDT_FATE_HELD, "ahead of a missing datagram (held)" },
    { EDT_FATE_DUP, "delivered before (duplicate or retransmission, dropped)" },
    { 0, NULL }
};

enum edt_carried { EDT_CARRY_UNKNOWN = 0, EDT_CARRY_CGP, EDT_CARRY_ICA };

typedef struct {
    gboolean have_client;
    address client;
    guint32 client_port;
    gboolean midsession;        /* no handshake: accepted by edt_probe */
    edt_probe probe;
    guint32 accept_frame;
    gboolean have_isn;
    guint32 isn;
    seq_reorder order[2];       /* per direction, enum ica_dir (edt_order_init) */
    guint8 carried;             /* enum edt_carried */
    ica_session *ica;           /* EDT_CARRY_ICA */
    const char *label;
} edt_conv_t;

/* Stored per accepted frame on the first pass. */
typedef struct {
    guint8 dir;
    guint8 fate;                /* enum edt_fate, data packets */
    guint8 carried;             /* enum edt_carried: where the delivered bytes went */
    guint32 lost;               /* datagrams lost before this frame's delivery */
    guint32 n_delivered;        /* payloads delivered in this frame */
    guint32 len;                /* their bytes */
    guint8 *bytes;              /* NULL: the frame's own payload alone */
    guint32 *from;              /* frames of the delivered payloads (n_delivered), when bytes */
} edt_frame_t;

/* First pass: what the deliveries of one frame collect. */
typedef struct {
    packet_info *pinfo;
    wmem_array_t *bytes;
    wmem_array_t *from;
    guint32 lost;
    guint32 n;
    gboolean own_only;
} edt_sink_t;

/* Set while UDT dissects a frame this file accepted: the "udt" heuristic
 * below delivers its payload. */
typedef struct {
    edt_conv_t *cv;
    edt_frame_t *fr;
    proto_tree *edt_tree;
    gboolean done;
} edt_pending_t;

static GSList *orders;          /* edt_conv_t with held payloads to free at the end of the file */

static void edt_cleanup(void)
{
    for (GSList *l = orders; l; l = l->next) {
        edt_conv_t *cv = (edt_conv_t *)l->data;
        seq_reorder_free(&cv->order[0]);
        seq_reorder_free(&cv->order[1]);
    }
    g_slist_free(orders);
    orders = NULL;
}

static enum ica_dir edt_dir(const edt_conv_t *cv, packet_info *pinfo)
{
    return cv->have_client && addresses_equal(&pinfo->src, &cv->client) && pinfo->srcport == cv->client_port
           ? ICA_C2S : ICA_S2C;
}

static void set_client(edt_conv_t *cv, packet_info *pinfo, gboolean sender_is_client)
{
    if (cv->have_client)
        return;
    copy_address_wmem(wmem_file_scope(), &cv->client, sender_is_client ? &pinfo->src : &pinfo->dst);
    cv->client_port = sender_is_client ? pinfo->srcport : pinfo->destport;
    cv->have_client = TRUE;
    const address *srv = sender_is_client ? &pinfo->dst : &pinfo->src;
    cv->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u -> %s:%u",
                                   address_to_str(pinfo->pool, &cv->client), cv->client_port,
                                   address_to_str(pinfo->pool, srv),
                                   sender_is_client ? pinfo->destport : pinfo->srcport);
}

/* The server side of a flow without handshake: the EDT port (or the Decode As port). */
static gboolean sender_is_client_guess(packet_info *pinfo)
{
    if (pinfo->match_uint == pinfo->destport || pinfo->destport == EDT_CGP_PORT || pinfo->destport == EDT_ICA_PORT)
        return pinfo->srcport != pinfo->destport;
    return FALSE;
}

/* ---- first pass: acceptance and in-order delivery ------------------------ */

static void collect(void *ctx, const guint8 *data, guint32 len, guint32 tag, guint32 gap)
{
    edt_sink_t *k = (edt_sink_t *)ctx;
    if (tag != k->pinfo->num || k->n)
        k->own_only = FALSE;
    wmem_array_append(k->bytes, data, len);
    wmem_array_append_one(k->from, tag);
    k->lost += gap;
    k->n++;
}

/* A frame accepted: what its data payload became and what it delivers. */
static edt_frame_t *first_pass(tvbuff_t *tvb, packet_info *pinfo, edt_conv_t *cv, const edt_header *h)
{
    edt_frame_t *fr = wmem_new0(wmem_file_scope(), edt_frame_t);
    enum ica_dir d = edt_dir(cv, pinfo);
    fr->dir = (guint8)d;
    edt_sink_t k = { pinfo, wmem_array_new(pinfo->pool, 1), wmem_array_new(pinfo->pool, sizeof(guint32)), 0, 0,
                     TRUE };
    guint len = tvb_captured_length(tvb);
    if (!h->control && h->body_len && len == tvb_reported_length(tvb)) {
        unsigned r = seq_reorder_offer(&cv->order[d], h->seq, tvb_get_ptr(tvb, EDT_HEADER_LEN, h->body_len),
                                       h->body_len, pinfo->num, collect, &k);
        fr->fate = r & SEQ_NEW ? EDT_FATE_IN_ORDER : r & SEQ_HELD ? EDT_FATE_HELD : EDT_FATE_DUP;
    } else if (h->control && h->type == EDT_CT_ACK) {
        /* the receiver of the other direction acknowledges its data */
        edt_ack a;
        if (edt_parse_ack(tvb_get_ptr(tvb, 0, len), len, &a))
            seq_reorder_acked(&cv->order[d == ICA_C2S ? ICA_S2C : ICA_C2S], a.ack_seq, collect, &k);
        fr->dir = (guint8)(d == ICA_C2S ? ICA_S2C : ICA_C2S);  /* deliveries are of that direction */
    }
    if (cv->order[0].n_held || cv->order[1].n_held)
        orders = g_slist_prepend(g_slist_remove(orders, cv), cv);
    fr->lost = k.lost;
    fr->n_delivered = k.n;
    fr->len = wmem_array_get_count(k.bytes);
    if (k.n && !(k.own_only && k.n == 1)) {
        fr->bytes = (guint8 *)wmem_memdup(wmem_file_scope(), wmem_array_get_raw(k.bytes), fr->len);
        fr->from = (guint32 *)wmem_memdup(wmem_file_scope(), wmem_array_get_raw(k.from), k.n * sizeof(guint32));
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_edt, 0, fr);
    return fr;
}

/* First pass: whether this datagram belongs to an accepted EDT flow. */
static edt_conv_t *accept(tvbuff_t *tvb, packet_info *pinfo, const edt_header *h, gboolean in_dtls)
{
    conversation_t *c = find_or_create_conversation(pinfo);
    edt_conv_t *cv = (edt_conv_t *)conversation_get_proto_data(c, proto_edt);
    if (cv && cv->accept_frame)
        return cv;
    if (!cv) {
        cv = wmem_new0(wmem_file_scope(), edt_conv_t);
        edt_probe_init(&cv->probe);
        edt_order_init(&cv->order[0]);
        edt_order_init(&cv->order[1]);
        conversation_add_proto_data(c, proto_edt, cv);
    }
    guint len = tvb_captured_length(tvb);
    gboolean to_server = sender_is_client_guess(pinfo);
    if (edt_probe_offer(&cv->probe, to_server ? 0 : 1, tvb_get_ptr(tvb, 0, len), len) != EDT_PROBE_ACCEPT)
        return NULL;
    cv->accept_frame = pinfo->num;
    edt_handshake hs;
    if (h->control && h->type == EDT_CT_HANDSHAKE && edt_parse_handshake(tvb_get_ptr(tvb, 0, len), len, &hs)) {
        /* the connection request comes from the client; both directions start at its ISN (edt.md §3.2) */
        set_client(cv, pinfo, hs.req_type == 1 || (hs.req_type != -1 && hs.req_type != -2 && to_server));
        cv->have_isn = TRUE;
        cv->isn = hs.isn;
        seq_reorder_start(&cv->order[0], hs.isn);
        seq_reorder_start(&cv->order[1], hs.isn);
    } else {
        set_client(cv, pinfo, to_server);
        cv->midsession = TRUE;
    }
    if (!in_dtls)       /* DTLS stays the dissector of record of an encrypted conversation */
        conversation_set_dissector(c, edt_handle);
    return cv;
}

/* ---- the payloads: CGP or ICA ------------------------------------------- */

/* pinfo's source is the bytes' sender here (deliver() sees to it). */
static void hand_on(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, edt_conv_t *cv, edt_frame_t *fr)
{
    gboolean sender_is_client = fr->dir == ICA_C2S;
    guint len = tvb_captured_length(payload);
    if (!PINFO_FD_VISITED(pinfo) && cv->carried == EDT_CARRY_UNKNOWN) {
        static const guint8 detect[] = { 0x7f, 0x7f, 'I', 'C', 'A', 0 };
        gboolean ica_port = pinfo->srcport == EDT_ICA_PORT || pinfo->destport == EDT_ICA_PORT;
        if (cgp_carry_plausible(payload))
            cv->carried = EDT_CARRY_CGP;
        else if ((len >= sizeof detect && tvb_memeql(payload, 0, detect, sizeof detect) == 0) ||
                 (cv->midsession && ica_port))
            cv->carried = EDT_CARRY_ICA;
        /* else undecided: the next payload is asked again */
        if (cv->carried == EDT_CARRY_ICA)
            cv->ica = ica_session_new(pinfo, &cv->client, cv->client_port,
                                      sender_is_client ? &pinfo->dst : &pinfo->src,
                                      sender_is_client ? pinfo->destport : pinfo->srcport, ICA_CARRIER_EDT,
                                      cv->midsession ? ICA_PHASE_SYNC : ICA_PHASE_DETECT);
    }
    if (!PINFO_FD_VISITED(pinfo))
        fr->carried = cv->carried;      /* later passes: what this frame's bytes went to then */
    gboolean shown = FALSE;
    if (fr->carried == EDT_CARRY_CGP) {
        shown = cgp_carry_dissect(payload, pinfo, tree, sender_is_client, fr->lost);
    } else if (fr->carried == EDT_CARRY_ICA && cv->ica) {
        if (fr->lost && !PINFO_FD_VISITED(pinfo))
            ica_session_lose(cv->ica, (enum ica_dir)fr->dir, pinfo);
        ica_dissect_chunk(cv->ica, (enum ica_dir)fr->dir, payload, pinfo, tree, EDT_PAYLOAD_KEY);
        shown = TRUE;
    }
    if (!shown)
        proto_tree_add_item(tree, hf_edt_payload, payload, 0, -1, ENC_NA);
}

/* An ACK that gives up a hole releases the held payloads of the other
 * direction: they are handed on as sent by their sender (CGP and ICA take
 * a record's direction from pinfo's source). */
static void hand_on_as_sender(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, edt_conv_t *cv,
                              edt_frame_t *fr)
{
    if (edt_dir(cv, pinfo) == (enum ica_dir)fr->dir) {
        hand_on(payload, pinfo, tree, cv, fr);
        return;
    }
    address src = pinfo->src, dst = pinfo->dst;
    guint32 sp = pinfo->srcport, dp = pinfo->destport;
    pinfo->src = dst;
    pinfo->dst = src;
    pinfo->srcport = dp;
    pinfo->destport = sp;
    hand_on(payload, pinfo, tree, cv, fr);
    pinfo->src = src;
    pinfo->dst = dst;
    pinfo->srcport = sp;
    pinfo->destport = dp;
}

/* The frame's delivery, rendered under the EDT item and handed on. */
static void deliver(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree *et, edt_pending_t *pd)
{
    edt_frame_t *fr = pd->fr;
    if (fr->fate)
        proto_item_set_generated(proto_tree_add_uint(et, hf_edt_order, tvb, 0, 0, fr->fate));
    if (fr->fate == EDT_FATE_DUP)
        expert_add_info(pinfo, proto_tree_get_parent(et), &ei_edt_dup);
    else if (fr->fate == EDT_FATE_HELD)
        expert_add_info(pinfo, proto_tree_get_parent(et), &ei_edt_held);
    if (fr->lost) {
        proto_item *li = proto_tree_add_uint(et, hf_edt_lost, tvb, 0, 0, fr->lost);
        proto_item_set_generated(li);
        expert_add_info_format(pinfo, li, &ei_edt_lost, "%u datagram%s of this direction never captured before "
                               "these bytes", fr->lost, plurality(fr->lost, "", "s"));
    }
    if (!fr->n_delivered) {
        /* a held payload goes on with a later frame (edt.delivered_from there), a duplicate never */
        if (tvb_captured_length(tvb))
            proto_tree_add_item(et, hf_edt_payload, tvb, 0, -1, ENC_NA);
        col_append_str(pinfo->cinfo, COL_INFO, fr->fate == EDT_FATE_HELD ? " [held: out of order]"
                       : fr->fate == EDT_FATE_DUP ? " [duplicate]" : "");
        return;
    }
    proto_item_set_generated(proto_tree_add_uint(et, hf_edt_delivered, tvb, 0, 0, fr->n_delivered));
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "EDT");     /* until CGP or ICA claims the bytes */
    tvbuff_t *payload;
    if (fr->bytes) {
        for (guint32 i = 0; i < fr->n_delivered; i++)
            proto_item_set_generated(proto_tree_add_uint(et, hf_edt_delivered_from, tvb, 0, 0, fr->from[i]));
        payload = tvb_new_child_real_data(tvb, fr->bytes, fr->len, fr->len);
        add_new_data_source(pinfo, payload, "EDT data in sequence order");
    } else {
        payload = tvb;
    }
    hand_on_as_sender(payload, pinfo, tree, pd->cv, fr);
}

/* UDT's payload heuristic list: the data payload of a frame this file
 * accepted (UDT dissects the header first). */
static wsc_heur_ret_t dissect_edt_payload_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    edt_pending_t *pd = (edt_pending_t *)p_get_proto_data(pinfo->pool, pinfo, proto_edt, 0);
    if (!pd || pd->done)
        return FALSE;
    pd->done = TRUE;
    deliver(tvb, pinfo, tree, pd->edt_tree, pd);
    return TRUE;
}

/* ---- the datagram -------------------------------------------------------- */

static void render_citrix(tvbuff_t *tvb, packet_info *pinfo, proto_tree *et, const edt_conv_t *cv,
                          const edt_header *h)
{
    guint len = tvb_captured_length(tvb);
    if (h->status != EDT_OK) {
        proto_tree_add_expert_format(et, pinfo, &ei_edt_bad, tvb, 0, -1, "%s", h->status == EDT_BAD_TYPE
                                     ? "Control type UDT4 does not define" : "Control packet of a size its type never has");
        return;
    }
    if (h->control && h->type == EDT_CT_HANDSHAKE) {
        edt_handshake hs;
        edt_parse_handshake(tvb_get_ptr(tvb, 0, len), len, &hs);
        proto_item *xi = proto_tree_add_item(et, hf_edt_hs_ext, tvb, 2, 2, ENC_BIG_ENDIAN);
        if (hs.citrix)
            expert_add_info(pinfo, xi, &ei_edt_citrix_hs);
        /* UDT4 writes the peer's IPv4 address as a host-order (little-endian) word */
        proto_item_set_generated(proto_tree_add_item(et, hf_edt_hs_peer, tvb, 48, 4, ENC_LITTLE_ENDIAN));
    } else if (h->control && h->type == EDT_CT_ACK && cv->have_isn && h->body_len >= 4) {
        guint32 ack = tvb_get_ntohl(tvb, EDT_HEADER_LEN) & EDT_SEQ_MASK;
        proto_item_set_generated(proto_tree_add_uint(et, hf_edt_ack_seq_rel, tvb, EDT_HEADER_LEN, 4,
                                                     (ack - cv->isn) & EDT_SEQ_MASK));
    } else if (!h->control && cv->have_isn) {
        proto_item_set_generated(proto_tree_add_uint(et, hf_edt_seq_rel, tvb, 0, 4, (h->seq - cv->isn) & EDT_SEQ_MASK));
    }
}

static void queue_tap(tvbuff_t *tvb, packet_info *pinfo, const edt_conv_t *cv, const edt_header *h,
                      const edt_frame_t *fr)
{
    edt_tap_rec *t = wmem_new0(pinfo->pool, edt_tap_rec);
    t->session = cv;
    t->label = cv->label;
    t->transport = cv->carried == EDT_CARRY_ICA ? ICA_CARRIER_EDT : ICA_CARRIER_CGP_EDT;
    t->dir = (guint8)edt_dir(cv, pinfo);
    t->control = h->control;
    t->type = h->type;
    t->order = fr->fate;
    t->lost = fr->lost;
    edt_ack a;
    guint len = tvb_captured_length(tvb);
    if (h->control && h->type == EDT_CT_ACK && edt_parse_ack(tvb_get_ptr(tvb, 0, len), len, &a) && a.n_words >= 4) {
        t->has_rtt = TRUE;
        t->rtt_us = a.rtt;
        t->rtt_var_us = a.rtt_var;
    }
    citrix_tap_queue(edt_tap, pinfo, t);
}

static int dissect_edt_common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, gboolean in_dtls)
{
    guint len = tvb_captured_length(tvb);
    edt_header h;
    if (len < EDT_HEADER_LEN)
        return 0;
    edt_parse_header(tvb_get_ptr(tvb, 0, len), len, &h);
    edt_conv_t *cv;
    edt_frame_t *fr = (edt_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_edt, 0);
    if (PINFO_FD_VISITED(pinfo)) {
        conversation_t *c = find_conversation_pinfo(pinfo, 0);
        cv = c ? (edt_conv_t *)conversation_get_proto_data(c, proto_edt) : NULL;
        if (!fr || !cv)
            return 0;
    } else {
        if (!(cv = accept(tvb, pinfo, &h, in_dtls)))
            return 0;
        fr = first_pass(tvb, pinfo, cv, &h);
    }
    proto_item *ti = proto_tree_add_item(tree, proto_edt, tvb, 0, -1, ENC_NA);
    proto_tree *et = proto_item_add_subtree(ti, ett_edt);
    if (cv->midsession)
        proto_item_set_generated(proto_tree_add_boolean(et, hf_edt_midsession, tvb, 0, 0, TRUE));
    render_citrix(tvb, pinfo, et, cv, &h);
    edt_pending_t *pd = wmem_new0(pinfo->pool, edt_pending_t);
    pd->cv = cv;
    pd->fr = fr;
    pd->edt_tree = et;
    p_add_proto_data(pinfo->pool, pinfo, proto_edt, 0, pd);
    /* UDT renders the header and body; its "udt" list hands the data payload to dissect_edt_payload_heur */
    int n = udt_handle ? call_dissector_only(udt_handle, tvb, pinfo, tree, data) : 0;
    if (!n)
        col_add_fstr(pinfo->cinfo, COL_INFO, "%s", h.control ? edt_ctrl_name(h.type) ? edt_ctrl_name(h.type) : "control"
                                                             : "data");
    if (!pd->done) {
        /* a control packet (an ACK may release held data), or no UDT dissector */
        pd->done = TRUE;
        deliver(h.control || !h.body_len ? tvb_new_subset_length(tvb, 0, 0) : tvb_new_subset_remaining(tvb, EDT_HEADER_LEN),
                pinfo, tree, et, pd);
    }
    p_remove_proto_data(pinfo->pool, pinfo, proto_edt, 0);
    /* UDT shutdown ends the connection, and with ICA directly on it the
     * session (with CGP, FINISH says so: CGP may resume elsewhere) */
    if (!PINFO_FD_VISITED(pinfo) && h.control && h.type == EDT_CT_SHUTDOWN && cv->ica)
        ica_session_end(cv->ica, pinfo);
    if (!fr->n_delivered)
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "EDT");
    if (h.control && h.type == EDT_CT_HANDSHAKE && h.status == EDT_OK)
        col_append_str(pinfo->cinfo, COL_INFO, tvb_get_ntohs(tvb, 2) ? " (Citrix variant)" : "");
    queue_tap(tvb, pinfo, cv, &h, fr);
    return len;
}

static int dissect_edt(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_edt_common(tvb, pinfo, tree, data, FALSE);
}

/* Decrypted DTLS (UDP 443 with keys): a handshake or a flow whose headers agree. */
static wsc_heur_ret_t dissect_edt_heur_dtls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_edt_common(tvb, pinfo, tree, data, TRUE) > 0;
}

void
proto_register_edt(void)
{
    static hf_register_info hf[] = {
        { &hf_edt_hs_ext, { "Handshake variant", "edt.handshake.variant", FT_UINT16, BASE_DEC, NULL, 0x0,
          "Low 16 bits of the first word of a handshake: 0 in UDT4; 5 or 4 in the connection request of Citrix "
          "EDT (meaning unknown; inferred from a capture)", HFILL } },
        { &hf_edt_hs_peer, { "Peer address", "edt.handshake.peer_ipv4", FT_IPv4, BASE_NONE, NULL, 0x0,
          "The handshake's peer IP field read as the IPv4 address UDT4 writes in host (little-endian) byte order "
          "(inferred from a capture)", HFILL } },
        { &hf_edt_seq_rel, { "Relative sequence number", "edt.seq_rel", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Data sequence number from the handshake's initial sequence number", HFILL } },
        { &hf_edt_ack_seq_rel, { "Relative ACK sequence number", "edt.ack_seq_rel", FT_UINT32, BASE_DEC, NULL, 0x0,
          "ACK's next expected sequence number from the handshake's initial sequence number", HFILL } },
        { &hf_edt_order, { "Payload order", "edt.order", FT_UINT8, BASE_DEC, VALS(fate_vals), 0x0,
          "What the data payload became: delivered in sequence order, held until a missing datagram arrives, or "
          "dropped as already delivered", HFILL } },
        { &hf_edt_lost, { "Datagrams lost", "edt.lost", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Data datagrams of this direction never captured before the bytes delivered in this frame", HFILL } },
        { &hf_edt_delivered, { "Payloads delivered", "edt.delivered", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Data payloads handed on in sequence order in this frame", HFILL } },
        { &hf_edt_delivered_from, { "Payload of frame", "edt.delivered_from", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "Frame whose held payload is delivered here, in sequence order", HFILL } },
        { &hf_edt_midsession, { "Picked up mid-session", "edt.midsession", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "No handshake seen: the flow was accepted once its headers agreed", HFILL } },
        { &hf_edt_payload, { "Payload", "edt.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
          "Data payload not handed on in this frame: held (delivered later), a duplicate, or neither CGP nor ICA",
          HFILL } },
    };
    static int *ett[] = { &ett_edt };
    static ei_register_info ei[] = {
        { &ei_edt_lost, { "edt.lost.expert", PI_SEQUENCE, PI_WARN, "Datagrams never captured before these bytes",
          EXPFILL } },
        { &ei_edt_dup, { "edt.duplicate", PI_SEQUENCE, PI_NOTE, "Payload delivered before (duplicate or retransmission)",
          EXPFILL } },
        { &ei_edt_held, { "edt.held", PI_SEQUENCE, PI_CHAT, "Out of order: held until the missing datagrams arrive",
          EXPFILL } },
        { &ei_edt_bad, { "edt.bad", PI_MALFORMED, PI_ERROR, "Malformed EDT control packet", EXPFILL } },
        { &ei_edt_citrix_hs, { "edt.handshake.citrix", PI_PROTOCOL, PI_CHAT,
          "Citrix handshake variant (first word's low 16 bits not 0)", EXPFILL } },
    };
    proto_edt = proto_register_protocol("Citrix EDT", "EDT", "edt");
    proto_register_field_array(proto_edt, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_edt), ei, array_length(ei));
    edt_handle = register_dissector("edt", dissect_edt, proto_edt);
    edt_tap = register_tap("edt");
    register_cleanup_routine(edt_cleanup);
}

void
proto_reg_handoff_edt(void)
{
    udt_handle = find_dissector("udt");
    dissector_add_uint_range_with_preference("udp.port", EDT_UDP_PORTS, edt_handle);
    heur_dissector_add("udt", dissect_edt_payload_heur, "Citrix EDT payload (CGP, ICA)", "edt_udt", proto_edt,
                       HEURISTIC_ENABLE);
    heur_dissector_add("dtls", dissect_edt_heur_dtls, "Citrix EDT over DTLS", "edt_dtls", proto_edt,
                       HEURISTIC_ENABLE);
}
