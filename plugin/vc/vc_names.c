/* vc_names.c - the name lists on CITRIXD and PNPREDI.  No public source
 * describes either channel; what is shown is inferred from the real session
 * captures/edt-citrixudp.pcap (shared notes vc.md §15) and marked so.
 *
 * Each virtual write is one message (no length field seen).  In the
 * capture both channels open with 5-byte exchanges (50 00 00 00 05 both
 * ways, then 60 00 00 00 05 from the host); then the client sends 80 00
 * and a UTF-16LE list of NUL-terminated names ended by an empty name:
 * "DVCRenderingAdapter" on CITRIXD; "FileRedirectorChannel", "PlugAndPlay",
 * "PNPDR" on PNPREDI (the last two are MS-RDPEPNP dynamic-channel names).
 * Only the names are named: the other bytes stay bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"

void proto_register_ica_vcnames(void);
void proto_reg_handoff_ica_vcnames(void);

static int proto_vcnames = -1;
static int hf_name = -1;
static int hf_undecoded = -1;
static int ett_vcnames = -1;
static expert_field ei_unterminated = EI_INIT;
static expert_field ei_unended = EI_INIT;

#define NAMES_LEAD 0x80         /* first byte of the client's name-list message */
#define NAMES_START 2           /* 80 00, then the names */

/* The list from NAMES_START: UTF-16LE names each ended by a NUL, the list by an
 * empty name.  Returns the offset after the list's end. */
static guint32 add_names(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 len = tvb_reported_length(t), off = NAMES_START, n = 0;
    while (off + 2 <= len) {
        guint32 end = off;
        while (end + 2 <= len && tvb_get_letohs(t, end) != 0)
            end += 2;
        if (end + 2 > len) {
            expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, off, len - off, ENC_NA),
                            &ei_unterminated);
            return len;
        }
        if (end == off)             /* the empty name ends the list */
            return end + 2;
        const guint8 *s;
        proto_tree_add_item_ret_string(tree, hf_name, t, off, end + 2 - off, ENC_UTF_16 | ENC_LITTLE_ENDIAN,
                                       pinfo->pool, &s);
        wmem_strbuf_append_printf(sum, "%s%s", n++ ? ", " : " ", (const char *)s);
        off = end + 2;
    }
    /* every list in the capture ends with an empty name: one without it may be cut */
    expert_add_info(pinfo, proto_tree_get_parent(tree), &ei_unended);
    return off;
}

static int dissect_vcnames(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 len = tvb_reported_length(t), off = 0;
    proto_item *ti = proto_tree_add_item(tree, proto_vcnames, t, 0, -1, ENC_NA);
    proto_tree *nt = proto_item_add_subtree(ti, ett_vcnames);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    if (len >= NAMES_START && tvb_get_uint8(t, 0) == NAMES_LEAD && tvb_get_uint8(t, 1) == 0) {
        proto_tree_add_item(nt, hf_undecoded, t, 0, NAMES_START, ENC_NA);
        off = add_names(t, pinfo, nt, sum);
    }
    if (off < len)
        proto_tree_add_item(nt, hf_undecoded, t, off, len - off, ENC_NA);
    if (wmem_strbuf_get_len(sum)) {
        proto_item_append_text(ti, ":%s", wmem_strbuf_get_str(sum));
        if (vi && vi->summary)
            wmem_strbuf_append_printf(vi->summary, " names%s", wmem_strbuf_get_str(sum));
    }
    return len;
}

void
proto_register_ica_vcnames(void)
{
    static hf_register_info hf[] = {
        { &hf_name, { "Name", "ica.vcnames.name", FT_STRINGZ, BASE_NONE, NULL, 0x0, "A name of the list the client sends on CITRIXD / PNPREDI after 80 00, UTF-16LE (inferred from a capture)", HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.vcnames.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes neither a public source nor the capture explains", HFILL } },
    };
    static int *ett[] = { &ett_vcnames };
    static ei_register_info ei[] = {
        { &ei_unterminated, { "ica.vcnames.unterminated", PI_MALFORMED, PI_ERROR, "Name without its NUL at the message end", EXPFILL } },
        { &ei_unended, { "ica.vcnames.unended", PI_MALFORMED, PI_WARN, "Name list not ended by an empty name (inferred from a capture: every list there ends so)", EXPFILL } },
    };
    proto_vcnames = proto_register_protocol("Citrix ICA CITRIXD/PNPREDI name lists", "CTXVCNAMES", "ica.vcnames");
    proto_register_field_array(proto_vcnames, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_vcnames), ei, array_length(ei));
}

void
proto_reg_handoff_ica_vcnames(void)
{
    /* no length field: each virtual write is one message */
    dissector_handle_t h = ica_vc_register("CITRIXD", dissect_vcnames, proto_vcnames, NULL);
    dissector_add_string(ICA_VC_TABLE, "PNPREDI", h);
}
