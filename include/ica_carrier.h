/* ica_carrier.h - how a carrier hands ICA bytes to the one ICA decoder.
 *
 * One decoder, several carriers: plain TCP 1494 (packet-ica.c's own TCP
 * glue), TLS application data (ICA heuristic on the "tls" list), CGP
 * (DATA_REALTIME(_WITH_ACK) payloads and DATA on a TcpProxyService channel
 * whose protocol is ICA, cgp.md §8), the SOCKS gateway path (cgp.md §11) and
 * WebSocket.  The carrier owns ordering: it hands each direction's bytes over
 * once, in stream order (retransmitted, duplicated or resent-after-resume
 * bytes removed), and says when bytes were lost.  The ICA side owns
 * everything after that: the stream core (plugin/core/ica_stream.c), the
 * per-frame records of the first pass, the tree, the Info column, the "ica"
 * tap.  An ica_session is not tied to a TCP conversation, so a CGP session
 * that resumes on a new connection keeps feeding the same one (stream
 * position, Basic key, channel table carry over).
 *
 * Agreed between the CGP issue (#9) and the ICA rework (#10); change it in
 * one commit that updates both sides.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_CARRIER_H
#define CITRIX_ICA_CARRIER_H
#include <epan/packet.h>
#include "ica_stream.h"

typedef struct ica_session ica_session;

/* Transport names as shown in statistics and triage ("transport"). */
#define ICA_CARRIER_TCP   "ica"      /* plain ICA on TCP */
#define ICA_CARRIER_TLS   "tls"      /* ICA directly inside (decrypted) TLS */
#define ICA_CARRIER_CGP   "cgp"      /* ICA inside CGP on TCP */
#define ICA_CARRIER_CGP_TLS "cgp/tls"
#define ICA_CARRIER_CGP_WS  "cgp/ws"
#define ICA_CARRIER_SOCKS "socks"    /* Gateway SOCKS path, inside TLS */
#define ICA_CARRIER_CGP_EDT "cgp/edt" /* CGP inside Citrix EDT (UDT on UDP) */
#define ICA_CARRIER_EDT   "edt"      /* ICA directly inside EDT (UDP 1494, no Session Reliability) */

/* A new session, file scope.  client/server: endpoints for the statistics
 * label ("client:port -> server:port"); carrier: one of ICA_CARRIER_*;
 * start: ICA_PHASE_DETECT normally, ICA_PHASE_SYNC when the carrier knows
 * the bytes start mid-stream.  Call on the first pass only. */
ica_session *ica_session_new(packet_info *pinfo, const address *client, guint32 client_port,
                             const address *server, guint32 server_port, const char *carrier,
                             enum ica_phase start);

/* Dissect one chunk of direction dir: tvb holds exactly the chunk's bytes
 * (typically a subset of the carrier's reassembled buffer).  key is
 * distinct for every chunk handed over in this frame and identical on
 * every pass (e.g. the carrier's message index in the frame).  First pass:
 * the bytes are fed to the decoder and the results stored on the frame;
 * later passes render what was stored.  Adds the ICA protocol item under
 * tree and queues the "ica" tap.  Returns the number of bytes shown. */
int ica_dissect_chunk(ica_session *s, enum ica_dir dir, tvbuff_t *tvb, packet_info *pinfo,
                      proto_tree *tree, guint32 key);

/* The carrier lost bytes of direction dir before its next chunk (capture
 * gap, message never captured).  First pass only. */
void ica_session_lose(ica_session *s, enum ica_dir dir, packet_info *pinfo);

/* The carrier saw the session end (EDT shutdown, CGP FINISH, both TCP
 * FINs or an RST).  First pass only: the reducer V3 expanders of both
 * directions are freed; bytes handed over later are decoded without
 * expanding V3 (ica.v3.error "session had ended").  Later calls are no-ops. */
void ica_session_end(ica_session *s, packet_info *pinfo);

/* What the session learned so far (client name, encryption, channels...). */
const ica_summary *ica_session_summary(const ica_session *s);

#endif
