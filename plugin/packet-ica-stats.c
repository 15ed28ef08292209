/* packet-ica-stats.c - Citrix ICA statistics: tshark -z ica,tree.
 *
 * Reads the "ica" tap (one record per ICA chunk dissected) and counts
 * sessions (with what the handshake said: client name and build, product
 * id, encryption and key, compression per direction), packets per session,
 * and virtual-channel payload bytes per session, channel and direction;
 * and, for sessions using the high-throughput header (ica-modern.md §2),
 * the endpoints' own round-trip and bandwidth estimates per session and
 * direction: count, average, min and max (a stats_tree average node) and
 * the median (the lower middle value, over the first HT_MEDIAN_MAX values);
 * and what the virtual-channel decoders learned (the tap's facts): per
 * session the ICA round trip the client measured (CTXEUEM ICA_RESULT:
 * count, average, min, max and median), the client name and address it
 * reported, the applications launched with their launch mechanism and each
 * startup duration (count, average, min, max); and from CTXCTL the
 * applications and command lines launched, launch statuses, redirected
 * URLs and session events (lock, disconnect, logoff); and the clipboard
 * transfers per direction and format (CTXCLIP: count and bytes).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/stats_tree.h>
#include "packet-ica-int.h"
#include "ica_wd.h"

/* ---- statistics: tshark -z ica,tree ------------------------------------- */

/* Three top-level nodes so that every count is of one kind and percentages
 * stay meaningful: sessions (one tick each, with what was learned about
 * them), packets per session, and virtual-channel payload bytes per session,
 * channel and direction. */
static int st_node_sessions = -1;
static int st_node_packets = -1;
static int st_node_vc_bytes = -1;
static const char *st_str_sessions = "ICA sessions";
static const char *st_str_packets = "ICA packets per session";
static const char *st_str_vc_bytes = "Virtual channel payload bytes";

static const char *st_str_ht = "High-throughput estimates";

static GHashTable *stats_seen;     /* session -> ica_stats_seen */
static void seen_free(gpointer p);

/* ---- medians: two heaps per series (values below / above the median) ---- */

#define HT_MEDIAN_MAX (1u << 20)    /* values kept per series */

typedef struct {
    GArray *low;                /* max-heap: the smaller half (its top is the median) */
    GArray *high;               /* min-heap: the larger half */
} ht_median;

static guint32 heap_top(const GArray *h) { return g_array_index(h, guint32, 0); }

static gboolean heap_before(guint32 a, guint32 b, gboolean max) { return max ? a > b : a < b; }

static void heap_push(GArray *h, guint32 v, gboolean max)
{
    g_array_append_val(h, v);
    guint i = h->len - 1;
    while (i && heap_before(g_array_index(h, guint32, i), g_array_index(h, guint32, (i - 1) / 2), max)) {
        guint32 t = g_array_index(h, guint32, i);
        g_array_index(h, guint32, i) = g_array_index(h, guint32, (i - 1) / 2);
        g_array_index(h, guint32, (i - 1) / 2) = t;
        i = (i - 1) / 2;
    }
}

static guint32 heap_pop(GArray *h, gboolean max)
{
    guint32 top = heap_top(h);
    g_array_index(h, guint32, 0) = g_array_index(h, guint32, h->len - 1);
    g_array_set_size(h, h->len - 1);
    for (guint i = 0;;) {
        guint l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && heap_before(g_array_index(h, guint32, l), g_array_index(h, guint32, m), max))
            m = l;
        if (r < h->len && heap_before(g_array_index(h, guint32, r), g_array_index(h, guint32, m), max))
            m = r;
        if (m == i)
            break;
        guint32 t = g_array_index(h, guint32, i);
        g_array_index(h, guint32, i) = g_array_index(h, guint32, m);
        g_array_index(h, guint32, m) = t;
        i = m;
    }
    return top;
}

/* Adds v; returns the lower median of every value added so far. */
static guint32 median_add(ht_median *m, guint32 v)
{
    if (!m->low) {
        m->low = g_array_new(FALSE, FALSE, sizeof(guint32));
        m->high = g_array_new(FALSE, FALSE, sizeof(guint32));
    }
    if (m->low->len + m->high->len < HT_MEDIAN_MAX) {
        if (m->low->len && v > heap_top(m->low))
            heap_push(m->high, v, FALSE);
        else
            heap_push(m->low, v, TRUE);
        /* low holds ceil(n/2) values */
        if (m->low->len > m->high->len + 1)
            heap_push(m->high, heap_pop(m->low, TRUE), FALSE);
        else if (m->high->len > m->low->len)
            heap_push(m->low, heap_pop(m->high, FALSE), TRUE);
    }
    return heap_top(m->low);
}

static void median_free(ht_median *m)
{
    if (m->low) {
        g_array_free(m->low, TRUE);
        g_array_free(m->high, TRUE);
    }
}

void ica_stats_init(stats_tree *st)
{
    if (stats_seen)
        g_hash_table_destroy(stats_seen);
    stats_seen = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, seen_free);
    st_node_sessions = stats_tree_create_node(st, st_str_sessions, 0, STAT_DT_INT, TRUE);
    st_node_packets = stats_tree_create_node(st, st_str_packets, 0, STAT_DT_INT, TRUE);
    st_node_vc_bytes = stats_tree_create_node(st, st_str_vc_bytes, 0, STAT_DT_INT, TRUE);
}

/* What was already reported for a session: each fact is ticked once, in
 * the packet where it became known. */
typedef struct {
    guint8 client_name, product, key, compression[2];
    guint8 encryption;          /* last encryption level reported */
    ht_median median[2][2];     /* [direction][0 round trip, 1 bandwidth] */
    ht_median euem_rtt;         /* CTXEUEM ICA round trips */
} ica_stats_seen;

static void seen_free(gpointer p)
{
    ica_stats_seen *seen = (ica_stats_seen *)p;
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 2; k++)
            median_free(&seen->median[d][k]);
    median_free(&seen->euem_rtt);
    g_free(seen);
}


static ica_stats_seen *seen_for(const void *session)
{
    ica_stats_seen *seen = (ica_stats_seen *)g_hash_table_lookup(stats_seen, session);
    if (!seen) {
        seen = g_new0(ica_stats_seen, 1);
        seen->encryption = ICA_ENC_UNKNOWN;
        g_hash_table_insert(stats_seen, (gpointer)session, seen);
    }
    return seen;
}

static void tick_session_facts(stats_tree *st, const ica_tap_rec *rec, int sid)
{
    const ica_summary *sum = rec->sum;
    const ica_session *s = (const ica_session *)rec->session;
    ica_stats_seen *seen = seen_for(rec->session);
    char name[160];
    if (sum->have_client_name && !seen->client_name) {
        seen->client_name = 1;
        snprintf(name, sizeof name, "Client name: %s", sum->client_name);
        tick_stat_node(st, name, sid, FALSE);
        if (sum->have_client_build) {
            snprintf(name, sizeof name, "Client build: %u", sum->client_build);
            tick_stat_node(st, name, sid, FALSE);
        }
    }
    if (sum->have_product_id && !seen->product) {
        seen->product = 1;
        snprintf(name, sizeof name, "Client product id: 0x%04x (%s)", sum->client_product_id,
                 val_to_str_const(sum->client_product_id & ICA_PRODUCT_ID_MASK, product_id_vals, "unknown"));
        tick_stat_node(st, name, sid, FALSE);
    }
    /* Basic is reported once, with its key; other levels when they become known. */
    gboolean new_key = sum->have_key && !seen->key;
    gboolean new_level = sum->encryption != seen->encryption && sum->encryption != ICA_ENC_BASIC;
    seen->encryption = sum->encryption;
    if (new_key || new_level) {
        const char *level = val_to_str_const(sum->encryption, encryption_vals, "unknown");
        seen->key = sum->have_key;
        if (sum->have_key)
            snprintf(name, sizeof name, "Encryption: %s (session key 0x%02x%s)", level,
                     sum->session_key, sum->key_source == ICA_KEY_RECOVERED ? ", recovered from the data"
                     : sum->key_source == ICA_KEY_MANUAL ? ", given by preference" : "");
        else
            snprintf(name, sizeof name, "Encryption: %s", level);
        tick_stat_node(st, name, sid, FALSE);
    }
    guint dir = rec->dir;
    if (s->st.d[dir].phase == ICA_PHASE_FRAMED && !seen->compression[dir]) {
        seen->compression[dir] = 1;
        snprintf(name, sizeof name, "Compression %s: %s", dir == ICA_C2S ? "client to server" : "server to client",
                 val_to_str_const(sum->compression[dir], compression_vals, "unknown"));
        tick_stat_node(st, name, sid, FALSE);
    }
}

/* One estimate: an average node (count, average, min, max) per session,
 * direction and kind, and its "median" child whose count is the median. */
static void tick_ht_value(stats_tree *st, const ica_tap_rec *rec, int kind, guint32 value)
{
    static const char *const kinds[] = { "Round-trip estimate (ms)", "Bandwidth estimate (bytes/s)" };
    ica_stats_seen *seen = seen_for(rec->session);
    gint v = value > G_MAXINT ? G_MAXINT : (gint)value;    /* only a shift-0 bandwidth exceeds it */
    int top = stats_tree_manip_node_int(MN_INCREASE, st, st_str_ht, 0, TRUE, 0);
    int sid = stats_tree_manip_node_int(MN_INCREASE, st, rec->label, top, TRUE, 0);
    int did = stats_tree_manip_node_int(MN_INCREASE, st, rec->dir == ICA_C2S ? "client to server"
                                        : "server to client", sid, TRUE, 0);
    int kid = avg_stat_node_add_value_int(st, kinds[kind], did, TRUE, v);
    guint32 med = median_add(&seen->median[rec->dir][kind], value);
    set_stat_node(st, "median", kid, FALSE, med > G_MAXINT ? G_MAXINT : (gint)med);
}

/* Where each kind of channel-decoder finding goes: its part of the tree
 * and, for a text finding, the label of its "label: text" node. */
typedef struct {
    guint8 kind;
    const char *part;
    const char *label;
} fact_place;

static const fact_place fact_places[] = {
    { ICA_TAP_EUEM_ROUNDTRIP, "Client-reported (CTXEUEM)", NULL },
    { ICA_TAP_EUEM_CLIENT_NAME, "Client-reported (CTXEUEM)", "Client name" },
    { ICA_TAP_EUEM_CLIENT_ADDRESS, "Client-reported (CTXEUEM)", "Client address" },
    { ICA_TAP_EUEM_APP, "Client-reported (CTXEUEM)", "Application" },
    { ICA_TAP_EUEM_LAUNCH_MECHANISM, "Client-reported (CTXEUEM)", "Launch mechanism" },
    { ICA_TAP_EUEM_STARTUP_DURATION, "Client-reported (CTXEUEM)", NULL },
    { ICA_TAP_CTL_APP, "Session control (CTXCTL)", "Application launched" },
    { ICA_TAP_CTL_CMDLINE, "Session control (CTXCTL)", "Command line" },
    { ICA_TAP_CTL_LAUNCH_STATUS, "Session control (CTXCTL)", "Launch status" },
    { ICA_TAP_CTL_URL, "Session control (CTXCTL)", "URL redirected" },
    { ICA_TAP_CTL_SESSION_EVENT, "Session control (CTXCTL)", "Session event" },
    { ICA_TAP_CLIP_DATA, "Clipboard (CTXCLIP)", NULL },
    /* issue 18's further decoders add their rows here */
    { ICA_TAP_TWI_PROCESS, "Seamless windows (CTXTWI)", "Process" },
    { ICA_TAP_CDM_OPEN, "Client drives (CTXCDM)", "Opened" },
    { ICA_TAP_CDM_READ, "Client drives (CTXCDM)", "Read from" },
    { ICA_TAP_CDM_WRITE, "Client drives (CTXCDM)", "Written to" },
    { ICA_TAP_CDM_OTHER, "Client drives (CTXCDM)", "Operation" },
    { ICA_TAP_FILE_TRANSFER, "File transfer (CTXFILE)", "File" },
    { ICA_TAP_CAM_FORMAT, "Audio (CTXCAM)", "Audio format opened" },
    { ICA_TAP_USB_DEVICE, "USB (CTXGUSB)", "Device announced" },
    { ICA_TAP_CPM_PRINTER, "Printing (CTXCPM)", "Printer opened" },
    { ICA_TAP_CPM_BYTES, "Printing (CTXCPM)", NULL },
};

static const fact_place *fact_place_of(guint8 kind)
{
    for (guint i = 0; i < G_N_ELEMENTS(fact_places); i++)
        if (fact_places[i].kind == kind)
            return &fact_places[i];
    return NULL;
}

/* A fact with a value per direction: an average node under the session's
 * direction, named "<text> (bytes)". */
static void tick_fact_bytes(stats_tree *st, const ica_tap_rec *rec, int sid, const ica_tap_fact *f)
{
    char name[200];
    int did = stats_tree_manip_node_int(MN_INCREASE, st, rec->dir == ICA_C2S ? "client to server"
                                        : "server to client", sid, TRUE, 0);
    snprintf(name, sizeof name, "%s (bytes)", f->text ? f->text : "unknown");
    avg_stat_node_add_value_int(st, name, did, FALSE, f->value);
}

/* One finding of a channel decoder (citrix_tap.h ica_tap_fact), under the
 * session's node in its channel's part. */
static void tick_fact(stats_tree *st, const ica_tap_rec *rec, const ica_tap_fact *f)
{
    char name[200];
    const fact_place *pl = fact_place_of(f->kind);
    if (!pl)
        return;
    int top = stats_tree_manip_node_int(MN_INCREASE, st, pl->part, 0, TRUE, 0);
    int sid = stats_tree_manip_node_int(MN_INCREASE, st, rec->label, top, TRUE, 0);
    switch (f->kind) {
    case ICA_TAP_CLIP_DATA:
    case ICA_TAP_CPM_BYTES:     /* bytes spooled, summed per printer (count x average) */
        tick_fact_bytes(st, rec, sid, f);
        break;
    case ICA_TAP_EUEM_ROUNDTRIP: {
        int kid = avg_stat_node_add_value_int(st, "ICA round trip (ms)", sid, TRUE, f->value);
        guint32 med = median_add(&seen_for(rec->session)->euem_rtt, (guint32)MAX(f->value, 0));
        set_stat_node(st, "median", kid, FALSE, (gint)MIN(med, (guint32)G_MAXINT));
        break;
    }
    case ICA_TAP_EUEM_STARTUP_DURATION: {
        int did = stats_tree_manip_node_int(MN_INCREASE, st, "Startup durations (ms)", sid, TRUE, 0);
        avg_stat_node_add_value_int(st, f->text ? f->text : "unknown", did, FALSE, f->value);
        break;
    }
    default:
        if (pl->label) {
            snprintf(name, sizeof name, "%s: %s", pl->label, f->text ? f->text : "");
            tick_stat_node(st, name, sid, FALSE);
        }
        break;
    }
}

tap_packet_status ica_stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                   const void *p, tap_flags_t flags _U_)
{
    const ica_tap_rec *rec = (const ica_tap_rec *)p;
    char name[160];
    tick_stat_node(st, st_str_packets, 0, TRUE);
    tick_stat_node(st, rec->label, st_node_packets, FALSE);
    int sid;
    if (rec->first_of_session) {
        tick_stat_node(st, st_str_sessions, 0, TRUE);
        sid = tick_stat_node(st, rec->label, st_node_sessions, TRUE);
    } else {
        sid = increase_stat_node(st, rec->label, st_node_sessions, TRUE, 0);
    }
    tick_session_facts(st, rec, sid);
    for (guint i = 0; i < rec->n_vc; i++) {
        gint bytes = (gint)rec->vc[i].bytes;
        guint ch = rec->vc[i].channel;
        increase_stat_node(st, st_str_vc_bytes, 0, TRUE, bytes);
        int bsid = increase_stat_node(st, rec->label, st_node_vc_bytes, TRUE, bytes);
        const char *vc = ica_vc_name(rec->sum, ch, NULL);
        snprintf(name, sizeof name, "%s (channel %u)", vc ? vc : "unnamed", ch);
        int nid = increase_stat_node(st, name, bsid, TRUE, bytes);
        increase_stat_node(st, rec->dir == ICA_C2S ? "client to server" : "server to client", nid, FALSE, bytes);
    }
    for (guint i = 0; i < rec->n_ht; i++) {
        if (rec->ht[i].rtt_ms != ICA_TAP_HT_ABSENT)
            tick_ht_value(st, rec, 0, rec->ht[i].rtt_ms);
        if (rec->ht[i].bandwidth_bps != ICA_TAP_HT_ABSENT)
            tick_ht_value(st, rec, 1, rec->ht[i].bandwidth_bps);
    }
    for (guint i = 0; i < rec->n_fact; i++)
        tick_fact(st, rec, &rec->fact[i]);
    return TAP_PACKET_REDRAW;
}
