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

void ica_stats_init(stats_tree *st)
{
    st_node_sessions = stats_tree_create_node(st, st_str_sessions, 0, STAT_DT_INT, TRUE);
    st_node_packets = stats_tree_create_node(st, st_str_packets, 0, STAT_DT_INT, TRUE);
    st_node_vc_bytes = stats_tree_create_node(st, st_str_vc_bytes, 0, STAT_DT_INT, TRUE);
}

tap_packet_status ica_stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                          const void *p, tap_flags_t flags _U_)
{
    const ica_tap_info_t *ti = (const ica_tap_info_t *)p;
    const ica_conv_t *conv = ti->conv;
    const ica_frame_t *fd = ti->fd;
    const ica_summary *sum = &conv->st.sum;
    char name[160];
    tick_stat_node(st, st_str_packets, 0, TRUE);
    tick_stat_node(st, conv->label, st_node_packets, FALSE);
    int sid;
    if (fd->first_of_session) {
        tick_stat_node(st, st_str_sessions, 0, TRUE);
        sid = tick_stat_node(st, conv->label, st_node_sessions, TRUE);
    } else {
        sid = increase_stat_node(st, conv->label, st_node_sessions, TRUE, 0);
    }
    if (fd->learned & LEARN_CLIENT_NAME) {
        snprintf(name, sizeof name, "Client name: %s", sum->client_name);
        tick_stat_node(st, name, sid, FALSE);
        if (sum->have_client_build) {
            snprintf(name, sizeof name, "Client build: %u", sum->client_build);
            tick_stat_node(st, name, sid, FALSE);
        }
    }
    if (fd->learned & LEARN_PRODUCT) {
        snprintf(name, sizeof name, "Client product id: 0x%04x (%s)", sum->client_product_id,
                 val_to_str_const(sum->client_product_id, product_id_vals, "unknown"));
        tick_stat_node(st, name, sid, FALSE);
    }
    /* Basic is reported once, with its key; other levels when they become known. */
    if ((fd->learned & LEARN_KEY) || ((fd->learned & LEARN_ENCRYPTION) && fd->encryption != ICA_ENC_BASIC)) {
        if (sum->have_key)
            snprintf(name, sizeof name, "Encryption: %s (session key 0x%02x)", ica_encryption_name(fd->encryption),
                     sum->session_key);
        else
            snprintf(name, sizeof name, "Encryption: %s", ica_encryption_name(fd->encryption));
        tick_stat_node(st, name, sid, FALSE);
    }
    if (fd->learned & LEARN_COMPRESSION) {
        snprintf(name, sizeof name, "Compression %s: %s", fd->dir == ICA_C2S ? "client to server" : "server to client",
                 ica_compression_name(fd->compression));
        tick_stat_node(st, name, sid, FALSE);
    }
    for (guint i = 0; i < fd->nrecs; i++) {
        const ica_rec_t *r = &fd->recs[i];
        if (r->type != ICA_EV_CMD)
            continue;
        const guint8 *c = r->buf_off >= 0 ? fd->buf + r->buf_off : r->plain_copy;
        guint ch, bytes;
        if (r->code == ICA_CMD_VIRTUAL_WRITE0 && r->buf_len >= 3) {
            ch = c[1];
            bytes = 1;
        } else if (r->code == ICA_CMD_VIRTUAL_WRITE1 && r->buf_len >= 3) {
            ch = c[2];
            bytes = r->buf_len - 3;
        } else if (r->code == ICA_CMD_VIRTUAL_WRITE2 && r->buf_len >= 4) {
            ch = c[3];
            bytes = r->buf_len - 4;
        } else {
            continue;
        }
        increase_stat_node(st, st_str_vc_bytes, 0, TRUE, (gint)bytes);
        int bsid = increase_stat_node(st, conv->label, st_node_vc_bytes, TRUE, (gint)bytes);
        const char *vc = ica_vc_name(sum, ch, NULL);
        snprintf(name, sizeof name, "%s (channel %u)", vc ? vc : "unnamed", ch);
        int nid = increase_stat_node(st, name, bsid, TRUE, (gint)bytes);
        increase_stat_node(st, fd->dir == ICA_C2S ? "client to server" : "server to client", nid, FALSE, (gint)bytes);
    }
    return TAP_PACKET_REDRAW;
}
