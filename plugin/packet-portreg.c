/* packet-portreg.c
 * Port registry post-dissector: annotates every TCP/UDP/SCTP/DCCP frame
 * with what the IANA registry and known real-world use say about its two
 * ports, which side is the service, and which protocol Wireshark actually
 * found on the conversation.
 *
 * The registry lookup and the de facto table are epan-free (registry.c,
 * defacto.c); this file is the thin Wireshark glue, modelled on
 * packet-communityid.c. Per-conversation results are computed once, on the
 * first pass, and kept in wmem file scope.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/stat_tap_ui.h>
#include <epan/uat.h>
#include <epan/addr_resolv.h>
#include <epan/dissectors/packet-tcp.h>

#include "citrix_post.h"
#include "registry.h"
#include "defacto.h"
#include "port_range.h"

#if WSC_VERSION_AT_LEAST(4, 4)
typedef bool portreg_uat_ret_t;
#else
typedef gboolean portreg_uat_ret_t;
#endif

void proto_register_portreg(void);
void proto_reg_handoff_portreg(void);

static int proto_portreg = -1;
static int proto_tcp = -1, proto_udp = -1, proto_sctp = -1, proto_dccp = -1;
static int proto_icmp = -1, proto_icmpv6 = -1, proto_data = -1;
static int portreg_tap = -1;
static int portreg_frame_tap = -1;     /* every frame placed in a conversation: -z portreg,conv */
/* srcport/dstport field ids of each transport (registry_transport_t order) */
static int hf_transport_srcport[REGISTRY_N_TRANSPORTS] = { -1, -1, -1, -1 };
static int hf_transport_dstport[REGISTRY_N_TRANSPORTS] = { -1, -1, -1, -1 };

static int hf_portreg_transport = -1;
static int hf_portreg_port = -1;
static int hf_portreg_role = -1;
static int hf_portreg_range = -1;
static int hf_portreg_iana_status = -1;
static int hf_portreg_iana_listed = -1;
static int hf_portreg_iana_service = -1;
static int hf_portreg_iana_description = -1;
static int hf_portreg_iana_ports = -1;
static int hf_portreg_iana_registered = -1;
static int hf_portreg_iana_modified = -1;
static int hf_portreg_iana_note = -1;
static int hf_portreg_iana_unauthorized = -1;
static int hf_portreg_wireshark_service = -1;
static int hf_portreg_defacto = -1;
static int hf_portreg_defacto_kind = -1;
static int hf_portreg_defacto_source = -1;
static int hf_portreg_divergent = -1;
static int hf_portreg_ghost = -1;
static int hf_portreg_observed = -1;
static int hf_portreg_role_from = -1;

static gint ett_portreg = -1;
static gint ett_portreg_endpoint = -1;

static expert_field ei_portreg_listener_unregistered = EI_INIT;
static expert_field ei_portreg_observed_differs = EI_INIT;
static expert_field ei_portreg_divergent = EI_INIT;
static expert_field ei_portreg_ghost = EI_INIT;

static const value_string range_vals[] = {
    { PORT_RANGE_SYSTEM,  "System (0-1023)" },
    { PORT_RANGE_USER,    "User (1024-49151)" },
    { PORT_RANGE_DYNAMIC, "Dynamic/Private (49152-65535)" },
    { 0, NULL }
};

static const value_string status_vals[] = {
    { REGISTRY_DYNAMIC,    "Dynamic (never assigned)" },
    { REGISTRY_ASSIGNED,   "Assigned" },
    { REGISTRY_RESERVED,   "Reserved" },
    { REGISTRY_UNASSIGNED, "Unassigned" },
    { REGISTRY_LISTED,     "Listed without service name" },
    { 0, NULL }
};

/* ---- user de facto table (UAT "portreg_defacto") ---- */

typedef struct {
    char *ports;       /* "2014" or "16500-16509" */
    char *transport;   /* "tcp", "udp,sctp", "any" */
    guint kind;        /* defacto_kind_t, chosen from kind_vals */
    char *label;
    char *source;
} portreg_uat_rec_t;

static portreg_uat_rec_t *uat_recs;
static guint n_uat_recs;
/* Parsed copy of the UAT, rebuilt whenever the user edits it. */
static defacto_row_t *user_rows;
static guint n_user_rows;

UAT_CSTRING_CB_DEF(portreg_uat, ports, portreg_uat_rec_t)
UAT_CSTRING_CB_DEF(portreg_uat, transport, portreg_uat_rec_t)
/* The UAT's kind column is a choice list; the file keeps the names. */
static const value_string kind_vals[] = {
    { DEFACTO_MATCHES,      "matches" },
    { DEFACTO_DIVERGENT,    "divergent" },
    { DEFACTO_GHOST,        "ghost" },
    { DEFACTO_CLAIMED,      "claimed" },
    { DEFACTO_UNREGISTERED, "unregistered" },
    { 0, NULL }
};
UAT_VS_DEF(portreg_uat, kind, portreg_uat_rec_t, guint, DEFACTO_NONE, "divergent")
UAT_CSTRING_CB_DEF(portreg_uat, label, portreg_uat_rec_t)
UAT_CSTRING_CB_DEF(portreg_uat, source, portreg_uat_rec_t)

static portreg_uat_ret_t
portreg_uat_chk_ports(void *r _U_, const char *p, unsigned len, const void *u1 _U_, const void *u2 _U_, char **err)
{
    char *s = g_strndup(p, len);
    guint16 lo, hi;
    int ok = defacto_parse_ports(s, &lo, &hi);
    g_free(s);
    if (!ok)
        *err = g_strdup("Ports must be a port (2014) or a range (16500-16509) within 0-65535");
    return ok ? TRUE : FALSE;
}

static portreg_uat_ret_t
portreg_uat_chk_transport(void *r _U_, const char *p, unsigned len, const void *u1 _U_, const void *u2 _U_, char **err)
{
    char *s = g_strndup(p, len);
    unsigned mask = defacto_parse_transports(s);
    g_free(s);
    if (!mask)
        *err = g_strdup("Transport must be tcp, udp, sctp, dccp, a comma list of those, or any");
    return mask ? TRUE : FALSE;
}

static void *
portreg_uat_copy(void *dest, const void *src, size_t len _U_)
{
    const portreg_uat_rec_t *s = (const portreg_uat_rec_t *)src;
    portreg_uat_rec_t *d = (portreg_uat_rec_t *)dest;
    d->ports = g_strdup(s->ports);
    d->transport = g_strdup(s->transport);
    d->kind = s->kind;
    d->label = g_strdup(s->label);
    d->source = g_strdup(s->source);
    return d;
}

static void
portreg_uat_free(void *rec)
{
    portreg_uat_rec_t *r = (portreg_uat_rec_t *)rec;
    g_free(r->ports);
    g_free(r->transport);
    g_free(r->label);
    g_free(r->source);
}

static portreg_uat_ret_t
portreg_uat_update(void *rec, char **err)
{
    portreg_uat_rec_t *r = (portreg_uat_rec_t *)rec;
    guint16 lo, hi;
    if (!r->ports || !defacto_parse_ports(r->ports, &lo, &hi)) {
        *err = g_strdup("Invalid ports");
        return FALSE;
    }
    if (!r->transport || !defacto_parse_transports(r->transport)) {
        *err = g_strdup("Invalid transport");
        return FALSE;
    }
    if (try_val_to_str(r->kind, kind_vals) == NULL) {
        *err = g_strdup("Kind must be one of: matches, divergent, ghost, claimed, unregistered");
        return FALSE;
    }
    if (!r->label || !*r->label) {
        *err = g_strdup("A label is required");
        return FALSE;
    }
    return TRUE;
}

static void
portreg_uat_post_update(void)
{
    g_free(user_rows);
    user_rows = n_uat_recs ? g_new0(defacto_row_t, n_uat_recs) : NULL;
    n_user_rows = 0;
    for (guint i = 0; i < n_uat_recs; i++) {
        const portreg_uat_rec_t *r = &uat_recs[i];
        defacto_row_t *row = &user_rows[n_user_rows];
        if (!r->ports || !defacto_parse_ports(r->ports, &row->lo, &row->hi))
            continue;
        row->transports = (guint8)defacto_parse_transports(r->transport);
        row->kind = (guint8)r->kind;
        if (!row->transports || try_val_to_str(r->kind, kind_vals) == NULL)
            continue;
        row->label = r->label ? r->label : "";
        row->source = r->source && *r->source ? r->source : "user table (portreg_defacto)";
        n_user_rows++;
    }
}

/* ---- per-conversation state ---- */

typedef struct {
    registry_info_t iana;
    defacto_row_t defacto;       /* copied: UAT strings are owned by the UAT */
    defacto_kind_t kind;         /* DEFACTO_NONE when no row */
    const char *ws_name;         /* Wireshark's own services name, NULL if none */
    const char *label[2];        /* subtree text as client [0] / service [1]; formatted on first use */
    const char *row_ports;       /* "27000-27009" when the deciding row is a range, else NULL */
    guint16 port;
} portreg_endpoint_t;

enum { ROLE_FROM_REGISTRY = 0, ROLE_FROM_HANDSHAKE = 1 };

typedef struct {
    portreg_endpoint_t ep[2];    /* ep[0]: source of the first frame seen */
    address a_addr;
    guint32 first_frame;
    guint32 listen_frame;        /* service side answered (SYN/ACK or response); 0 = not seen */
    guint32 observed_frame;
    const char *observed;        /* protocol filter name; static in epan */
    guint8 transport;            /* registry_transport_t */
    guint8 service;              /* index of the service endpoint */
    guint8 role_from;
    guint8 sent;                 /* bit i: endpoint i has sent */
    guint8 tcp_completeness;
    gboolean observed_differs;
    const char *summary;         /* top item text, formatted on first use ... */
    guint8 summary_state;        /* ... for this SUMMARY_* state */
} portreg_conv_t;

/* The TCP dissector's completeness bit for a SYN/ACK (packet-tcp.c). */
#define TCP_COMPLETENESS_SYNACK 0x02

static const char *const role_from_names[] = { "registry (better-registered/lower port)", "handshake" };

static port_type
transport_port_type(registry_transport_t t)
{
    switch (t) {
    case REGISTRY_TCP:  return PT_TCP;
    case REGISTRY_UDP:  return PT_UDP;
    case REGISTRY_SCTP: return PT_SCTP;
    case REGISTRY_DCCP: return PT_DCCP;
    default:            return PT_NONE;
    }
}

static void
endpoint_init(portreg_endpoint_t *ep, registry_transport_t t, guint16 port)
{
    const defacto_row_t *row;

    ep->port = port;
    registry_lookup(t, port, &ep->iana);
    /* User rows win over the built-in table. */
    row = defacto_find(user_rows, n_user_rows, t, port);
    if (row) {
        ep->defacto = *row;
        ep->defacto.label = wmem_strdup(wmem_file_scope(), row->label);
        ep->defacto.source = wmem_strdup(wmem_file_scope(), row->source);
    } else if ((row = defacto_builtin_lookup(t, port)) != NULL) {
        ep->defacto = *row;
    }
    ep->kind = defacto_effective_kind(row, &ep->iana);
    {
        const char *ws = try_serv_name_lookup(transport_port_type(t), port);
        const char *first = registry_name(&ep->iana, 0);
        /* Shown only where it differs from IANA's first name (a personal
         * services file, Wireshark's 15-character cut, an older table). */
        ep->ws_name = ws && !(first && strcmp(ws, first) == 0) ? wmem_strdup(wmem_file_scope(), ws) : NULL;
        ep->row_ports = ep->iana.listed && ep->iana.row_lo != ep->iana.row_hi
            ? wmem_strdup_printf(wmem_file_scope(), "%u-%u", ep->iana.row_lo, ep->iana.row_hi) : NULL;
    }
}

/* Lower is better registered: Assigned, listed, Reserved, Unassigned, Dynamic. */
static int
registration_rank(const portreg_endpoint_t *ep)
{
    static const int rank[] = { [REGISTRY_DYNAMIC] = 8, [REGISTRY_ASSIGNED] = 0, [REGISTRY_LISTED] = 2,
                                [REGISTRY_RESERVED] = 4, [REGISTRY_UNASSIGNED] = 6 };
    int r = rank[ep->iana.status];
    /* a known real-world service counts for a little */
    if (ep->kind != DEFACTO_NONE && ep->kind != DEFACTO_GHOST)
        r -= 1;
    return r;
}

static guint8
service_by_registry(const portreg_conv_t *c)
{
    int r0 = registration_rank(&c->ep[0]), r1 = registration_rank(&c->ep[1]);
    if (r0 != r1)
        return r0 < r1 ? 0 : 1;
    if (c->ep[0].port != c->ep[1].port)
        return c->ep[0].port < c->ep[1].port ? 0 : 1;
    return 1;   /* same port both ways: the first frame went to the service */
}

/* The TCP dissector remembers the server port from SYN or SYN/ACK. */
static void
apply_tcp_handshake(portreg_conv_t *c, conversation_t *conv, packet_info *pinfo, int from)
{
    const struct tcp_analysis *tcpd = (const struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp);
    guint8 newly;

    if (!tcpd)
        return;
    if (tcpd->server_port && c->role_from != ROLE_FROM_HANDSHAKE) {
        if (c->ep[0].port != c->ep[1].port) {
            c->service = tcpd->server_port == c->ep[0].port ? 0 : 1;
            c->role_from = ROLE_FROM_HANDSHAKE;
        }
    }
    newly = (guint8)(tcpd->conversation_completeness & ~c->tcp_completeness);
    c->tcp_completeness = tcpd->conversation_completeness;
    if ((newly & TCP_COMPLETENESS_SYNACK) && !c->listen_frame) {
        /* The SYN/ACK's sender is the listener, whatever the registry says. */
        c->service = (guint8)from;
        c->role_from = ROLE_FROM_HANDSHAKE;
        c->listen_frame = pinfo->num;
    }
}

static void
note_observed(portreg_conv_t *c, int app_proto, guint32 num)
{
    const portreg_endpoint_t *svc;

    if (c->observed || app_proto < 0 || app_proto == proto_data)
        return;
    c->observed = proto_get_protocol_filter_name(app_proto);
    c->observed_frame = num;
    svc = &c->ep[c->service];
    c->observed_differs = svc->iana.status == REGISTRY_ASSIGNED
        && !registry_service_matches(&svc->iana, c->observed)
        && !(svc->ws_name && strcmp(svc->ws_name, c->observed) == 0);
}

/* First-pass bookkeeping for one frame of the conversation. */
static void
update_conv(portreg_conv_t *c, conversation_t *conv, packet_info *pinfo, int from, int app_proto)
{
    if (c->transport == REGISTRY_TCP) {
        /* nothing left to learn from TCP once the SYN/ACK has been seen */
        if (!c->listen_frame)
            apply_tcp_handshake(c, conv, pinfo, from);
    }
    else if (!c->listen_frame && from == c->service && (c->sent & (1u << (1 - from))))
        c->listen_frame = pinfo->num;   /* the service side answered the client */
    c->sent |= (guint8)(1u << from);
    note_observed(c, app_proto, pinfo->num);
}

static portreg_conv_t *
new_conv(packet_info *pinfo, registry_transport_t t, guint16 sport, guint16 dport)
{
    portreg_conv_t *c = wmem_new0(wmem_file_scope(), portreg_conv_t);
    c->transport = (guint8)t;
    c->first_frame = pinfo->num;
    copy_address_wmem(wmem_file_scope(), &c->a_addr, &pinfo->net_src);
    endpoint_init(&c->ep[0], t, sport);
    endpoint_init(&c->ep[1], t, dport);
    c->service = service_by_registry(c);
    c->role_from = ROLE_FROM_REGISTRY;
    return c;
}

/* Which endpoint sent this frame. */
static int
sender_index(const portreg_conv_t *c, const packet_info *pinfo, guint16 sport)
{
    if (c->ep[0].port != c->ep[1].port)
        return sport == c->ep[0].port ? 0 : 1;
    return addresses_equal(&pinfo->net_src, &c->a_addr) ? 0 : 1;
}

/* Innermost transport of the frame and the protocol dissected right above
 * it. Frames whose transport sits inside an ICMP error are skipped: the
 * quoted header is not a conversation of this capture. */
static gboolean
find_transport(packet_info *pinfo, registry_transport_t *t, int *app_proto, guint32 *layer)
{
    wmem_list_frame_t *f;
    int pos = 0, transport_pos = -1, transport_proto = -1, after = -1;
    gboolean icmp_before = FALSE, icmp_seen = FALSE;

    for (f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f), pos++) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp || id == proto_icmpv6) {
            icmp_seen = TRUE;
        } else if (id == proto_tcp || id == proto_udp || id == proto_sctp || id == proto_dccp) {
            transport_pos = pos;
            transport_proto = id;
            icmp_before = icmp_seen;
            after = -1;
        } else if (transport_pos >= 0 && after < 0 && id != citrix_post_proto()) {
            /* first layer above the transport; the post-dissector (us) comes last */
            after = id;
        }
    }
    if (transport_pos < 0 || icmp_before)
        return FALSE;
    if (transport_proto == proto_tcp)
        *t = REGISTRY_TCP;
    else if (transport_proto == proto_udp)
        *t = REGISTRY_UDP;
    else if (transport_proto == proto_sctp)
        *t = REGISTRY_SCTP;
    else
        *t = REGISTRY_DCCP;
    *app_proto = after;
    /* pinfo->curr_layer_num counted this protocol when it was appended to
     * pinfo->layers (frame is layer 1) */
    *layer = (guint32)transport_pos + 1;
    return TRUE;
}

/* The transport's own ports. A dissector above the transport may rewrite
 * pinfo->ptype and the ports (InfiniBand over UDP 4791 puts queue pairs
 * there, CAPWAP's 802.11 management frames leave 1/1), so pinfo is never
 * read. TCP, UDP and SCTP record the ports of their header as packet-scope
 * proto data keyed by their srcport/dstport field id and layer number (for
 * Decode As); a recorded 0 reads as absent, so a header with both ports 0
 * is taken from pinfo when pinfo says exactly that for this transport.
 * DCCP records nothing in 4.0, so DCCP falls back to pinfo, but only while
 * DCCP itself set it and nothing above DCCP was dissected. */
static gboolean
transport_ports(packet_info *pinfo, registry_transport_t t, guint32 layer, int app_proto,
                guint16 *sport, guint16 *dport)
{
    if (hf_transport_srcport[t] > 0) {
        guint s = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, hf_transport_srcport[t], layer));
        guint d = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, hf_transport_dstport[t], layer));
        /* a recorded 0 reads as "absent": both 0 means nothing recorded */
        if (s || d) {
            *sport = (guint16)s;
            *dport = (guint16)d;
            return TRUE;
        }
    }
    if (pinfo->ptype == transport_port_type(t) &&
        (t == REGISTRY_DCCP ? app_proto < 0 : pinfo->srcport == 0 && pinfo->destport == 0)) {
        *sport = (guint16)pinfo->srcport;
        *dport = (guint16)pinfo->destport;
        return TRUE;
    }
    return FALSE;
}

static gboolean
listener_unregistered(const portreg_conv_t *c)
{
    registry_status_t status = c->ep[c->service].iana.status;
    return c->listen_frame && (status == REGISTRY_UNASSIGNED || status == REGISTRY_DYNAMIC);
}

/* Items the expert infos hang on; all NULL without a tree. */
typedef struct {
    proto_item *top;
    proto_item *observed;
    proto_item *flag[2];          /* divergent/ghost flag of endpoint i */
} portreg_items_t;

static gboolean
endpoint_expert(const portreg_conv_t *c, const packet_info *pinfo, int i)
{
    return pinfo->num == c->first_frame && (c->ep[i].kind == DEFACTO_DIVERGENT || c->ep[i].kind == DEFACTO_GHOST);
}

static gboolean
has_expert(const portreg_conv_t *c, const packet_info *pinfo)
{
    return endpoint_expert(c, pinfo, 0) || endpoint_expert(c, pinfo, 1)
        || (pinfo->num == c->listen_frame && listener_unregistered(c))
        || (pinfo->num == c->observed_frame && c->observed_differs);
}

/* The findings, on the frames that carry them, whether or not a tree is
 * built: expert_add_info_format() queues the expert tap (tshark -z expert,
 * the GUI's Expert Information) even with a NULL item. */
static void
add_experts(packet_info *pinfo, const portreg_conv_t *c, const portreg_items_t *it)
{
    const portreg_endpoint_t *svc = &c->ep[c->service];
    const char *tname = registry_transport_name((registry_transport_t)c->transport);

    if (pinfo->num == c->observed_frame && c->observed_differs)
        expert_add_info_format(pinfo, it->observed, &ei_portreg_observed_differs,
                               "Observed protocol %s on %s port %u, IANA service there is %s",
                               c->observed, tname, svc->port, registry_name(&svc->iana, 0));
    if (pinfo->num == c->listen_frame && listener_unregistered(c))
        expert_add_info_format(pinfo, it->top, &ei_portreg_listener_unregistered,
                               "Service listening on %s port %s/%u (%s)",
                               svc->iana.status == REGISTRY_DYNAMIC ? "Dynamic" : "Unassigned", tname, svc->port,
                               c->transport == REGISTRY_TCP ? "SYN/ACK seen" : "response seen");
    for (int k = 0; k < 2; k++) {
        int i = k == 0 ? c->service : 1 - c->service;
        const portreg_endpoint_t *ep = &c->ep[i];
        const char *first = registry_name(&ep->iana, 0);
        if (!endpoint_expert(c, pinfo, i))
            continue;
        if (ep->kind == DEFACTO_DIVERGENT)
            expert_add_info_format(pinfo, it->flag[i], &ei_portreg_divergent,
                                   "%s port %u: IANA lists %s, de facto use: %s", tname, ep->port,
                                   first ? first : "no service", ep->defacto.label);
        else
            expert_add_info_format(pinfo, it->flag[i], &ei_portreg_ghost,
                                   "%s port %u is registered (%s) but no product is known to use it",
                                   tname, ep->port, first ? first : "no service name");
    }
}

/* Subtree text, formatted once per conversation and only when a tree is
 * shown (tshark -V, the GUI): most conversations are never looked at. */
static const char *
endpoint_label(portreg_endpoint_t *ep, gboolean is_service)
{
    if (!ep->label[is_service]) {
        const char *first = registry_name(&ep->iana, 0);
        if (is_service)
            ep->label[1] = wmem_strdup_printf(wmem_file_scope(), "Service port %u: %s%s%s", ep->port,
                                              val_to_str_const(ep->iana.status, status_vals, "?"),
                                              first ? " " : "", first ? first : "");
        /* A client's port is usually whatever its stack picked: its IANA
         * entry says nothing about the traffic, so the label names none
         * (the fields below still carry it). */
        else if (ep->kind == DEFACTO_DIVERGENT || ep->kind == DEFACTO_GHOST)
            ep->label[0] = wmem_strdup_printf(wmem_file_scope(), "Client port %u (%s port)", ep->port,
                                              defacto_kind_name(ep->kind));
        else
            ep->label[0] = wmem_strdup_printf(wmem_file_scope(), "Client port %u", ep->port);
    }
    return ep->label[is_service];
}

static proto_item *
add_endpoint_tree(proto_tree *tree, tvbuff_t *tvb, portreg_conv_t *c, int idx)
{
    portreg_endpoint_t *ep = &c->ep[idx];
    gboolean is_service = idx == c->service;
    proto_item *ti, *flag = NULL;
    proto_tree *et;

    et = proto_tree_add_subtree(tree, tvb, 0, 0, ett_portreg_endpoint, NULL,
                                PTREE_DATA(tree)->visible ? endpoint_label(ep, is_service) : "");
    ti = proto_tree_add_uint(et, hf_portreg_port, tvb, 0, 0, ep->port);
    proto_item_set_generated(ti);
    ti = proto_tree_add_string(et, hf_portreg_role, tvb, 0, 0, is_service ? "service" : "client");
    proto_item_set_generated(ti);
    ti = proto_tree_add_uint(et, hf_portreg_range, tvb, 0, 0, port_range_of(ep->port));
    proto_item_set_generated(ti);
    ti = proto_tree_add_uint(et, hf_portreg_iana_status, tvb, 0, 0, ep->iana.status);
    proto_item_set_generated(ti);
    if (ep->iana.status == REGISTRY_UNASSIGNED) {
        /* only here does it tell something: explicit "Unassigned" row or no row */
        ti = proto_tree_add_boolean(et, hf_portreg_iana_listed, tvb, 0, 0, ep->iana.listed);
        proto_item_set_generated(ti);
    }
    for (unsigned i = 0; i < ep->iana.n_names; i++) {
        ti = proto_tree_add_string(et, hf_portreg_iana_service, tvb, 0, 0, registry_name(&ep->iana, i));
        proto_item_set_generated(ti);
    }
    if (ep->iana.listed) {
        ti = proto_tree_add_string(et, hf_portreg_iana_description, tvb, 0, 0, ep->iana.description);
        proto_item_set_generated(ti);
        if (ep->row_ports) {
            ti = proto_tree_add_string(et, hf_portreg_iana_ports, tvb, 0, 0, ep->row_ports);
            proto_item_set_generated(ti);
        }
    }
    if (*ep->iana.registered) {
        ti = proto_tree_add_string(et, hf_portreg_iana_registered, tvb, 0, 0, ep->iana.registered);
        proto_item_set_generated(ti);
    }
    if (*ep->iana.modified) {
        ti = proto_tree_add_string(et, hf_portreg_iana_modified, tvb, 0, 0, ep->iana.modified);
        proto_item_set_generated(ti);
    }
    if (*ep->iana.note) {
        ti = proto_tree_add_string(et, hf_portreg_iana_note, tvb, 0, 0, ep->iana.note);
        proto_item_set_generated(ti);
    }
    if (*ep->iana.unauthorized) {
        ti = proto_tree_add_string(et, hf_portreg_iana_unauthorized, tvb, 0, 0, ep->iana.unauthorized);
        proto_item_set_generated(ti);
    }
    if (ep->ws_name) {
        ti = proto_tree_add_string(et, hf_portreg_wireshark_service, tvb, 0, 0, ep->ws_name);
        proto_item_set_generated(ti);
    }
    if (ep->kind != DEFACTO_NONE) {
        ti = proto_tree_add_string(et, hf_portreg_defacto, tvb, 0, 0, ep->defacto.label);
        proto_item_set_generated(ti);
        ti = proto_tree_add_string(et, hf_portreg_defacto_kind, tvb, 0, 0, defacto_kind_name(ep->kind));
        proto_item_set_generated(ti);
        ti = proto_tree_add_string(et, hf_portreg_defacto_source, tvb, 0, 0, ep->defacto.source);
        proto_item_set_generated(ti);
    }
    /* Flags only when set, like tcp.analysis: a bare "portreg.divergent"
     * filter then means what it says. */
    if (ep->kind == DEFACTO_DIVERGENT) {
        flag = proto_tree_add_boolean(et, hf_portreg_divergent, tvb, 0, 0, TRUE);
        proto_item_set_generated(flag);
    } else if (ep->kind == DEFACTO_GHOST) {
        flag = proto_tree_add_boolean(et, hf_portreg_ghost, tvb, 0, 0, TRUE);
        proto_item_set_generated(flag);
    }
    return flag;
}

/* What the summary line depends on besides the registry: it changes at
 * most twice per conversation, on the first pass. */
#define SUMMARY_FORMATTED 0x01
#define SUMMARY_LISTENER  0x02
#define SUMMARY_OBSERVED  0x04

static gboolean listener_unregistered(const portreg_conv_t *c);

/* What matters about the service port, in one line: the top item's text. */
static const char *
format_summary(wmem_allocator_t *pool, const portreg_conv_t *c)
{
    const portreg_endpoint_t *svc = &c->ep[c->service];
    const char *tname = registry_transport_name((registry_transport_t)c->transport);
    const char *first = registry_name(&svc->iana, 0);
    wmem_strbuf_t *b = wmem_strbuf_new(pool, "");

    wmem_strbuf_append_printf(b, "%s/%u: ", tname, svc->port);
    if (first)
        wmem_strbuf_append_printf(b, "IANA %s", first);
    else
        wmem_strbuf_append(b, val_to_str_const(svc->iana.status, status_vals, "?"));
    switch (svc->kind) {
    case DEFACTO_DIVERGENT:
        wmem_strbuf_append_printf(b, ", de facto %s (divergent)", svc->defacto.label);
        break;
    case DEFACTO_GHOST:
        wmem_strbuf_append(b, ", no known use (ghost)");
        break;
    case DEFACTO_UNREGISTERED:
        wmem_strbuf_append_printf(b, ", de facto %s (unregistered use)", svc->defacto.label);
        break;
    case DEFACTO_CLAIMED:
        wmem_strbuf_append_printf(b, ", %s", svc->defacto.label);
        break;
    case DEFACTO_MATCHES:
        wmem_strbuf_append_printf(b, ", de facto %s", svc->defacto.label);
        break;
    default:
        break;
    }
    if (listener_unregistered(c))
        wmem_strbuf_append_printf(b, ", listener on a%s port",
                                  svc->iana.status == REGISTRY_DYNAMIC ? " Dynamic" : "n Unassigned");
    if (c->observed_differs)
        wmem_strbuf_append_printf(b, ", observed %s (differs)", c->observed);
    return wmem_strbuf_finalize(b);
}

/* Formatted once per conversation state, not per frame: tshark -T fields
 * and -T json show a tree on every frame. */
static const char *
summary_line(portreg_conv_t *c)
{
    guint8 state = (guint8)(SUMMARY_FORMATTED | (listener_unregistered(c) ? SUMMARY_LISTENER : 0)
                            | (c->observed_differs ? SUMMARY_OBSERVED : 0));
    if (c->summary_state != state) {
        c->summary = format_summary(wmem_file_scope(), c);
        c->summary_state = state;
    }
    return c->summary;
}

static void
add_tree(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo _U_, portreg_conv_t *c, portreg_items_t *it)
{
    const char *tname = registry_transport_name((registry_transport_t)c->transport);
    proto_item *ti;
    proto_tree *pt;

    it->top = proto_tree_add_item(tree, proto_portreg, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(it->top);
    if (PTREE_DATA(tree)->visible)
        proto_item_append_text(it->top, ", %s", summary_line(c));
    pt = proto_item_add_subtree(it->top, ett_portreg);
    ti = proto_tree_add_string(pt, hf_portreg_transport, tvb, 0, 0, tname);
    proto_item_set_generated(ti);
    ti = proto_tree_add_string(pt, hf_portreg_role_from, tvb, 0, 0, role_from_names[c->role_from]);
    proto_item_set_generated(ti);
    if (c->observed) {
        it->observed = proto_tree_add_string(pt, hf_portreg_observed, tvb, 0, 0, c->observed);
        proto_item_set_generated(it->observed);
    }
    it->flag[c->service] = add_endpoint_tree(pt, tvb, c, c->service);
    it->flag[1 - c->service] = add_endpoint_tree(pt, tvb, c, 1 - c->service);
}

/* A small cache of recent conversations, one slot per hash of the ends:
 * find_conversation() is most of this post-dissector's cost, and frames
 * come from a handful of conversations at a time (one after another, or
 * many sessions interleaved).  A slot is valid only if the transport
 * touched that very conversation in this frame (TCP and UDP set last_frame
 * when they find it), so a conversation TCP starts anew on port reuse is
 * never missed.  Cleared with the capture file. */
#define CONV_CACHE_SLOTS 64     /* a power of two */

typedef struct {
    conversation_t *conv;
    portreg_conv_t *c;
    guint8 addr_src[16], addr_dst[16];
    int addr_len;
    int addr_type;
    guint16 sport, dport;
    guint8 transport;
} conv_cache_slot;

static conv_cache_slot conv_cache[CONV_CACHE_SLOTS];

/* Low 32 bits of an address. */
static guint32
addr_fold(const address *a)
{
    const guint8 *p = (const guint8 *)a->data;
    guint32 v = 0;

    for (int i = a->len > 4 ? a->len - 4 : 0; i < a->len; i++)
        v = v << 8 | p[i];
    return v;
}

/* The same slot for both directions of a conversation. */
static conv_cache_slot *
conv_cache_slot_of(const packet_info *pinfo, guint16 sport, guint16 dport)
{
    guint32 h = (guint32)(sport ^ dport) ^ addr_fold(&pinfo->net_src) ^ addr_fold(&pinfo->net_dst);

    h ^= h >> 16;
    h ^= h >> 8;
    return &conv_cache[h & (CONV_CACHE_SLOTS - 1)];
}

static gboolean
conv_cache_matches(const conv_cache_slot *e, const packet_info *pinfo, registry_transport_t t,
                   guint16 sport, guint16 dport)
{
    const address *s = &pinfo->net_src, *d = &pinfo->net_dst;

    if (!e->conv || e->conv->last_frame != pinfo->num || e->transport != (guint8)t
        || s->type != e->addr_type || s->len != e->addr_len || d->len != s->len)
        return FALSE;
    if (sport == e->sport && dport == e->dport
        && memcmp(s->data, e->addr_src, s->len) == 0 && memcmp(d->data, e->addr_dst, d->len) == 0)
        return TRUE;
    return sport == e->dport && dport == e->sport
        && memcmp(s->data, e->addr_dst, s->len) == 0 && memcmp(d->data, e->addr_src, d->len) == 0;
}

static void
conv_cache_set(conv_cache_slot *e, const packet_info *pinfo, registry_transport_t t, guint16 sport,
               guint16 dport, conversation_t *conv, portreg_conv_t *c)
{
    const address *s = &pinfo->net_src, *d = &pinfo->net_dst;

    e->conv = NULL;
    if (s->len != d->len || s->len > (int)sizeof e->addr_src || s->type != d->type)
        return;
    memcpy(e->addr_src, s->data, s->len);
    memcpy(e->addr_dst, d->data, d->len);
    e->addr_len = s->len;
    e->addr_type = s->type;
    e->sport = sport;
    e->dport = dport;
    e->transport = (guint8)t;
    e->c = c;
    e->conv = conv;
}

static void
portreg_cleanup(void)
{
    memset(conv_cache, 0, sizeof conv_cache);
}

static void queue_frame_rec(packet_info *pinfo, const portreg_conv_t *c, guint16 sport);

static int
dissect_portreg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    registry_transport_t t;
    int app_proto;
    guint32 layer;
    guint16 sport, dport;
    conversation_type ctype;
    conversation_t *conv;
    portreg_conv_t *c;
    portreg_items_t items = { NULL, NULL, { NULL, NULL } };

    if (pinfo->flags.in_error_pkt || !find_transport(pinfo, &t, &app_proto, &layer)
        || !transport_ports(pinfo, t, layer, app_proto, &sport, &dport))
        return 0;
    conv_cache_slot *slot = conv_cache_slot_of(pinfo, sport, dport);
    if (conv_cache_matches(slot, pinfo, t, sport, dport)) {
        conv = slot->conv;
        c = slot->c;
    } else {
        ctype = conversation_pt_to_conversation_type(transport_port_type(t));
        conv = find_conversation(pinfo->num, &pinfo->net_src, &pinfo->net_dst, ctype, sport, dport, 0);
        if (!conv) {
            if (PINFO_FD_VISITED(pinfo))
                return 0;
            /* SCTP and DCCP do not always keep a conversation of their own. */
            conv = conversation_new(pinfo->num, &pinfo->net_src, &pinfo->net_dst, ctype, sport, dport, 0);
        }
        c = (portreg_conv_t *)conversation_get_proto_data(conv, proto_portreg);
        if (!c) {
            if (PINFO_FD_VISITED(pinfo))
                return 0;
            c = new_conv(pinfo, t, sport, dport);
            conversation_add_proto_data(conv, proto_portreg, c);
        }
        conv_cache_set(slot, pinfo, t, sport, dport, conv, c);
    }
    if (!PINFO_FD_VISITED(pinfo))
        update_conv(c, conv, pinfo, sender_index(c, pinfo, sport), app_proto);

    if ((pinfo->num == c->first_frame || pinfo->num == c->listen_frame) && have_tap_listener(portreg_tap))
        tap_queue_packet(portreg_tap, pinfo, c);
    if (have_tap_listener(portreg_frame_tap))
        queue_frame_rec(pinfo, c, sport);

    /* An invisible tree (tshark -Y/-T fields) gets items only when one of
     * our fields (an expert's filter name included) is asked for. */
    if (tree && (proto_field_is_referenced(tree, proto_portreg) || wsc_expert_fields_referenced(tree)))
        add_tree(tree, tvb, pinfo, c, &items);
    if (has_expert(c, pinfo))
        add_experts(pinfo, c, &items);
    return tvb_captured_length(tvb);
}

/* ---- stats tree: tshark -z portreg,tree ---- */

static const char st_str_conversations[] = "Conversations (service port)";
static const char st_str_range[] = "By range";
static const char st_str_status[] = "By IANA status";
static const char st_str_divergent[] = "Divergent ports";
static const char st_str_ghost[] = "Ghost ports";
static const char st_str_listeners[] = "Listeners on Unassigned or Dynamic ports";
static int st_node_conversations = -1, st_node_range = -1, st_node_status = -1;
static int st_node_divergent = -1, st_node_ghost = -1, st_node_listeners = -1;

static void
portreg_stats_init(stats_tree *st)
{
    st_node_conversations = stats_tree_create_node(st, st_str_conversations, 0, STAT_DT_INT, TRUE);
    st_node_range = stats_tree_create_node(st, st_str_range, st_node_conversations, STAT_DT_INT, TRUE);
    st_node_status = stats_tree_create_node(st, st_str_status, st_node_conversations, STAT_DT_INT, TRUE);
    st_node_divergent = stats_tree_create_node(st, st_str_divergent, 0, STAT_DT_INT, TRUE);
    st_node_ghost = stats_tree_create_node(st, st_str_ghost, 0, STAT_DT_INT, TRUE);
    st_node_listeners = stats_tree_create_node(st, st_str_listeners, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status
portreg_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p,
                     tap_flags_t flags _U_)
{
    const portreg_conv_t *c = (const portreg_conv_t *)p;
    const portreg_endpoint_t *svc = &c->ep[c->service];
    const char *tname = registry_transport_name((registry_transport_t)c->transport);
    char name[256];

    if (pinfo->num == c->first_frame) {
        tick_stat_node(st, st_str_conversations, 0, TRUE);
        tick_stat_node(st, st_str_range, st_node_conversations, TRUE);
        tick_stat_node(st, port_range_name(port_range_of(svc->port)), st_node_range, FALSE);
        tick_stat_node(st, st_str_status, st_node_conversations, TRUE);
        tick_stat_node(st, val_to_str_const(svc->iana.status, status_vals, "?"), st_node_status, FALSE);
        for (int i = 0; i < 2; i++) {
            const portreg_endpoint_t *ep = &c->ep[i];
            const char *first = registry_name(&ep->iana, 0);
            if (ep->kind == DEFACTO_DIVERGENT) {
                tick_stat_node(st, st_str_divergent, 0, TRUE);
                snprintf(name, sizeof name, "%s/%u IANA %s, de facto %s", tname, ep->port,
                         first ? first : "-", ep->defacto.label);
                tick_stat_node(st, name, st_node_divergent, FALSE);
            } else if (ep->kind == DEFACTO_GHOST) {
                tick_stat_node(st, st_str_ghost, 0, TRUE);
                snprintf(name, sizeof name, "%s/%u IANA %s", tname, ep->port, first ? first : "-");
                tick_stat_node(st, name, st_node_ghost, FALSE);
            }
        }
    }
    if (pinfo->num == c->listen_frame && listener_unregistered(c)) {
        tick_stat_node(st, st_str_listeners, 0, TRUE);
        snprintf(name, sizeof name, "%s/%u %s", tname, svc->port,
                 val_to_str_const(svc->iana.status, status_vals, "?"));
        tick_stat_node(st, name, st_node_listeners, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

/* ---- stats tree: tshark -z portreg_defacto,tree — the de facto table ---- */

static const char st_str_builtin[] = "Built-in table (Citrix ports)";
static const char st_str_user[] = "Your rows (portreg_defacto UAT; they win)";
static int st_node_builtin = -1, st_node_user = -1;

/* "tcp,udp/2897: registered to Citrix ... (ghost; IANA citrix-rtmp)" */
static void
defacto_row_name(char *buf, size_t size, const defacto_row_t *r)
{
    char transports[32] = "", ports[16];
    registry_info_t iana;
    const char *first = NULL;

    for (int t = 0; t < REGISTRY_N_TRANSPORTS; t++) {
        if (!(r->transports & DEFACTO_TRANSPORT_BIT(t)))
            continue;
        if (!first && registry_lookup((registry_transport_t)t, r->lo, &iana))
            first = registry_name(&iana, 0);
        g_strlcat(transports, transports[0] ? "," : "", sizeof transports);
        g_strlcat(transports, registry_transport_name((registry_transport_t)t), sizeof transports);
    }
    if (r->lo == r->hi)
        snprintf(ports, sizeof ports, "%u", r->lo);
    else
        snprintf(ports, sizeof ports, "%u-%u", r->lo, r->hi);
    snprintf(buf, size, "%s/%s: %s (%s; IANA %s)", transports, ports, r->label,
             defacto_kind_name((defacto_kind_t)r->kind),
             r->lo != r->hi ? "varies, see per port" : first ? first : "no service name");
}

static void
portreg_defacto_init(stats_tree *st)
{
    size_t n;
    const defacto_row_t *rows = defacto_builtin_rows(&n);
    char name[512];

    /* Every row is listed, seen or not: the tree doubles as the table's listing. */
    st_node_builtin = stats_tree_create_node(st, st_str_builtin, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < n; i++) {
        defacto_row_name(name, sizeof name, &rows[i]);
        stats_tree_create_node(st, name, st_node_builtin, STAT_DT_INT, FALSE);
    }
    st_node_user = stats_tree_create_node(st, st_str_user, 0, STAT_DT_INT, TRUE);
    for (guint i = 0; i < n_user_rows; i++) {
        defacto_row_name(name, sizeof name, &user_rows[i]);
        stats_tree_create_node(st, name, st_node_user, STAT_DT_INT, FALSE);
    }
}

/* Counts conversations whose ports hit a row (each endpoint once). */
static tap_packet_status
portreg_defacto_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p,
                       tap_flags_t flags _U_)
{
    const portreg_conv_t *c = (const portreg_conv_t *)p;
    char name[512];

    if (pinfo->num != c->first_frame)
        return TAP_PACKET_DONT_REDRAW;
    for (int i = 0; i < 2; i++) {
        const portreg_endpoint_t *ep = &c->ep[i];
        registry_transport_t t = (registry_transport_t)c->transport;
        const defacto_row_t *row;
        if (ep->kind == DEFACTO_NONE)
            continue;
        if ((row = defacto_find(user_rows, n_user_rows, t, ep->port)) != NULL) {
            defacto_row_name(name, sizeof name, row);
            tick_stat_node(st, st_str_user, 0, TRUE);
            tick_stat_node(st, name, st_node_user, FALSE);
        } else if ((row = defacto_builtin_lookup(t, ep->port)) != NULL) {
            defacto_row_name(name, sizeof name, row);
            tick_stat_node(st, st_str_builtin, 0, TRUE);
            tick_stat_node(st, name, st_node_builtin, FALSE);
        }
    }
    return TAP_PACKET_REDRAW;
}

/* ---- tshark -z portreg,conv: one line per conversation and service side ----
 *
 * What a script needs of every conversation without a tree on every frame
 * (citrix-triage reads it from the same pass as its other data): for each
 * conversation and each (service side, direction) it was seen with, the
 * service's and the client's address and port, the frames, the last frame,
 * and the service endpoint's registry facts as the endpoint subtree shows
 * them on that last frame. A conversation whose service side changed (the
 * SYN/ACK decided) has a line for each side; where both ports are equal the
 * service address is each frame's source (the service's port is the source
 * port), so each direction has its own line.
 * Printed once, when tshark draws its taps:
 *
 *   transport TAB service address TAB service port TAB client address TAB client port
 *   TAB frames TAB last frame TAB portreg.iana.status TAB portreg.range TAB portreg.defacto.kind
 *   TAB divergent (0/1) TAB ghost (0/1) TAB portreg.observed TAB portreg.defacto
 *   [TAB portreg.iana.service]...
 *
 * strings with a backslash, tab, CR or LF escaped as \\ \t \r \n; an absent
 * string is empty. */

typedef struct {
    const portreg_conv_t *c;
    guint8 service;             /* c->service after this frame */
    gboolean svc_is_src;        /* the service's port is this frame's source port */
    gboolean svc_is_a;          /* the service's address is c->a_addr (the first frame's source) */
} portreg_frame_rec_t;

static void
queue_frame_rec(packet_info *pinfo, const portreg_conv_t *c, guint16 sport)
{
    portreg_frame_rec_t *rec = wmem_new(pinfo->pool, portreg_frame_rec_t);
    rec->c = c;
    rec->service = c->service;
    rec->svc_is_src = sport == c->ep[c->service].port;
    rec->svc_is_a = addresses_equal(rec->svc_is_src ? &pinfo->net_src : &pinfo->net_dst, &c->a_addr);
    tap_queue_packet(portreg_frame_tap, pinfo, rec);
}

typedef struct {
    const portreg_conv_t *c;    /* key: the conversation ... */
    guint8 service;             /* ... its service side ... */
    gboolean svc_is_a;          /* ... and which address is the service's */
    GString *line;              /* the fixed part, from the first frame */
    guint32 frames, last_frame;
    const char *observed;       /* protocol filter name (static in epan) on the last frame */
} conv_line_t;

typedef struct {
    GHashTable *lines;          /* conv_line_t by key; owns them */
    GPtrArray *order;           /* first-seen order */
    conv_line_t *last;          /* the previous frame's line */
    gboolean drawn;
} conv_listener_t;

static guint
conv_line_hash(gconstpointer k)
{
    const conv_line_t *l = (const conv_line_t *)k;
    return g_direct_hash(l->c) ^ ((guint)l->service << 1) ^ (guint)l->svc_is_a;
}

static gboolean
conv_line_equal(gconstpointer a, gconstpointer b)
{
    const conv_line_t *x = (const conv_line_t *)a, *y = (const conv_line_t *)b;
    return x->c == y->c && x->service == y->service && x->svc_is_a == y->svc_is_a;
}

static void
conv_line_free(gpointer p)
{
    conv_line_t *l = (conv_line_t *)p;
    g_string_free(l->line, TRUE);
    g_free(l);
}

static void
append_escaped(GString *s, const char *text)
{
    s = g_string_append_c(s, '\t');
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '\\': g_string_append(s, "\\\\"); break;
        case '\t': g_string_append(s, "\\t"); break;
        case '\n': g_string_append(s, "\\n"); break;
        case '\r': g_string_append(s, "\\r"); break;
        default:   g_string_append_c(s, *p); break;
        }
    }
}

/* Everything of the line but frames, last frame and observed: fixed for the key. */
static GString *
conv_line_text(const portreg_conv_t *c, guint8 service, gboolean svc_is_src, packet_info *pinfo)
{
    const portreg_endpoint_t *svc = &c->ep[service], *cli = &c->ep[1 - service];
    const address *sa = svc_is_src ? &pinfo->net_src : &pinfo->net_dst;
    const address *ca = svc_is_src ? &pinfo->net_dst : &pinfo->net_src;
    char *text;
    GString *s = g_string_new(registry_transport_name((registry_transport_t)c->transport));

    text = address_to_str(NULL, sa);
    append_escaped(s, text);
    wmem_free(NULL, text);
    g_string_append_printf(s, "\t%u", svc->port);
    text = address_to_str(NULL, ca);
    append_escaped(s, text);
    wmem_free(NULL, text);
    g_string_append_printf(s, "\t%u", cli->port);
    return s;
}

static tap_packet_status
conv_listener_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                     tap_flags_t flags _U_)
{
    conv_listener_t *ls = (conv_listener_t *)tapdata;
    const portreg_frame_rec_t *rec = (const portreg_frame_rec_t *)data;
    conv_line_t key = { rec->c, rec->service, rec->svc_is_a, NULL, 0, 0, NULL };
    conv_line_t *l = ls->last;

    if (!l || !conv_line_equal(l, &key)) {
        l = (conv_line_t *)g_hash_table_lookup(ls->lines, &key);
        if (!l) {
            l = g_new(conv_line_t, 1);
            *l = key;
            l->line = conv_line_text(rec->c, rec->service, rec->svc_is_src, pinfo);
            g_hash_table_add(ls->lines, l);
            g_ptr_array_add(ls->order, l);
        }
        ls->last = l;
    }
    l->frames++;
    l->last_frame = pinfo->num;
    l->observed = rec->c->observed;
    return TAP_PACKET_DONT_REDRAW;
}

/* The service endpoint's facts, as add_endpoint_tree() shows them. */
static void
append_service_facts(GString *s, const portreg_endpoint_t *svc)
{
    g_string_append_printf(s, "\t%u\t%u", (unsigned)svc->iana.status, (unsigned)port_range_of(svc->port));
    append_escaped(s, svc->kind != DEFACTO_NONE ? defacto_kind_name(svc->kind) : NULL);
    g_string_append_printf(s, "\t%d\t%d", svc->kind == DEFACTO_DIVERGENT, svc->kind == DEFACTO_GHOST);
}

static void
conv_listener_draw(void *tapdata)
{
    conv_listener_t *ls = (conv_listener_t *)tapdata;
    GString *s = g_string_new("");

    if (ls->drawn)
        return;
    ls->drawn = TRUE;
    printf("===================================================================\n");
    printf("Port registry conversations (portreg,conv):\n");
    for (guint i = 0; i < ls->order->len; i++) {
        const conv_line_t *l = (const conv_line_t *)g_ptr_array_index(ls->order, i);
        const portreg_endpoint_t *svc = &l->c->ep[l->service];
        g_string_assign(s, l->line->str);
        g_string_append_printf(s, "\t%u\t%u", l->frames, l->last_frame);
        append_service_facts(s, svc);
        append_escaped(s, l->observed);
        append_escaped(s, svc->kind != DEFACTO_NONE ? svc->defacto.label : NULL);
        for (unsigned n = 0; n < svc->iana.n_names; n++)
            append_escaped(s, registry_name(&svc->iana, n));
        printf("%s\n", s->str);
    }
    printf("===================================================================\n");
    g_string_free(s, TRUE);
}

static void
conv_listener_reset(void *tapdata)
{
    conv_listener_t *ls = (conv_listener_t *)tapdata;
    ls->last = NULL;
    g_ptr_array_set_size(ls->order, 0);
    g_hash_table_remove_all(ls->lines);
}

static void
conv_listener_finish(void *tapdata)
{
    conv_listener_t *ls = (conv_listener_t *)tapdata;
    g_ptr_array_free(ls->order, TRUE);
    g_hash_table_destroy(ls->lines);
    g_free(ls);
}

static wsc_stat_tap_init_ret_t
portreg_conv_init(const char *opt_arg _U_, void *userdata _U_)
{
    conv_listener_t *ls = g_new0(conv_listener_t, 1);
    GString *err;

    ls->lines = g_hash_table_new_full(conv_line_hash, conv_line_equal, conv_line_free, NULL);
    ls->order = g_ptr_array_new();
    err = register_tap_listener("portreg_frame", ls, NULL, TL_REQUIRES_NOTHING, conv_listener_reset,
                                conv_listener_packet, conv_listener_draw, conv_listener_finish);
    if (err) {
        fprintf(stderr, "portreg,conv: %s\n", err->str);
        g_string_free(err, TRUE);
        conv_listener_finish(ls);
        WSC_STAT_TAP_INIT_RETURN(FALSE);
    }
    WSC_STAT_TAP_INIT_RETURN(TRUE);
}

static stat_tap_ui portreg_conv_ui = {
    .group = REGISTER_STAT_GROUP_GENERIC,
    .title = "Port Registry/Conversation rows",
    .cli_string = "portreg,conv",
    .tap_init_cb = portreg_conv_init,
    .nparams = 0,
    .params = NULL,
};

void
proto_register_portreg(void)
{
    static hf_register_info hf[] = {
        { &hf_portreg_transport,
          { "Transport", "portreg.transport", FT_STRING, BASE_NONE, NULL, 0x0,
            "Innermost transport of the frame: tcp, udp, sctp or dccp", HFILL } },
        { &hf_portreg_role_from,
          { "Roles from", "portreg.role_from", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the service side was chosen: TCP handshake, or registry status and lower port", HFILL } },
        { &hf_portreg_observed,
          { "Observed protocol", "portreg.observed", FT_STRING, BASE_NONE, NULL, 0x0,
            "First application protocol Wireshark dissected on this conversation (so far, on the first pass)",
            HFILL } },
        { &hf_portreg_port,
          { "Port", "portreg.port", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_portreg_role,
          { "Role", "portreg.role", FT_STRING, BASE_NONE, NULL, 0x0, "service or client", HFILL } },
        { &hf_portreg_range,
          { "Range", "portreg.range", FT_UINT8, BASE_DEC, VALS(range_vals), 0x0,
            "RFC 6335 port range", HFILL } },
        { &hf_portreg_iana_status,
          { "IANA status", "portreg.iana.status", FT_UINT8, BASE_DEC, VALS(status_vals), 0x0,
            "IANA registry status of this port for this transport", HFILL } },
        { &hf_portreg_iana_listed,
          { "IANA row", "portreg.iana.listed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The registry has a row covering this port and transport", HFILL } },
        { &hf_portreg_iana_service,
          { "IANA service", "portreg.iana.service", FT_STRING, BASE_NONE, NULL, 0x0,
            "Every IANA service name for this port and transport, registry order", HFILL } },
        { &hf_portreg_iana_description,
          { "IANA description", "portreg.iana.description", FT_STRING, BASE_NONE, NULL, 0x0,
            "IANA description of the first service name (or of the row without a name)", HFILL } },
        { &hf_portreg_iana_ports,
          { "IANA row ports", "portreg.iana.ports", FT_STRING, BASE_NONE, NULL, 0x0,
            "Port range of the registry row, when it covers more than one port", HFILL } },
        { &hf_portreg_iana_registered,
          { "IANA registration date", "portreg.iana.registered", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_portreg_iana_modified,
          { "IANA modification date", "portreg.iana.modified", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_portreg_iana_note,
          { "IANA assignment note", "portreg.iana.note", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_portreg_iana_unauthorized,
          { "IANA: unauthorized use reported", "portreg.iana.unauthorized", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_portreg_wireshark_service,
          { "Wireshark service name", "portreg.wireshark.service", FT_STRING, BASE_NONE, NULL, 0x0,
            "Name from Wireshark's services file (a personal services file can override it)", HFILL } },
        { &hf_portreg_defacto,
          { "De facto use", "portreg.defacto", FT_STRING, BASE_NONE, NULL, 0x0,
            "Known real-world use that differs from or adds to the registry", HFILL } },
        { &hf_portreg_defacto_kind,
          { "De facto kind", "portreg.defacto.kind", FT_STRING, BASE_NONE, NULL, 0x0,
            "matches, divergent, ghost, claimed or unregistered", HFILL } },
        { &hf_portreg_defacto_source,
          { "De facto source", "portreg.defacto.source", FT_STRING, BASE_NONE, NULL, 0x0,
            "Public source of the de facto row", HFILL } },
        { &hf_portreg_divergent,
          { "Divergent", "portreg.divergent", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Registry and de facto use disagree", HFILL } },
        { &hf_portreg_ghost,
          { "Ghost", "portreg.ghost", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Registered, but no product is known to use it", HFILL } },
    };
    static gint *ett[] = { &ett_portreg, &ett_portreg_endpoint };
    static ei_register_info ei[] = {
        { &ei_portreg_listener_unregistered,
          { "portreg.listener_unregistered", PI_PROTOCOL, PI_NOTE,
            "Service listening on an Unassigned or Dynamic port", EXPFILL } },
        { &ei_portreg_observed_differs,
          { "portreg.observed_differs", PI_PROTOCOL, PI_NOTE,
            "Observed protocol differs from the IANA service of the port", EXPFILL } },
        { &ei_portreg_divergent,
          { "portreg.divergent_port", PI_PROTOCOL, PI_CHAT,
            "Port used de facto for something other than its IANA assignment", EXPFILL } },
        { &ei_portreg_ghost,
          { "portreg.ghost_port", PI_PROTOCOL, PI_CHAT,
            "Registered port with no known use", EXPFILL } },
    };
    static uat_field_t uat_fields[] = {
        UAT_FLD_CSTRING_OTHER(portreg_uat, ports, "Ports", portreg_uat_chk_ports,
                              "A port (2014) or an inclusive range (16500-16509)"),
        UAT_FLD_CSTRING_OTHER(portreg_uat, transport, "Transport", portreg_uat_chk_transport,
                              "tcp, udp, sctp, dccp, a comma list of those, or any"),
        UAT_FLD_VS(portreg_uat, kind, "Kind", kind_vals,
                   "matches, divergent (IANA assigned it to something else), ghost (registered, unused), "
                   "claimed (weak source) or unregistered (IANA has not assigned it)"),
        UAT_FLD_CSTRING(portreg_uat, label, "Use", "What your organisation runs on these ports"),
        UAT_FLD_CSTRING(portreg_uat, source, "Source", "Where this is documented"),
        UAT_END_FIELDS
    };
    module_t *module;
    expert_module_t *expert;
    uat_t *uat;

    proto_portreg = proto_register_protocol("Port Registry", "PortReg", "portreg");
    proto_register_field_array(proto_portreg, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_portreg);
    expert_register_field_array(expert, ei, array_length(ei));

    module = prefs_register_protocol(proto_portreg, NULL);
    uat = uat_new("Port registry: de facto port uses", sizeof(portreg_uat_rec_t), "portreg_defacto", TRUE,
                  &uat_recs, &n_uat_recs, UAT_AFFECTS_DISSECTION, NULL, portreg_uat_copy, portreg_uat_update,
                  portreg_uat_free, portreg_uat_post_update, NULL, uat_fields);
    prefs_register_uat_preference(module, "defacto", "De facto port uses",
                                  "Your organisation's port uses; rows win over the built-in Citrix table", uat);

    citrix_post_add(CITRIX_POST_PORTREG, proto_portreg, dissect_portreg);
    register_cleanup_routine(portreg_cleanup);
    portreg_tap = register_tap("portreg");
    portreg_frame_tap = register_tap("portreg_frame");
}

void
proto_reg_handoff_portreg(void)
{
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_udp = proto_get_id_by_filter_name("udp");
    proto_sctp = proto_get_id_by_filter_name("sctp");
    proto_dccp = proto_get_id_by_filter_name("dccp");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    proto_data = proto_get_id_by_filter_name("data");
    {
        static const char *const names[REGISTRY_N_TRANSPORTS][2] = {
            { "tcp.srcport", "tcp.dstport" }, { "udp.srcport", "udp.dstport" },
            { "sctp.srcport", "sctp.dstport" }, { "dccp.srcport", "dccp.dstport" } };
        for (int i = 0; i < REGISTRY_N_TRANSPORTS; i++) {
            hf_transport_srcport[i] = proto_registrar_get_id_byname(names[i][0]);
            hf_transport_dstport[i] = proto_registrar_get_id_byname(names[i][1]);
        }
    }
    stats_tree_register_plugin("portreg", "portreg", "Port Registry/Conversations", 0, portreg_stats_packet,
                               portreg_stats_init, NULL);
    stats_tree_register_plugin("portreg", "portreg_defacto", "Port Registry/De facto table", 0,
                               portreg_defacto_packet, portreg_defacto_init, NULL);
    register_stat_tap_ui(&portreg_conv_ui, NULL);
}

/*
 * Editor modelines  -  https://www.wireshark.org/tools/modelines.html
 *
 * Local variables:
 * c-basic-offset: 4
 * tab-width: 8
 * indent-tabs-mode: nil
 * End:
 *
 * vi: set shiftwidth=4 tabstop=8 expandtab:
 * :indentSize=4:tabSize=8:noTabs=true:
 */
