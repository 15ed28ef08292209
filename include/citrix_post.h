/* citrix_post.h - the plugin's one registered post-dissector.
 *
 * Wireshark calls every registered post-dissector on every frame of every
 * capture, and each call costs libwireshark about 550 instructions before
 * the post-dissector runs (protocol check, layer bookkeeping; measured with
 * callgrind on 4.0, bench/portreg.md) - more than most of the plugin's
 * post-dissectors then spend on a frame that is not theirs.  So the parts
 * (the ICA TCP carrier's reordering, CCHA's FIN/RST events, the citrix
 * session summary, the port registry) are not registered one by one: each
 * adds itself here, and one post-dissector calls the enabled ones in order.
 * A part is skipped while its protocol is disabled, as Wireshark would, and
 * runs with pinfo->current_proto set to its protocol's short name (the
 * protocol an expert info names).  The ICA, CCHA and citrix parts did
 * nothing with the layer Wireshark adds for a post-dissector, and the port
 * registry skips the post-dissector's layer (citrix_post_proto) instead of
 * its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_POST_H
#define CITRIX_POST_H
#include <glib.h>
#include <epan/packet.h>

/* The order parts run in a frame: producers of tap records first, the
 * session summary (which shows the frame's records) after them. */
enum citrix_post_order {
    CITRIX_POST_ICA_TCP,        /* segments TCP kept from ICA (packet-ica-tcp.c) */
    CITRIX_POST_CCHA,           /* FIN/RST of a CCHA link (packet-ccha.c) */
    CITRIX_POST_SUMMARY,        /* the citrix.* summary (packet-citrix-stats.c) */
    CITRIX_POST_PORTREG,        /* the port registry (packet-portreg.c) */
    CITRIX_POST_PARTS
};

/* Call once the protocol is registered: fn runs on every frame while
 * protocol proto is enabled. */
void citrix_post_add(enum citrix_post_order order, int proto, dissector_t fn);

/* The post-dissector's protocol id: its layer is the last of pinfo->layers
 * while the parts run. */
int citrix_post_proto(void);

/* The fields a part needs in the tree even when nothing else asks for
 * them (set_postdissector_wanted_hfids of the one post-dissector); NULL
 * clears.  Takes ownership of the array. */
void citrix_post_set_wanted(GArray *hfids);

#endif
