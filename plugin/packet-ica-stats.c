/* packet-ica-stats.c - Citrix ICA statistics: tshark -z ica,tree.
 *
 * Reads the "ica" tap (one record per ICA chunk dissected) and counts
 * sessions (with what the handshake said: client name and build, product
 * id, encryption and key, compression per direction), packets per session,
 * and virtual-channel payload bytes per session, channel and direction.
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

static GHashTable *stats_seen;     /* session -> ica_stats_seen */

void ica_stats_init(stats_tree *st)
{
    if (stats_seen)
        g_hash_table_destroy(stats_seen);
    stats_seen = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    st_node_sessions = stats_tree_create_node(st, st_str_sessions, 0, STAT_DT_INT, TRUE);
    st_node_packets = stats_tree_create_node(st, st_str_packets, 0, STAT_DT_INT, TRUE);
    st_node_vc_bytes = stats_tree_create_node(st, st_str_vc_bytes, 0, STAT_DT_INT, TRUE);
}

/* What was already reported for a session: each fact is ticked once, in
 * the packet where it became known. */
typedef struct {
    guint8 client_name, product, key, compression[2];
    guint8 encryption;          /* last encryption level reported */
} ica_stats_seen;


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
        seen->key = sum->have_key;
        if (sum->have_key)
            snprintf(name, sizeof name, "Encryption: %s (session key 0x%02x)", ica_encryption_name(sum->encryption),
                     sum->session_key);
        else
            snprintf(name, sizeof name, "Encryption: %s", ica_encryption_name(sum->encryption));
        tick_stat_node(st, name, sid, FALSE);
    }
    guint dir = rec->dir;
    if (s->st.d[dir].phase == ICA_PHASE_FRAMED && !seen->compression[dir]) {
        seen->compression[dir] = 1;
        snprintf(name, sizeof name, "Compression %s: %s", dir == ICA_C2S ? "client to server" : "server to client",
                 ica_compression_name(sum->compression[dir]));
        tick_stat_node(st, name, sid, FALSE);
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
    return TAP_PACKET_REDRAW;
}
