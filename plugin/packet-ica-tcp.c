/* packet-ica-tcp.c - Citrix ICA: the TCP carrier (plain ICA on TCP).
 *
 * Hands each direction's bytes to the ICA decoder once, in stream order,
 * with Wireshark's default TCP preferences.  How reordering is handled:
 * Wireshark reorders TCP only with tcp.reassemble_out_of_order, off by
 * default in 4.0, 4.4 and 4.6, and with tcp.no_subdissector_on_error (on by
 * default) TCP does not even call a subdissector for a segment it flags as
 * out-of-order or retransmitted.  So the carrier does its own bounded
 * reordering in the epan-free core (plugin/core/seq_reorder.c): segments
 * ICA gets from TCP are offered with their sequence numbers, and the
 * segments TCP keeps away from subdissectors are offered by a postdissector
 * that reads what TCP queued for its taps in that frame: the header ("tcp":
 * sequence, acknowledgement, flags) and the payload ("tcp_follow", whose
 * record starts with the payload's tvb; TCP queues it for every segment
 * while a listener exists, so this file keeps a helper listener on both,
 * as packet-ccha.c does on "tcp").  Taps run in tshark's single pass and in
 * the GUI's first pass, not in the first pass of `tshark -2`: there such
 * segments are missed (a gap) unless tcp.reassemble_out_of_order is on.
 * Reading tap records instead of TCP's fields (wanted hfids) spares every
 * frame of every capture a protocol tree (measured: 1.29x stock tshark's
 * instructions with the plugin, bench/portreg.py).  Bytes ahead of a hole wait (at most 64
 * segments / 256 KiB per direction) and are decoded, together with the
 * bytes that fill the hole, in the frame where it is filled; the waiting
 * frames say where (ica.tcp.decoded_in).  Retransmitted, duplicated and
 * overlapping bytes are dropped (the first copy wins).  A hole is a real
 * gap (bytes never captured) when the peer acknowledges data beyond it, or
 * when the bounds are reached: then the session loses those bytes
 * (ica_session_lose: expert warning ica.gap, and the stream core searches
 * for the next unit boundary).  The same happens for a frame cut by the
 * snapshot length.  With tcp.reassemble_out_of_order on, TCP hands the
 * segments in order itself and the carrier sees no hole.
 *
 * Per frame, only frames with something to show keep a small record
 * (ica_tcp_mark); the bytes decoded are the frame's own tvb bytes except
 * where reordering moved bytes of other frames into it (then a copy).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "ws_compat.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/wmem/wmem_user_cb.h>
#include "citrix_post.h"
#include "packet-ica-int.h"

/* Chunk keys of this carrier in a frame: its own direction's bytes, and
 * the other direction's bytes released by an acknowledgement. */
#define KEY_OWN     0
#define KEY_OTHER   1
#define PKEY_SEEN   2       /* pinfo->pool proto data: the TCP carrier handled this frame */

/* ica_tcp_mark flags */
#define MARK_RETRANSMITTED  0x01    /* bytes already delivered (dropped) */
#define MARK_HELD           0x02    /* bytes held ahead of a hole */
#define MARK_TRUNCATED      0x04    /* cut by the snapshot length */
#define MARK_OWN_COPY       0x08    /* own chunk is a copy (bytes of other frames in it) */
#define MARK_OWN_SUBSET     0x10    /* own chunk is tvb bytes [skip, skip + own_len) */
#define MARK_GAP_OWN        0x20    /* bytes of this direction lost before the own chunk */
#define MARK_GAP_OTHER      0x40    /* bytes of the other direction lost before its chunk */
#define MARK_POST           0x80    /* seen by the postdissector (TCP kept it from ICA): payload at post_off */

typedef struct {
    guint8 flags;
    guint8 other_dir;
    guint32 skip, own_len;
    const guint8 *own;              /* MARK_OWN_COPY */
    const guint8 *other;            /* other direction's released bytes, or NULL */
    guint32 other_len;
    guint32 decoded_in;             /* MARK_HELD: frame whose chunk decoded these bytes */
    guint32 post_off, post_len;     /* MARK_POST: TCP payload at post_off in the frame's tvb ... */
    const guint8 *post_copy;        /* ... or, when it lives in another data source, a copy */
} ica_tcp_mark;

static int hf_ica_retransmitted = -1;
static int hf_ica_tcp_held = -1;
static int hf_ica_tcp_decoded_in = -1;
static expert_field ei_ica_retransmission = EI_INIT;
static expert_field ei_ica_tcp_held = EI_INIT;

static guint n_conversations;       /* in this file: none means the postdissector has nothing to do */
/* The file's conversations by TCP stream index (th_stream of TCP's tap
 * record), so that the postdissector finds a frame's conversation, or that
 * it has none, without find_conversation() on every TCP frame of the file;
 * n_unindexed counts conversations created while taps did not run (the
 * first pass of tshark -2): then every frame is looked up the slow way. */
static wmem_map_t *by_stream;
static guint n_unindexed;
static int tcp_tap_id = -1, tcp_follow_tap_id = -1;
static int hf_tcp_payload = -1, hf_tcp_seq = -1, hf_tcp_ack = -1, hf_tcp_flags = -1;
static wsc_pref_bool_t pref_reorder_from_fields = FALSE;

/* The start of TCP's "tcp_follow" tap record (packet-tcp.c, the same in
 * 4.0 to 4.6): the payload of the segment, as a subset of TCP's tvb. */
typedef struct {
    tvbuff_t *payload;
} tcp_follow_rec_head;

/* ---- conversations ------------------------------------------------------ */

static wsc_wmem_cb_ret_t free_reorder(wmem_allocator_t *allocator _U_, wmem_cb_event_t event _U_, void *data)
{
    ica_tcp_conv *conv = (ica_tcp_conv *)data;
    seq_reorder_free(&conv->ro[0]);
    seq_reorder_free(&conv->ro[1]);
    return false;       /* unregister: the file scope is gone */
}

/* TCP queued this frame's header for its taps before calling ICA. */
static void index_stream(ica_tcp_conv *conv)
{
    const struct tcpheader *th = (const struct tcpheader *)fetch_tapped_data(tcp_tap_id, 0);
    if (th)
        wmem_map_insert(by_stream, GUINT_TO_POINTER(th->th_stream), conv);
    else
        n_unindexed++;
}

ica_tcp_conv *ica_tcp_conv_find(packet_info *pinfo)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    return c ? (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica) : NULL;
}

ica_tcp_conv *ica_tcp_conv_get(packet_info *pinfo, enum ica_phase start, gboolean sender_is_server,
                               const char *carrier)
{
    conversation_t *c = find_or_create_conversation(pinfo);
    ica_tcp_conv *conv = (ica_tcp_conv *)conversation_get_proto_data(c, proto_ica);
    if (conv)
        return conv;
    conv = wmem_new0(wmem_file_scope(), ica_tcp_conv);
    n_conversations++;
    index_stream(conv);
    conv->marks = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    seq_reorder_init(&conv->ro[0]);
    seq_reorder_init(&conv->ro[1]);
    wmem_register_callback(wmem_file_scope(), free_reorder, conv);
    const address *cl = sender_is_server ? &pinfo->dst : &pinfo->src;
    const address *sv = sender_is_server ? &pinfo->src : &pinfo->dst;
    guint32 clp = sender_is_server ? pinfo->destport : pinfo->srcport;
    guint32 svp = sender_is_server ? pinfo->srcport : pinfo->destport;
    copy_address_wmem(wmem_file_scope(), &conv->server_addr, sv);
    conv->server_port = svp;
    conv->s = ica_session_new(pinfo, cl, clp, sv, svp, carrier, start);
    conversation_add_proto_data(c, proto_ica, conv);
    return conv;
}

enum ica_dir ica_tcp_dir(const ica_tcp_conv *conv, const packet_info *pinfo)
{
    return (pinfo->srcport == conv->server_port && addresses_equal(&pinfo->src, &conv->server_addr))
           ? ICA_S2C : ICA_C2S;
}

/* ---- first pass: offer the segment, collect what comes out -------------- */

typedef struct {
    const guint8 *seg;              /* this segment's bytes */
    guint32 seg_len;
    guint32 frame;
    GByteArray *bytes;              /* everything delivered, in order */
    guint32 first_off;              /* of the first delivery, when it is from this segment */
    gboolean only_own;              /* one delivery, from this segment */
    guint n;
    wmem_map_t *marks;
} collect_t;

static void collect_bytes(void *ctx, const guint8 *data, guint32 len, guint32 tag, guint32 gap _U_)
{
    collect_t *c = (collect_t *)ctx;
    gboolean own = tag == c->frame && data >= c->seg && data + len <= c->seg + c->seg_len;
    if (c->n == 0 && own)
        c->first_off = (guint32)(data - c->seg);
    c->only_own = c->n == 0 && own;
    c->n++;
    g_byte_array_append(c->bytes, data, len);
    if (tag != c->frame) {
        /* the frame that held these bytes learns where they were decoded */
        ica_tcp_mark *m = (ica_tcp_mark *)wmem_map_lookup(c->marks, GUINT_TO_POINTER(tag));
        if (m)
            m->decoded_in = c->frame;
    }
}

static ica_tcp_mark *mark_for(ica_tcp_conv *conv, packet_info *pinfo)
{
    ica_tcp_mark *m = (ica_tcp_mark *)wmem_map_lookup(conv->marks, GUINT_TO_POINTER(pinfo->num));
    if (!m) {
        m = wmem_new0(wmem_file_scope(), ica_tcp_mark);
        wmem_map_insert(conv->marks, GUINT_TO_POINTER(pinfo->num), m);
    }
    return m;
}

static void collect_init(collect_t *c, ica_tcp_conv *conv, packet_info *pinfo, const guint8 *seg, guint32 len)
{
    memset(c, 0, sizeof *c);
    c->seg = seg;
    c->seg_len = len;
    c->frame = pinfo->num;
    c->bytes = g_byte_array_new();
    c->marks = conv->marks;
}

/* Offer this frame's segment of direction dir and the acknowledgement it
 * carries for the other direction; store what the frame must show. */
static ica_tcp_mark *first_pass(ica_tcp_conv *conv, enum ica_dir dir, tvbuff_t *payload, packet_info *pinfo,
                                guint32 seq, gboolean have_ack, guint32 ack)
{
    guint32 len = tvb_captured_length(payload);
    const guint8 *seg = tvb_get_ptr(payload, 0, len);
    enum ica_dir other = dir == ICA_C2S ? ICA_S2C : ICA_C2S;
    ica_tcp_mark *m = NULL;
    collect_t own, oth;
    collect_init(&oth, conv, pinfo, NULL, 0);
    unsigned of = have_ack ? seq_reorder_acked(&conv->ro[other], ack, collect_bytes, &oth) : 0;
    if (oth.bytes->len) {
        m = mark_for(conv, pinfo);
        m->other_dir = (guint8)other;
        m->other = (const guint8 *)wmem_memdup(wmem_file_scope(), oth.bytes->data, oth.bytes->len);
        m->other_len = oth.bytes->len;
    }
    g_byte_array_free(oth.bytes, TRUE);

    collect_init(&own, conv, pinfo, seg, len);
    unsigned f = len ? seq_reorder_offer(&conv->ro[dir], seq, seg, len, pinfo->num, collect_bytes, &own) : 0;
    guint8 flags = (f & SEQ_DUP ? MARK_RETRANSMITTED : 0) | (f & SEQ_HELD ? MARK_HELD : 0) |
                   (len < tvb_reported_length(payload) ? MARK_TRUNCATED : 0) | (f & SEQ_GAP ? MARK_GAP_OWN : 0) |
                   (of & SEQ_GAP ? MARK_GAP_OTHER : 0);
    if (own.bytes->len)
        flags |= own.only_own ? MARK_OWN_SUBSET : MARK_OWN_COPY;
    /* The common case, the whole segment delivered as it is, needs no record. */
    gboolean plain = flags == MARK_OWN_SUBSET && own.first_off == 0 && own.bytes->len == len;
    if (m || (!plain && flags)) {
        m = m ? m : mark_for(conv, pinfo);
        m->flags = flags;
        m->skip = own.first_off;
        m->own_len = own.bytes->len;
        if (flags & MARK_OWN_COPY)
            m->own = (const guint8 *)wmem_memdup(wmem_file_scope(), own.bytes->data, own.bytes->len);
        if (of & SEQ_GAP)
            m->other_dir = (guint8)other;
    }
    g_byte_array_free(own.bytes, TRUE);
    return m;
}

/* ---- every pass: render ------------------------------------------------- */

static tvbuff_t *copy_tvb(tvbuff_t *parent, packet_info *pinfo, const guint8 *data, guint32 len)
{
    tvbuff_t *t = tvb_new_child_real_data(parent, data, len, len);
    add_new_data_source(pinfo, t, "Reordered TCP payload (ICA)");
    return t;
}

static void render_carrier_items(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, enum ica_dir dir,
                                 const ica_tcp_mark *m)
{
    if (!(m->flags & (MARK_RETRANSMITTED | MARK_HELD)))
        return;
    proto_tree *it = ica_add_protocol_item(payload, pinfo, tree, (guint8)dir, NULL);
    if (m->flags & MARK_RETRANSMITTED)
        expert_add_info(pinfo, proto_tree_add_item(it, hf_ica_retransmitted, payload, 0, -1, ENC_NA),
                        &ei_ica_retransmission);
    if (m->flags & MARK_HELD) {
        proto_item *hi = proto_tree_add_uint(it, hf_ica_tcp_held, payload, 0, tvb_captured_length(payload),
                                           tvb_reported_length(payload));
        proto_item_set_generated(hi);
        expert_add_info(pinfo, hi, &ei_ica_tcp_held);
        if (m->decoded_in)
            proto_item_set_generated(proto_tree_add_uint(it, hf_ica_tcp_decoded_in, payload, 0, 0, m->decoded_in));
    }
    if (!(m->flags & (MARK_OWN_COPY | MARK_OWN_SUBSET)))
        col_add_str(pinfo->cinfo, COL_INFO, (m->flags & MARK_HELD) ? "[held for reordering]" : "Retransmitted data");
}

/* On the first pass the chunks are fed here, so the session learns of lost
 * bytes right before (a hole given up) or after (a truncated frame) them. */
static void render(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv, enum ica_dir dir,
                   const ica_tcp_mark *m)
{
    guint32 len = tvb_captured_length(payload);
    gboolean first = !PINFO_FD_VISITED(pinfo);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "ICA");
    col_clear(pinfo->cinfo, COL_INFO);
    if (first && m && (m->flags & MARK_GAP_OTHER))
        ica_session_lose(conv->s, (enum ica_dir)m->other_dir, pinfo);
    if (first && m && (m->flags & MARK_GAP_OWN))
        ica_session_lose(conv->s, dir, pinfo);
    if (m && m->other)
        ica_dissect_chunk(conv->s, (enum ica_dir)m->other_dir, copy_tvb(payload, pinfo, m->other, m->other_len),
                          pinfo, tree, KEY_OTHER);
    if (!m) {
        if (len)
            ica_dissect_chunk(conv->s, dir, payload, pinfo, tree, KEY_OWN);
        return;
    }
    if (m->flags & MARK_OWN_COPY)
        ica_dissect_chunk(conv->s, dir, copy_tvb(payload, pinfo, m->own, m->own_len), pinfo, tree, KEY_OWN);
    else if (m->flags & MARK_OWN_SUBSET)
        ica_dissect_chunk(conv->s, dir, tvb_new_subset_length(payload, m->skip, m->own_len), pinfo, tree, KEY_OWN);
    if (first && (m->flags & MARK_TRUNCATED))
        ica_session_lose(conv->s, dir, pinfo);
    render_carrier_items(payload, pinfo, tree, dir, m);
}

static void carrier_frame(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv,
                          guint32 seq, gboolean have_ack, guint32 ack)
{
    enum ica_dir dir = ica_tcp_dir(conv, pinfo);
    const ica_tcp_mark *m;
    if (!PINFO_FD_VISITED(pinfo)) {
        m = first_pass(conv, dir, payload, pinfo, seq, have_ack, ack);
    } else {
        m = (const ica_tcp_mark *)wmem_map_lookup(conv->marks, GUINT_TO_POINTER(pinfo->num));
    }
    p_add_proto_data(pinfo->pool, pinfo, proto_ica, PKEY_SEEN, GUINT_TO_POINTER(1));
    render(payload, pinfo, tree, conv, dir, m);
}

/* TCP handed this segment to ICA. */
int ica_tcp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv, struct tcpinfo *tcpi)
{
    if (!tcpi) {
        /* not from TCP (e.g. called by another carrier's Decode As): in order by assumption */
        guint32 next = conv->ro[ica_tcp_dir(conv, pinfo)].next;
        carrier_frame(tvb, pinfo, tree, conv, next, FALSE, 0);
    } else {
        carrier_frame(tvb, pinfo, tree, conv, tcpi->seq, (tcpi->flags & TH_ACK) != 0, tcpi->lastackseq);
    }
    return tvb_captured_length(tvb);
}

/* ---- postdissector: the segments TCP kept away from ICA ----------------- */

/* Later passes: where the first pass found the payload. */
static tvbuff_t *stored_payload(tvbuff_t *tvb, packet_info *pinfo, const ica_tcp_mark *m)
{
    if (m->post_copy) {
        tvbuff_t *t = tvb_new_child_real_data(tvb, m->post_copy, m->post_len, m->post_len);
        add_new_data_source(pinfo, t, "TCP payload (ICA)");
        return t;
    }
    return tvb_new_subset_length(tvb, m->post_off, m->post_len);
}

/* First pass: remember where this frame's payload was, for later passes. */
static void remember_payload(ica_tcp_conv *conv, packet_info *pinfo, tvbuff_t *tvb, tvbuff_t *payload)
{
    guint32 len = tvb_captured_length(payload);
    ica_tcp_mark *m = (ica_tcp_mark *)wmem_map_lookup(conv->marks, GUINT_TO_POINTER(pinfo->num));
    if (!m) {
        m = mark_for(conv, pinfo);
        m->flags = MARK_OWN_SUBSET;
        m->own_len = len;
    }
    m->flags |= MARK_POST;
    m->post_len = len;
    if (tvb_get_ds_tvb(payload) == tvb_get_ds_tvb(tvb))
        m->post_off = (guint32)(tvb_raw_offset(payload) - tvb_raw_offset(tvb));
    else
        m->post_copy = (const guint8 *)tvb_memdup(wmem_file_scope(), payload, 0, len);
}

/* What TCP says of this frame's segment: seq, ack, flags and payload. */
typedef struct {
    guint32 seq, ack;
    guint16 flags;
    tvbuff_t *payload;          /* NULL: none */
} tcp_seen;

/* From what TCP queued for its taps in this frame (FALSE when taps do not run). */
static gboolean tapped_tcp(tcp_seen *t)
{
    const struct tcpheader *th = (const struct tcpheader *)fetch_tapped_data(tcp_tap_id, 0);
    const tcp_follow_rec_head *f = (const tcp_follow_rec_head *)fetch_tapped_data(tcp_follow_tap_id, 0);
    if (!th)
        return FALSE;
    t->seq = th->th_seq;
    t->ack = th->th_ack;
    t->flags = th->th_flags;
    t->payload = f && th->th_have_seglen && th->th_seglen ? f->payload : NULL;
    return TRUE;
}

static field_info *first_field(proto_tree *tree, int hf)
{
    GPtrArray *a = tree && hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;
    return a && a->len ? (field_info *)g_ptr_array_index(a, 0) : NULL;
}

/* From TCP's fields (ica.reorder_from_tcp_fields: wanted hfids). */
static gboolean tcp_fields(proto_tree *tree, tcp_seen *t)
{
    field_info *pl = first_field(tree, hf_tcp_payload), *sq = first_field(tree, hf_tcp_seq);
    field_info *ak = first_field(tree, hf_tcp_ack), *af = first_field(tree, hf_tcp_flags);
    if (!sq || !af)
        return FALSE;
    t->seq = WSC_FINFO_UINT(sq);
    t->ack = ak ? WSC_FINFO_UINT(ak) : 0;
    t->flags = (guint16)WSC_FINFO_UINT(af);
    if (!ak)
        t->flags &= (guint16)~TH_ACK;       /* no acknowledgement number to use */
    t->payload = pl && pl->ds_tvb && pl->length > 0 ? tvb_new_subset_length(pl->ds_tvb, pl->start, pl->length) : NULL;
    return TRUE;
}

static void reset_conversations(void)
{
    n_conversations = 0;
    n_unindexed = 0;
}

/* The postdissector's conversation: by stream index while every
 * conversation is indexed and TCP's tap record is there. */
static ica_tcp_conv *post_conv(packet_info *pinfo)
{
    const struct tcpheader *th = n_unindexed ? NULL : (const struct tcpheader *)fetch_tapped_data(tcp_tap_id, 0);
    if (th)
        return (ica_tcp_conv *)wmem_map_lookup(by_stream, GUINT_TO_POINTER(th->th_stream));
    return ica_tcp_conv_find(pinfo);
}

/* Both sides' FIN, or an RST, end plain ICA on TCP (first pass); not
 * while bytes are held ahead of a hole (they still come). */
static void note_end(ica_tcp_conv *conv, packet_info *pinfo, guint16 flags)
{
    if (flags & TH_FIN)
        conv->fin |= (guint8)(1u << ica_tcp_dir(conv, pinfo));
    if (((flags & TH_RST) || conv->fin == 3) && !seq_reorder_held_bytes(&conv->ro[0]) &&
        !seq_reorder_held_bytes(&conv->ro[1]))
        ica_session_end(conv->s, pinfo);
}

static int dissect_reorder_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    gboolean seen = p_get_proto_data(pinfo->pool, pinfo, proto_ica, PKEY_SEEN) != NULL;
    if (!n_conversations || pinfo->ptype != PT_TCP || (seen && PINFO_FD_VISITED(pinfo)))
        return 0;
    ica_tcp_conv *conv = post_conv(pinfo);
    if (!conv || conv->tls || !conv->s)
        return 0;
    if (PINFO_FD_VISITED(pinfo)) {
        const ica_tcp_mark *m = (const ica_tcp_mark *)wmem_map_lookup(conv->marks, GUINT_TO_POINTER(pinfo->num));
        if (!m || !(m->flags & MARK_POST))
            return 0;
        tvbuff_t *payload = stored_payload(tvb, pinfo, m);
        carrier_frame(payload, pinfo, tree, conv, 0, FALSE, 0);
        return tvb_captured_length(payload);
    }
    tcp_seen t;
    if (!tapped_tcp(&t) && !tcp_fields(tree, &t))
        return 0;
    note_end(conv, pinfo, t.flags);
    if (seen)
        return 0;
    tvbuff_t *payload = t.payload;
    gboolean have_ack = (t.flags & TH_ACK) != 0;
    gboolean has_payload = payload && tvb_captured_length(payload) > 0;
    if (!has_payload) {
        /* no payload: only its acknowledgement can matter (a hole of the
         * other direction given up), and only with bytes held */
        if (!have_ack || !seq_reorder_held_bytes(&conv->ro[ica_tcp_dir(conv, pinfo) ^ 1]))
            return 0;
        payload = tvb_new_subset_length(tvb, 0, 0);
    }
    carrier_frame(payload, pinfo, tree, conv, t.seq, have_ack, t.ack);
    if (has_payload)
        remember_payload(conv, pinfo, tvb, payload);
    else if (wmem_map_lookup(conv->marks, GUINT_TO_POINTER(pinfo->num)))
        ((ica_tcp_mark *)wmem_map_lookup(conv->marks, GUINT_TO_POINTER(pinfo->num)))->flags |= MARK_POST;
    return tvb_captured_length(payload);
}

/* ---- registration ------------------------------------------------------- */

void ica_tcp_register(int proto, expert_module_t *expert)
{
    static hf_register_info hf[] = {
        { &hf_ica_retransmitted, { "Retransmitted data", "ica.retransmitted", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes already seen in this direction (not decoded again)", HFILL } },
        { &hf_ica_tcp_held, { "Held for reordering", "ica.tcp.held", FT_UINT32, BASE_DEC, NULL, 0x0, "Bytes of this segment that lie ahead of a hole in the TCP stream; decoded once the hole is filled", HFILL } },
        { &hf_ica_tcp_decoded_in, { "Decoded in frame", "ica.tcp.decoded_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0, "Frame whose ICA decode includes these held bytes", HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_ica_retransmission, { "ica.retransmission", PI_SEQUENCE, PI_NOTE, "Retransmitted bytes ignored", EXPFILL } },
        { &ei_ica_tcp_held, { "ica.tcp.reordered", PI_SEQUENCE, PI_NOTE, "Segment ahead of a hole in the TCP stream: held until the missing bytes arrive", EXPFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    expert_register_field_array(expert, ei, array_length(ei));
    by_stream = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    register_init_routine(reset_conversations);
}

/* A helper listener (no callbacks; its identity is the id's address)
 * keeps TCP queueing a tap's records. */
static int helper_listener(const char *tap, int *id)
{
    GString *err = register_tap_listener(tap, id, NULL, TL_IS_DISSECTOR_HELPER, NULL, NULL, NULL, NULL);
    if (err)
        g_string_free(err, TRUE);
    *id = find_tap_id(tap);
    return *id;
}

void ica_tcp_register_prefs(module_t *module)
{
    prefs_register_bool_preference(module, "reorder_from_tcp_fields",
                                   "Reorder from TCP's fields (for tshark -2)",
                                   "Segments TCP keeps from subdissectors (retransmitted, out of order) are read "
                                   "from what TCP queues for taps, which the first pass of tshark -2 does not "
                                   "produce. On: read them from TCP's fields instead, which makes every frame of "
                                   "every capture build a protocol tree (slower)", &pref_reorder_from_fields);
}

/* Ask for TCP's fields exactly while the preference is on. */
void ica_tcp_prefs_apply(void)
{
    GArray *wanted = NULL;
    if (pref_reorder_from_fields) {
        wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
        g_array_append_val(wanted, hf_tcp_payload);
        g_array_append_val(wanted, hf_tcp_seq);
        g_array_append_val(wanted, hf_tcp_ack);
        g_array_append_val(wanted, hf_tcp_flags);
    }
    citrix_post_set_wanted(wanted);
}

void ica_tcp_handoff(void)
{
    hf_tcp_payload = proto_registrar_get_id_byname("tcp.payload");
    hf_tcp_seq = proto_registrar_get_id_byname("tcp.seq");
    hf_tcp_ack = proto_registrar_get_id_byname("tcp.ack");
    hf_tcp_flags = proto_registrar_get_id_byname("tcp.flags");
    citrix_post_add(CITRIX_POST_ICA_TCP, proto_ica, dissect_reorder_post);
    helper_listener("tcp", &tcp_tap_id);
    helper_listener("tcp_follow", &tcp_follow_tap_id);
    ica_tcp_prefs_apply();
}
