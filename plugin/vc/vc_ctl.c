/* vc_ctl.c - CTXCTL, the ICA control channel (shared notes vc.md §3).
 * Source: the Citrix Receiver for HTML5 JavaScript, CTLVirtualDriver
 * (search-index file 9093420080: processCommand, readCapabilities,
 * sendBindResponsePacket, writeLaunchRequest, handleLaunchResponse,
 * handleSFTA, urlRedirectionCallback, handleSessionEvent).
 *
 * Every message: u16 length (the body only, the 4-byte header excluded),
 * u8 command, u8 reserved, then the body.  Offsets count from the body's
 * first byte.  Little-endian.
 *   0/1/2 BIND_REQUEST (host) / BIND_RESPONSE (client) / BIND_COMMIT (host):
 *         u16 offset of the capability blocks, u8 count, u8 reserved; blocks
 *         u16 CapabilityID, u8 CapabilitySize (the whole block), u8 reserved,
 *         data: VERSION u8 version; ENCODING u8 type, 3 reserved, u32 code
 *         page; LAUNCH_PARAMETERS u16 max command line, u16 max environment;
 *         INITIAL_PROGRAM u8 flag; SFTA u32 level; SESSION_EVENT none
 *   3 LAUNCH_REQUEST (client): u16 application offset, u16 command line
 *         offset, u16 environment length, u16 environment offset, u32 flags;
 *         application and command line UTF-16LE, NUL-terminated
 *   4 LAUNCH_RESPONSE (host): u32 status
 *   9 SFTA_URL_LAUNCH_REQUEST (host): u16 offset, URL 8-bit NUL-terminated
 *  10 SFTA_URL_RESPONSE (client): u32 status (0 success, 1 failure)
 *  15 SESSION_EVENT (host): u16 elements offset, u16 element count, then an
 *         element u32 ByteCount, u32 type: 1 state u32 (1 lock, 2 disconnect,
 *         3 logoff), 2 session GUID (16 bytes).  The HTML5 client reads the
 *         element right after the array header; so does this decoder.
 *   8 LOGOUT and any other command: no public layout (bytes undecoded).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"

void proto_register_ica_ctl(void);
void proto_reg_handoff_ica_ctl(void);

static int proto_ctl = -1;
static int hf_length = -1;
static int hf_cmd = -1;
static int hf_reserved = -1;
static int hf_cap_offset = -1;
static int hf_cap_count = -1;
static int hf_cap_id = -1;
static int hf_cap_size = -1;
static int hf_cap_version = -1;
static int hf_cap_encoding = -1;
static int hf_cap_codepage = -1;
static int hf_cap_max_cmdline = -1;
static int hf_cap_max_env = -1;
static int hf_cap_initial_program = -1;
static int hf_cap_sfta_level = -1;
static int hf_app_offset = -1;
static int hf_cmdline_offset = -1;
static int hf_env_length = -1;
static int hf_env_offset = -1;
static int hf_launch_flags = -1;
static int hf_app = -1;
static int hf_cmdline = -1;
static int hf_launch_status = -1;
static int hf_url_offset = -1;
static int hf_url = -1;
static int hf_sfta_status = -1;
static int hf_elements_offset = -1;
static int hf_elements_count = -1;
static int hf_element_byte_count = -1;
static int hf_element_type = -1;
static int hf_session_event = -1;
static int hf_session_guid = -1;
static int hf_undecoded = -1;
static int ett_ctl = -1;
static int ett_ctl_block = -1;
static expert_field ei_offset = EI_INIT;
static expert_field ei_count = EI_INIT;
static expert_field ei_block_length = EI_INIT;
static expert_field ei_launch_failed = EI_INIT;
static expert_field ei_undecoded = EI_INIT;

enum {
    CTL_BIND_REQUEST = 0x00, CTL_BIND_RESPONSE = 0x01, CTL_BIND_COMMIT = 0x02, CTL_LAUNCH_REQUEST = 0x03,
    CTL_LAUNCH_RESPONSE = 0x04, CTL_LOGOUT = 0x08, CTL_SFTA_URL_LAUNCH_REQUEST = 0x09,
    CTL_SFTA_URL_RESPONSE = 0x0a, CTL_SESSION_EVENT = 0x0f
};
enum {
    CTL_CAP_VERSION = 0x01, CTL_CAP_ENCODING = 0x02, CTL_CAP_LAUNCH_PARAMETERS = 0x03,
    CTL_CAP_GENERIC_PARAMETERS = 0x04, CTL_CAP_INITIAL_PROGRAM = 0x05, CTL_CAP_SFTA = 0x06,
    CTL_CAP_SESSION_EVENT = 0x0a
};
#define CTL_HDR 4
#define CTL_CAP_HDR 4
#define CTL_EL_STATE 1      /* CTXCTL_EL_TYPE_SESSION_EVENT_STATE */
#define CTL_EL_GUID 2       /* CTXCTL_EL_TYPE_SESSION_EVENT_GUID */

static const value_string cmd_vals[] = {
    { CTL_BIND_REQUEST, "BIND_REQUEST" }, { CTL_BIND_RESPONSE, "BIND_RESPONSE" },
    { CTL_BIND_COMMIT, "BIND_COMMIT" }, { CTL_LAUNCH_REQUEST, "LAUNCH_REQUEST" },
    { CTL_LAUNCH_RESPONSE, "LAUNCH_RESPONSE" }, { CTL_LOGOUT, "LOGOUT" },
    { CTL_SFTA_URL_LAUNCH_REQUEST, "SFTA_URL_LAUNCH_REQUEST" }, { CTL_SFTA_URL_RESPONSE, "SFTA_URL_RESPONSE" },
    { CTL_SESSION_EVENT, "SESSION_EVENT" }, { 0, NULL }
};

static const value_string cap_vals[] = {
    { CTL_CAP_VERSION, "VERSION" }, { CTL_CAP_ENCODING, "ENCODING" },
    { CTL_CAP_LAUNCH_PARAMETERS, "LAUNCH_PARAMETERS" }, { CTL_CAP_GENERIC_PARAMETERS, "GENERIC_PARAMETERS" },
    { CTL_CAP_INITIAL_PROGRAM, "INITIAL_PROGRAM" }, { CTL_CAP_SFTA, "SFTA" },
    { CTL_CAP_SESSION_EVENT, "SESSION_EVENT" }, { 0, NULL }
};

static const value_string encoding_vals[] = { { 0x02, "UNICODE" }, { 0, NULL } };

static const value_string launch_status_vals[] = {
    { 0x00, "SUCCESS" }, { 0x01, "INCORRECT_PARAMETER" }, { 0x02, "PERMISSION_VIOLATION" },
    { 0x03, "PERMISSION_MISMATCH" }, { 0x04, "BAD_APP_CONFIG" }, { 0x06, "LAUNCH_ERROR" },
    { 0x07, "BAD_COMMAND_LINE" }, { 0x08, "NOT_LOGGED_IN" }, { 0, NULL }
};

static const value_string sfta_status_vals[] = { { 0, "SUCCESS" }, { 1, "FAILURE" }, { 0, NULL } };

static const value_string element_type_vals[] = {
    { CTL_EL_STATE, "SESSION_EVENT_STATE" }, { CTL_EL_GUID, "SESSION_EVENT_GUID" }, { 0, NULL }
};

static const value_string session_event_vals[] = {
    { 1, "LOCK" }, { 2, "DISCONNECT" }, { 3, "LOGOFF" }, { 0, NULL }
};

/* A body offset field: FALSE (and an expert mark) when it points outside [min, len). */
static gboolean offset_ok(packet_info *pinfo, proto_item *it, guint32 off, guint32 min, guint32 len)
{
    if (off >= min && off < len)
        return TRUE;
    expert_add_info_format(pinfo, it, &ei_offset, "Offset %u outside the message's body (%u..%u)", off, min,
                           len ? len - 1 : 0);
    return FALSE;
}

/* One capability block's data (after its 4-byte header), as the client echoes it. */
static void add_cap_data(tvbuff_t *b, proto_tree *bt, guint32 id, guint32 o, guint32 dlen)
{
    switch (id) {
    case CTL_CAP_VERSION:
        if (dlen >= 1)
            proto_tree_add_item(bt, hf_cap_version, b, o, 1, ENC_NA);
        return;
    case CTL_CAP_ENCODING:
        if (dlen >= 8) {
            proto_tree_add_item(bt, hf_cap_encoding, b, o, 1, ENC_NA);
            proto_tree_add_item(bt, hf_cap_codepage, b, o + 4, 4, ENC_LITTLE_ENDIAN);
        }
        return;
    case CTL_CAP_LAUNCH_PARAMETERS:
        if (dlen >= 4) {
            proto_tree_add_item(bt, hf_cap_max_cmdline, b, o, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(bt, hf_cap_max_env, b, o + 2, 2, ENC_LITTLE_ENDIAN);
        }
        return;
    case CTL_CAP_INITIAL_PROGRAM:
        if (dlen >= 1)
            proto_tree_add_item(bt, hf_cap_initial_program, b, o, 1, ENC_NA);
        return;
    case CTL_CAP_SFTA:
        if (dlen >= 4)
            proto_tree_add_item(bt, hf_cap_sfta_level, b, o, 4, ENC_LITTLE_ENDIAN);
        return;
    default:
        if (dlen)
            proto_tree_add_item(bt, hf_undecoded, b, o, dlen, ENC_NA);
        return;
    }
}

static void add_bind(tvbuff_t *b, packet_info *pinfo, proto_tree *tree)
{
    guint32 off, count, len = tvb_reported_length(b);
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_cap_offset, b, 0, 2, ENC_LITTLE_ENDIAN, &off);
    proto_item *ci = proto_tree_add_item_ret_uint(tree, hf_cap_count, b, 2, 1, ENC_NA, &count);
    proto_tree_add_item(tree, hf_reserved, b, 3, 1, ENC_NA);
    if (count && !offset_ok(pinfo, oi, off, 4, len))
        return;
    for (guint32 i = 0; i < count; i++) {
        if (off + CTL_CAP_HDR > len) {
            expert_add_info_format(pinfo, ci, &ei_count, "Count %u: only %u blocks fit in the message", count, i);
            return;
        }
        guint32 id = tvb_get_letohs(b, off), size = tvb_get_uint8(b, off + 2);
        proto_tree *bt = proto_tree_add_subtree_format(tree, b, off, MIN(MAX(size, CTL_CAP_HDR), len - off),
                                                       ett_ctl_block, NULL, "Capability %s",
                                                       wsc_val_to_str(pinfo->pool, id, cap_vals, "%u"));
        proto_tree_add_item(bt, hf_cap_id, b, off, 2, ENC_LITTLE_ENDIAN);
        proto_item *si = proto_tree_add_item(bt, hf_cap_size, b, off + 2, 1, ENC_NA);
        proto_tree_add_item(bt, hf_reserved, b, off + 3, 1, ENC_NA);
        if (size < CTL_CAP_HDR || size > len - off) {
            expert_add_info_format(pinfo, si, &ei_block_length, "CapabilitySize %u: below its 4-byte header or "
                                   "past the message", size);
            return;
        }
        add_cap_data(b, bt, id, off + CTL_CAP_HDR, size - CTL_CAP_HDR);
        off += size;
    }
}

/* A UTF-16LE NUL-terminated string at off, within [off, end). */
static const char *add_utf16(tvbuff_t *b, packet_info *pinfo, proto_tree *tree, int hf, guint32 off, guint32 end)
{
    const guint8 *s = NULL;
    if (end > off)
        proto_tree_add_item_ret_string(tree, hf, b, off, end - off, ENC_UTF_16 | ENC_LITTLE_ENDIAN, pinfo->pool, &s);
    return (const char *)s;
}

static void add_launch_request(tvbuff_t *b, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 ao, co, len = tvb_reported_length(b);
    proto_item *aoi = proto_tree_add_item_ret_uint(tree, hf_app_offset, b, 0, 2, ENC_LITTLE_ENDIAN, &ao);
    proto_item *coi = proto_tree_add_item_ret_uint(tree, hf_cmdline_offset, b, 2, 2, ENC_LITTLE_ENDIAN, &co);
    proto_tree_add_item(tree, hf_env_length, b, 4, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_env_offset, b, 6, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_launch_flags, b, 8, 4, ENC_LITTLE_ENDIAN);
    const char *app = NULL, *cmdline = NULL;
    gboolean app_ok = offset_ok(pinfo, aoi, ao, 12, len), cmd_ok = offset_ok(pinfo, coi, co, 12, len);
    if (app_ok)
        app = add_utf16(b, pinfo, tree, hf_app, ao, cmd_ok && co > ao ? co : len);
    if (cmd_ok)
        cmdline = add_utf16(b, pinfo, tree, hf_cmdline, co, ao > co && app_ok ? ao : len);
    if (app)
        ica_vc_tap_fact(pinfo, ICA_TAP_CTL_APP, 0, app);
    if (cmdline && *cmdline)
        ica_vc_tap_fact(pinfo, ICA_TAP_CTL_CMDLINE, 0, cmdline);
    wmem_strbuf_append_printf(sum, " %s%s%s", app ? app : "?", cmdline && *cmdline ? " " : "",
                              cmdline ? cmdline : "");
}

static void add_session_event(tvbuff_t *b, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 type;
    proto_tree_add_item(tree, hf_elements_offset, b, 0, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_elements_count, b, 2, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_element_byte_count, b, 4, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint(tree, hf_element_type, b, 8, 4, ENC_LITTLE_ENDIAN, &type);
    if (type == CTL_EL_STATE) {
        guint32 state;
        proto_tree_add_item_ret_uint(tree, hf_session_event, b, 12, 4, ENC_LITTLE_ENDIAN, &state);
        const char *name = wsc_val_to_str(pinfo->pool, state, session_event_vals, "state %u");
        wmem_strbuf_append_printf(sum, " %s", name);
        ica_vc_tap_fact(pinfo, ICA_TAP_CTL_SESSION_EVENT, (gint32)MIN(state, (guint32)G_MAXINT32), name);
    } else if (type == CTL_EL_GUID) {
        proto_tree_add_item(tree, hf_session_guid, b, 12, 16, ENC_LITTLE_ENDIAN);
        wmem_strbuf_append(sum, " session GUID");
    } else if (tvb_reported_length(b) > 12) {
        proto_tree_add_item(tree, hf_undecoded, b, 12, -1, ENC_NA);
    }
}

static void add_body(tvbuff_t *b, packet_info *pinfo, proto_tree *tree, proto_item *ci, guint32 cmd,
                     wmem_strbuf_t *sum)
{
    guint32 v;
    switch (cmd) {
    case CTL_BIND_REQUEST:
    case CTL_BIND_RESPONSE:
    case CTL_BIND_COMMIT:
        add_bind(b, pinfo, tree);
        break;
    case CTL_LAUNCH_REQUEST:
        add_launch_request(b, pinfo, tree, sum);
        break;
    case CTL_LAUNCH_RESPONSE: {
        proto_item *si = proto_tree_add_item_ret_uint(tree, hf_launch_status, b, 0, 4, ENC_LITTLE_ENDIAN, &v);
        const char *name = wsc_val_to_str(pinfo->pool, v, launch_status_vals, "status %u");
        wmem_strbuf_append_printf(sum, " %s", name);
        ica_vc_tap_fact(pinfo, ICA_TAP_CTL_LAUNCH_STATUS, (gint32)MIN(v, (guint32)G_MAXINT32), name);
        if (v)
            expert_add_info_format(pinfo, si, &ei_launch_failed, "Launch failed: %s", name);
        break;
    }
    case CTL_SFTA_URL_LAUNCH_REQUEST: {
        proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_url_offset, b, 0, 2, ENC_LITTLE_ENDIAN, &v);
        guint32 len = tvb_reported_length(b);
        if (offset_ok(pinfo, oi, v, 2, len)) {
            const guint8 *url;
            proto_tree_add_item_ret_string(tree, hf_url, b, v, len - v, ENC_ASCII, pinfo->pool, &url);
            wmem_strbuf_append_printf(sum, " %s", (const char *)url);
            ica_vc_tap_fact(pinfo, ICA_TAP_CTL_URL, 0, (const char *)url);
        }
        break;
    }
    case CTL_SFTA_URL_RESPONSE:
        proto_tree_add_item_ret_uint(tree, hf_sfta_status, b, 0, 4, ENC_LITTLE_ENDIAN, &v);
        wmem_strbuf_append_printf(sum, " %s", wsc_val_to_str(pinfo->pool, v, sfta_status_vals, "status %u"));
        break;
    case CTL_SESSION_EVENT:
        add_session_event(b, pinfo, tree, sum);
        break;
    default:
        if (tvb_reported_length(b))
            expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, b, 0, -1, ENC_NA), &ei_undecoded);
        else
            expert_add_info(pinfo, ci, &ei_undecoded);
        break;
    }
}

static int dissect_ctl(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 len = tvb_reported_length(t), cmd;
    proto_item *ti = proto_tree_add_item(tree, proto_ctl, t, 0, -1, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ti, ett_ctl);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item(ct, hf_length, t, 0, 2, ENC_LITTLE_ENDIAN);
    proto_item *ci = proto_tree_add_item_ret_uint(ct, hf_cmd, t, 2, 1, ENC_NA, &cmd);
    proto_tree_add_item(ct, hf_reserved, t, 3, 1, ENC_NA);
    const char *name = wsc_val_to_str(pinfo->pool, cmd, cmd_vals, "command %u");
    if (vi && vi->summary)      /* before the body: a body cut short still names the command */
        wmem_strbuf_append_printf(vi->summary, " CTL %s", name);
    proto_item_append_text(ti, ": %s", name);
    add_body(tvb_new_subset_remaining(t, CTL_HDR), pinfo, ct, ci, cmd, sum);
    proto_item_append_text(ti, "%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return len;
}

void
proto_register_ica_ctl(void)
{
    static hf_register_info hf[] = {
        { &hf_length, { "Length", "ica.ctl.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Body length, the 4-byte header excluded", HFILL } },
        { &hf_cmd, { "Command", "ica.ctl.cmd", FT_UINT8, BASE_HEX, VALS(cmd_vals), 0x0, NULL, HFILL } },
        { &hf_reserved, { "Reserved", "ica.ctl.reserved", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_offset, { "Capability blocks offset", "ica.ctl.cap_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "From the body start", HFILL } },
        { &hf_cap_count, { "Capability blocks", "ica.ctl.cap_count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_id, { "CapabilityID", "ica.ctl.cap.id", FT_UINT16, BASE_DEC, VALS(cap_vals), 0x0, NULL, HFILL } },
        { &hf_cap_size, { "CapabilitySize", "ica.ctl.cap.size", FT_UINT8, BASE_DEC, NULL, 0x0, "The whole block, its 4-byte header included", HFILL } },
        { &hf_cap_version, { "Version", "ica.ctl.cap.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_encoding, { "Encoding", "ica.ctl.cap.encoding", FT_UINT8, BASE_DEC, VALS(encoding_vals), 0x0, NULL, HFILL } },
        { &hf_cap_codepage, { "Code page", "ica.ctl.cap.codepage", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_max_cmdline, { "Max command line length", "ica.ctl.cap.max_cmdline", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_max_env, { "Max environment block", "ica.ctl.cap.max_env", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_initial_program, { "Initial program support", "ica.ctl.cap.initial_program", FT_UINT8, BASE_DEC, NULL, 0x0, "ICACC_FLAG_INITIAL_PROGRAM_SUPPORT = 1", HFILL } },
        { &hf_cap_sfta_level, { "SFTA level", "ica.ctl.cap.sfta_level", FT_UINT32, BASE_DEC, NULL, 0x0, "1 = URL redirection", HFILL } },
        { &hf_app_offset, { "Application offset", "ica.ctl.app_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cmdline_offset, { "Command line offset", "ica.ctl.cmdline_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_env_length, { "Environment block length", "ica.ctl.env_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_env_offset, { "Environment block offset", "ica.ctl.env_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_launch_flags, { "Launch flags", "ica.ctl.launch_flags", FT_UINT32, BASE_HEX, NULL, 0x0, "0x10000 = reconnect", HFILL } },
        { &hf_app, { "Application", "ica.ctl.app", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "Published application (initial program), UTF-16LE", HFILL } },
        { &hf_cmdline, { "Command line", "ica.ctl.cmdline", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "UTF-16LE", HFILL } },
        { &hf_launch_status, { "Launch status", "ica.ctl.launch_status", FT_UINT32, BASE_DEC, VALS(launch_status_vals), 0x0, NULL, HFILL } },
        { &hf_url_offset, { "URL offset", "ica.ctl.url_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_url, { "URL", "ica.ctl.url", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "URL redirected to the client (SFTA)", HFILL } },
        { &hf_sfta_status, { "URL redirection status", "ica.ctl.sfta_status", FT_UINT32, BASE_DEC, VALS(sfta_status_vals), 0x0, NULL, HFILL } },
        { &hf_elements_offset, { "Elements offset", "ica.ctl.elements_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_elements_count, { "Elements", "ica.ctl.elements_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_element_byte_count, { "Element ByteCount", "ica.ctl.element.byte_count", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_element_type, { "Element type", "ica.ctl.element.type", FT_UINT32, BASE_DEC, VALS(element_type_vals), 0x0, NULL, HFILL } },
        { &hf_session_event, { "Session event", "ica.ctl.session_event", FT_UINT32, BASE_DEC, VALS(session_event_vals), 0x0, NULL, HFILL } },
        { &hf_session_guid, { "Session GUID", "ica.ctl.session_guid", FT_GUID, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.ctl.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public source describes", HFILL } },
    };
    static int *ett[] = { &ett_ctl, &ett_ctl_block };
    static ei_register_info ei[] = {
        { &ei_offset, { "ica.ctl.offset_outside", PI_MALFORMED, PI_ERROR, "Offset outside the message", EXPFILL } },
        { &ei_count, { "ica.ctl.count_too_large", PI_MALFORMED, PI_ERROR, "Count larger than the message holds", EXPFILL } },
        { &ei_block_length, { "ica.ctl.block_length", PI_MALFORMED, PI_ERROR, "Capability block length impossible", EXPFILL } },
        { &ei_launch_failed, { "ica.ctl.launch_failed", PI_RESPONSE_CODE, PI_WARN, "Application launch failed", EXPFILL } },
        { &ei_undecoded, { "ica.ctl.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for this command", EXPFILL } },
    };
    proto_ctl = proto_register_protocol("Citrix ICA control channel", "CTXCTL", "ica.ctl");
    proto_register_field_array(proto_ctl, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_ctl), ei, array_length(ei));
}

void
proto_reg_handoff_ica_ctl(void)
{
    /* u16 length at 0 counting the body only: the 4-byte header comes on top (vc.md §0.1) */
    static const vc_len_rule rule = { VC_LEN_FIELD, CTL_HDR, 0, 2, 0, 0xFFFF + CTL_HDR, NULL };
    ica_vc_register("CTXCTL", dissect_ctl, proto_ctl, &rule);
}
