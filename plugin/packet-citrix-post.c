/* packet-citrix-post.c - the plugin's one post-dissector (include/citrix_post.h).
 *
 * No wire format here.  The parts run in the order of enum
 * citrix_post_order; a part whose protocol is disabled is skipped.  The
 * post-dissector's own protocol ("citrix_post") only carries the
 * registration and cannot be disabled: disabling it would silently stop
 * parts whose own protocols are enabled.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ws_compat.h"

#include <epan/packet.h>

#include "citrix_post.h"

void proto_register_citrix_post(void);
void proto_reg_handoff_citrix_post(void);

static int proto_citrix_post = -1;
static dissector_handle_t post_handle;

static struct {
    protocol_t *protocol;
    const char *name;           /* its short name */
    dissector_t fn;
} parts[CITRIX_POST_PARTS];

void citrix_post_add(enum citrix_post_order order, int proto, dissector_t fn)
{
    DISSECTOR_ASSERT(order < CITRIX_POST_PARTS && !parts[order].fn);
    parts[order].protocol = find_protocol_by_id(proto);
    parts[order].name = proto_get_protocol_short_name(parts[order].protocol);
    parts[order].fn = fn;
}

void citrix_post_set_wanted(GArray *hfids)
{
    DISSECTOR_ASSERT(post_handle);
    set_postdissector_wanted_hfids(post_handle, hfids);
}

/* Returns the frame's length even when no part had anything to do: a
 * post-dissector returning 0 makes libwireshark undo the layer it added,
 * which costs more than keeping it (frame.protocols is built before
 * post-dissectors run, so nothing shows it). */
static int dissect_citrix_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    for (guint i = 0; i < CITRIX_POST_PARTS; i++) {
        if (!parts[i].fn || !proto_is_protocol_enabled(parts[i].protocol))
            continue;
        /* expert infos name the protocol current while they are added */
        pinfo->current_proto = parts[i].name;
        parts[i].fn(tvb, pinfo, tree, data);
    }
    return tvb_captured_length(tvb);
}

int citrix_post_proto(void)
{
    return proto_citrix_post;
}

void
proto_register_citrix_post(void)
{
    proto_citrix_post = proto_register_protocol("Citrix plugin post-dissection (ICA reordering, CCHA link events, "
                                                "session summary, port registry)", "Citrix post", "citrix_post");
    proto_set_cant_toggle(proto_citrix_post);
    post_handle = create_dissector_handle(dissect_citrix_post, proto_citrix_post);
}

void
proto_reg_handoff_citrix_post(void)
{
    register_postdissector(post_handle);
}
