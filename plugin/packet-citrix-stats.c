/* packet-citrix-stats.c - the plugin's statistics trees, in tshark
 * (`-z citrix,tree`, `-z ccha,tree`) and in the GUI's Statistics > Citrix
 * menu, and the "citrix" post-dissector.  No wire format here: everything
 * reads the records the dissectors queue on their taps (include/citrix_tap.h):
 *   "ica"  ica_tap_rec, one per ICA chunk (packet-ica.c)
 *   "cgp"  cgp_tap_rec, one per CGP message (packet-cgp.c)
 *   "ccha" ccha_tap_rec, one per data frame or FIN/RST of a TCP 2014 link
 *
 * citrix,tree: one row per session (a CGP session and the ICA session it
 * carries are one row) with what the session learned (client, encryption,
 * compression, channel bytes per direction, round-trip and bandwidth
 * estimates of high-throughput headers, CGP resumes and refusals), then one
 * row per Command Center HA link with its messages, gaps, closes and resets.
 * A stats tree listens on one tap: this one's is "frame" (queued at the end
 * of each frame's dissection), and each instance adds its own listeners on
 * "cgp", "ica" and "ccha" (same filter).  CGP and ICA records of a frame are
 * held until the frame's "frame" record and then read CGP first, because a
 * CGP record says which ICA session it carries; records held from a frame
 * whose "frame" record never came (the GUI removes the tree's listener after
 * its retap) are dropped unread.  ccha records (the FIN/RST ones come from a
 * post-dissector, after "frame") are counted at once.
 *
 * ccha,tree: the numbers tshark's former `-z ccha,tree` text table printed
 * (messages, median and largest interval, gaps per direction; closes and
 * resets per link), as tree nodes.
 *
 * The "citrix" post-dissector shows the same records per frame as fields
 * (citrix.session: the session's number, citrix.vc.bytes per channel write,
 * citrix.rtt_ms...), so a filter or a script (tools/triage) can follow one
 * session over time; session numbers are those of the tree's rows.  It reads
 * the records from the packet (citrix_tap_queue keeps them there), not from
 * the tap queue: the GUI dissects the packet it shows without taps.
 *
 * Findings (citrix.finding, with an expert info each, the same kinds as
 * tools/triage's report): "reset", a TCP RST on a connection that carries a
 * session (which side sent it: the client is the side that sent the
 * session's client-to-server records); "refused_resume", a CGP resume the
 * server refused; "high_rtt", a high-throughput round-trip estimate or an
 * EDT connection's UDT ACK round trip over 150 ms; "launch_failed", a CTXCTL launch answered with a failure status
 * (the ica tap's ICA_TAP_CTL_LAUNCH_STATUS fact); "credentials_exposed", a
 * password in the handshake's UI_C2H module or a WDCREDENTIALS command of a
 * session whose encryption is Basic or none (ICA_TAP_CREDENTIALS);
 * "capture_gap", bytes the ICA decoder was told are missing (a TCP hole, a
 * lost EDT datagram or CGP record); "desync", framing lost (the
 * ica.desync.* expert infos).  A reset frame carries no
 * record: the TCP header TCP queued for its tap says RST on the first pass
 * (taps run then), and the verdict is kept with the frame for later passes.
 *
 * Counts are stats-tree counters (gint): values above G_MAXINT are shown as
 * G_MAXINT.  Attribute values (client name, encryption...) are node names;
 * a node is ticked each time the session's value changes to it, so a value
 * that changed shows each value it had.  Nodes are sorted by name whatever
 * the user's sort preference.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/proto_data.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/stats_tree.h>
#include <epan/stats_tree_priv.h>   /* stats_tree.filter: the extra listeners use the same */

#include "citrix_post.h"
#include "citrix_tap.h"
#include "packet-ica-int.h"    /* compression_vals: the one table of compression names */

void proto_register_citrix_stats(void);
void proto_reg_handoff_citrix_stats(void);

static int tap_id_ica = 0, tap_id_cgp = 0, tap_id_ccha = 0, tap_id_edt = 0;     /* 0: not registered */

static const char *const dir_names[2] = { "client to server", "server to client" };
static const char *const ha_dir_names[2] = { "to service port", "from service port" };

static gint clamp_count(guint64 v)
{
    return v > (guint64)G_MAXINT ? G_MAXINT : (gint)v;
}

/* ---- running median (ccha,tree) ------------------------------------------
 * Median of every interval so far, updated per message in O(log n): the
 * lower half in a max-heap (stored negated in a min-heap), the upper half in
 * a min-heap.  Even count: mean of the two middle values rounded down, as
 * ccha_median_of() computes it for the per-frame fields. */

static void heap_push(GArray *h, gint64 v)
{
    g_array_append_val(h, v);
    gint64 *a = (gint64 *)(void *)h->data;
    for (guint i = h->len - 1; i > 0;) {
        guint p = (i - 1) / 2;
        if (a[p] <= a[i])
            break;
        gint64 t = a[p]; a[p] = a[i]; a[i] = t;
        i = p;
    }
}

static gint64 heap_pop(GArray *h)
{
    gint64 *a = (gint64 *)(void *)h->data;
    gint64 top = a[0];
    a[0] = a[h->len - 1];
    g_array_set_size(h, h->len - 1);
    for (guint i = 0;;) {
        guint l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && a[l] < a[m])
            m = l;
        if (r < h->len && a[r] < a[m])
            m = r;
        if (m == i)
            break;
        gint64 t = a[m]; a[m] = a[i]; a[i] = t;
        i = m;
    }
    return top;
}

#define HEAP_TOP(h) (((gint64 *)(void *)(h)->data)[0])

typedef struct {
    GArray *lo;     /* negated values of the lower half */
    GArray *hi;     /* upper half */
} running_median;

static void median_init(running_median *m)
{
    m->lo = g_array_new(FALSE, FALSE, sizeof(gint64));
    m->hi = g_array_new(FALSE, FALSE, sizeof(gint64));
}

static void median_free(running_median *m)
{
    g_array_free(m->lo, TRUE);
    g_array_free(m->hi, TRUE);
}

static void median_add(running_median *m, gint64 v)    /* v >= 0 */
{
    if (m->lo->len == 0 || v <= -HEAP_TOP(m->lo))
        heap_push(m->lo, -v);
    else
        heap_push(m->hi, v);
    if (m->lo->len > m->hi->len + 1)
        heap_push(m->hi, -heap_pop(m->lo));
    else if (m->hi->len > m->lo->len)
        heap_push(m->lo, -heap_pop(m->hi));
}

static gint64 median_get(const running_median *m)     /* at least one value */
{
    gint64 a = -HEAP_TOP(m->lo);
    if (m->lo->len > m->hi->len)
        return a;
    gint64 b = HEAP_TOP(m->hi);
    return a / 2 + b / 2 + ((a % 2 + b % 2) / 2);
}

/* ---- per-tree state ------------------------------------------------------
 * The stats tree owns the nodes; these tables own what the nodes are
 * computed from.  Keyed by the stats_tree (tshark may run several instances
 * of one tree with different filters); emptied by each init (the GUI calls
 * it again on every retap). */

typedef struct {
    guint32 messages;
    guint32 gaps;
    gint64 max_interval_ns;
    guint32 intervals;
    running_median median;
} ha_dir;

typedef struct {
    int node;                   /* the link's node id */
    const char *carrier;        /* last carrier shown (static string) */
    guint32 closes, resets;
    ha_dir dir[2];
} ha_link;

typedef struct {
    int node;                   /* the session's node id */
    int channels_node;
    const char *transport;
    gchar *client_name;
    guint32 client_build;       /* + 1; 0 = not shown */
    guint32 product;            /* + 1; 0 = not shown */
    const char *encryption;
    const char *compression[2];
} session_row;

struct tree_state;
typedef struct {
    struct tree_state *ts;
    stats_tree *st;
    gboolean registered;
} extra_listener;               /* tap data of one of the instance's own listeners */

enum { L_CGP, L_ICA, L_CCHA, L_COUNT };

typedef struct tree_state {
    extra_listener lst[L_COUNT];
    guint32 pending_frame;      /* frame the held records belong to */
    GPtrArray *pending[2];      /* [L_CGP], [L_ICA]: records held until "frame" */
    GHashTable *rows;           /* session number (citrix.session) -> session_row */
    GPtrArray *row_list;        /* owns the rows */
    GHashTable *links;          /* ccha link -> ha_link */
    guint32 n_sessions;
    int sessions_node;
    int links_node;
} tree_state;

static GHashTable *states;      /* stats_tree * -> tree_state * */

static void ha_link_free(gpointer p)
{
    ha_link *l = (ha_link *)p;
    median_free(&l->dir[0].median);
    median_free(&l->dir[1].median);
    g_free(l);
}

static void row_free(gpointer p)
{
    session_row *r = (session_row *)p;
    g_free(r->client_name);
    g_free(r);
}

static void state_clear(tree_state *ts)
{
    if (ts->rows) {
        g_hash_table_destroy(ts->rows);
        g_ptr_array_free(ts->row_list, TRUE);
        g_hash_table_destroy(ts->links);
        g_ptr_array_free(ts->pending[0], TRUE);
        g_ptr_array_free(ts->pending[1], TRUE);
    }
    ts->rows = g_hash_table_new(g_direct_hash, g_direct_equal);
    ts->row_list = g_ptr_array_new_with_free_func(row_free);
    ts->links = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, ha_link_free);
    ts->pending[0] = g_ptr_array_new();
    ts->pending[1] = g_ptr_array_new();
    ts->pending_frame = 0;
    ts->n_sessions = 0;
}

static void state_free(gpointer p)
{
    tree_state *ts = (tree_state *)p;
    for (int i = 0; i < L_COUNT; i++)
        if (ts->lst[i].registered)
            remove_tap_listener(&ts->lst[i]);
    g_hash_table_destroy(ts->rows);
    g_ptr_array_free(ts->row_list, TRUE);
    g_hash_table_destroy(ts->links);
    g_ptr_array_free(ts->pending[0], TRUE);
    g_ptr_array_free(ts->pending[1], TRUE);
    g_free(ts);
}

/* The instance's state, emptied (init runs again on every reset). */
static tree_state *state_reset(stats_tree *st)
{
    if (!states)
        states = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, state_free);
    tree_state *ts = (tree_state *)g_hash_table_lookup(states, st);
    if (!ts) {
        ts = g_new0(tree_state, 1);
        g_hash_table_insert(states, st, ts);
    }
    state_clear(ts);
    return ts;
}

static tree_state *state_of(stats_tree *st)
{
    return states ? (tree_state *)g_hash_table_lookup(states, st) : NULL;
}

static void state_cleanup(stats_tree *st)
{
    if (states)
        g_hash_table_remove(states, st);
}

/* ---- Command Center HA links (both trees) --------------------------------- */

static ha_link *ha_link_get(stats_tree *st, tree_state *ts, const ccha_tap_rec *rec)
{
    ha_link *l = (ha_link *)g_hash_table_lookup(ts->links, rec->link);
    if (l)
        return l;
    char name[160];
    l = g_new0(ha_link, 1);
    median_init(&l->dir[0].median);
    median_init(&l->dir[1].median);
    snprintf(name, sizeof name, "Link %u: %s -> %s", rec->link_id, rec->peer, rec->service);
    tick_stat_node(st, "Command Center HA links", 0, TRUE);
    l->node = tick_stat_node(st, name, ts->links_node, TRUE);
    g_hash_table_insert(ts->links, (gpointer)rec->link, l);
    return l;
}

/* Updates the link's numbers; with_timing adds the per-direction interval
 * nodes of ccha,tree. */
static void ha_update(stats_tree *st, tree_state *ts, const ccha_tap_rec *rec, packet_info *pinfo,
                      gboolean with_timing)
{
    gboolean new_link = g_hash_table_lookup(ts->links, rec->link) == NULL;
    ha_link *l = ha_link_get(st, ts, rec);
    char name[160];
    if (new_link && with_timing)
        set_stat_node(st, "First frame", l->node, FALSE, clamp_count(pinfo->num));
    if (l->carrier != rec->carrier) {
        l->carrier = rec->carrier;
        snprintf(name, sizeof name, "Carrier: %s", rec->carrier);
        tick_stat_node(st, name, l->node, FALSE);
    }
    ha_dir *d = &l->dir[rec->dir & 1];
    const char *dname = ha_dir_names[rec->dir & 1];
    if (rec->kind == CCHA_TAP_CLOSE) {
        l->closes++;
    } else if (rec->kind == CCHA_TAP_RESET) {
        l->resets++;
    } else if (rec->new_message) {
        d->messages++;
        if (rec->has_interval) {
            d->intervals++;
            median_add(&d->median, rec->interval_ns);
            if (rec->interval_ns > d->max_interval_ns)
                d->max_interval_ns = rec->interval_ns;
        }
        if (rec->gap)
            d->gaps++;
    }
    if (with_timing) {
        int dn = set_stat_node(st, dname, l->node, TRUE, clamp_count(d->messages));
        set_stat_node(st, "Messages", dn, FALSE, clamp_count(d->messages));
        if (d->intervals) {
            set_stat_node(st, "Median interval (us)", dn, FALSE,
                          clamp_count(((guint64)median_get(&d->median) + 500) / 1000));
            set_stat_node(st, "Max interval (us)", dn, FALSE, clamp_count(((guint64)d->max_interval_ns + 500) / 1000));
        }
        set_stat_node(st, "Gaps", dn, FALSE, clamp_count(d->gaps));
    } else {
        snprintf(name, sizeof name, "Messages %s", dname);
        set_stat_node(st, name, l->node, FALSE, clamp_count(d->messages));
        snprintf(name, sizeof name, "Gaps %s", dname);
        set_stat_node(st, name, l->node, FALSE, clamp_count(d->gaps));
    }
    set_stat_node(st, "Closes (FIN)", l->node, FALSE, clamp_count(l->closes));
    set_stat_node(st, "Resets (RST)", l->node, FALSE, clamp_count(l->resets));
}

/* ---- -z ccha,tree -------------------------------------------------------- */

static void ccha_tree_init(stats_tree *st)
{
    tree_state *ts = state_reset(st);
    ts->links_node = stats_tree_create_node(st, "Command Center HA links", 0, STAT_DT_INT, TRUE);
}

static tap_packet_status ccha_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                          const void *p, tap_flags_t flags _U_)
{
    tree_state *ts = state_of(st);
    if (!ts)
        return TAP_PACKET_DONT_REDRAW;
    ha_update(st, ts, (const ccha_tap_rec *)p, pinfo, TRUE);
    return TAP_PACKET_REDRAW;
}

/* ---- -z citrix,tree ------------------------------------------------------ */

static guint32 session_number(const void *session, const void *same_as);

/* Row names carry the session's number (citrix.session), zero-padded to
 * SESSION_DIGITS: stats_tree sorts rows by name as strings (strcmp or
 * g_ascii_strcasecmp, 4.0 to 4.6), so "Session 0002" comes before
 * "Session 0010" where "Session 2" would come after "Session 10".  Past
 * 9999 sessions in one capture the order is by string again ("Session
 * 10000" before "Session 9999"): a wider pad would cost every row. */
#define SESSION_DIGITS 4
static session_row *row_get(stats_tree *st, tree_state *ts, guint32 number, const char *label)
{
    session_row *r = (session_row *)g_hash_table_lookup(ts->rows, GUINT_TO_POINTER(number));
    if (r)
        return r;
    char name[200];
    r = g_new0(session_row, 1);
    ts->n_sessions++;
    snprintf(name, sizeof name, "Session %0*u: %s", SESSION_DIGITS, number, label ? label : "?");
    tick_stat_node(st, "Citrix sessions", 0, TRUE);
    r->node = tick_stat_node(st, name, ts->sessions_node, TRUE);
    r->channels_node = -1;
    g_ptr_array_add(ts->row_list, r);
    g_hash_table_insert(ts->rows, GUINT_TO_POINTER(number), r);
    return r;
}

static void row_transport(stats_tree *st, session_row *r, const char *transport)
{
    char name[64];
    if (!transport || (r->transport && strcmp(r->transport, transport) == 0))
        return;
    r->transport = transport;
    snprintf(name, sizeof name, "Transport: %s", transport);
    tick_stat_node(st, name, r->node, FALSE);
}

static void cgp_record(stats_tree *st, tree_state *ts, const cgp_tap_rec *rec)
{
    if (!rec->session)
        return;
    session_row *r = row_get(st, ts, session_number(rec->session, rec->ica), rec->label);
    row_transport(st, r, rec->transport);
    /* created at zero so that "no resume" reads as 0, not as absent */
    increase_stat_node(st, "CGP resumes", r->node, FALSE, rec->event == CGP_TAP_RESUME);
    increase_stat_node(st, "CGP refused resumes", r->node, FALSE, rec->event == CGP_TAP_RESUME_REFUSED);
}

static void row_learned(stats_tree *st, session_row *r, const ica_summary *sum)
{
    char name[200];
    if (sum->have_client_name && (!r->client_name || strcmp(r->client_name, sum->client_name) != 0)) {
        g_free(r->client_name);
        r->client_name = g_strndup(sum->client_name, sizeof sum->client_name);
        snprintf(name, sizeof name, "Client name: %s", r->client_name);
        tick_stat_node(st, name, r->node, FALSE);
    }
    if (sum->have_client_build && r->client_build != (guint32)sum->client_build + 1) {
        r->client_build = (guint32)sum->client_build + 1;
        snprintf(name, sizeof name, "Client build: %u", sum->client_build);
        tick_stat_node(st, name, r->node, FALSE);
    }
    if (sum->have_product_id && r->product != (guint32)sum->client_product_id + 1) {
        r->product = (guint32)sum->client_product_id + 1;
        snprintf(name, sizeof name, "Client product id: 0x%04x", sum->client_product_id);
        tick_stat_node(st, name, r->node, FALSE);
    }
    const char *enc = sum->encryption == ICA_ENC_UNKNOWN ? NULL :
                      val_to_str_const(sum->encryption, encryption_vals, "?");
    if (enc && enc != r->encryption) {
        r->encryption = enc;
        snprintf(name, sizeof name, "Encryption: %s", enc);
        tick_stat_node(st, name, r->node, FALSE);
    }
    for (int d = 0; d < 2; d++) {
        const char *comp = val_to_str_const(sum->compression[d], compression_vals, "unknown");
        if (sum->seen_connect && comp != r->compression[d]) {
            r->compression[d] = comp;
            snprintf(name, sizeof name, "Compression %s: %s", dir_names[d], comp);
            tick_stat_node(st, name, r->node, FALSE);
        }
    }
}

/* Channel totals from the session's summary (exact, whatever the carrier). */
static void row_channels(stats_tree *st, session_row *r, const ica_summary *sum)
{
    char name[64];
    guint64 total[2] = { 0, 0 };
    for (int ch = 0; ch <= ICA_MAX_VC; ch++) {
        guint64 c2s = ica_vc_bytes(sum, ICA_C2S, ch), s2c = ica_vc_bytes(sum, ICA_S2C, ch);
        total[0] += c2s;
        total[1] += s2c;
        if (c2s + s2c == 0)
            continue;
        if (ch == ICA_MAX_VC)
            snprintf(name, sizeof name, "channel 64 or above");
        else if (sum->vc_bound[ch] && sum->vc_name[ch][0])
            snprintf(name, sizeof name, "%.8s (%d)", sum->vc_name[ch], ch);
        else
            snprintf(name, sizeof name, "channel %d", ch);
        if (r->channels_node < 0)
            r->channels_node = stats_tree_create_node(st, "Channel bytes", r->node, STAT_DT_INT, TRUE);
        int cn = set_stat_node(st, name, r->channels_node, TRUE, clamp_count(c2s + s2c));
        set_stat_node(st, dir_names[0], cn, FALSE, clamp_count(c2s));
        set_stat_node(st, dir_names[1], cn, FALSE, clamp_count(s2c));
    }
    if (r->channels_node >= 0) {
        set_stat_node(st, "Channel bytes", r->node, TRUE, clamp_count(total[0] + total[1]));
        char n2[64];
        snprintf(n2, sizeof n2, "Undecoded bytes %s", dir_names[0]);
        set_stat_node(st, n2, r->node, FALSE, clamp_count(sum->undecoded_bytes[0]));
        snprintf(n2, sizeof n2, "Undecoded bytes %s", dir_names[1]);
        set_stat_node(st, n2, r->node, FALSE, clamp_count(sum->undecoded_bytes[1]));
    }
}

/* frame_cgp: the CGP session of a CGP record in the same frame, if any. */
static void ica_record(stats_tree *st, tree_state *ts, const ica_tap_rec *rec, const void *frame_cgp)
{
    session_row *r = row_get(st, ts, session_number(rec->session, frame_cgp), rec->label);
    if (!r->transport || strncmp(r->transport, "cgp", 3) != 0)    /* the CGP record is more precise */
        row_transport(st, r, rec->transport);
    if (rec->sum) {
        row_learned(st, r, rec->sum);
        row_channels(st, r, rec->sum);
    }
    for (guint i = 0; i < rec->n_ht && rec->ht; i++) {
        avg_stat_node_add_value_int(st, "Round-trip estimate (ms)", r->node, FALSE,
                                    clamp_count(rec->ht[i].rtt_ms));
        avg_stat_node_add_value_int(st, "Bandwidth estimate (bytes/s)", r->node, FALSE,
                                    clamp_count(rec->ht[i].bandwidth_bps));
    }
}

/* Extra listeners: hold CGP/ICA records until the frame's "frame" record. */
static tap_packet_status held_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    extra_listener *l = (extra_listener *)tapdata;
    tree_state *ts = l->ts;
    if (ts->pending_frame != pinfo->num) {
        g_ptr_array_set_size(ts->pending[0], 0);   /* never read: their frame is over */
        g_ptr_array_set_size(ts->pending[1], 0);
        ts->pending_frame = pinfo->num;
    }
    g_ptr_array_add(ts->pending[l == &ts->lst[L_CGP] ? 0 : 1], (gpointer)data);
    return TAP_PACKET_DONT_REDRAW;
}

static tap_packet_status ccha_packet_now(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    extra_listener *l = (extra_listener *)tapdata;
    ha_update(l->st, l->ts, (const ccha_tap_rec *)data, pinfo, FALSE);
    return TAP_PACKET_REDRAW;
}

/* Epan removes every listener itself when it ends (4.6: tap cleanup inside
 * epan_cleanup(), before the stats tree's own cleanup runs): a listener it
 * removed is not removed again by state_free(). */
static void extra_listener_finished(void *tapdata)
{
    ((extra_listener *)tapdata)->registered = FALSE;
}

static void add_listeners(stats_tree *st, tree_state *ts)
{
    static const char *const taps[L_COUNT] = { "cgp", "ica", "ccha" };
    for (int i = 0; i < L_COUNT; i++) {
        extra_listener *l = &ts->lst[i];
        if (l->registered || find_tap_id(taps[i]) == 0)
            continue;
        l->ts = ts;
        l->st = st;
        GString *err = register_tap_listener(taps[i], l, st->filter, TL_REQUIRES_NOTHING, NULL,
                                             i == L_CCHA ? ccha_packet_now : held_packet, NULL,
                                             extra_listener_finished);
        if (err) {
            fprintf(stderr, "citrix,tree: cannot listen on tap %s: %s\n", taps[i], err->str);
            g_string_free(err, TRUE);
            continue;
        }
        l->registered = TRUE;
    }
}

static void citrix_tree_init(stats_tree *st)
{
    tree_state *ts = state_reset(st);
    ts->sessions_node = stats_tree_create_node(st, "Citrix sessions", 0, STAT_DT_INT, TRUE);
    ts->links_node = stats_tree_create_node(st, "Command Center HA links", 0, STAT_DT_INT, TRUE);
    add_listeners(st, ts);
}

/* The "frame" record: the frame's held CGP records, then its ICA records. */
static tap_packet_status citrix_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                            const void *p _U_, tap_flags_t flags _U_)
{
    tree_state *ts = state_of(st);
    if (!ts || ts->pending_frame != pinfo->num)
        return TAP_PACKET_DONT_REDRAW;
    const void *frame_cgp = NULL;
    for (guint i = 0; i < ts->pending[0]->len; i++) {
        const cgp_tap_rec *c = (const cgp_tap_rec *)g_ptr_array_index(ts->pending[0], i);
        cgp_record(st, ts, c);
        frame_cgp = c->session ? c->session : frame_cgp;
    }
    for (guint i = 0; i < ts->pending[1]->len; i++)
        ica_record(st, ts, (const ica_tap_rec *)g_ptr_array_index(ts->pending[1], i), frame_cgp);
    gboolean any = ts->pending[0]->len || ts->pending[1]->len;
    g_ptr_array_set_size(ts->pending[0], 0);
    g_ptr_array_set_size(ts->pending[1], 0);
    ts->pending_frame = 0;
    return any ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

/* ---- session numbers and the "citrix" post-dissector ----------------------
 * A session's number is given the first time any of its records is seen
 * (file scope, first pass order).  An ICA session takes the number of the
 * CGP session that carries it: the one its CGP records name, or, for the
 * first ICA chunk (queued before the CGP record could name it), the CGP
 * session of the same frame (one frame is one connection, so one CGP
 * session). */

static int proto_citrix = -1;
static int hf_citrix_session = -1;
static int hf_citrix_transport = -1;
static int hf_citrix_direction = -1;
static int hf_citrix_ica_bytes = -1;
static int hf_citrix_vc_number = -1;
static int hf_citrix_vc_bytes = -1;
static int hf_citrix_rtt = -1;
static int hf_citrix_bandwidth = -1;
static int hf_citrix_cgp_event = -1;
static int hf_citrix_client_name = -1;
static int hf_citrix_client_build = -1;
static int hf_citrix_product_id = -1;
static int hf_citrix_encryption = -1;
static int hf_citrix_compression = -1;
static int hf_citrix_ha_link = -1;
static int hf_citrix_finding = -1;
static int ett_citrix = -1;
static expert_field ei_citrix_finding_reset = EI_INIT;
static expert_field ei_citrix_finding_refused = EI_INIT;
static expert_field ei_citrix_finding_high_rtt = EI_INIT;
static expert_field ei_citrix_finding_launch_failed = EI_INIT;
static expert_field ei_citrix_finding_credentials = EI_INIT;
static expert_field ei_citrix_finding_gap = EI_INIT;
static expert_field ei_citrix_finding_desync = EI_INIT;
static int tcp_tap_id = -1;

#define FINDING_RTT_MS 150      /* round trips over this are a finding (issue 17; HDX Insight's threshold) */
#define FINDING_KEY 0           /* file-scope per-frame data: the reset verdict (tap ids key pool data) */

typedef struct {                /* per TCP conversation that carries a session */
    guint32 number;             /* its session */
    address client;
    guint32 client_port;
} citrix_conv;

typedef struct {                /* a reset seen on the first pass */
    guint32 number;
    gboolean by_client;
} reset_verdict;

static wmem_map_t *session_numbers;     /* session pointer -> number (file scope) */
static guint32 n_session_numbers;

static const value_string direction_vals[] = {
    { ICA_C2S, "client to server" },
    { ICA_S2C, "server to client" },
    { 0, NULL }
};

static const value_string cgp_event_vals[] = {
    { CGP_TAP_MESSAGE, "message" },
    { CGP_TAP_BIND, "bind (new session)" },
    { CGP_TAP_RESUME, "resume attempt" },
    { CGP_TAP_RESUME_REFUSED, "resume refused" },
    { 0, NULL }
};

static guint32 last_rec_frame;     /* the last frame that kept a record: dissect_citrix's fast exit */

static void citrix_init(void)
{
    n_session_numbers = 0;
    last_rec_frame = 0;
}

static guint32 session_number(const void *session, const void *same_as)
{
    gpointer v = wmem_map_lookup(session_numbers, session);
    if (!v && same_as)
        v = wmem_map_lookup(session_numbers, same_as);
    if (!v) {
        v = GUINT_TO_POINTER(++n_session_numbers);
        wmem_map_insert(session_numbers, session, v);
    }
    if (same_as && !wmem_map_lookup(session_numbers, same_as))
        wmem_map_insert(session_numbers, same_as, v);
    return GPOINTER_TO_UINT(v);
}

static proto_tree *citrix_tree(proto_tree *tree, tvbuff_t *tvb, guint32 number, const char *transport)
{
    proto_item *ti = proto_tree_add_item(tree, proto_citrix, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    proto_item_append_text(ti, ", session %u (%s)", number, transport ? transport : "?");
    proto_tree *t = proto_item_add_subtree(ti, ett_citrix);
    proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_session, tvb, 0, 0, number));
    if (transport)
        proto_item_set_generated(proto_tree_add_string(t, hf_citrix_transport, tvb, 0, 0, transport));
    return t;
}

/* First pass: remember which session a TCP conversation carries and which end is its client. */
static void note_conversation(packet_info *pinfo, guint32 number, guint8 dir)
{
    if (PINFO_FD_VISITED(pinfo) || pinfo->ptype != PT_TCP)
        return;
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (!conv || conversation_get_proto_data(conv, proto_citrix))
        return;
    citrix_conv *cc = wmem_new0(wmem_file_scope(), citrix_conv);
    cc->number = number;
    gboolean c2s = dir == ICA_C2S;
    copy_address_wmem(wmem_file_scope(), &cc->client, c2s ? &pinfo->src : &pinfo->dst);
    cc->client_port = c2s ? pinfo->srcport : pinfo->destport;
    conversation_add_proto_data(conv, proto_citrix, cc);
}

static proto_item *add_finding(proto_tree *tree, tvbuff_t *tvb, const char *kind)
{
    proto_item *ti = proto_tree_add_item(tree, proto_citrix, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    proto_item_append_text(ti, ", finding: %s", kind);
    proto_tree *t = proto_item_add_subtree(ti, ett_citrix);
    proto_item *fi = proto_tree_add_string(t, hf_citrix_finding, tvb, 0, 0, kind);
    proto_item_set_generated(fi);
    return fi;
}

/* A TCP RST on a conversation that carries a session: judged on the first
 * pass from TCP's tap record, shown from the kept verdict on every pass. */
static void reset_finding(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    reset_verdict *v = (reset_verdict *)p_get_proto_data(wmem_file_scope(), pinfo, proto_citrix, FINDING_KEY);
    /* also on a later pass: tshark -2 runs its first pass without taps */
    if (!v && tcp_tap_id > 0) {
        const struct tcpheader *th = (const struct tcpheader *)fetch_tapped_data(tcp_tap_id, 0);
        conversation_t *conv = th && (th->th_flags & TH_RST) ? find_conversation_pinfo(pinfo, 0) : NULL;
        const citrix_conv *cc = conv ? (const citrix_conv *)conversation_get_proto_data(conv, proto_citrix) : NULL;
        if (cc) {
            v = wmem_new0(wmem_file_scope(), reset_verdict);
            v->number = cc->number;
            v->by_client = addresses_equal(&pinfo->src, &cc->client) && pinfo->srcport == cc->client_port;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_citrix, FINDING_KEY, v);
        }
    }
    if (v && tree)
        expert_add_info_format(pinfo, add_finding(tree, tvb, "reset"), &ei_citrix_finding_reset,
                               "Session %u: connection reset by the %s", v->number,
                               v->by_client ? "client" : "server");
}

/* What the ICA decoder met in this chunk: a password sent where the capture
 * can read it (the session's encryption Basic or none, as tools/triage
 * judges it), bytes missing before the chunk, framing lost in it. */
static void show_stream_findings(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const ica_tap_rec *rec,
                                 guint32 n)
{
    /* The UI_C2H module comes before the session's encryption is known: a
     * password read then is as readable as one under Basic. */
    guint enc = rec->sum ? rec->sum->encryption : ICA_ENC_UNKNOWN;
    for (guint i = 0; rec->fact && i < rec->n_fact; i++)
        if (rec->fact[i].kind == ICA_TAP_CREDENTIALS &&
            (enc == ICA_ENC_BASIC || enc == ICA_ENC_NONE || enc == ICA_ENC_UNKNOWN))
            expert_add_info_format(pinfo, add_finding(tree, tvb, "credentials_exposed"),
                                   &ei_citrix_finding_credentials, "Session %u: the client sent a password (%s) "
                                   "%s: readable from the capture", n, rec->fact[i].text ? rec->fact[i].text : "?",
                                   enc == ICA_ENC_UNKNOWN ? "before encryption was agreed"
                                   : enc == ICA_ENC_BASIC ? "under Basic encryption" : "unencrypted");
    if (rec->gap)
        expert_add_info_format(pinfo, add_finding(tree, tvb, "capture_gap"), &ei_citrix_finding_gap,
                               "Session %u: %s bytes missing before this frame (not captured)", n,
                               rec->dir == ICA_C2S ? "client-to-server" : "server-to-client");
    if (rec->desync)
        expert_add_info_format(pinfo, add_finding(tree, tvb, "desync"), &ei_citrix_finding_desync,
                               "Session %u: ICA framing lost; the decoder searches for the next frame", n);
}

static void show_ica(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const ica_tap_rec *rec,
                     const void *frame_cgp)
{
    guint32 n = session_number(rec->session, frame_cgp);
    note_conversation(pinfo, n, rec->dir);
    if (!tree)
        return;
    proto_tree *t = citrix_tree(tree, tvb, n, rec->transport);
    proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_direction, tvb, 0, 0, rec->dir));
    proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_ica_bytes, tvb, 0, 0, rec->wire_bytes));
    const ica_summary *sum = rec->sum;
    if (sum) {      /* what the session learned so far: every frame of the session carries it */
        if (sum->have_client_name)
            proto_item_set_generated(proto_tree_add_string(t, hf_citrix_client_name, tvb, 0, 0, sum->client_name));
        if (sum->have_client_build)
            proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_client_build, tvb, 0, 0, sum->client_build));
        if (sum->have_product_id)
            proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_product_id, tvb, 0, 0, sum->client_product_id));
        proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_encryption, tvb, 0, 0, sum->encryption));
        if (sum->seen_connect)      /* before the handshake, "none" would be a guess */
            proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_compression, tvb, 0, 0,
                                                         sum->compression[rec->dir & 1]));
    }
    for (guint i = 0; rec->vc && i < rec->n_vc; i++) {
        proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_vc_number, tvb, 0, 0, rec->vc[i].channel));
        proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_vc_bytes, tvb, 0, 0, rec->vc[i].bytes));
    }
    for (guint i = 0; rec->ht && i < rec->n_ht; i++) {
        proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_rtt, tvb, 0, 0, rec->ht[i].rtt_ms));
        proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_bandwidth, tvb, 0, 0, rec->ht[i].bandwidth_bps));
        if (rec->ht[i].rtt_ms > FINDING_RTT_MS && rec->ht[i].rtt_ms != ICA_TAP_HT_ABSENT)
            expert_add_info_format(pinfo, add_finding(tree, tvb, "high_rtt"), &ei_citrix_finding_high_rtt,
                                   "Session %u: round-trip estimate %u ms (over %u ms)", n, rec->ht[i].rtt_ms,
                                   FINDING_RTT_MS);
    }
    /* a launch the host answered with a failure status (CTXCTL LAUNCH_RESPONSE, status 0 is SUCCESS) */
    for (guint i = 0; rec->fact && i < rec->n_fact; i++)
        if (rec->fact[i].kind == ICA_TAP_CTL_LAUNCH_STATUS && rec->fact[i].value != 0)
            expert_add_info_format(pinfo, add_finding(tree, tvb, "launch_failed"), &ei_citrix_finding_launch_failed,
                                   "Session %u: application launch failed (%s)", n,
                                   rec->fact[i].text ? rec->fact[i].text : "CTXCTL launch status");
    show_stream_findings(tree, tvb, pinfo, rec, n);
}

/* citrix_tap.h: every record is queued on its tap and kept with the packet,
 * under the tap's id, for dissect_citrix. */
void citrix_tap_queue(int tap_id, packet_info *pinfo, const void *rec)
{
    tap_queue_packet(tap_id, pinfo, rec);
    if (proto_citrix <= 0 || tap_id <= 0)
        return;
    last_rec_frame = pinfo->num;
    wmem_array_t *a = (wmem_array_t *)p_get_proto_data(pinfo->pool, pinfo, proto_citrix, (guint32)tap_id);
    if (!a) {
        a = wmem_array_new(pinfo->pool, sizeof rec);
        p_add_proto_data(pinfo->pool, pinfo, proto_citrix, (guint32)tap_id, a);
    }
    wmem_array_append_one(a, rec);
}

/* The i-th record this packet queued on a tap, or NULL. */
static const void *kept_rec(packet_info *pinfo, int tap_id, guint i)
{
    wmem_array_t *a = tap_id > 0 ? (wmem_array_t *)p_get_proto_data(pinfo->pool, pinfo, proto_citrix,
                                                                     (guint32)tap_id) : NULL;
    return a && i < wmem_array_get_count(a) ? *(const void **)wmem_array_index(a, i) : NULL;
}

/* Nothing to do, at once, on a frame that kept no record (most frames of
 * most captures); a stale match (the frame dissected again without
 * records) only costs the three lookups, which then find nothing. */
static int dissect_citrix(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const void *rec, *frame_cgp = NULL;
    const cgp_tap_rec *c, *prev = NULL;
    reset_finding(tvb, pinfo, tree);
    if (pinfo->num != last_rec_frame)
        return 0;
    /* A CGP record that says what the record before it said (same session,
     * direction and event: a segment holding several messages) would only
     * repeat its summary. */
    for (guint i = 0; (rec = kept_rec(pinfo, tap_id_cgp, i)) != NULL; i++, prev = c) {
        c = (const cgp_tap_rec *)rec;
        if (!c->session)
            continue;
        frame_cgp = c->session;
        guint32 n = session_number(c->session, c->ica);
        note_conversation(pinfo, n, c->dir);
        gboolean repeats = prev && prev->session == c->session && prev->dir == c->dir && prev->event == c->event;
        if (tree && !repeats) {
            proto_tree *t = citrix_tree(tree, tvb, n, c->transport);
            proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_direction, tvb, 0, 0, c->dir));
            proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_cgp_event, tvb, 0, 0, c->event));
            if (c->event == CGP_TAP_RESUME_REFUSED)
                expert_add_info_format(pinfo, add_finding(tree, tvb, "refused_resume"), &ei_citrix_finding_refused,
                                       "Session %u: Session Reliability resume refused by the server", n);
        }
    }
    for (guint i = 0; (rec = kept_rec(pinfo, tap_id_ica, i)) != NULL; i++)
        show_ica(tree, tvb, pinfo, (const ica_tap_rec *)rec, frame_cgp);
    /* an EDT connection's UDT ACK whose round trip is over the threshold
     * (its control packets carry no session: named by the connection) */
    for (guint i = 0; tree && (rec = kept_rec(pinfo, tap_id_edt, i)) != NULL; i++) {
        const edt_tap_rec *e = (const edt_tap_rec *)rec;
        if (e->has_rtt && e->rtt_us > FINDING_RTT_MS * 1000u)
            expert_add_info_format(pinfo, add_finding(tree, tvb, "high_rtt"), &ei_citrix_finding_high_rtt,
                                   "EDT %s: round trip %.1f ms in a UDT ACK (over %u ms)", e->label,
                                   e->rtt_us / 1000.0, FINDING_RTT_MS);
    }
    for (guint i = 0; tree && (rec = kept_rec(pinfo, tap_id_ccha, i)) != NULL; i++) {
        proto_item *ti = proto_tree_add_item(tree, proto_citrix, tvb, 0, 0, ENC_NA);
        proto_item_set_generated(ti);
        proto_tree *t = proto_item_add_subtree(ti, ett_citrix);
        guint32 id = ((const ccha_tap_rec *)rec)->link_id;
        proto_item_append_text(ti, ", Command Center HA link %u", id);
        proto_item_set_generated(proto_tree_add_uint(t, hf_citrix_ha_link, tvb, 0, 0, id));
    }
    return 0;
}

/* Sorted by name, whatever the user's default sort preference: rows read
 * Session 1, 2... and a row's attributes in a fixed order. */
#define ST_SORT_BY_NAME (ST_SORT_COL_NAME << ST_FLG_SRTCOL_SHIFT)

/* ---- registration ---------------------------------------------------------- */

void
proto_register_citrix_stats(void)
{
    stats_tree_register_plugin("frame", "citrix", "Citrix/Sessions and HA links", ST_SORT_BY_NAME, citrix_tree_packet,
                               citrix_tree_init, state_cleanup);
    stats_tree_register_plugin("ccha", "ccha", "Citrix/Command Center HA links", ST_SORT_BY_NAME, ccha_tree_packet,
                               ccha_tree_init, state_cleanup);

    static hf_register_info hf[] = {
        { &hf_citrix_session, { "Session", "citrix.session", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of the Citrix session (row of -z citrix,tree); a CGP session and the ICA session it carries share one", HFILL } },
        { &hf_citrix_transport, { "Transport", "citrix.transport", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the session is carried: ica, tls, cgp, cgp/tls, cgp/ws, socks", HFILL } },
        { &hf_citrix_direction, { "Direction", "citrix.direction", FT_UINT8, BASE_DEC, VALS(direction_vals), 0x0,
            NULL, HFILL } },
        { &hf_citrix_ica_bytes, { "ICA bytes", "citrix.ica_bytes", FT_UINT32, BASE_DEC, NULL, 0x0,
            "ICA bytes of this chunk", HFILL } },
        { &hf_citrix_vc_number, { "Virtual channel", "citrix.vc.number", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Channel of a virtual-channel write (paired with the citrix.vc.bytes that follows it)", HFILL } },
        { &hf_citrix_vc_bytes, { "Channel bytes", "citrix.vc.bytes", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Payload bytes of a virtual-channel write", HFILL } },
        { &hf_citrix_rtt, { "Round-trip estimate (ms)", "citrix.rtt_ms", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Round-trip estimate of a high-throughput header", HFILL } },
        { &hf_citrix_bandwidth, { "Bandwidth estimate (bytes/s)", "citrix.bandwidth_bps", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bandwidth estimate of a high-throughput header", HFILL } },
        { &hf_citrix_cgp_event, { "CGP event", "citrix.cgp.event", FT_UINT8, BASE_DEC, VALS(cgp_event_vals), 0x0,
            NULL, HFILL } },
        { &hf_citrix_client_name, { "Client name", "citrix.client_name", FT_STRING, BASE_NONE, NULL, 0x0,
            "Client name the session announced (on every frame of the session once known)", HFILL } },
        { &hf_citrix_client_build, { "Client build", "citrix.client_build", FT_UINT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_citrix_product_id, { "Client product id", "citrix.client_product_id", FT_UINT16, BASE_HEX, NULL, 0x0,
            NULL, HFILL } },
        { &hf_citrix_encryption, { "Encryption", "citrix.encryption", FT_UINT8, BASE_DEC, VALS(encryption_vals), 0x0,
            "Session encryption: as learned up to this frame on the first pass, the whole session's later", HFILL } },
        { &hf_citrix_compression, { "Compression", "citrix.compression", FT_UINT8, BASE_DEC, VALS(compression_vals), 0x0,
            "Compression of this frame's direction: as learned up to this frame on the first pass, the whole session's later", HFILL } },
        { &hf_citrix_ha_link, { "Command Center HA link", "citrix.ha.link", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Link number (row of -z ccha,tree)", HFILL } },
        { &hf_citrix_finding, { "Finding", "citrix.finding", FT_STRING, BASE_NONE, NULL, 0x0,
            "What citrix-triage would report here: reset (TCP RST on a session's connection), refused_resume, "
            "high_rtt (high-throughput round-trip estimate or EDT UDT ACK round trip over 150 ms), launch_failed (CTXCTL launch status other than "
            "SUCCESS), credentials_exposed (a password sent under Basic encryption or none), capture_gap (bytes "
            "missing before this frame), desync (ICA framing lost); with an expert info", HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_citrix_finding_reset, { "citrix.finding.reset", PI_SEQUENCE, PI_WARN,
            "Connection of a Citrix session reset", EXPFILL } },
        { &ei_citrix_finding_refused, { "citrix.finding.refused_resume", PI_SEQUENCE, PI_WARN,
            "Session Reliability resume refused", EXPFILL } },
        { &ei_citrix_finding_high_rtt, { "citrix.finding.high_rtt", PI_SEQUENCE, PI_NOTE,
            "High-throughput round-trip estimate or EDT round trip over 150 ms", EXPFILL } },
        { &ei_citrix_finding_launch_failed, { "citrix.finding.launch_failed", PI_RESPONSE_CODE, PI_WARN,
            "Application launch failed", EXPFILL } },
        { &ei_citrix_finding_credentials, { "citrix.finding.credentials_exposed", PI_SECURITY, PI_WARN,
            "Password readable from the capture (Basic encryption or none)", EXPFILL } },
        { &ei_citrix_finding_gap, { "citrix.finding.capture_gap", PI_SEQUENCE, PI_WARN,
            "Bytes of the session missing from the capture", EXPFILL } },
        { &ei_citrix_finding_desync, { "citrix.finding.desync", PI_MALFORMED, PI_WARN,
            "ICA framing lost", EXPFILL } },
    };
    static gint *ett[] = { &ett_citrix };
    proto_citrix = proto_register_protocol("Citrix session summary (from the ICA, CGP and CCHA taps)",
                                           "Citrix", "citrix");
    proto_register_field_array(proto_citrix, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_citrix), ei, array_length(ei));
    session_numbers = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    register_init_routine(citrix_init);
}

void
proto_reg_handoff_citrix_stats(void)
{
    tap_id_ica = find_tap_id("ica");
    tap_id_cgp = find_tap_id("cgp");
    tap_id_ccha = find_tap_id("ccha");
    tap_id_edt = find_tap_id("edt");
    citrix_post_add(CITRIX_POST_SUMMARY, proto_citrix, dissect_citrix);
    /* A dissector may queue its records only when someone listens (CGP
     * does): these helpers make the records exist for the post-dissector
     * (as packet-ccha.c does for the TCP header). */
    static const char *const taps[] = { "ica", "cgp", "ccha", "tcp" };
    static int helper_ids[array_length(taps)];
    for (guint i = 0; i < array_length(taps); i++) {
        if (find_tap_id(taps[i]) == 0)
            continue;
        GString *err = register_tap_listener(taps[i], &helper_ids[i], NULL, TL_IS_DISSECTOR_HELPER,
                                             NULL, NULL, NULL, NULL);
        if (err)
            g_string_free(err, TRUE);
    }
    tcp_tap_id = find_tap_id("tcp");        /* its header record: reset_finding */
}
