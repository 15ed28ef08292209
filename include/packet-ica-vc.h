/* packet-ica-vc.h - the virtual-channel layer (plugin/vc/): what a channel
 * decoder registers and what it is handed.  Private to the plugin.
 *
 * A decoder registers a dissector by channel name in the "ica.vc" string
 * table (dissector_add_string("ica.vc", "CTXEUEM", h)), so a user can
 * Decode As and a third party can add a channel of its own, and states its
 * length rule with ica_vc_register_rule().  The layer (vc_reasm.c)
 * reassembles each channel's messages per direction across virtual writes
 * and calls the decoder once per whole message, with an ica_vc_info as data.
 * A channel with a decoder but no rule gets each write as it is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_PACKET_ICA_VC_H
#define CITRIX_PACKET_ICA_VC_H
#include <epan/packet.h>
#include <epan/expert.h>
#include "ws_compat.h"
#include "vc_cut.h"
#include "citrix_tap.h"

struct ica_session;

typedef struct {
    guint8 dir;                 /* enum ica_dir: 0 client to server, 1 server to client */
    guint8 channel;             /* the virtual channel number */
    const char *name;           /* its name (VcBind table or legacy numbering) */
    const struct ica_session *s;
    wmem_strbuf_t *summary;     /* the command's Info text: a decoder appends " <what>" */
} ica_vc_info;

#define ICA_VC_TABLE "ica.vc"

/* The length rule of decoder h (a static rule); it follows the decoder
 * when a user decodes another channel as it. */
void ica_vc_register_rule(dissector_handle_t h, const vc_len_rule *rule);

/* The one registration of a channel decoder: its handle in the "ica.vc"
 * table under name, offered for Decode As, with its length rule (NULL: each
 * write as it is).  Returns the handle. */
dissector_handle_t ica_vc_register(const char *name, dissector_t fn, int proto, const vc_len_rule *rule);

/* One virtual write's payload: TRUE when a decoder is registered for name
 * (then the layer shows the payload), FALSE to show it as bytes. */
gboolean ica_vc_dissect_write(tvbuff_t *payload, packet_info *pinfo, proto_tree *tree, ica_vc_info *vi);

/* A decoder's finding for the "ica" tap (citrix_tap.h): kept with the
 * packet until the chunk being dissected queues its tap record. */
void ica_vc_tap_fact(packet_info *pinfo, guint8 kind, gint32 value, const char *text);
/* The findings since the last call (packet scope), for the tap record. */
guint16 ica_vc_tap_take(packet_info *pinfo, const ica_tap_fact **facts);

/* WD command WDCREDENTIALS (vc_credentials.c): t the whole command, hdr
 * its code and length bytes; appends the user to one (the Info text). */
extern wsc_pref_bool_t pref_show_passwords;
void ica_dissect_credentials(tvbuff_t *t, guint hdr, packet_info *pinfo, proto_tree *tree,
                             const struct ica_session *s, wmem_strbuf_t *one);
void ica_register_credentials_fields(int proto, expert_module_t *expert);

/* Registration from packet-ica.c: the table, the layer's fields. */
void ica_register_vc_fields(int proto, expert_module_t *expert);

#endif
