/* vc_tui.c - CTXTUI ("Transparent User Interface": the name is in Citrix's
 * Chrome-app documentation; no public source gives a layout).  Everything
 * below is inferred from the real session captures/edt-citrixudp.pcap
 * (shared notes vc.md §15) and marked so in the field descriptions.
 *
 * Every message: u16 body length (the 4-byte header excluded), u16 type,
 * body.  Little-endian.  In the capture:
 *   types 0 (host), 0x80 (client), 1 (host): a u32 body of value 4.
 *   type 2 (host): the server's logon status ("Préparation de Windows",
 *     profile and group-policy steps), 30 times, laid out as
 *       u16 text record offset (30, from the body start), u16, u32 counter
 *       rising 0, 1, 2 ... by message, bytes (an ASCII word among them);
 *       at that offset a text record: u16 record length (the record
 *       included: 12 + text), u8, u32, u8, u32 locale id (0x040c fr-FR),
 *       UTF-8 text;
 *       then bytes, and a last byte rising 40 .. 100 (a progress value).
 * Only the header, the text, its locale, the counter and the last byte are
 * named; the rest stays bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"

void proto_register_ica_tui(void);
void proto_reg_handoff_ica_tui(void);

static int proto_tui = -1;
static int hf_body_len = -1;
static int hf_type = -1;
static int hf_value = -1;
static int hf_text_offset = -1;
static int hf_counter = -1;
static int hf_record_len = -1;
static int hf_locale = -1;
static int hf_text = -1;
static int hf_progress = -1;
static int hf_undecoded = -1;
static int ett_tui = -1;
static int ett_tui_text = -1;
static expert_field ei_text_record = EI_INIT;
static expert_field ei_short = EI_INIT;

#define TUI_HDR 4
#define TUI_STATUS 2            /* the type that carries the logon status text */
#define TUI_STATUS_FIXED 8      /* text record offset, u16, counter */
#define TUI_TEXT_HDR 12         /* record length, u8, u32, u8, locale */
#define TUI_LOCALE_OFF 8        /* the locale inside the text record */

static void add_bytes(tvbuff_t *t, proto_tree *tree, guint32 from, guint32 to)
{
    if (to > from)
        proto_tree_add_item(tree, hf_undecoded, t, from, to - from, ENC_NA);
}

/* Type 2: the status text (offsets from the message start). */
static void add_status(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 len = tvb_reported_length(t), toff, counter, rlen;
    if (len < TUI_HDR + TUI_STATUS_FIXED) {
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, TUI_HDR, -1, ENC_NA), &ei_short);
        return;
    }
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_text_offset, t, TUI_HDR, 2, ENC_LITTLE_ENDIAN, &toff);
    add_bytes(t, tree, TUI_HDR + 2, TUI_HDR + 4);
    proto_tree_add_item_ret_uint(tree, hf_counter, t, TUI_HDR + 4, 4, ENC_LITTLE_ENDIAN, &counter);
    guint32 rec = TUI_HDR + toff;
    if (toff < TUI_STATUS_FIXED || rec > len - TUI_TEXT_HDR) {
        expert_add_info_format(pinfo, oi, &ei_text_record, "Text record offset %u: no 12-byte record there", toff);
        add_bytes(t, tree, TUI_HDR + TUI_STATUS_FIXED, len);
        return;
    }
    add_bytes(t, tree, TUI_HDR + TUI_STATUS_FIXED, rec);
    rlen = tvb_get_letohs(t, rec);
    proto_tree *rt = proto_tree_add_subtree(tree, t, rec, MIN(MAX(rlen, TUI_TEXT_HDR), len - rec), ett_tui_text,
                                            NULL, "Text record");
    proto_item *ri = proto_tree_add_item(rt, hf_record_len, t, rec, 2, ENC_LITTLE_ENDIAN);
    if (rlen < TUI_TEXT_HDR || rlen > len - rec) {
        expert_add_info_format(pinfo, ri, &ei_text_record, "Text record length %u: below its 12-byte header or "
                               "past the message", rlen);
        add_bytes(t, tree, rec + 2, len);
        return;
    }
    add_bytes(t, rt, rec + 2, rec + TUI_LOCALE_OFF);
    proto_tree_add_item(rt, hf_locale, t, rec + TUI_LOCALE_OFF, 4, ENC_LITTLE_ENDIAN);
    const guint8 *text = NULL;
    proto_tree_add_item_ret_string(rt, hf_text, t, rec + TUI_TEXT_HDR, rlen - TUI_TEXT_HDR, ENC_UTF_8,
                                   pinfo->pool, &text);
    wmem_strbuf_append_printf(sum, " #%u \"%s\"", counter, text ? (const char *)text : "");
    guint32 end = rec + rlen;
    if (end < len) {
        guint32 progress;
        add_bytes(t, tree, end, len - 1);
        proto_tree_add_item_ret_uint(tree, hf_progress, t, len - 1, 1, ENC_NA, &progress);
        wmem_strbuf_append_printf(sum, " (%u)", progress);
    }
}

static int dissect_tui(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 len = tvb_reported_length(t), type;
    proto_item *ti = proto_tree_add_item(tree, proto_tui, t, 0, -1, ENC_NA);
    proto_tree *tt = proto_item_add_subtree(ti, ett_tui);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    if (len < TUI_HDR) {
        expert_add_info(pinfo, proto_tree_add_item(tt, hf_undecoded, t, 0, -1, ENC_NA), &ei_short);
        return len;
    }
    proto_tree_add_item(tt, hf_body_len, t, 0, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint(tt, hf_type, t, 2, 2, ENC_LITTLE_ENDIAN, &type);
    wmem_strbuf_append_printf(sum, " TUI type %u", type);
    if (type == TUI_STATUS)
        add_status(t, pinfo, tt, sum);
    else if (len == TUI_HDR + 4)
        proto_tree_add_item(tt, hf_value, t, TUI_HDR, 4, ENC_LITTLE_ENDIAN);
    else
        add_bytes(t, tt, TUI_HDR, len);
    proto_item_append_text(ti, ":%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return len;
}

void
proto_register_ica_tui(void)
{
    static hf_register_info hf[] = {
        { &hf_body_len, { "Body length", "ica.tui.body_len", FT_UINT16, BASE_DEC, NULL, 0x0, "Message length without this 4-byte header (inferred from a capture)", HFILL } },
        { &hf_type, { "Type", "ica.tui.type", FT_UINT16, BASE_HEX, NULL, 0x0, "Message type (inferred from a capture: 0, 0x80, 1 carry a u32; 2 the logon status text)", HFILL } },
        { &hf_value, { "Value", "ica.tui.value", FT_UINT32, BASE_DEC, NULL, 0x0, "The u32 body of types 0, 0x80 and 1 (4 in the capture); meaning unknown", HFILL } },
        { &hf_text_offset, { "Text record offset", "ica.tui.text_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "From the body start (inferred from a capture)", HFILL } },
        { &hf_counter, { "Counter", "ica.tui.counter", FT_UINT32, BASE_DEC, NULL, 0x0, "Rises by one per status message (inferred from a capture)", HFILL } },
        { &hf_record_len, { "Text record length", "ica.tui.record_len", FT_UINT16, BASE_DEC, NULL, 0x0, "The record included: 12 + the text (inferred from a capture)", HFILL } },
        { &hf_locale, { "Locale id", "ica.tui.locale", FT_UINT32, BASE_HEX, NULL, 0x0, "Windows LCID of the text (0x040c fr-FR in the capture; inferred from a capture)", HFILL } },
        { &hf_text, { "Status text", "ica.tui.text", FT_STRING, BASE_NONE, NULL, 0x0, "The server's logon status text, UTF-8 (inferred from a capture)", HFILL } },
        { &hf_progress, { "Progress", "ica.tui.progress", FT_UINT8, BASE_DEC, NULL, 0x0, "Last byte of a status message, rising 40 to 100 over the logon (inferred from a capture)", HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.tui.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes neither a public source nor the capture explains", HFILL } },
    };
    static int *ett[] = { &ett_tui, &ett_tui_text };
    static ei_register_info ei[] = {
        { &ei_text_record, { "ica.tui.text_record.bad", PI_MALFORMED, PI_ERROR, "Text record outside the message", EXPFILL } },
        { &ei_short, { "ica.tui.short", PI_MALFORMED, PI_ERROR, "Message shorter than its fixed part", EXPFILL } },
    };
    proto_tui = proto_register_protocol("Citrix ICA Transparent User Interface channel", "CTXTUI", "ica.tui");
    proto_register_field_array(proto_tui, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_tui), ei, array_length(ei));
}

void
proto_reg_handoff_ica_tui(void)
{
    /* u16 body length at 0, the 4-byte header excluded (inferred from a capture: every message cuts exactly) */
    static const vc_len_rule rule = { VC_LEN_FIELD, TUI_HDR, 0, 2, 0, 0xFFFF + TUI_HDR, NULL };
    ica_vc_register("CTXTUI", dissect_tui, proto_tui, &rule);
}
