/* vc_twi.c - CTXTWI, seamless windows (shared notes vc.md §8, §15).
 * Sources: the Citrix Receiver for HTML5 JavaScript, TWIEngine._Run (the
 * header, search-index file 9832416210), TWIProcessor (9338562424), the
 * marshallRead* functions (9063979707) and structs (9635224344) for the
 * payload layouts.  Only START = 1 is public as a number: every other
 * opcode below is inferred from the real session captures/edt-citrixudp.pcap
 * (the H5 layout that fits the payload exactly), and so marked.
 *
 * Every message: u8 opcode, u16 payload length (the 3-byte header
 * excluded), payload.  Little-endian.  Host to client and client to host
 * number their opcodes apart.  Strings: 8-bit, NUL-terminated.
 *   H2C 0x01 START: u8 hostType, hostVersionMajor, hostVersionMinor,
 *        hostAgentVersion, twiVersion, twiVersionLow, u16 hostBuild, u16 xRes,
 *        u16 yRes, u8 hostAgentState, u32 hostAgentFlags (17)
 *   H2C 0x1B SERVER_CODEPAGE [I]: u32 code page
 *   H2C 0x02 OPEN [I]: empty
 *   H2C 0x0D SYSINFO [I]: u32 mainWindow, 22 x i16 frame/caption metrics,
 *        u16 offsets of server name, user name, user domain (54); the
 *        offsets count from the string area after those 54 bytes (as the
 *        capture shows; H5 reads them so too)
 *   H2C 0x40 CREATEP [I]: u16 offsets (from the payload start) of the
 *        module file description, module path, published application name,
 *        u32 processID, u32 parentProcessID, u16 extraFlags (16); the bytes
 *        between the 16 and the first string no layout covers
 *   H2C 0x3F CREATEW_V2 [I]: u32 hostID, style, exStyle, rect position,
 *        rect client (each 4 x i32 left, top, right, bottom), u32 hostOwner,
 *        u32 processID, u16 extraFlags, u16 offsets of window name and
 *        window group id (58)
 *   H2C 0x14 FOREGROUNDW [I, weak]: u32 hostID
 *   C2H 0x01 START_ACK [I]: u8 clientType, clientVersion, twiVersion,
 *        action, u32 clientAgentFlags (8)
 *   C2H 0x3D CLIENTINFO [I]: rect workArea, u32 borderMultiplier, the
 *        Windows NONCLIENTMETRICS (u32 cbSize first) ... (456 in all), then a
 *        tail whose first u32 is the client's code page
 * Other opcodes and the bytes the layouts leave stay bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"

void proto_register_ica_twi(void);
void proto_reg_handoff_ica_twi(void);

static int proto_twi = -1;
static int hf_op = -1;
static int hf_op_name = -1;
static int hf_len = -1;
static int hf_host_type = -1;
static int hf_host_version_major = -1;
static int hf_host_version_minor = -1;
static int hf_host_agent_version = -1;
static int hf_twi_version = -1;
static int hf_twi_version_low = -1;
static int hf_host_build = -1;
static int hf_x_res = -1;
static int hf_y_res = -1;
static int hf_host_agent_state = -1;
static int hf_host_agent_flags = -1;
static int hf_codepage = -1;
static int hf_main_window = -1;
static int hf_metrics = -1;
static int hf_string_offset = -1;
static int hf_server_name = -1;
static int hf_user_name = -1;
static int hf_domain = -1;
static int hf_process_id = -1;
static int hf_parent_process_id = -1;
static int hf_extra_flags = -1;
static int hf_process_description = -1;
static int hf_process_path = -1;
static int hf_published_name = -1;
static int hf_host_id = -1;
static int hf_style = -1;
static int hf_ex_style = -1;
static int hf_rect_left = -1;
static int hf_rect_top = -1;
static int hf_rect_right = -1;
static int hf_rect_bottom = -1;
static int hf_host_owner = -1;
static int hf_window_name = -1;
static int hf_window_group = -1;
static int hf_client_type = -1;
static int hf_client_version = -1;
static int hf_client_twi_version = -1;
static int hf_action = -1;
static int hf_client_agent_flags = -1;
static int hf_border_multiplier = -1;
static int hf_ncm_size = -1;
static int hf_client_codepage = -1;
static int hf_undecoded = -1;
static int ett_twi = -1;
static int ett_twi_rect = -1;
static expert_field ei_short = EI_INIT;
static expert_field ei_offset = EI_INIT;

#define TWI_HDR 3
#define TWI_START 0x01
/* inferred from the capture (vc.md §15) */
#define TWI_OPEN 0x02
#define TWI_SYSINFO 0x0D
#define TWI_FOREGROUNDW 0x14
#define TWI_SERVER_CODEPAGE 0x1B
#define TWI_CREATEW_V2 0x3F
#define TWI_CREATEP 0x40
#define TWI_C2H_START_ACK 0x01
#define TWI_C2H_CLIENTINFO 0x3D

#define SYSINFO_FIXED 54
#define CREATEP_FIXED 16
#define CREATEW_V2_FIXED 58
#define CLIENTINFO_V1 456

static const value_string h2c_vals[] = {
    { TWI_START, "START" }, { TWI_OPEN, "OPEN (inferred)" }, { TWI_SYSINFO, "SYSINFO (inferred)" },
    { TWI_FOREGROUNDW, "FOREGROUNDW (inferred)" }, { TWI_SERVER_CODEPAGE, "SERVER_CODEPAGE (inferred)" },
    { TWI_CREATEW_V2, "CREATEW_V2 (inferred)" }, { TWI_CREATEP, "CREATEP (inferred)" }, { 0, NULL }
};
static const value_string c2h_vals[] = {
    { TWI_C2H_START_ACK, "C2H_START_ACK (inferred)" }, { TWI_C2H_CLIENTINFO, "C2H_CLIENTINFO (inferred)" },
    { 0, NULL }
};
static const value_string host_type_vals[] = { { 1, "WF1.x" }, { 2, "Hydra" }, { 0, NULL } };
static const value_string host_agent_state_vals[] = {
    { 0, "started" }, { 1, "reconnect" }, { 2, "active" }, { 0, NULL }
};

/* Fixed fields: {hf, size} in order from offset 0 of the payload. */
typedef struct { int *hf; guint8 size; } twi_field;

static void add_fields(tvbuff_t *p, proto_tree *tree, const twi_field *f, guint n)
{
    for (guint i = 0, off = 0; i < n; off += f[i].size, i++)
        proto_tree_add_item(tree, *f[i].hf, p, off, f[i].size, f[i].size == 1 ? ENC_NA : ENC_LITTLE_ENDIAN);
}

static void add_bytes(tvbuff_t *p, proto_tree *tree, guint from, guint to)
{
    if (to > from)
        proto_tree_add_item(tree, hf_undecoded, p, from, to - from, ENC_NA);
}

/* A NUL-terminated string at base + the u16 offset at p[ooff]; returns it or NULL.
 * Strings follow the message's fixed fields: an offset into them (fixed: their
 * size) would show those fields' bytes as the string, so it is marked instead. */
static const char *add_string(tvbuff_t *p, packet_info *pinfo, proto_tree *tree, int hf, guint ooff, guint base,
                              guint fixed)
{
    guint len = tvb_reported_length(p);
    guint32 o;
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_string_offset, p, ooff, 2, ENC_LITTLE_ENDIAN, &o);
    if (base + o >= len) {
        expert_add_info_format(pinfo, oi, &ei_offset, "String offset %u: outside the payload", o);
        return NULL;
    }
    if (base + o < fixed) {
        expert_add_info_format(pinfo, oi, &ei_offset, "String offset %u: inside the %u bytes of fixed fields", o,
                               fixed);
        return NULL;
    }
    gint end = tvb_find_uint8(p, base + o, -1, 0);
    guint slen = end < 0 ? len - (base + o) : (guint)end + 1 - (base + o);
    const guint8 *s;
    proto_tree_add_item_ret_string(tree, hf, p, base + o, slen, ENC_UTF_8, pinfo->pool, &s);
    if (end < 0)
        expert_add_info_format(pinfo, oi, &ei_offset, "String at offset %u has no NUL", o);
    return (const char *)s;
}

static void add_rect(tvbuff_t *p, proto_tree *tree, guint off, const char *what)
{
    proto_tree *rt = proto_tree_add_subtree_format(tree, p, off, 16, ett_twi_rect, NULL, "%s: (%d, %d) - (%d, %d)", what,
                                                   (gint32)tvb_get_letohl(p, off), (gint32)tvb_get_letohl(p, off + 4),
                                                   (gint32)tvb_get_letohl(p, off + 8),
                                                   (gint32)tvb_get_letohl(p, off + 12));
    proto_tree_add_item(rt, hf_rect_left, p, off, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(rt, hf_rect_top, p, off + 4, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(rt, hf_rect_right, p, off + 8, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(rt, hf_rect_bottom, p, off + 12, 4, ENC_LITTLE_ENDIAN);
}

static void add_sysinfo(tvbuff_t *p, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    proto_tree_add_item(tree, hf_main_window, p, 0, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_metrics, p, 4, 44, ENC_NA);
    const char *srv = add_string(p, pinfo, tree, hf_server_name, 48, SYSINFO_FIXED, SYSINFO_FIXED);
    const char *usr = add_string(p, pinfo, tree, hf_user_name, 50, SYSINFO_FIXED, SYSINFO_FIXED);
    const char *dom = add_string(p, pinfo, tree, hf_domain, 52, SYSINFO_FIXED, SYSINFO_FIXED);
    wmem_strbuf_append_printf(sum, " %s %s\\%s", srv ? srv : "?", dom ? dom : "?", usr ? usr : "?");
}

static void add_createp(tvbuff_t *p, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    static const twi_field f[] = { { &hf_process_id, 4 }, { &hf_parent_process_id, 4 }, { &hf_extra_flags, 2 } };
    guint first = MIN(MIN(tvb_get_letohs(p, 0), tvb_get_letohs(p, 2)), tvb_get_letohs(p, 4));
    tvbuff_t *ids = tvb_new_subset_length(p, 6, 10);
    add_fields(ids, tree, f, array_length(f));
    add_string(p, pinfo, tree, hf_process_description, 0, 0, CREATEP_FIXED);
    const char *path = add_string(p, pinfo, tree, hf_process_path, 2, 0, CREATEP_FIXED);
    add_string(p, pinfo, tree, hf_published_name, 4, 0, CREATEP_FIXED);
    add_bytes(p, tree, CREATEP_FIXED, MIN(first, tvb_reported_length(p)));
    wmem_strbuf_append_printf(sum, " pid %u %s", tvb_get_letohl(p, 6), path ? path : "?");
    if (path && *path)
        ica_vc_tap_fact(pinfo, ICA_TAP_TWI_PROCESS, 0, path);
}

static void add_createw_v2(tvbuff_t *p, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    static const twi_field f[] = { { &hf_host_id, 4 }, { &hf_style, 4 }, { &hf_ex_style, 4 } };
    add_fields(p, tree, f, array_length(f));
    add_rect(p, tree, 12, "Position");
    add_rect(p, tree, 28, "Client");
    proto_tree_add_item(tree, hf_host_owner, p, 44, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_process_id, p, 48, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_extra_flags, p, 52, 2, ENC_LITTLE_ENDIAN);
    const char *title = add_string(p, pinfo, tree, hf_window_name, 54, 0, CREATEW_V2_FIXED);
    add_string(p, pinfo, tree, hf_window_group, 56, 0, CREATEW_V2_FIXED);
    wmem_strbuf_append_printf(sum, " 0x%08x \"%s\"", tvb_get_letohl(p, 0), title ? title : "");
}

static void add_clientinfo(tvbuff_t *p, proto_tree *tree)
{
    guint len = tvb_reported_length(p);
    add_rect(p, tree, 0, "Work area");
    proto_tree_add_item(tree, hf_border_multiplier, p, 16, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ncm_size, p, 20, 4, ENC_LITTLE_ENDIAN);
    add_bytes(p, tree, 24, MIN(len, CLIENTINFO_V1));
    if (len >= CLIENTINFO_V1 + 4) {
        proto_tree_add_item(tree, hf_client_codepage, p, CLIENTINFO_V1, 4, ENC_LITTLE_ENDIAN);
        add_bytes(p, tree, CLIENTINFO_V1 + 4, len);
    }
}

/* The payload p of opcode op in direction dir; FALSE when no layout applies. */
static gboolean add_payload(tvbuff_t *p, guint8 op, gboolean h2c, packet_info *pinfo, proto_tree *tree,
                            wmem_strbuf_t *sum)
{
    static const twi_field start[] = {
        { &hf_host_type, 1 }, { &hf_host_version_major, 1 }, { &hf_host_version_minor, 1 },
        { &hf_host_agent_version, 1 }, { &hf_twi_version, 1 }, { &hf_twi_version_low, 1 }, { &hf_host_build, 2 },
        { &hf_x_res, 2 }, { &hf_y_res, 2 }, { &hf_host_agent_state, 1 }, { &hf_host_agent_flags, 4 }
    };
    static const twi_field ack[] = {
        { &hf_client_type, 1 }, { &hf_client_version, 1 }, { &hf_client_twi_version, 1 }, { &hf_action, 1 },
        { &hf_client_agent_flags, 4 }
    };
    guint len = tvb_reported_length(p);
    if (h2c && op == TWI_START && len >= 17)
        add_fields(p, tree, start, array_length(start));
    else if (h2c && op == TWI_SERVER_CODEPAGE && len >= 4)
        proto_tree_add_item(tree, hf_codepage, p, 0, 4, ENC_LITTLE_ENDIAN);
    else if (h2c && op == TWI_OPEN)
        return len == 0;
    else if (h2c && op == TWI_SYSINFO && len > SYSINFO_FIXED)
        add_sysinfo(p, pinfo, tree, sum);
    else if (h2c && op == TWI_CREATEP && len > CREATEP_FIXED)
        add_createp(p, pinfo, tree, sum);
    else if (h2c && op == TWI_CREATEW_V2 && len > CREATEW_V2_FIXED)
        add_createw_v2(p, pinfo, tree, sum);
    else if (h2c && op == TWI_FOREGROUNDW && len >= 4)
        proto_tree_add_item(tree, hf_host_id, p, 0, 4, ENC_LITTLE_ENDIAN);
    else if (!h2c && op == TWI_C2H_START_ACK && len >= 8)
        add_fields(p, tree, ack, array_length(ack));
    else if (!h2c && op == TWI_C2H_CLIENTINFO && len >= 24)
        add_clientinfo(p, tree);
    else
        return FALSE;
    return TRUE;
}

static int dissect_twi(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 len = tvb_reported_length(t), op, plen;
    gboolean h2c = vi ? vi->dir == 1 : TRUE;
    proto_item *ti = proto_tree_add_item(tree, proto_twi, t, 0, -1, ENC_NA);
    proto_tree *tt = proto_item_add_subtree(ti, ett_twi);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    if (len < TWI_HDR) {
        expert_add_info(pinfo, proto_tree_add_item(tt, hf_undecoded, t, 0, -1, ENC_NA), &ei_short);
        return len;
    }
    proto_tree_add_item_ret_uint(tt, hf_op, t, 0, 1, ENC_NA, &op);
    const char *name = try_val_to_str(op, h2c ? h2c_vals : c2h_vals);
    if (name)
        proto_item_set_generated(proto_tree_add_string(tt, hf_op_name, t, 0, 1, name));
    proto_tree_add_item_ret_uint(tt, hf_len, t, 1, 2, ENC_LITTLE_ENDIAN, &plen);
    if (name)
        wmem_strbuf_append_printf(sum, " TWI %s", name);
    else
        wmem_strbuf_append_printf(sum, " TWI op 0x%02x", op);
    tvbuff_t *p = tvb_new_subset_remaining(t, TWI_HDR);
    if (!add_payload(p, (guint8)op, h2c, pinfo, tt, sum))
        add_bytes(p, tt, 0, tvb_reported_length(p));
    proto_item_append_text(ti, ":%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return len;
}

#define INFERRED " (inferred from a capture)"

void
proto_register_ica_twi(void)
{
    static hf_register_info hf[] = {
        { &hf_op, { "Opcode", "ica.twi.op", FT_UINT8, BASE_HEX, NULL, 0x0, "Only START = 1 is public; the other numbers are inferred from a capture (see ica.twi.op_name)", HFILL } },
        { &hf_op_name, { "Message", "ica.twi.op_name", FT_STRING, BASE_NONE, NULL, 0x0, "The HTML5 client's message whose layout fits (inferred from a capture unless START)", HFILL } },
        { &hf_len, { "Payload length", "ica.twi.len", FT_UINT16, BASE_DEC, NULL, 0x0, "The 3-byte header excluded", HFILL } },
        { &hf_host_type, { "Host type", "ica.twi.host_type", FT_UINT8, BASE_DEC, VALS(host_type_vals), 0x0, NULL, HFILL } },
        { &hf_host_version_major, { "Host version major", "ica.twi.host_version_major", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_host_version_minor, { "Host version minor", "ica.twi.host_version_minor", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_host_agent_version, { "Host agent version", "ica.twi.host_agent_version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_twi_version, { "TWI version", "ica.twi.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_twi_version_low, { "TWI version low", "ica.twi.version_low", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_host_build, { "Host build", "ica.twi.host_build", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_x_res, { "Horizontal resolution", "ica.twi.x_res", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_y_res, { "Vertical resolution", "ica.twi.y_res", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_host_agent_state, { "Host agent state", "ica.twi.host_agent_state", FT_UINT8, BASE_DEC, VALS(host_agent_state_vals), 0x0, NULL, HFILL } },
        { &hf_host_agent_flags, { "Host agent flags", "ica.twi.host_agent_flags", FT_UINT32, BASE_HEX, NULL, 0x0, "HOST_AGENT_FLAGS_* (bit values not public)", HFILL } },
        { &hf_codepage, { "Server code page", "ica.twi.codepage", FT_UINT32, BASE_DEC, NULL, 0x0, "SERVER_CODEPAGE" INFERRED, HFILL } },
        { &hf_main_window, { "Main window", "ica.twi.main_window", FT_UINT32, BASE_HEX, NULL, 0x0, "SYSINFO" INFERRED, HFILL } },
        { &hf_metrics, { "Frame and caption metrics", "ica.twi.metrics", FT_BYTES, BASE_NONE, NULL, 0x0, "22 x i16, stdFrameX ... tinyCBY (SYSINFO" INFERRED ")", HFILL } },
        { &hf_string_offset, { "String offset", "ica.twi.string_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "SYSINFO: from the string area after 54 bytes; CREATEP, CREATEW_V2: from the payload start" INFERRED, HFILL } },
        { &hf_server_name, { "Server name", "ica.twi.server_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, "SYSINFO" INFERRED, HFILL } },
        { &hf_user_name, { "User name", "ica.twi.user_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, "SYSINFO" INFERRED, HFILL } },
        { &hf_domain, { "User domain", "ica.twi.domain", FT_STRINGZ, BASE_NONE, NULL, 0x0, "SYSINFO" INFERRED, HFILL } },
        { &hf_process_id, { "Process id", "ica.twi.process_id", FT_UINT32, BASE_DEC, NULL, 0x0, "CREATEP, CREATEW_V2" INFERRED, HFILL } },
        { &hf_parent_process_id, { "Parent process id", "ica.twi.parent_process_id", FT_UINT32, BASE_DEC, NULL, 0x0, "CREATEP" INFERRED, HFILL } },
        { &hf_extra_flags, { "Extra flags", "ica.twi.extra_flags", FT_UINT16, BASE_HEX, NULL, 0x0, "TWI_EF_* (bit values not public)", HFILL } },
        { &hf_process_description, { "Process description", "ica.twi.process_description", FT_STRINGZ, BASE_NONE, NULL, 0x0, "Module file description (CREATEP" INFERRED ")", HFILL } },
        { &hf_process_path, { "Process path", "ica.twi.process_path", FT_STRINGZ, BASE_NONE, NULL, 0x0, "Module file path (CREATEP" INFERRED ")", HFILL } },
        { &hf_published_name, { "Published application name", "ica.twi.published_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, "CREATEP" INFERRED, HFILL } },
        { &hf_host_id, { "Host window id", "ica.twi.host_id", FT_UINT32, BASE_HEX, NULL, 0x0, "CREATEW_V2, FOREGROUNDW" INFERRED, HFILL } },
        { &hf_style, { "Style", "ica.twi.style", FT_UINT32, BASE_HEX, NULL, 0x0, "Windows window style (CREATEW_V2" INFERRED ")", HFILL } },
        { &hf_ex_style, { "Extended style", "ica.twi.ex_style", FT_UINT32, BASE_HEX, NULL, 0x0, "Windows extended window style (CREATEW_V2" INFERRED ")", HFILL } },
        { &hf_rect_left, { "Left", "ica.twi.rect.left", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rect_top, { "Top", "ica.twi.rect.top", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rect_right, { "Right", "ica.twi.rect.right", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_rect_bottom, { "Bottom", "ica.twi.rect.bottom", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_host_owner, { "Host owner", "ica.twi.host_owner", FT_UINT32, BASE_HEX, NULL, 0x0, "CREATEW_V2" INFERRED, HFILL } },
        { &hf_window_name, { "Window title", "ica.twi.window_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, "CREATEW_V2" INFERRED, HFILL } },
        { &hf_window_group, { "Window group id", "ica.twi.window_group", FT_STRINGZ, BASE_NONE, NULL, 0x0, "CREATEW_V2" INFERRED, HFILL } },
        { &hf_client_type, { "Client type", "ica.twi.client_type", FT_UINT8, BASE_DEC, NULL, 0x0, "C2H_START_ACK" INFERRED, HFILL } },
        { &hf_client_version, { "Client version", "ica.twi.client_version", FT_UINT8, BASE_DEC, NULL, 0x0, "C2H_START_ACK" INFERRED, HFILL } },
        { &hf_client_twi_version, { "Client TWI version", "ica.twi.client_twi_version", FT_UINT8, BASE_DEC, NULL, 0x0, "C2H_START_ACK" INFERRED, HFILL } },
        { &hf_action, { "Action", "ica.twi.action", FT_UINT8, BASE_DEC, NULL, 0x0, "C2H_START_ACK" INFERRED, HFILL } },
        { &hf_client_agent_flags, { "Client agent flags", "ica.twi.client_agent_flags", FT_UINT32, BASE_HEX, NULL, 0x0, "TWI_CLIENT_FLAG_* (bit values not public; C2H_START_ACK" INFERRED ")", HFILL } },
        { &hf_border_multiplier, { "Border multiplier", "ica.twi.border_multiplier", FT_UINT32, BASE_DEC, NULL, 0x0, "C2H_CLIENTINFO" INFERRED, HFILL } },
        { &hf_ncm_size, { "NONCLIENTMETRICS size", "ica.twi.ncm_size", FT_UINT32, BASE_DEC, NULL, 0x0, "cbSize (C2H_CLIENTINFO" INFERRED ")", HFILL } },
        { &hf_client_codepage, { "Client code page", "ica.twi.client_codepage", FT_UINT32, BASE_DEC, NULL, 0x0, "First u32 after the 456-byte v1 client info (C2H_CLIENTINFO" INFERRED ")", HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.twi.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes neither a public source nor the capture explains", HFILL } },
    };
    static int *ett[] = { &ett_twi, &ett_twi_rect };
    static ei_register_info ei[] = {
        { &ei_short, { "ica.twi.short", PI_MALFORMED, PI_ERROR, "Message shorter than its 3-byte header", EXPFILL } },
        { &ei_offset, { "ica.twi.offset_outside", PI_MALFORMED, PI_ERROR, "String offset outside the payload or inside its fixed fields", EXPFILL } },
    };
    proto_twi = proto_register_protocol("Citrix ICA seamless windows channel", "CTXTWI", "ica.twi");
    proto_register_field_array(proto_twi, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_twi), ei, array_length(ei));
}

void
proto_reg_handoff_ica_twi(void)
{
    /* u16 payload length at 1, the 3-byte header excluded (vc.md §0.1) */
    static const vc_len_rule rule = { VC_LEN_FIELD, TWI_HDR, 1, 2, 0, 0xFFFF + TWI_HDR, NULL };
    ica_vc_register("CTXTWI", dissect_twi, proto_twi, &rule);
}
