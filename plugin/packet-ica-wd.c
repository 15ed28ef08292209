/* packet-ica-wd.c - Citrix ICA: WD commands and virtual-channel writes.
 *
 * Wire format (shared notes ica.md §8-§9, from the RISC OS ICA client's
 * WD length table and the Citrix VC SDK vrtlclss.h): after deframing,
 * decryption and expansion the WD stream is a sequence of commands "code
 * (1), [length u8 or u16 LE by the code's length rule], data".  Commands may
 * span PDRFRAME frames; the stream core (ica_wd.c table, ica_stream.c)
 * finds their boundaries and hands complete commands here.
 * VIRTUAL_WRITE0/1/2 carry a channel number then the channel payload; the
 * channel is named from the session's VcBind table (INIT_RESPONSE WD
 * module) or, when none was seen, from the legacy fixed numbering.
 * Corrections from ica-modern.md §3 (HTML5 client WdDispatcher sizes table,
 * RISC OS client wdica): 0x39 SOFT_KEYBOARD has 1 fixed byte; 0x3A, 0x41
 * COOKIE and 0x43 RESUME_VIRTUAL_WRITE have a u16 length; TERMINATE comes
 * as `05 01 reason` or, from the HTML5 client's ack writer, `05 00 02`.
 * With the high-throughput header, a frame flagged INTERRUPT_VIRTUAL_WRITE
 * cuts the virtual write in progress short; RESUME_VIRTUAL_WRITE (channel,
 * then the rest) completes it later, and the core reports the whole write
 * once more, joined.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include "packet-ica-int.h"
#include "ica_wd.h"
#include "packet-ica-vc.h"

static int hf_ica_terminate_reason = -1;
static int hf_ica_redraw_x1 = -1;
static int hf_ica_redraw_y1 = -1;
static int hf_ica_redraw_x2 = -1;
static int hf_ica_redraw_y2 = -1;
static int hf_ica_keyboard_scancode = -1;
static int hf_ica_keyboard_key_up = -1;
static int hf_ica_keyboard_unicode_flags = -1;
static int hf_ica_keyboard_unicode_char = -1;
static int hf_ica_mouse_x = -1;
static int hf_ica_mouse_y = -1;
static int hf_ica_mouse_state = -1;
static int hf_ica_mouse_moved = -1;
static int hf_ica_mouse_b1_down = -1;
static int hf_ica_mouse_b1_up = -1;
static int hf_ica_mouse_b2_down = -1;
static int hf_ica_mouse_b2_up = -1;
static int hf_ica_mouse_b3_down = -1;
static int hf_ica_mouse_b3_up = -1;
static int hf_ica_mouse_double_click = -1;
static int hf_ica_pointer_x = -1;
static int hf_ica_pointer_y = -1;
static int hf_ica_beep_frequency = -1;
static int hf_ica_beep_duration = -1;
static int hf_ica_vc_name_source = -1;
static int hf_ica_vc_length = -1;
static int hf_ica_vc_data = -1;
static int hf_ica_vc_window = -1;
static int hf_ica_vc_flush_mask = -1;
static int hf_ica_led = -1;
static int hf_ica_client_data_tag = -1;
static int hf_ica_client_data_value = -1;
static int hf_ica_chanmon_command = -1;
static int hf_ica_chanmon_last_latency = -1;
static int hf_ica_chanmon_average_latency = -1;
static int hf_ica_credentials_command = -1;
static int hf_ica_credentials_algorithm = -1;
static int hf_ica_terminate_h5_form = -1;
static int hf_ica_resume_data = -1;
static int hf_ica_vc_interrupted = -1;
static int hf_ica_vc_joined = -1;
static int ett_ica_cmd = -1;
static int ett_ica_rect = -1;
static int ett_ica_mouse = -1;
static int ett_ica_vc_payload = -1;
static expert_field ei_ica_len_conflict = EI_INIT;
static expert_field ei_ica_legacy_vc = EI_INIT;
static expert_field ei_ica_vc_no_channel = EI_INIT;
static expert_field ei_ica_terminate_h5 = EI_INIT;
static expert_field ei_ica_vc_interrupted = EI_INIT;
static expert_field ei_ica_vc_joined = EI_INIT;
static expert_field ei_ica_resume = EI_INIT;

static const value_string terminate_reason_vals[] = {
    { 0, "DISCONNECT" }, { 1, "LOGOFF" }, { 2, "ACK" }, { 0, NULL }
};

static const value_string chanmon_command_vals[] = {
    { 1, "ping request" }, { 2, "ping response" }, { 4, "NOP" }, { 0, NULL }
};

static const value_string credentials_command_vals[] = { { 1, "QUERY" }, { 2, "DATA" }, { 0, NULL } };

static const value_string credentials_algorithm_vals[] = { { 1, "XOR" }, { 0, NULL } };

static const value_string vc_name_source_vals[] = {
    { 0, "legacy fixed numbering (no VcBind table seen)" }, { 1, "session VcBind table" }, { 0, NULL }
};

/* ---- WD commands (§8) --------------------------------------------------- */

static void add_mouse_data(proto_tree *tree, tvbuff_t *t, guint off)
{
    static int *const state[] = {
        &hf_ica_mouse_moved, &hf_ica_mouse_b1_down, &hf_ica_mouse_b1_up, &hf_ica_mouse_b2_down,
        &hf_ica_mouse_b2_up, &hf_ica_mouse_b3_down, &hf_ica_mouse_b3_up, &hf_ica_mouse_double_click, NULL
    };
    proto_tree *mt = proto_tree_add_subtree_format(tree, t, off, 5, ett_ica_mouse, NULL, "Mouse (%u, %u)",
                                                   tvb_get_letohs(t, off), tvb_get_letohs(t, off + 2));
    proto_tree_add_item(mt, hf_ica_mouse_x, t, off, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(mt, hf_ica_mouse_y, t, off + 2, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_bitmask(mt, t, off + 4, hf_ica_mouse_state, ett_ica_bits, state, ENC_NA);
}

static void add_rect_point(proto_tree *tree, tvbuff_t *t, guint off, int hf_x, int hf_y)
{
    guint8 b0 = tvb_get_uint8(t, off), b1 = tvb_get_uint8(t, off + 1), b2 = tvb_get_uint8(t, off + 2);
    proto_tree_add_uint(tree, hf_x, t, off, 2, b0 | ((guint32)(b1 & 0x0f) << 8));
    proto_tree_add_uint(tree, hf_y, t, off + 1, 2, (guint32)(b1 >> 4) | ((guint32)b2 << 4));
}

static void add_terminate(tvbuff_t *t, packet_info *pinfo, proto_tree *ct)
{
    guint len = tvb_reported_length(t);
    size_t roff;
    enum ica_terminate_form form = ica_terminate_form(tvb_get_ptr(t, 0, len), len, &roff);
    if (form == ICA_TERM_NONE)
        return;
    proto_tree_add_item(ct, hf_ica_terminate_reason, t, (gint)roff, 1, ENC_NA);
    if (form == ICA_TERM_ACK_NO_LENGTH) {
        proto_item *fi = proto_tree_add_boolean(ct, hf_ica_terminate_h5_form, t, 1, 2, TRUE);
        proto_item_set_generated(fi);
        expert_add_info(pinfo, fi, &ei_ica_terminate_h5);
    }
}

/* RESUME_VIRTUAL_WRITE: channel, then the rest of an interrupted write. */
static void add_resume(tvbuff_t *t, packet_info *pinfo, proto_tree *ct, proto_item *cmd_item, const ica_session *s,
                       guint8 cmd_flags, wmem_strbuf_t *one)
{
    guint len = tvb_reported_length(t);
    if (len < 4) {
        expert_add_info(pinfo, cmd_item, &ei_ica_vc_no_channel);
        return;
    }
    guint ch = tvb_get_uint8(t, 3);
    const char *name = ica_vc_name(&s->st.sum, ch, NULL);
    proto_tree_add_item(ct, hf_ica_vc_number, t, 3, 1, ENC_NA);
    if (name)
        proto_item_set_generated(proto_tree_add_string(ct, hf_ica_vc_name, t, 3, 1, name));
    if (len > 4)
        proto_tree_add_item(ct, hf_ica_resume_data, t, 4, len - 4, ENC_NA);
    wmem_strbuf_append_printf(one, " %s %u bytes", name ? name : "channel", len - 4);
    if (cmd_flags & ICA_CMDF_RESUME_ORPHAN)
        expert_add_info_format(pinfo, cmd_item, &ei_ica_resume, "No interrupted virtual write on channel %u "
                               "to resume (interrupted before the capture, or not seen)", ch);
    else if (cmd_flags & ICA_CMDF_RESUME_OVERRUN)
        expert_add_info(pinfo, cmd_item, &ei_ica_resume);
    else if (cmd_flags & ICA_CMDF_RESUME_PARTIAL)
        expert_add_info_format(pinfo, cmd_item, &ei_ica_resume, "The interrupted write is not complete yet");
}

/* A virtual write cut short by INTERRUPT_VIRTUAL_WRITE, or rebuilt whole. */
static void add_vw_state(tvbuff_t *t, packet_info *pinfo, proto_tree *ct, guint8 cmd_flags)
{
    if (cmd_flags & ICA_CMDF_INTERRUPTED) {
        proto_item *ii = proto_tree_add_boolean(ct, hf_ica_vc_interrupted, t, 0, 0, TRUE);
        proto_item_set_generated(ii);
        expert_add_info_format(pinfo, ii, &ei_ica_vc_interrupted, (cmd_flags & ICA_CMDF_NOT_RESUMABLE) ?
                               "Command cut short by INTERRUPT_VIRTUAL_WRITE; it cannot be resumed (dropped)" :
                               "Virtual write cut short by INTERRUPT_VIRTUAL_WRITE; the rest follows in "
                               "RESUME_VIRTUAL_WRITE");
    }
    if (cmd_flags & ICA_CMDF_JOINED) {
        proto_item *ji = proto_tree_add_boolean(ct, hf_ica_vc_joined, t, 0, 0, TRUE);
        proto_item_set_generated(ji);
        expert_add_info(pinfo, ji, &ei_ica_vc_joined);
    }
}

/* VIRTUAL_WRITE0/1/2: the channel (named from the session's VcBind table
 * or the legacy numbering) and its payload. */
static void add_virtual_write(tvbuff_t *t, packet_info *pinfo, proto_tree *ct, proto_item *cmd_item,
                              const ica_session *s, guint8 dir, guint8 code, guint hdr, guint8 cmd_flags,
                              wmem_strbuf_t *one)
{
    guint len = tvb_reported_length(t);
    add_vw_state(t, pinfo, ct, cmd_flags);
    guint choff = code == ICA_CMD_VIRTUAL_WRITE0 ? 1 : hdr;
    if (len <= choff) {
        /* the length counts the channel byte, so it cannot be 0 */
        expert_add_info(pinfo, cmd_item, &ei_ica_vc_no_channel);
        return;
    }
    guint ch = tvb_get_uint8(t, choff);
    guint poff = choff + 1, plen = len - poff;
    int from_table = 0;
    const char *name = ica_vc_name(&s->st.sum, ch, &from_table);
    proto_tree_add_item(ct, hf_ica_vc_number, t, choff, 1, ENC_NA);
    if (name) {
        proto_item *ni = proto_tree_add_string(ct, hf_ica_vc_name, t, choff, 1, name);
        proto_item_set_generated(ni);
        proto_item *si = proto_tree_add_uint(ct, hf_ica_vc_name_source, t, choff, 1, from_table);
        proto_item_set_generated(si);
        if (!from_table)
            expert_add_info(pinfo, si, &ei_ica_legacy_vc);
    }
    proto_item_set_generated(proto_tree_add_uint(ct, hf_ica_vc_length, t, poff, plen, plen));
    if (name)
        wmem_strbuf_append_printf(one, " %s", name);
    else
        wmem_strbuf_append_printf(one, " channel %u", ch);
    wmem_strbuf_append_printf(one, " %u bytes", plen);
    if (plen) {
        proto_item *pi;
        proto_tree *pt = proto_tree_add_subtree_format(ct, t, poff, plen, ett_ica_vc_payload, &pi,
                                                       "%s channel data (%u bytes)", name ? name : "Virtual", plen);
        /* the virtual-channel layer (plugin/vc/); an interrupted write's bytes
         * reach it once, in the whole write rebuilt after RESUME_VIRTUAL_WRITE */
        ica_vc_info vi = { dir, (guint8)ch, name, s, one };
        if ((cmd_flags & ICA_CMDF_INTERRUPTED) ||
            !ica_vc_dissect_write(tvb_new_subset_length(t, poff, plen), pinfo, pt, &vi))
            proto_tree_add_item(pt, hf_ica_vc_data, t, poff, plen, ENC_NA);
    }
}

/* Keyboard, mouse and redraw commands: repeated fixed-size items after the header. */
static void add_input(tvbuff_t *t, proto_tree *ct, guint8 code, guint hdr)
{
    guint len = tvb_reported_length(t);
    switch (code) {
    case ICA_CMD_REDRAW:
        for (guint o = hdr; o + 6 <= len; o += 6) {
            proto_tree *rt = proto_tree_add_subtree(ct, t, o, 6, ett_ica_rect, NULL, "Rectangle");
            add_rect_point(rt, t, o, hf_ica_redraw_x1, hf_ica_redraw_y1);
            add_rect_point(rt, t, o + 3, hf_ica_redraw_x2, hf_ica_redraw_y2);
        }
        break;
    case ICA_CMD_ALT_KEYBOARD2:
        for (guint o = hdr; o + 3 <= len; o += 3) {
            proto_tree_add_item(ct, hf_ica_keyboard_unicode_flags, t, o, 1, ENC_NA);
            proto_tree_add_item(ct, hf_ica_keyboard_unicode_char, t, o + 1, 2, ENC_LITTLE_ENDIAN);
        }
        break;
    case ICA_CMD_MOUSE0:
    case ICA_CMD_MOUSE1:
    case ICA_CMD_MOUSE2:
        for (guint o = hdr; o + 5 <= len; o += 5)
            add_mouse_data(ct, t, o);
        break;
    default:    /* KEYBOARD0/1/2 */
        for (guint o = hdr; o < len; o++) {
            proto_tree_add_item(ct, hf_ica_keyboard_scancode, t, o, 1, ENC_NA);
            proto_tree_add_item(ct, hf_ica_keyboard_key_up, t, o, 1, ENC_NA);
        }
        break;
    }
}

/* Commands whose data starts with a sub-command or tag. */
static void add_tagged(tvbuff_t *t, packet_info *pinfo, proto_tree *ct, const ica_session *s, guint8 code, guint hdr,
                       wmem_strbuf_t *one)
{
    guint len = tvb_reported_length(t);
    guint dlen = len > hdr ? len - hdr : 0;
    switch (code) {
    case ICA_CMD_SET_CLIENT_DATA:
        if (dlen >= 8) {
            proto_tree_add_item(ct, hf_ica_client_data_tag, t, hdr, 8, ENC_ASCII);
            wmem_strbuf_append_printf(one, " %s", tvb_get_string_enc(pinfo->pool, t, hdr, 8, ENC_ASCII));
            if (dlen > 8)
                proto_tree_add_item(ct, hf_ica_client_data_value, t, hdr + 8, dlen - 8, ENC_NA);
        } else if (dlen) {
            proto_tree_add_item(ct, hf_ica_cmd_data, t, hdr, dlen, ENC_NA);
        }
        break;
    case ICA_CMD_CHANNEL_MONITORING:
        if (dlen >= 1) {
            guint32 sub;
            proto_tree_add_item_ret_uint(ct, hf_ica_chanmon_command, t, hdr, 1, ENC_NA, &sub);
            if (sub == 1 && dlen >= 9) {
                proto_tree_add_item(ct, hf_ica_chanmon_last_latency, t, hdr + 1, 4, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_chanmon_average_latency, t, hdr + 5, 4, ENC_LITTLE_ENDIAN);
            } else if (dlen > 1) {
                proto_tree_add_item(ct, hf_ica_cmd_data, t, hdr + 1, dlen - 1, ENC_NA);
            }
        }
        break;
    case ICA_CMD_WDCREDENTIALS:
        if (dlen >= 2) {
            proto_tree_add_item(ct, hf_ica_credentials_command, t, hdr, 1, ENC_NA);
            proto_tree_add_item(ct, hf_ica_credentials_algorithm, t, hdr + 1, 1, ENC_NA);
            if (dlen > 2)
                ica_dissect_credentials(t, hdr, pinfo, ct, s, one);     /* plugin/vc/vc_credentials.c */
        }
        break;
    }
}

void ica_dissect_command(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, const ica_session *s, guint8 dir,
                         guint8 cmd_flags, wmem_strbuf_t *info)
{
    guint8 code = tvb_get_uint8(t, 0);
    const ica_cmd_info *ci = ica_cmd_lookup(code);
    guint len = tvb_reported_length(t);
    guint hdr = ci->rule == ICA_LEN_U8 ? 2 : ci->rule == ICA_LEN_U16 ? 3 : 1;
    guint dlen = len > hdr ? len - hdr : 0;
    proto_item *ti;
    proto_tree *ct = proto_tree_add_subtree(tree, t, 0, len, ett_ica_cmd, &ti, ica_cmd_label(code));
    proto_item *cmd_item = proto_tree_add_item(ct, hf_ica_cmd, t, 0, 1, ENC_NA);
    if (hdr > 1)
        proto_tree_add_item(ct, hf_ica_cmd_length, t, 1, hdr - 1, ENC_LITTLE_ENDIAN);
    wmem_strbuf_t *one = wmem_strbuf_new(pinfo->pool, ica_cmd_label(code));
    if (ci->flags & ICA_CMD_LEN_CONFLICT)
        expert_add_info(pinfo, cmd_item, &ei_ica_len_conflict);
    TRY {
    switch (code) {
    case ICA_CMD_TERMINATE:
        add_terminate(t, pinfo, ct);
        break;
    case ICA_CMD_RESUME_VIRTUAL_WRITE:
        add_resume(t, pinfo, ct, cmd_item, s, cmd_flags, one);
        break;
    case ICA_CMD_REDRAW:
    case ICA_CMD_KEYBOARD0:
    case ICA_CMD_KEYBOARD1:
    case ICA_CMD_KEYBOARD2:
    case ICA_CMD_ALT_KEYBOARD2:
    case ICA_CMD_MOUSE0:
    case ICA_CMD_MOUSE1:
    case ICA_CMD_MOUSE2:
        add_input(t, ct, code, hdr);
        break;
    case ICA_CMD_SETMOU_POSITION:
        proto_tree_add_item(ct, hf_ica_pointer_x, t, 1, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ct, hf_ica_pointer_y, t, 3, 2, ENC_LITTLE_ENDIAN);
        break;
    case ICA_CMD_BEEP:
        proto_tree_add_item(ct, hf_ica_beep_frequency, t, 1, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ct, hf_ica_beep_duration, t, 3, 2, ENC_LITTLE_ENDIAN);
        break;
    case ICA_CMD_VIRTUAL_WRITE0:
    case ICA_CMD_VIRTUAL_WRITE1:
    case ICA_CMD_VIRTUAL_WRITE2:
        add_virtual_write(t, pinfo, ct, cmd_item, s, dir, code, hdr, cmd_flags, one);
        break;
    case ICA_CMD_VIRTUAL_ACK:
        proto_tree_add_item(ct, hf_ica_vc_number, t, 1, 1, ENC_NA);
        proto_tree_add_item(ct, hf_ica_vc_window, t, 2, 2, ENC_LITTLE_ENDIAN);
        break;
    case ICA_CMD_VIRTUAL_FLUSH:
        proto_tree_add_item(ct, hf_ica_vc_number, t, 1, 1, ENC_NA);
        proto_tree_add_item(ct, hf_ica_vc_flush_mask, t, 2, 1, ENC_NA);
        break;
    case ICA_CMD_SET_LED:
        proto_tree_add_item(ct, hf_ica_led, t, 1, 1, ENC_NA);
        break;
    case ICA_CMD_SET_CLIENT_DATA:
    case ICA_CMD_CHANNEL_MONITORING:
    case ICA_CMD_WDCREDENTIALS:
        add_tagged(t, pinfo, ct, s, code, hdr, one);
        break;
    default:
        if (dlen)
            proto_tree_add_item(ct, hf_ica_cmd_data, t, hdr, dlen, ENC_NA);
        break;
    }
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(t, pinfo, ct, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    proto_item_set_text(ti, "%s", wmem_strbuf_get_str(one));
    ica_info_add(info, wmem_strbuf_get_str(one));
}

void
ica_register_wd_fields(int proto, expert_module_t *expert)
{
    static hf_register_info hf[] = {
        { &hf_ica_terminate_reason, { "Terminate reason", "ica.terminate.reason", FT_UINT8, BASE_DEC, VALS(terminate_reason_vals), 0x0, NULL, HFILL } },
        { &hf_ica_terminate_h5_form, { "Length 0, reason after it", "ica.terminate.ack_without_length", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "TERMINATE written as 05 00 02 (the HTML5 client's ack writer)", HFILL } },
        { &hf_ica_resume_data, { "Rest of the interrupted write", "ica.resume.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_interrupted, { "Interrupted", "ica.vc.interrupted", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Virtual write cut short by INTERRUPT_VIRTUAL_WRITE: the bytes sent so far", HFILL } },
        { &hf_ica_vc_joined, { "Joined", "ica.vc.joined", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "The whole virtual write, rebuilt from an interrupted part and RESUME_VIRTUAL_WRITE", HFILL } },
        { &hf_ica_redraw_x1, { "X1", "ica.redraw.x1", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_redraw_y1, { "Y1", "ica.redraw.y1", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_redraw_x2, { "X2", "ica.redraw.x2", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_redraw_y2, { "Y2", "ica.redraw.y2", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_keyboard_scancode, { "Scan code", "ica.keyboard.scancode", FT_UINT8, BASE_HEX, NULL, 0x7f, NULL, HFILL } },
        { &hf_ica_keyboard_key_up, { "Key up", "ica.keyboard.key_up", FT_BOOLEAN, 8, NULL, 0x80, NULL, HFILL } },
        { &hf_ica_keyboard_unicode_flags, { "Unicode key flags", "ica.keyboard.unicode_flags", FT_UINT8, BASE_HEX, NULL, 0x0, "1 = up, 2 = special", HFILL } },
        { &hf_ica_keyboard_unicode_char, { "Unicode key", "ica.keyboard.unicode_char", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_mouse_x, { "X", "ica.mouse.x", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_mouse_y, { "Y", "ica.mouse.y", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_mouse_state, { "State", "ica.mouse.state", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_mouse_moved, { "Moved", "ica.mouse.moved", FT_BOOLEAN, 8, NULL, 0x01, NULL, HFILL } },
        { &hf_ica_mouse_b1_down, { "Button 1 down", "ica.mouse.b1_down", FT_BOOLEAN, 8, NULL, 0x02, NULL, HFILL } },
        { &hf_ica_mouse_b1_up, { "Button 1 up", "ica.mouse.b1_up", FT_BOOLEAN, 8, NULL, 0x04, NULL, HFILL } },
        { &hf_ica_mouse_b2_down, { "Button 2 down", "ica.mouse.b2_down", FT_BOOLEAN, 8, NULL, 0x08, NULL, HFILL } },
        { &hf_ica_mouse_b2_up, { "Button 2 up", "ica.mouse.b2_up", FT_BOOLEAN, 8, NULL, 0x10, NULL, HFILL } },
        { &hf_ica_mouse_b3_down, { "Button 3 down", "ica.mouse.b3_down", FT_BOOLEAN, 8, NULL, 0x20, NULL, HFILL } },
        { &hf_ica_mouse_b3_up, { "Button 3 up", "ica.mouse.b3_up", FT_BOOLEAN, 8, NULL, 0x40, NULL, HFILL } },
        { &hf_ica_mouse_double_click, { "Double click", "ica.mouse.double_click", FT_BOOLEAN, 8, NULL, 0x80, NULL, HFILL } },
        { &hf_ica_pointer_x, { "Pointer X", "ica.pointer.x", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pointer_y, { "Pointer Y", "ica.pointer.y", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_beep_frequency, { "Frequency", "ica.beep.frequency", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_beep_duration, { "Duration", "ica.beep.duration", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_name_source, { "Channel name from", "ica.vc.name_source", FT_UINT8, BASE_DEC, VALS(vc_name_source_vals), 0x0, NULL, HFILL } },
        { &hf_ica_vc_length, { "Channel payload length", "ica.vc.length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_data, { "Channel payload", "ica.vc.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_window, { "Window", "ica.vc.window", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_flush_mask, { "In/out mask", "ica.vc.flush_mask", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_led, { "LED state", "ica.led", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_client_data_tag, { "Client data tag", "ica.client_data.tag", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_client_data_value, { "Client data value", "ica.client_data.value", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_chanmon_command, { "Channel monitoring", "ica.chanmon.command", FT_UINT8, BASE_DEC, VALS(chanmon_command_vals), 0x0, NULL, HFILL } },
        { &hf_ica_chanmon_last_latency, { "Last latency", "ica.chanmon.last_latency", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_chanmon_average_latency, { "Average latency", "ica.chanmon.average_latency", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_credentials_command, { "Credentials command", "ica.credentials.command", FT_UINT8, BASE_DEC, VALS(credentials_command_vals), 0x0, NULL, HFILL } },
        { &hf_ica_credentials_algorithm, { "Credentials algorithm", "ica.credentials.algorithm", FT_UINT8, BASE_DEC, VALS(credentials_algorithm_vals), 0x0, NULL, HFILL } },
    };
    static int *ett[] = {
        &ett_ica_cmd,
        &ett_ica_rect,
        &ett_ica_mouse,
        &ett_ica_vc_payload,
    };
    static ei_register_info ei[] = {
        { &ei_ica_len_conflict, { "ica.cmd.length_disputed", PI_PROTOCOL, PI_WARN, "Sources disagree on this command's length rule", EXPFILL } },
        { &ei_ica_legacy_vc, { "ica.vc.legacy_name", PI_PROTOCOL, PI_NOTE, "No VcBind table seen: channel named by the legacy fixed numbering", EXPFILL } },
        { &ei_ica_vc_no_channel, { "ica.vc.no_channel", PI_MALFORMED, PI_WARN, "VIRTUAL_WRITE length 0: no channel byte", EXPFILL } },
        { &ei_ica_terminate_h5, { "ica.terminate.ack_without_length.expert", PI_PROTOCOL, PI_NOTE, "TERMINATE with length 0 followed by its reason (HTML5 client form)", EXPFILL } },
        { &ei_ica_vc_interrupted, { "ica.vc.interrupted.expert", PI_SEQUENCE, PI_NOTE, "Virtual write cut short by INTERRUPT_VIRTUAL_WRITE", EXPFILL } },
        { &ei_ica_vc_joined, { "ica.vc.joined.expert", PI_REASSEMBLE, PI_CHAT, "Virtual write joined from its interrupted part and RESUME_VIRTUAL_WRITE", EXPFILL } },
        { &ei_ica_resume, { "ica.resume.mismatch", PI_SEQUENCE, PI_WARN, "RESUME_VIRTUAL_WRITE longer than the rest of the interrupted write", EXPFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));
}
