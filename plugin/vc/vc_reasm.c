/* vc_reasm.c - the virtual-channel layer: the "ica.vc" dissector table and
 * the one reassembly every channel decoder shares.
 *
 * Below this layer the stream core has already joined PDRFRAME frames, CGP
 * records, TLS records and V3 chunks into whole WD commands; a
 * VIRTUAL_WRITE0/1/2 command hands its channel payload here.  The HTML5
 * client treats each channel as a byte stream (vc.md §0.1): a message may
 * span writes, one write may hold several messages.  So, per session,
 * direction and channel, the bytes of a message not yet complete are kept
 * until the channel's length rule (vc_cut.h) says it is whole; then the
 * decoder registered under the channel's name is called once with it.
 *
 * State is built on the first pass only: each write's outcome (the messages
 * and pieces of messages it holds) is stored by frame and write number and
 * later passes render that.  Bounded: a message is kept only while its
 * claimed size is within the rule's max_len, one per channel and direction;
 * a size past it, or below the header, drops the rest of the write with an
 * expert mark (the stream cannot be resynchronised inside the write).  A
 * message the capture never completes is marked as dropped on its pieces
 * once that is known (second pass).
 *
 * Wireshark's reassembly tables (epan/reassemble.h) join fragments of one
 * PDU whose boundaries the carrier gives; here the boundaries come from the
 * channel's own length field inside a byte stream, with several messages
 * per write, which is the TCP-desegmentation pattern; the store below is
 * that pattern kept small (one pending message per channel and direction).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/proto_data.h>
#include "packet-ica-int.h"
#include "packet-ica-vc.h"

static dissector_table_t vc_table;
static wmem_map_t *vc_rules;       /* decoder handle -> const vc_len_rule * (application lifetime) */
static wmem_map_t *vc_writes;      /* frame << 16 | write ordinal -> vc_write_t (file scope) */
static wmem_map_t *vc_sessions;    /* ica_session * -> vc_sess_t (file scope) */

static int hf_vc_msg_length = -1;
static int hf_vc_fragment = -1;
static int hf_vc_reassembled_in = -1;
static int hf_vc_first_frame = -1;
static int hf_vc_bad_length = -1;
static int ett_vc_msg = -1;
static expert_field ei_vc_continues = EI_INIT;
static expert_field ei_vc_never_completed = EI_INIT;
static expert_field ei_vc_bad_length = EI_INIT;
static expert_field ei_vc_reassembled = EI_INIT;

#define VC_WRITE_KEY 0x5643        /* p_add_proto_data key (packet scope): virtual writes seen so far */

/* The pieces of one write: each is at least one byte, and a whole
 * message at least its header, so a write of n bytes gives at most n + 1. */

/* One message, shared by its pieces. */
typedef struct {
    guint32 first_frame;
    guint32 done_frame;             /* 0 while incomplete */
    guint32 len;                    /* 0 while its header is incomplete */
} vc_msg_t;

enum vc_piece_kind {
    PIECE_WHOLE,                    /* a whole message inside this write */
    PIECE_JOINED,                   /* the last piece: the whole message is in joined */
    PIECE_PART,                     /* a piece of a message completed later (or never) */
    PIECE_BAD                       /* the rest of the write after a length that lies */
};

typedef struct {
    guint8 kind;
    guint8 cut;                     /* PIECE_BAD: enum vc_cut */
    guint32 off, len;               /* the piece in this write's payload */
    guint32 claimed;                /* PIECE_BAD: the size the length field claims */
    const guint8 *joined;           /* PIECE_JOINED */
    vc_msg_t *msg;                  /* PIECE_JOINED, PIECE_PART */
} vc_piece_t;

typedef struct {
    guint32 n;
    vc_piece_t p[];
} vc_write_t;

/* First-pass state of one channel in one direction. */
typedef struct {
    vc_msg_t *msg;                  /* the message being reassembled, or NULL */
    guint8 *buf;                    /* its bytes so far (file scope) */
    guint32 have, cap;
} vc_chan_t;

typedef struct {
    vc_chan_t *ch[2][256];
} vc_sess_t;

void ica_vc_register_rule(dissector_handle_t h, const vc_len_rule *rule)
{
    /* the header holds the length field; a measured channel has its function */
    DISSECTOR_ASSERT(rule->kind == VC_LEN_WRITE || (rule->kind == VC_LEN_MEASURE && rule->measure) ||
                     (rule->hdr_len && rule->len_off + rule->len_size <= rule->hdr_len));
    if (!vc_rules)
        vc_rules = wmem_map_new(wmem_epan_scope(), g_direct_hash, g_direct_equal);
    wmem_map_insert(vc_rules, h, (gpointer)rule);
}

dissector_handle_t ica_vc_register(const char *name, dissector_t fn, int proto, const vc_len_rule *rule)
{
    dissector_handle_t h = create_dissector_handle(fn, proto);
    dissector_add_string(ICA_VC_TABLE, name, h);
    dissector_add_for_decode_as(ICA_VC_TABLE, h);
    if (rule)
        ica_vc_register_rule(h, rule);
    return h;
}

static vc_chan_t *chan_state(const ica_vc_info *vi)
{
    vc_sess_t *vs = (vc_sess_t *)wmem_map_lookup(vc_sessions, vi->s);
    if (!vs) {
        vs = wmem_new0(wmem_file_scope(), vc_sess_t);
        wmem_map_insert(vc_sessions, vi->s, vs);
    }
    vc_chan_t **c = &vs->ch[vi->dir & 1][vi->channel];
    if (!*c)
        *c = wmem_new0(wmem_file_scope(), vc_chan_t);
    return *c;
}

static vc_piece_t *piece_add(wmem_array_t *a, guint8 kind, guint32 off, guint32 len)
{
    vc_piece_t p = { kind, 0, off, len, 0, NULL, NULL };
    wmem_array_append_one(a, p);
    return (vc_piece_t *)wmem_array_index(a, wmem_array_get_count(a) - 1);
}

static void piece_bad(wmem_array_t *a, guint32 off, guint32 len, enum vc_cut cut, guint32 claimed)
{
    vc_piece_t *p = piece_add(a, PIECE_BAD, off, len);
    p->cut = (guint8)cut;
    p->claimed = claimed;
}

/* Room for the pending message's next n bytes: exactly its size once
 * known, else doubling (the rule's max_len bounds it, vc_msg_size()). */
static void pend_reserve(vc_chan_t *c, guint32 need)
{
    if (need <= c->cap)
        return;
    guint32 cap = c->msg->len ? MAX(c->msg->len, need) : MAX(need, MIN(2 * c->cap, G_MAXUINT32 / 2));
    c->buf = (guint8 *)wmem_realloc(wmem_file_scope(), c->buf, cap);
    c->cap = cap;
}

static void pend_append(vc_chan_t *c, const guint8 *p, guint32 n)
{
    pend_reserve(c, c->have + n);
    memcpy(c->buf + c->have, p, n);
    c->have += n;
}

/* The pending message is whole: its last piece (used bytes of this write). */
static void pend_done(vc_chan_t *c, wmem_array_t *a, guint32 used, guint32 num)
{
    vc_piece_t *j = piece_add(a, PIECE_JOINED, 0, used);
    j->msg = c->msg;
    j->joined = c->buf;
    c->msg->done_frame = num;
    c->msg = NULL;
    c->buf = NULL;
    c->have = c->cap = 0;
}

/* Continue the channel's pending message with the front of the write;
 * returns the bytes used. */
static guint32 feed_pending(vc_chan_t *c, const vc_len_rule *rule, const guint8 *p, guint32 n, guint32 num,
                            wmem_array_t *a)
{
    vc_msg_t *m = c->msg;
    if (m->len) {                   /* size known: take what it lacks */
        guint32 take = MIN(n, m->len - c->have);
        pend_append(c, p, take);
        if (c->have < m->len)
            piece_add(a, PIECE_PART, 0, take)->msg = m;
        else
            pend_done(c, a, take, num);
        return take;
    }
    /* size unknown: take the whole write, measure, give back what follows the message */
    guint32 total, before = c->have;
    pend_append(c, p, n);
    enum vc_cut cut = vc_msg_size(rule, c->buf, c->have, &total);
    if (cut == VC_CUT_NEED_HEADER) {
        piece_add(a, PIECE_PART, 0, n)->msg = m;
        return n;
    }
    if (cut == VC_CUT_TOO_SHORT || cut == VC_CUT_TOO_LONG) {
        piece_bad(a, 0, n, cut, total);
        c->msg = NULL;
        c->buf = NULL;
        c->have = c->cap = 0;
        return n;
    }
    m->len = cut == VC_CUT_REST ? c->have : total;
    if (m->len > c->have) {
        pend_reserve(c, m->len);
        piece_add(a, PIECE_PART, 0, n)->msg = m;
        return n;
    }
    c->have = m->len;
    pend_done(c, a, m->len - before, num);
    return m->len - before;
}

/* Start a message that does not end in this write (total 0: size not known yet). */
static void start_pending(vc_chan_t *c, const guint8 *p, guint32 n, guint32 total, guint32 num, wmem_array_t *a,
                          guint32 off)
{
    vc_msg_t *m = wmem_new0(wmem_file_scope(), vc_msg_t);
    m->first_frame = num;
    m->len = total;
    c->msg = m;
    c->buf = NULL;
    c->have = c->cap = 0;
    pend_append(c, p, n);
    piece_add(a, PIECE_PART, off, n)->msg = m;
}

/* First pass: cut one write into messages and pieces. */
static vc_write_t *cut_write(const vc_len_rule *rule, tvbuff_t *t, packet_info *pinfo, const ica_vc_info *vi)
{
    guint32 n = tvb_captured_length(t), off = 0;
    const guint8 *p = tvb_get_ptr(t, 0, n);
    vc_chan_t *c = chan_state(vi);
    wmem_array_t *a = wmem_array_sized_new(pinfo->pool, sizeof(vc_piece_t), 4);
    if (c->msg)
        off = feed_pending(c, rule, p, n, pinfo->num, a);
    while (off < n) {
        guint32 total;
        enum vc_cut cut = vc_msg_size(rule, p + off, n - off, &total);
        if (cut == VC_CUT_NEED_HEADER) {
            start_pending(c, p + off, n - off, 0, pinfo->num, a, off);
            break;
        }
        if (cut == VC_CUT_TOO_SHORT || cut == VC_CUT_TOO_LONG) {
            piece_bad(a, off, n - off, cut, total);
            break;
        }
        if (cut == VC_CUT_REST)
            total = n - off;
        if (total > n - off) {
            start_pending(c, p + off, n - off, total, pinfo->num, a, off);
            break;
        }
        piece_add(a, PIECE_WHOLE, off, total);
        off += total;
    }
    guint32 count = wmem_array_get_count(a);
    vc_write_t *w = (vc_write_t *)wmem_alloc(wmem_file_scope(), sizeof(vc_write_t) + count * sizeof(vc_piece_t));
    w->n = count;
    if (count)
        memcpy(w->p, wmem_array_get_raw(a), count * sizeof(vc_piece_t));
    return w;
}

static void call_decoder(dissector_handle_t h, tvbuff_t *m, packet_info *pinfo, proto_tree *tree, ica_vc_info *vi)
{
    TRY {
        call_dissector_only(h, m, pinfo, tree, vi);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(m, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
}

static void render_part(const vc_piece_t *pc, tvbuff_t *t, packet_info *pinfo, proto_tree *tree)
{
    proto_item *fi = proto_tree_add_item(tree, hf_vc_fragment, t, pc->off, pc->len, ENC_NA);
    const vc_msg_t *m = pc->msg;
    if (m->done_frame) {
        proto_item_set_generated(proto_tree_add_uint(tree, hf_vc_reassembled_in, t, pc->off, pc->len,
                                                     m->done_frame));
        expert_add_info_format(pinfo, fi, &ei_vc_continues, "Message piece: the message (%u bytes) is complete "
                               "in frame %u", m->len, m->done_frame);
    } else if (PINFO_FD_VISITED(pinfo)) {
        expert_add_info_format(pinfo, fi, &ei_vc_never_completed, "Message never completed in the capture "
                               "(%u bytes expected): dropped", m->len);
    } else {
        expert_add_info_format(pinfo, fi, &ei_vc_continues, "Message piece: the message continues in a later "
                               "write");
    }
}

static void render_bad(const vc_piece_t *pc, tvbuff_t *t, packet_info *pinfo, proto_tree *tree)
{
    proto_item *bi = proto_tree_add_uint(tree, hf_vc_bad_length, t, pc->off, pc->len, pc->claimed);
    proto_item_set_generated(bi);
    expert_add_info_format(pinfo, bi, &ei_vc_bad_length, pc->cut == VC_CUT_TOO_LONG ?
                           "Message claims %u bytes, past the channel's limit: rest of the write dropped" :
                           "Message claims %u bytes, less than its own header: rest of the write dropped",
                           pc->claimed);
    proto_tree_add_item(tree, hf_vc_fragment, t, pc->off, pc->len, ENC_NA);
}

static void render_write(const vc_write_t *w, dissector_handle_t h, tvbuff_t *t, packet_info *pinfo,
                         proto_tree *tree, ica_vc_info *vi)
{
    for (guint32 i = 0; i < w->n; i++) {
        const vc_piece_t *pc = &w->p[i];
        switch (pc->kind) {
        case PIECE_WHOLE:
            call_decoder(h, tvb_new_subset_length(t, pc->off, pc->len), pinfo, tree, vi);
            break;
        case PIECE_JOINED: {
            tvbuff_t *m = tvb_new_child_real_data(t, pc->joined, pc->msg->len, pc->msg->len);
            add_new_data_source(pinfo, m, wmem_strdup_printf(pinfo->pool, "Reassembled %s message", vi->name));
            proto_item *ji = proto_tree_add_item(tree, hf_vc_fragment, t, pc->off, pc->len, ENC_NA);
            expert_add_info_format(pinfo, ji, &ei_vc_reassembled, "Last piece of a %u-byte message begun in "
                                   "frame %u", pc->msg->len, pc->msg->first_frame);
            proto_item_set_generated(proto_tree_add_uint(tree, hf_vc_first_frame, t, pc->off, pc->len,
                                                         pc->msg->first_frame));
            proto_item_set_generated(proto_tree_add_uint(tree, hf_vc_msg_length, m, 0, 0, pc->msg->len));
            call_decoder(h, m, pinfo, tree, vi);
            break;
        }
        case PIECE_PART:
            render_part(pc, t, pinfo, tree);
            break;
        default:
            render_bad(pc, t, pinfo, tree);
            break;
        }
    }
}

gboolean ica_vc_dissect_write(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, ica_vc_info *vi)
{
    if (!vi->name)
        return FALSE;
    dissector_handle_t h = dissector_get_string_handle(vc_table, vi->name);
    if (!h)
        return FALSE;
    const vc_len_rule *rule = vc_rules ? (const vc_len_rule *)wmem_map_lookup(vc_rules, h) : NULL;
    if (!rule || rule->kind == VC_LEN_WRITE || !tvb_reported_length(t)) {
        call_decoder(h, t, pinfo, tree, vi);
        return TRUE;
    }
    /* the write's key: its frame and its place among the frame's virtual writes */
    guint ordinal = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_ica, VC_WRITE_KEY));
    p_add_proto_data(pinfo->pool, pinfo, proto_ica, VC_WRITE_KEY, GUINT_TO_POINTER(ordinal + 1));
    guint64 key = ((guint64)pinfo->num << 16) | (ordinal & 0xFFFF);
    vc_write_t *w = (vc_write_t *)wmem_map_lookup(vc_writes, &key);
    if (!w) {
        if (PINFO_FD_VISITED(pinfo))
            return FALSE;       /* not seen on the first pass: nothing to render */
        w = cut_write(rule, t, pinfo, vi);
        guint64 *k = wmem_new(wmem_file_scope(), guint64);
        *k = key;
        wmem_map_insert(vc_writes, k, w);
    }
    render_write(w, h, t, pinfo, tree, vi);
    return TRUE;
}

#define VC_TAP_KEY 0x5644          /* p_add_proto_data key (packet scope): the findings not yet queued */

void ica_vc_tap_fact(packet_info *pinfo, guint8 kind, gint32 value, const char *text)
{
    wmem_array_t *a = (wmem_array_t *)p_get_proto_data(pinfo->pool, pinfo, proto_ica, VC_TAP_KEY);
    if (!a) {
        a = wmem_array_new(pinfo->pool, sizeof(ica_tap_fact));
        p_add_proto_data(pinfo->pool, pinfo, proto_ica, VC_TAP_KEY, a);
    }
    ica_tap_fact f = { kind, value, text };
    wmem_array_append_one(a, f);
}

guint16 ica_vc_tap_take(packet_info *pinfo, const ica_tap_fact **facts)
{
    wmem_array_t *a = (wmem_array_t *)p_get_proto_data(pinfo->pool, pinfo, proto_ica, VC_TAP_KEY);
    *facts = NULL;
    if (!a)
        return 0;
    p_remove_proto_data(pinfo->pool, pinfo, proto_ica, VC_TAP_KEY);
    guint n = MIN(wmem_array_get_count(a), G_MAXUINT16);
    *facts = (const ica_tap_fact *)wmem_array_get_raw(a);
    return (guint16)n;
}

void ica_register_vc_fields(int proto, expert_module_t *expert)
{
    static hf_register_info hf[] = {
        { &hf_vc_msg_length, { "Reassembled message length", "ica.vc.msg.length", FT_UINT32, BASE_DEC, NULL, 0x0, "Size of a channel message joined from pieces in several virtual writes", HFILL } },
        { &hf_vc_fragment, { "Message piece", "ica.vc.msg.piece", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes of a channel message that spans virtual writes, or bytes after a length that lies", HFILL } },
        { &hf_vc_reassembled_in, { "Message completed in", "ica.vc.msg.reassembled_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0, "The frame whose virtual write completes this message", HFILL } },
        { &hf_vc_first_frame, { "Message begun in", "ica.vc.msg.first_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0, "The frame whose virtual write holds the message's first bytes", HFILL } },
        { &hf_vc_bad_length, { "Claimed message length", "ica.vc.msg.bad_length", FT_UINT32, BASE_DEC, NULL, 0x0, "A channel length field that is shorter than its header or past the channel's limit", HFILL } },
    };
    static int *ett[] = { &ett_vc_msg };
    static ei_register_info ei[] = {
        { &ei_vc_continues, { "ica.vc.msg.continues", PI_REASSEMBLE, PI_CHAT, "Message piece: the message continues in a later write", EXPFILL } },
        { &ei_vc_reassembled, { "ica.vc.msg.reassembled", PI_REASSEMBLE, PI_CHAT, "Last piece of a message begun in an earlier write", EXPFILL } },
        { &ei_vc_never_completed, { "ica.vc.msg.never_completed", PI_REASSEMBLE, PI_WARN, "Message never completed in the capture: dropped", EXPFILL } },
        { &ei_vc_bad_length, { "ica.vc.msg.bad_length.expert", PI_MALFORMED, PI_ERROR, "Channel length field lies: rest of the write dropped", EXPFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));
    ica_register_credentials_fields(proto, expert);
    vc_table = register_dissector_table(ICA_VC_TABLE, "ICA virtual channel (name)", proto, FT_STRING,
                                        FALSE);   /* case-sensitive (STRING_CASE_SENSITIVE from 4.2) */
    dissector_table_allow_decode_as(vc_table);  /* Decode As: any channel name to any registered decoder */
    vc_writes = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_int64_hash, g_int64_equal);
    vc_sessions = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
}
