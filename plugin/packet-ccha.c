/* packet-ccha.c - TCP 2014, attributed (weakly) to the Citrix Command Center
 * server <-> HA peer link.  The framing is not public
 * (shared notes: command-center.md), so this dissector never names a Citrix
 * message or field.  It
 *   - identifies the carrier from the first bytes of each direction and hands
 *     the stream to Wireshark's own TLS, Java RMI, MySQL or HTTP dissector
 *     (Java serialization: the 4.0 "serialization" protocol lives inside the
 *     RMI dissector, which is used for the stream header only);
 *   - otherwise shows the bytes undecoded, with record boundaries marked as
 *     inferred when consecutive messages are tiled by a length prefix;
 *   - measures each direction's message timing (interval, running median,
 *     gap warning) and marks closes and resets of the link;
 *   - feeds the "ccha" tap (record: ccha_tap_rec in citrix_tap.h), read by
 *     the statistics trees `-z ccha,tree` and `-z citrix,tree`
 *     (packet-citrix-stats.c).
 * The logic that needs no libwireshark is in ccha_classify.c.
 *
 * Registration: a TCP heuristic that only looks at conversations with port
 * 2014, enabled by default (see README: the heuristic never leaves port 2014,
 * runs only after port-table dissectors declined, and its label says the
 * attribution is unverified), plus Decode As / a port preference for others.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-tcp.h>

#include "ccha_classify.h"
#include "citrix_post.h"
#include "citrix_tap.h"

#define CCHA_TCP_PORT 2014
#define CCHA_MAX_RECORD_ITEMS 256   /* tree items per message; the rest is summarised */

void proto_register_ccha(void);
void proto_reg_handoff_ccha(void);

static int proto_ccha = -1;
static int hf_ccha_service_port = -1;
static int hf_ccha_direction = -1;
static int hf_ccha_carrier = -1;
static int hf_ccha_carrier_frame = -1;
static int hf_ccha_message = -1;
static int hf_ccha_continued = -1;
static int hf_ccha_interval = -1;
static int hf_ccha_median = -1;
static int hf_ccha_threshold = -1;
static int hf_ccha_gap = -1;
static int hf_ccha_data = -1;
static int hf_ccha_inferred_prefix = -1;
static int hf_ccha_record = -1;
static int hf_ccha_record_length = -1;
static int hf_ccha_record_body = -1;
static int hf_ccha_link_event = -1;

static int ett_ccha = -1;
static int ett_ccha_record = -1;

static expert_field ei_ccha_carrier = EI_INIT;
static expert_field ei_ccha_undocumented = EI_INIT;
static expert_field ei_ccha_inferred = EI_INIT;
static expert_field ei_ccha_inferred_misfit = EI_INIT;
static expert_field ei_ccha_gap = EI_INIT;
static expert_field ei_ccha_close = EI_INIT;
static expert_field ei_ccha_reset = EI_INIT;
static expert_field ei_ccha_incomplete = EI_INIT;

static dissector_handle_t ccha_handle;
static dissector_handle_t carrier_handles[CCHA_CARRIER_COUNT];
static int ccha_tap = -1;
static int tcp_tap = -1;

/* preferences */
static guint pref_gap_factor = 3;
static guint pref_gap_floor_ms = 2000;

/* Set when the first link of a capture is created: lets the per-frame
 * post-dissector return at once in the (usual) captures without one. */
static gboolean ccha_links_seen;

enum { DIR_TO_SERVICE = 0, DIR_FROM_SERVICE = 1 };
enum { LINK_EVENT_NONE = CCHA_TAP_MESSAGE, LINK_EVENT_CLOSE = CCHA_TAP_CLOSE, LINK_EVENT_RESET = CCHA_TAP_RESET };
enum { KEY_MESSAGE = 0, KEY_EVENT = 1, KEY_QUEUED = 2 };

static const value_string direction_vals[] = {
    { DIR_TO_SERVICE,   "to service port" },
    { DIR_FROM_SERVICE, "from service port" },
    { 0, NULL }
};

static const value_string carrier_vals[] = {
    { CCHA_CARRIER_UNKNOWN,  "opaque (nothing recognised)" },
    { CCHA_CARRIER_TLS,      "TLS" },
    { CCHA_CARRIER_RMI,      "Java RMI (JRMP)" },
    { CCHA_CARRIER_JAVA_SER, "Java serialization stream" },
    { CCHA_CARRIER_MYSQL,    "MySQL" },
    { CCHA_CARRIER_HTTP,     "HTTP" },
    { 0, NULL }
};

static const value_string inferred_prefix_vals[] = {
    { CCHA_LP_U32BE_EXCL, "u32 big-endian, prefix not counted" },
    { CCHA_LP_U32BE_INCL, "u32 big-endian, prefix counted" },
    { CCHA_LP_U32LE_EXCL, "u32 little-endian, prefix not counted" },
    { CCHA_LP_U32LE_INCL, "u32 little-endian, prefix counted" },
    { CCHA_LP_U16BE_EXCL, "u16 big-endian, prefix not counted" },
    { CCHA_LP_U16BE_INCL, "u16 big-endian, prefix counted" },
    { CCHA_LP_U16LE_EXCL, "u16 little-endian, prefix not counted" },
    { CCHA_LP_U16LE_INCL, "u16 little-endian, prefix counted" },
    { 0, NULL }
};

static const value_string link_event_vals[] = {
    { LINK_EVENT_CLOSE, "close (FIN)" },
    { LINK_EVENT_RESET, "reset (RST)" },
    { 0, NULL }
};

/* One TCP conversation claimed by this dissector (file scope). */
typedef struct {
    guint32 id;                 /* 1-based, in order of first data */
    address svc_addr;
    guint32 svc_port;
    address peer_addr;
    guint32 peer_port;
    const char *svc_str;        /* "addr:port", for the statistics */
    const char *peer_str;
    ccha_carrier_t carrier;
    guint32 carrier_frame;
    gboolean seen_first[2];
    ccha_dir_t dir[2];
    /* first pass: frame whose data is still waiting in TCP reassembly
     * (carrier's request, or too few first bytes to classify); 0 = none */
    guint32 pending_since[2];
} ccha_link_t;

/* What the first pass learnt about one frame's data (file scope). */
typedef struct {
    guint8 dir;
    gboolean deferred;          /* too few first bytes: asked TCP for more */
    guint8 carrier;             /* carrier in effect for this frame */
    gboolean identified_here;
    gboolean first_of_dir;
    guint8 inferred;            /* ccha_lp_t */
    gboolean inferred_here;     /* the prefix was confirmed by this message */
    gboolean inferred_misfit;   /* a confirmed prefix stopped fitting here */
    ccha_msg_t msg;
} ccha_frame_t;

typedef struct {
    guint8 event;
    guint8 dir;
    ccha_link_t *link;
    guint32 pending_since;      /* data still incomplete at this FIN/RST */
    guint8 pending_carrier;
} ccha_event_t;

static guint32 ccha_link_count;

static void ccha_init(void)
{
    ccha_links_seen = FALSE;
    ccha_link_count = 0;
}

static gint64 nstime_to_ns(const nstime_t *t)
{
    return (gint64)t->secs * 1000000000 + t->nsecs;
}

static nstime_t ns_to_nstime(gint64 ns)
{
    nstime_t t;
    t.secs = (time_t)(ns / 1000000000);
    t.nsecs = (int)(ns % 1000000000);
    return t;
}

static guint8 link_direction(const ccha_link_t *link, const address *dst, guint32 dstport)
{
    return (dstport == link->svc_port && addresses_equal(dst, &link->svc_addr)) ? DIR_TO_SERVICE : DIR_FROM_SERVICE;
}

/* The service side is the end using svc_port (2014, or the Decode As port);
 * if neither or both ends use it, the destination of the first data frame. */
static ccha_link_t *get_link(packet_info *pinfo, conversation_t *conv, guint32 svc_port)
{
    ccha_link_t *link = (ccha_link_t *)conversation_get_proto_data(conv, proto_ccha);
    if (link)
        return link;
    link = wmem_new0(wmem_file_scope(), ccha_link_t);
    gboolean svc_is_src = pinfo->srcport == svc_port && pinfo->destport != svc_port;
    copy_address_wmem(wmem_file_scope(), &link->svc_addr, svc_is_src ? &pinfo->src : &pinfo->dst);
    copy_address_wmem(wmem_file_scope(), &link->peer_addr, svc_is_src ? &pinfo->dst : &pinfo->src);
    link->svc_port = svc_is_src ? pinfo->srcport : pinfo->destport;
    link->peer_port = svc_is_src ? pinfo->destport : pinfo->srcport;
    link->svc_str = wmem_strdup_printf(wmem_file_scope(), "%s:%u",
                                       address_to_str(pinfo->pool, &link->svc_addr), link->svc_port);
    link->peer_str = wmem_strdup_printf(wmem_file_scope(), "%s:%u",
                                        address_to_str(pinfo->pool, &link->peer_addr), link->peer_port);
    link->carrier = CCHA_CARRIER_UNKNOWN;
    ccha_dir_init(&link->dir[0]);
    ccha_dir_init(&link->dir[1]);
    link->id = ++ccha_link_count;
    conversation_add_proto_data(conv, proto_ccha, link);
    ccha_links_seen = TRUE;
    return link;
}

/* First pass only.  A direction's first bytes that could still become a
 * signature (e.g. "JRMI" sent one byte per segment) are held back: TCP is
 * asked for one more segment until the carrier can be decided (at most
 * CCHA_CLASSIFY_WINDOW bytes). */
static gboolean wait_for_first_bytes(ccha_link_t *link, guint8 dir, tvbuff_t *tvb, packet_info *pinfo)
{
    guint caplen = tvb_captured_length(tvb);
    if (link->seen_first[dir] || link->carrier != CCHA_CARRIER_UNKNOWN || !pinfo->can_desegment ||
        caplen != tvb_reported_length(tvb))
        return FALSE;
    if (!ccha_classify_needs_more(tvb_get_ptr(tvb, 0, caplen), caplen))
        return FALSE;
    if (!link->pending_since[dir])
        link->pending_since[dir] = pinfo->num;
    return TRUE;
}

/* First pass only: classification, timing and prefix inference. */
static void analyse_frame(ccha_link_t *link, ccha_frame_t *fr, tvbuff_t *tvb, packet_info *pinfo,
                          const struct tcpinfo *tcpinfo)
{
    guint caplen = tvb_captured_length(tvb);
    const guint8 *bytes = tvb_get_ptr(tvb, 0, caplen);
    guint8 dir = link_direction(link, &pinfo->dst, pinfo->destport);

    fr->dir = dir;
    if (!link->seen_first[dir]) {
        ccha_carrier_t c = ccha_classify(bytes, caplen);
        link->seen_first[dir] = TRUE;
        fr->first_of_dir = TRUE;
        if (link->carrier == CCHA_CARRIER_UNKNOWN && c != CCHA_CARRIER_UNKNOWN) {
            link->carrier = c;
            link->carrier_frame = pinfo->num;
            fr->identified_here = TRUE;
        }
    }
    fr->carrier = (guint8)link->carrier;

    ccha_gap_cfg_t cfg;
    cfg.factor = pref_gap_factor;
    cfg.floor_ns = (gint64)pref_gap_floor_ms * 1000000;
    gboolean psh = tcpinfo ? (tcpinfo->flags & TH_PUSH) != 0 : TRUE;
    ccha_dir_segment(&link->dir[dir], nstime_to_ns(&pinfo->abs_ts), psh, &cfg, &fr->msg);

    fr->inferred = CCHA_LP_NONE;
    if (link->carrier == CCHA_CARRIER_UNKNOWN && caplen == tvb_reported_length(tvb)) {
        gboolean was_confirmed = link->dir[dir].lp.confirmed != CCHA_LP_NONE;
        fr->inferred = (guint8)ccha_lp_update(&link->dir[dir].lp, bytes, caplen);
        fr->inferred_here = !was_confirmed && fr->inferred != CCHA_LP_NONE;
        fr->inferred_misfit = was_confirmed && fr->inferred == CCHA_LP_NONE;
    }
}

static void add_inferred_records(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, proto_item *data_item,
                                 ccha_lp_t lp, gboolean confirmed_here)
{
    guint len = tvb_captured_length(tvb);
    const guint8 *bytes = tvb_get_ptr(tvb, 0, len);
    guint width = ccha_lp_width(lp);
    guint offset = 0, n = 0;

    /* once per run of fitting messages; the generated items say "inferred" on every one */
    if (confirmed_here) {
        expert_add_info_format(pinfo, data_item, &ei_ccha_inferred,
                               "Record boundaries inferred from a consistent length prefix (%s) in %u consecutive "
                               "messages; not documented", ccha_lp_name(lp), CCHA_LP_CONFIRM);
    }
    while (offset < len) {
        size_t rec = ccha_lp_record_len(lp, bytes + offset, len - offset);
        if (rec == 0)
            break;      /* cannot happen for a confirmed fit; stop rather than loop */
        if (n < CCHA_MAX_RECORD_ITEMS) {
            proto_item *ri = proto_tree_add_item(tree, hf_ccha_record, tvb, offset, (gint)rec, ENC_NA);
            proto_item_set_text(ri, "Inferred record %u (%u bytes)", n + 1, (guint)rec);
            proto_item_set_generated(ri);
            proto_tree *rt = proto_item_add_subtree(ri, ett_ccha_record);
            proto_item *li = proto_tree_add_item(rt, hf_ccha_record_length, tvb, offset, width,
                                                 ccha_lp_big_endian(lp) ? ENC_BIG_ENDIAN : ENC_LITTLE_ENDIAN);
            proto_item_append_text(li, " (inferred)");
            proto_tree_add_item(rt, hf_ccha_record_body, tvb, offset + width, (gint)(rec - width), ENC_NA);
        }
        offset += (guint)rec;
        n++;
    }
    col_append_fstr(pinfo->cinfo, COL_INFO, ", %u inferred record%s", n, n == 1 ? "" : "s");
}

/* LINK_EVENT_* and ccha_tap_kind are the same numbers. */
static void queue_tap(packet_info *pinfo, const ccha_link_t *link, guint8 kind, guint8 dir, guint8 carrier,
                      const ccha_msg_t *msg)
{
    ccha_tap_rec *rec = wmem_new0(pinfo->pool, ccha_tap_rec);
    rec->link = link;
    rec->link_id = link->id;
    rec->peer = link->peer_str;
    rec->service = link->svc_str;
    rec->carrier = val_to_str_const(carrier, carrier_vals, "?");
    rec->kind = kind;
    rec->dir = dir;
    if (msg) {
        rec->new_message = msg->new_message;
        rec->has_interval = msg->has_interval;
        rec->gap = msg->gap;
        rec->interval_ns = msg->interval_ns;
    }
    citrix_tap_queue(ccha_tap, pinfo, rec);
}

static proto_tree *add_link_header(proto_tree *tree, tvbuff_t *tvb, gint len, const ccha_link_t *link,
                                   guint8 dir, guint8 carrier, proto_item **top)
{
    proto_item *ti = proto_tree_add_item(tree, proto_ccha, tvb, 0, len, ENC_NA);
    proto_item_append_text(ti, ", %s, carrier: %s", val_to_str_const(dir, direction_vals, "?"),
                           val_to_str_const(carrier, carrier_vals, "?"));
    proto_tree *st = proto_item_add_subtree(ti, ett_ccha);
    proto_item_set_generated(proto_tree_add_uint(st, hf_ccha_service_port, tvb, 0, 0, link->svc_port));
    proto_item_set_generated(proto_tree_add_uint(st, hf_ccha_direction, tvb, 0, 0, dir));
    proto_item_set_generated(proto_tree_add_uint(st, hf_ccha_carrier, tvb, 0, 0, carrier));
    if (link->carrier_frame)
        proto_item_set_generated(proto_tree_add_uint(st, hf_ccha_carrier_frame, tvb, 0, 0, link->carrier_frame));
    *top = ti;
    return st;
}

static void add_timing(proto_tree *st, packet_info *pinfo, tvbuff_t *tvb, const ccha_frame_t *fr)
{
    const ccha_msg_t *m = &fr->msg;
    nstime_t t;

    proto_item_set_generated(proto_tree_add_uint(st, hf_ccha_message, tvb, 0, 0, m->index));
    if (!m->new_message) {
        proto_item_set_generated(proto_tree_add_boolean(st, hf_ccha_continued, tvb, 0, 0, TRUE));
        return;
    }
    if (m->has_interval) {
        t = ns_to_nstime(m->interval_ns);
        proto_item_set_generated(proto_tree_add_time(st, hf_ccha_interval, tvb, 0, 0, &t));
    }
    if (m->has_median) {
        t = ns_to_nstime(m->median_ns);
        proto_item_set_generated(proto_tree_add_time(st, hf_ccha_median, tvb, 0, 0, &t));
    }
    if (m->judged) {
        t = ns_to_nstime(m->threshold_ns);
        proto_item_set_generated(proto_tree_add_time(st, hf_ccha_threshold, tvb, 0, 0, &t));
        proto_item *gi = proto_tree_add_boolean(st, hf_ccha_gap, tvb, 0, 0, m->gap);
        proto_item_set_generated(gi);
        if (m->gap) {
            expert_add_info_format(pinfo, gi, &ei_ccha_gap,
                                   "Gap of %.3f s since the previous message %s (threshold %.3f s, running median %.3f s)",
                                   m->interval_ns / 1e9, val_to_str_const(fr->dir, direction_vals, "?"),
                                   m->threshold_ns / 1e9, m->median_ns / 1e9);
        }
    }
}

static int dissect_ccha_common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, guint32 svc_port)
{
    guint len = tvb_reported_length(tvb);
    if (len == 0)
        return 0;

    conversation_t *conv = find_or_create_conversation(pinfo);
    ccha_link_t *link = get_link(pinfo, conv, svc_port);
    ccha_frame_t *fr = (ccha_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_ccha, KEY_MESSAGE);
    if (!fr) {
        if (!PINFO_FD_VISITED(pinfo)) {
            guint8 dir = link_direction(link, &pinfo->dst, pinfo->destport);
            fr = wmem_new0(wmem_file_scope(), ccha_frame_t);
            fr->dir = dir;
            fr->deferred = wait_for_first_bytes(link, dir, tvb, pinfo);
            if (!fr->deferred) {
                link->pending_since[dir] = 0;   /* TCP delivered what was waiting */
                analyse_frame(link, fr, tvb, pinfo, (const struct tcpinfo *)data);
            }
            p_add_proto_data(wmem_file_scope(), pinfo, proto_ccha, KEY_MESSAGE, fr);
        } else {
            /* not seen on the first pass: show it without history */
            fr = wmem_new0(pinfo->pool, ccha_frame_t);
            fr->dir = link_direction(link, &pinfo->dst, pinfo->destport);
            fr->carrier = (guint8)link->carrier;
            fr->inferred = CCHA_LP_NONE;
        }
    }
    if (fr->deferred) {
        if (!PINFO_FD_VISITED(pinfo)) {
            pinfo->desegment_offset = 0;
            pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
        }
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "CCHA");
        proto_item *wi = proto_tree_add_item(tree, proto_ccha, tvb, 0, -1, ENC_NA);
        proto_item_append_text(wi, ", %u first bytes: too few to identify the carrier, waiting for more", len);
        return tvb_captured_length(tvb);
    }

    /* TCP may call us twice in one frame (end of a reassembled PDU, then the
     * start of the next): one tap record per frame. */
    if (!p_get_proto_data(pinfo->pool, pinfo, proto_ccha, KEY_QUEUED)) {
        p_add_proto_data(pinfo->pool, pinfo, proto_ccha, KEY_QUEUED, GUINT_TO_POINTER(1));
        queue_tap(pinfo, link, LINK_EVENT_NONE, fr->dir, fr->carrier, &fr->msg);
    }

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "CCHA");
    col_clear(pinfo->cinfo, COL_INFO);

    proto_item *top;
    proto_tree *st = add_link_header(tree, tvb, -1, link, fr->dir, fr->carrier, &top);
    add_timing(st, pinfo, tvb, fr);
    if (fr->identified_here) {
        expert_add_info_format(pinfo, top, &ei_ccha_carrier, "Carrier identified from the first bytes: %s",
                               val_to_str_const(fr->carrier, carrier_vals, "?"));
    }

    /* Wireshark's own dissector for the carrier, as if the service port's
     * table entry had picked it (MySQL tells requests from responses by
     * match_uint). */
    dissector_handle_t handle = carrier_handles[fr->carrier];
    gboolean ser_header = fr->carrier == CCHA_CARRIER_JAVA_SER && len >= 4 &&
                          tvb_get_ntohl(tvb, 0) == 0xACED0005;
    if (handle && (fr->carrier != CCHA_CARRIER_JAVA_SER || ser_header)) {
        guint32 saved_match = pinfo->match_uint;
        pinfo->match_uint = link->svc_port;
        /* let the carrier ask TCP for reassembly as if TCP had called it
         * (each call level lowers can_desegment) */
        pinfo->can_desegment = pinfo->saved_can_desegment;
        int consumed = call_dissector_only(handle, tvb, pinfo, tree, data);
        pinfo->match_uint = saved_match;
        if (!PINFO_FD_VISITED(pinfo) && pinfo->desegment_len)
            link->pending_since[fr->dir] = pinfo->num;
        if (consumed > 0) {
            if (ser_header)   /* the RMI dissector labels the column "RMI" */
                col_set_str(pinfo->cinfo, COL_PROTOCOL, "Serialization");
            if (fr->msg.gap)
                col_append_str(pinfo->cinfo, COL_INFO, " [CCHA gap]");
            return consumed;
        }
    }

    if (fr->carrier == CCHA_CARRIER_JAVA_SER)
        col_add_fstr(pinfo->cinfo, COL_INFO, "Java serialization stream data (not decoded), %u bytes", len);
    else
        col_add_fstr(pinfo->cinfo, COL_INFO, "Opaque data (framing undocumented), %u bytes", len);
    col_append_fstr(pinfo->cinfo, COL_INFO, ", %s", val_to_str_const(fr->dir, direction_vals, "?"));
    if (fr->msg.gap)
        col_append_str(pinfo->cinfo, COL_INFO, " [gap]");

    proto_item *di = proto_tree_add_item(st, hf_ccha_data, tvb, 0, -1, ENC_NA);
    if (fr->first_of_dir && fr->carrier == CCHA_CARRIER_UNKNOWN)
        expert_add_info(pinfo, di, &ei_ccha_undocumented);
    if (fr->inferred != CCHA_LP_NONE) {
        proto_item_set_generated(proto_tree_add_uint(st, hf_ccha_inferred_prefix, tvb, 0, 0, fr->inferred));
        add_inferred_records(st, pinfo, tvb, di, (ccha_lp_t)fr->inferred, fr->inferred_here);
    } else if (fr->inferred_misfit) {
        expert_add_info(pinfo, di, &ei_ccha_inferred_misfit);
    }
    return tvb_captured_length(tvb);
}

/* Decode As / port preference entry: the port that brought us here is the
 * service port. */
static int dissect_ccha(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_ccha_common(tvb, pinfo, tree, data, pinfo->match_uint);
}

static wsc_heur_ret_t dissect_ccha_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (pinfo->srcport != CCHA_TCP_PORT && pinfo->destport != CCHA_TCP_PORT)
        return FALSE;
    if (tvb_reported_length(tvb) == 0)
        return FALSE;
    conversation_t *conv = find_or_create_conversation(pinfo);
    /* When the handshake was seen, 2014 must be the server's port, not a
     * client's ephemeral one. */
    struct tcp_analysis *tcpd = get_tcp_conversation_data(conv, pinfo);
    if (tcpd && tcpd->server_port != 0 && tcpd->server_port != CCHA_TCP_PORT)
        return FALSE;
    conversation_set_dissector(conv, ccha_handle);
    dissect_ccha_common(tvb, pinfo, tree, data, CCHA_TCP_PORT);
    return TRUE;
}

/* The TCP header TCP queued for taps in this frame (our helper listener keeps
 * tapping active); NULL when taps do not run (tshark -2 first pass). */
static const struct tcpheader *current_tcp_header(packet_info *pinfo)
{
    const struct tcpheader *th;
    for (int i = 0; (th = (const struct tcpheader *)fetch_tapped_data(tcp_tap, i)) != NULL; i++) {
        if (th->th_sport == pinfo->srcport && th->th_dport == pinfo->destport)
            return th;
    }
    return NULL;
}

/* Post-dissector: FIN and RST segments carry no data, so TCP never calls the
 * link's dissector for them. */
static int dissect_ccha_link_event(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!ccha_links_seen || pinfo->ptype != PT_TCP || pinfo->flags.in_error_pkt)
        return 0;
    /* only FIN and RST make events: most frames stop here, before the
     * frame's proto data is searched (without taps, as in the GUI's
     * redissection, there is no header and the stored event decides) */
    const struct tcpheader *th = current_tcp_header(pinfo);
    if (th && !(th->th_flags & (TH_FIN | TH_RST)))
        return 0;
    ccha_event_t *ev = (ccha_event_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_ccha, KEY_EVENT);
    if (!ev) {
        if (!th)
            return 0;
        conversation_t *conv = find_conversation(pinfo->num, &th->ip_src, &th->ip_dst, CONVERSATION_TCP,
                                                 th->th_sport, th->th_dport, 0);
        ccha_link_t *link = conv ? (ccha_link_t *)conversation_get_proto_data(conv, proto_ccha) : NULL;
        if (!link)
            return 0;
        ev = wmem_new0(PINFO_FD_VISITED(pinfo) ? pinfo->pool : wmem_file_scope(), ccha_event_t);
        ev->event = (th->th_flags & TH_RST) ? LINK_EVENT_RESET : LINK_EVENT_CLOSE;
        ev->dir = link_direction(link, &th->ip_dst, th->th_dport);
        ev->link = link;
        /* a FIN ends its sender's data; a RST ends both directions */
        guint8 d = ev->dir;
        if (!link->pending_since[d] && ev->event == LINK_EVENT_RESET)
            d = !d;
        if (link->pending_since[d] && link->pending_since[d] < pinfo->num) {
            ev->pending_since = link->pending_since[d];
            ev->pending_carrier = (guint8)link->carrier;
        }
        if (!PINFO_FD_VISITED(pinfo))
            p_add_proto_data(wmem_file_scope(), pinfo, proto_ccha, KEY_EVENT, ev);
    }
    queue_tap(pinfo, ev->link, ev->event, ev->dir, (guint8)ev->link->carrier, NULL);

    proto_item *top;
    proto_tree *st = add_link_header(tree, tvb, 0, ev->link, ev->dir, (guint8)ev->link->carrier, &top);
    proto_item *ei = proto_tree_add_uint(st, hf_ccha_link_event, tvb, 0, 0, ev->event);
    proto_item_set_generated(ei);
    const char *side = ev->dir == DIR_TO_SERVICE ? "peer" : "service-port";
    if (ev->event == LINK_EVENT_RESET)
        expert_add_info_format(pinfo, ei, &ei_ccha_reset, "Link reset (RST) by the %s side", side);
    else
        expert_add_info_format(pinfo, ei, &ei_ccha_close, "Link closed (FIN) by the %s side", side);
    if (ev->pending_since && ev->pending_carrier == CCHA_CARRIER_UNKNOWN)
        expert_add_info_format(pinfo, ei, &ei_ccha_incomplete,
                               "Link %s before enough first bytes (since frame %u) arrived to identify the carrier",
                               ev->event == LINK_EVENT_RESET ? "reset" : "closed", ev->pending_since);
    else if (ev->pending_since)
        expert_add_info_format(pinfo, ei, &ei_ccha_incomplete,
                               "Link %s while a %s PDU started in frame %u was still incomplete (the rest never arrived)",
                               ev->event == LINK_EVENT_RESET ? "reset" : "closed",
                               ccha_carrier_name((ccha_carrier_t)ev->pending_carrier), ev->pending_since);
    return 0;
}

/* ---- registration ------------------------------------------------------ */

void
proto_register_ccha(void)
{
    static hf_register_info hf[] = {
        { &hf_ccha_service_port,
          { "Service port", "ccha.service_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Port that brought the conversation here: 2014, or a Decode As port", HFILL } },
        { &hf_ccha_direction,
          { "Direction", "ccha.direction", FT_UINT8, BASE_DEC, VALS(direction_vals), 0x0,
            NULL, HFILL } },
        { &hf_ccha_carrier,
          { "Carrier", "ccha.carrier", FT_UINT8, BASE_DEC, VALS(carrier_vals), 0x0,
            "Protocol recognised from the first bytes of a direction", HFILL } },
        { &hf_ccha_carrier_frame,
          { "Carrier identified in frame", "ccha.carrier_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_ccha_message,
          { "Message number", "ccha.message", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Data message in this direction (a message ends with a PSH segment)", HFILL } },
        { &hf_ccha_continued,
          { "Continues previous message", "ccha.continued", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The previous data segment in this direction had no PSH", HFILL } },
        { &hf_ccha_interval,
          { "Interval", "ccha.interval", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time since the previous message in this direction", HFILL } },
        { &hf_ccha_median,
          { "Running median interval", "ccha.interval_median", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Median of the previous intervals in this direction (last 63)", HFILL } },
        { &hf_ccha_threshold,
          { "Gap threshold", "ccha.gap_threshold", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "max(gap factor x running median, gap floor)", HFILL } },
        { &hf_ccha_gap,
          { "Gap", "ccha.gap", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Interval exceeds the gap threshold", HFILL } },
        { &hf_ccha_data,
          { "Data (undecoded)", "ccha.data", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes of an opaque carrier; the framing is not documented", HFILL } },
        { &hf_ccha_inferred_prefix,
          { "Inferred length prefix", "ccha.inferred_prefix", FT_UINT8, BASE_DEC, VALS(inferred_prefix_vals), 0x0,
            "Length prefix that tiled this and the previous messages exactly (inferred, not documented)", HFILL } },
        { &hf_ccha_record,
          { "Inferred record", "ccha.inferred_record", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Record delimited by the inferred length prefix", HFILL } },
        { &hf_ccha_record_length,
          { "Inferred length", "ccha.inferred_record.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Value of the inferred length prefix", HFILL } },
        { &hf_ccha_record_body,
          { "Inferred body", "ccha.inferred_record.body", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes after the inferred length prefix (undecoded)", HFILL } },
        { &hf_ccha_link_event,
          { "Link event", "ccha.link_event", FT_UINT8, BASE_DEC, VALS(link_event_vals), 0x0,
            "TCP FIN or RST on a link handled here", HFILL } },
    };
    static gint *ett[] = { &ett_ccha, &ett_ccha_record };
    static ei_register_info ei[] = {
        { &ei_ccha_carrier, { "ccha.carrier.identified", PI_PROTOCOL, PI_CHAT,
            "Carrier identified from the first bytes", EXPFILL } },
        { &ei_ccha_undocumented, { "ccha.undocumented", PI_UNDECODED, PI_NOTE,
            "No known carrier; the framing on this port is not documented, bytes shown undecoded", EXPFILL } },
        { &ei_ccha_inferred, { "ccha.inferred", PI_UNDECODED, PI_NOTE,
            "Record boundaries inferred from a consistent length prefix; not documented", EXPFILL } },
        { &ei_ccha_inferred_misfit, { "ccha.inferred.misfit", PI_UNDECODED, PI_NOTE,
            "Message does not fit the length prefix inferred so far", EXPFILL } },
        { &ei_ccha_gap, { "ccha.gap.exceeded", PI_SEQUENCE, PI_WARN,
            "Interval since the previous message exceeds the gap threshold", EXPFILL } },
        { &ei_ccha_close, { "ccha.link.close", PI_SEQUENCE, PI_NOTE,
            "Link closed (FIN)", EXPFILL } },
        { &ei_ccha_reset, { "ccha.link.reset", PI_SEQUENCE, PI_WARN,
            "Link reset (RST)", EXPFILL } },
        { &ei_ccha_incomplete, { "ccha.link.incomplete", PI_SEQUENCE, PI_WARN,
            "Link ended while data was still waiting for the rest of a PDU", EXPFILL } },
    };

    proto_ccha = proto_register_protocol("Citrix Command Center HA (framing undocumented)",
                                         "CCHA", "ccha");
    proto_register_field_array(proto_ccha, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert_ccha = expert_register_protocol(proto_ccha);
    expert_register_field_array(expert_ccha, ei, array_length(ei));

    module_t *module = prefs_register_protocol(proto_ccha, NULL);
    prefs_register_uint_preference(module, "gap_factor", "Gap factor",
        "A message is a gap when its interval exceeds this many times the running median "
        "(and the gap floor)", 10, &pref_gap_factor);
    prefs_register_uint_preference(module, "gap_floor_ms", "Gap floor (ms)",
        "Intervals up to this many milliseconds are never gaps", 10, &pref_gap_floor_ms);

    ccha_handle = register_dissector("ccha", dissect_ccha, proto_ccha);
    ccha_tap = register_tap("ccha");
    register_init_routine(ccha_init);
}

void
proto_reg_handoff_ccha(void)
{
    heur_dissector_add("tcp", dissect_ccha_heur, "Citrix Command Center HA over TCP 2014 (port attribution unverified)",
                       "citrix_ccha_tcp", proto_ccha, HEURISTIC_ENABLE);
    dissector_add_for_decode_as_with_preference("tcp.port", ccha_handle);
    citrix_post_add(CITRIX_POST_CCHA, proto_ccha, dissect_ccha_link_event);

    carrier_handles[CCHA_CARRIER_TLS] = find_dissector("tls");
    carrier_handles[CCHA_CARRIER_MYSQL] = find_dissector("mysql");
    carrier_handles[CCHA_CARRIER_HTTP] = find_dissector("http-over-tcp");
    /* 4.0's RMI dissector has no registered name; it also hosts the
     * "serialization" protocol (stream header only). */
    carrier_handles[CCHA_CARRIER_RMI] = dissector_get_default_uint_handle("tcp.port", 1099);
    carrier_handles[CCHA_CARRIER_JAVA_SER] = carrier_handles[CCHA_CARRIER_RMI];

    /* Keeps tapping active so the post-dissector can read the TCP flags
     * (as SMB2 does for NTLMSSP). */
    tcp_tap = find_tap_id("tcp");
    GString *err = register_tap_listener("tcp", &tcp_tap, NULL, TL_IS_DISSECTOR_HELPER, NULL, NULL, NULL, NULL);
    if (err)
        g_string_free(err, TRUE);
}
