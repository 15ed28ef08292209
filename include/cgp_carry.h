/* cgp_carry.h - CGP bytes from a datagram carrier (packet-edt.c hands the
 * data payloads of an EDT connection to packet-cgp.c through this).
 *
 * The carrier owns ordering: it hands each direction's payloads once, in
 * sequence order, and says how many datagrams were lost before them.  In
 * every real capture a payload holds whole CGP records (edt.md §3.4); a
 * record cut at the end of a payload is shown as truncated.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_CGP_CARRY_H
#define CITRIX_CGP_CARRY_H
#include <epan/packet.h>

/* CGP_PROBATION consecutive payloads (or TCP segments) of whole valid
 * records accept a connection picked up mid-session. */
#define CGP_PROBATION 3

/* Whether a payload starts a CGP stream (the signature) or could be CGP
 * picked up mid-session (whole valid records). */
gboolean cgp_carry_plausible(tvbuff_t *tvb);

/* Dissect the in-order payloads in tvb (this frame's delivery) as CGP of
 * the conversation of pinfo.  sender_is_client: pinfo's source is the
 * client (for a stream without a bind).  lost: datagrams lost before these
 * bytes (told to the ICA decoder).  Returns FALSE (nothing shown) while a
 * stream picked up mid-session is still on probation or is not CGP. */
gboolean cgp_carry_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, gboolean sender_is_client,
                           guint32 lost);

#endif
