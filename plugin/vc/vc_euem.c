/* vc_euem.c - CTXEUEM, End User Experience Monitoring (shared notes vc.md
 * §2).  Sources: the Citrix Receiver for HTML5 JavaScript, EuemConstants
 * (search-index file 9431332927), EuemPacketHelper (9408999714), EuemEngine
 * (9109011032), EuemContext durationIds (9791884083) and the Jasmine tests
 * with exact bytes (21833484800).
 *
 * Every message: u16 ByteCount (the whole message, header included), u8
 * Command, u8 Reserved (the HTML5 client rejects non-zero).  Offsets inside
 * a message count from its first byte.  Little-endian.
 *   0/1/2 BIND_REQUEST (host) / BIND_RESPONSE (client) / BIND_COMMIT (host):
 *         u16 oCapBlocks, u8 count, u8 reserved; blocks u16 ByteCount, u8 CapId,
 *         u8 reserved, then for CapId 1 (version) u8 Version
 *   3 SETTINGS (host): u16 offset, u8 count, u8 reserved; blocks u16 ByteCount
 *         (block included), u8 SettingId, u8 reserved, value: id 0 round-trip
 *         period u16 seconds, id 1 measure when idle u8
 *   4 CONNECTION_ID (client): u32 SessionId, u32 Timestamp, u16 name length
 *         (NUL included), u16 name offset, u16 address length, u16 address
 *         offset; client name and address, ASCII
 *   5 ROUNDTRIP_START (client): u8 sequence, u8 pad.  6 ROUNDTRIP_ABORT (host):
 *         u8 sequence
 *   7 ICA_RESULT (client): u32 round trip ms, u8 sequence, u8 duration count,
 *         u16 durations offset, u8 bytes per duration; durations i32 ms, u8 id
 *   9 CLIENT_STARTUP_TIMES (client): u8 startup flag, u8 reserved, u16 app name
 *         length, u16 app name offset, u16 durations offset, u8 count, u8 bytes
 *         per duration, u16 launch mechanism length, u16 its offset; strings
 *         ASCII, durations i32 ms, u8 id (the startup duration names)
 *   8 AUTORECONNECT: no public layout (the HTML5 client leaves it "todo").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"

void proto_register_ica_euem(void);
void proto_reg_handoff_ica_euem(void);

static int proto_euem = -1;
static int hf_byte_count = -1;
static int hf_cmd = -1;
static int hf_reserved = -1;
static int hf_cap_offset = -1;
static int hf_cap_count = -1;
static int hf_cap_byte_count = -1;
static int hf_cap_id = -1;
static int hf_cap_version = -1;
static int hf_settings_offset = -1;
static int hf_settings_count = -1;
static int hf_setting_byte_count = -1;
static int hf_setting_id = -1;
static int hf_roundtrip_period = -1;
static int hf_roundtrip_when_idle = -1;
static int hf_session_id = -1;
static int hf_timestamp = -1;
static int hf_name_length = -1;
static int hf_name_offset = -1;
static int hf_address_length = -1;
static int hf_address_offset = -1;
static int hf_client_name = -1;
static int hf_client_address = -1;
static int hf_sequence = -1;
static int hf_roundtrip_ms = -1;
static int hf_duration_count = -1;
static int hf_durations_offset = -1;
static int hf_duration_size = -1;
static int hf_duration_ms = -1;
static int hf_duration_id = -1;
static int hf_duration_name = -1;
static int hf_startup_flag = -1;
static int hf_app_name_length = -1;
static int hf_app_name_offset = -1;
static int hf_launch_mechanism_length = -1;
static int hf_launch_mechanism_offset = -1;
static int hf_app_name = -1;
static int hf_launch_mechanism = -1;
static int hf_undecoded = -1;
static int ett_euem = -1;
static int ett_euem_block = -1;
static expert_field ei_reserved = EI_INIT;
static expert_field ei_offset = EI_INIT;
static expert_field ei_count = EI_INIT;
static expert_field ei_block_length = EI_INIT;
static expert_field ei_undecoded = EI_INIT;

enum {
    EUEM_BIND_REQUEST = 0, EUEM_BIND_RESPONSE = 1, EUEM_BIND_COMMIT = 2, EUEM_SETTINGS = 3,
    EUEM_CONNECTION_ID = 4, EUEM_ROUNDTRIP_START = 5, EUEM_ROUNDTRIP_ABORT = 6, EUEM_ICA_RESULT = 7,
    EUEM_AUTORECONNECT = 8, EUEM_CLIENT_STARTUP_TIMES = 9
};
#define EUEM_HDR 4
#define EUEM_CAP_VERSION 1          /* EUEMVD_CAPABILITY_VERSION */
#define EUEM_SETTING_PERIOD 0       /* EUEMVD_SETTINGS_ICA_ROUNDTRIP_PERIOD */
#define EUEM_SETTING_WHEN_IDLE 1    /* EUEMVD_SETTINGS_ICA_ROUNDTRIP_WHEN_IDLE */
#define EUEM_DURATION_MIN 5         /* i32 ms, u8 id */

static const value_string cmd_vals[] = {
    { EUEM_BIND_REQUEST, "BIND_REQUEST" }, { EUEM_BIND_RESPONSE, "BIND_RESPONSE" },
    { EUEM_BIND_COMMIT, "BIND_COMMIT" }, { EUEM_SETTINGS, "SETTINGS" },
    { EUEM_CONNECTION_ID, "CONNECTION_ID" }, { EUEM_ROUNDTRIP_START, "ROUNDTRIP_START" },
    { EUEM_ROUNDTRIP_ABORT, "ROUNDTRIP_ABORT" }, { EUEM_ICA_RESULT, "ICA_RESULT" },
    { EUEM_AUTORECONNECT, "AUTORECONNECT" }, { EUEM_CLIENT_STARTUP_TIMES, "CLIENT_STARTUP_TIMES" },
    { 0, NULL }
};

static const value_string cap_id_vals[] = { { EUEM_CAP_VERSION, "VERSION" }, { 0, NULL } };

static const value_string cap_version_vals[] = {
    { 1, "PRE_RELEASE" }, { 2, "INITIAL_RELEASE" }, { 3, "STARTUP_DURATION" }, { 0, NULL }
};

static const value_string setting_id_vals[] = {
    { EUEM_SETTING_PERIOD, "ICA_ROUNDTRIP_PERIOD" }, { EUEM_SETTING_WHEN_IDLE, "ICA_ROUNDTRIP_WHEN_IDLE" },
    { 0, NULL }
};

static const value_string startup_flag_vals[] = {
    { 0, "CLIENT_SHARED_SESSION" }, { 1, "CLIENT_NEW_SESSION" }, { 0, NULL }
};

/* ICA_RESULT duration ids (RT_DURATION_*) */
static const value_string rt_duration_vals[] = {
    { 0, "FIRST_RAW" }, { 1, "EUEM_TRIGGER" }, { 2, "FRAME_CUT" }, { 3, "FRAME_SEND" }, { 4, "WD_TRIGGER" },
    { 0, NULL }
};

/* CLIENT_STARTUP_TIMES duration ids: EuemContext durationIds, index = id */
static const value_string startup_duration_vals[] = {
    { 0, "SCD" }, { 1, "AECD" }, { 2, "COCD" }, { 3, "RECD" }, { 4, "REWD" }, { 5, "NRCD" }, { 6, "NRWD" },
    { 7, "TRWD" }, { 8, "LPWD" }, { 9, "IFDCD" }, { 10, "SLCD" }, { 11, "SCCD" }, { 12, "CFDCD" },
    { 13, "BUCC" }, { 14, "SCTW_HIGH" }, { 15, "SCTW_LOW" }, { 16, "SCTM_HIGH" }, { 17, "SCTM_LOW" },
    { 0, NULL }
};

/* An offset field checked against the message: FALSE (and an expert mark) when it
 * points outside [min, len). */
static gboolean offset_ok(packet_info *pinfo, proto_item *it, guint32 off, guint32 min, guint32 len)
{
    if (off >= min && off < len)
        return TRUE;
    expert_add_info_format(pinfo, it, &ei_offset, "Offset %u outside the message's body (%u..%u)", off, min,
                           len ? len - 1 : 0);
    return FALSE;
}

/* A string given by offset and length (NUL included); returns it or NULL. */
static const char *add_string(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, int hf, proto_item *off_item,
                              guint32 off, guint32 slen, guint32 body)
{
    guint32 len = tvb_reported_length(t);
    if (!slen || !offset_ok(pinfo, off_item, off, body, len))
        return NULL;
    if (slen > len - off) {
        expert_add_info_format(pinfo, off_item, &ei_offset, "String of %u bytes runs %u bytes past the message",
                               slen, slen - (len - off));
        slen = len - off;
    }
    const guint8 *s;
    proto_tree_add_item_ret_string(tree, hf, t, off, slen, ENC_ASCII, pinfo->pool, &s);
    return (const char *)s;
}

/* Blocks that start with a u16 ByteCount (bind capabilities, settings). */
static void add_blocks(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint8 cmd)
{
    gboolean caps = cmd != EUEM_SETTINGS;
    guint32 off, count, len = tvb_reported_length(t);
    proto_item *oi = proto_tree_add_item_ret_uint(tree, caps ? hf_cap_offset : hf_settings_offset, t, 4, 2,
                                                  ENC_LITTLE_ENDIAN, &off);
    proto_item *ci = proto_tree_add_item_ret_uint(tree, caps ? hf_cap_count : hf_settings_count, t, 6, 1, ENC_NA,
                                                  &count);
    proto_tree_add_item(tree, hf_reserved, t, 7, 1, ENC_NA);
    if (count && !offset_ok(pinfo, oi, off, 8, len))
        return;
    for (guint32 i = 0; i < count; i++) {
        if (off + 4 > len) {
            expert_add_info_format(pinfo, ci, &ei_count, "Count %u: only %u blocks fit in the message", count, i);
            return;
        }
        guint32 bc = tvb_get_letohs(t, off), id = tvb_get_uint8(t, off + 2);
        proto_tree *bt = proto_tree_add_subtree_format(tree, t, off, MIN(MAX(bc, 4), len - off), ett_euem_block,
                                                       NULL, caps ? "Capability %s" : "Setting %s",
                                                       val_to_str_const(id, caps ? cap_id_vals : setting_id_vals,
                                                                        "unknown"));
        proto_item *bi = proto_tree_add_item(bt, caps ? hf_cap_byte_count : hf_setting_byte_count, t, off, 2,
                                             ENC_LITTLE_ENDIAN);
        proto_tree_add_item(bt, caps ? hf_cap_id : hf_setting_id, t, off + 2, 1, ENC_NA);
        proto_tree_add_item(bt, hf_reserved, t, off + 3, 1, ENC_NA);
        if (bc < 4 || bc > len - off) {
            expert_add_info_format(pinfo, bi, &ei_block_length, "Block length %u: below its 4-byte header or "
                                   "past the message", bc);
            return;
        }
        if (caps && id == EUEM_CAP_VERSION && bc >= 5)
            proto_tree_add_item(bt, hf_cap_version, t, off + 4, 1, ENC_NA);
        else if (!caps && id == EUEM_SETTING_PERIOD && bc >= 6)
            proto_tree_add_item(bt, hf_roundtrip_period, t, off + 4, 2, ENC_LITTLE_ENDIAN);
        else if (!caps && id == EUEM_SETTING_WHEN_IDLE && bc >= 5)
            proto_tree_add_item(bt, hf_roundtrip_when_idle, t, off + 4, 1, ENC_NA);
        else if (bc > 4)
            proto_tree_add_item(bt, hf_undecoded, t, off + 4, bc - 4, ENC_NA);
        off += bc;
    }
}

/* Durations: count entries of size bytes (i32 ms, u8 id) from off. */
static void add_durations(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, proto_item *oi, proto_item *ci,
                          guint32 off, guint32 count, guint32 size, const value_string *names, guint32 body)
{
    guint32 len = tvb_reported_length(t);
    if (!count || !offset_ok(pinfo, oi, off, body, len))
        return;
    if (size < EUEM_DURATION_MIN) {
        expert_add_info_format(pinfo, ci, &ei_block_length, "Duration size %u: below the 5 bytes of ms and id",
                               size);
        return;
    }
    for (guint32 i = 0; i < count; i++, off += size) {
        if (size > len - off) {
            expert_add_info_format(pinfo, ci, &ei_count, "Count %u: only %u durations fit in the message", count,
                                   i);
            return;
        }
        gint32 ms = (gint32)tvb_get_letohl(t, off);
        guint8 id = tvb_get_uint8(t, off + 4);
        const char *name = val_to_str_const(id, names, "unknown");
        proto_tree *dt = proto_tree_add_subtree_format(tree, t, off, size, ett_euem_block, NULL,
                                                       "Duration %s: %d ms", name, ms);
        proto_tree_add_item(dt, hf_duration_ms, t, off, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(dt, hf_duration_id, t, off + 4, 1, ENC_NA);
        proto_item_set_generated(proto_tree_add_string(dt, hf_duration_name, t, off + 4, 1, name));
        if (names == startup_duration_vals)
            ica_vc_tap_fact(pinfo, ICA_TAP_EUEM_STARTUP_DURATION, ms, name);
        if (size > EUEM_DURATION_MIN)
            proto_tree_add_item(dt, hf_undecoded, t, off + 5, size - 5, ENC_NA);
    }
}

static void add_connection_id(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 nl, no, al, ao;
    proto_tree_add_item(tree, hf_session_id, t, 4, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_timestamp, t, 8, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint(tree, hf_name_length, t, 12, 2, ENC_LITTLE_ENDIAN, &nl);
    proto_item *noi = proto_tree_add_item_ret_uint(tree, hf_name_offset, t, 14, 2, ENC_LITTLE_ENDIAN, &no);
    proto_tree_add_item_ret_uint(tree, hf_address_length, t, 16, 2, ENC_LITTLE_ENDIAN, &al);
    proto_item *aoi = proto_tree_add_item_ret_uint(tree, hf_address_offset, t, 18, 2, ENC_LITTLE_ENDIAN, &ao);
    const char *name = add_string(t, pinfo, tree, hf_client_name, noi, no, nl, 20);
    const char *addr = add_string(t, pinfo, tree, hf_client_address, aoi, ao, al, 20);
    if (name)
        ica_vc_tap_fact(pinfo, ICA_TAP_EUEM_CLIENT_NAME, 0, name);
    if (addr)
        ica_vc_tap_fact(pinfo, ICA_TAP_EUEM_CLIENT_ADDRESS, 0, addr);
    wmem_strbuf_append_printf(sum, " %s %s", name ? name : "?", addr ? addr : "?");
}

static void add_ica_result(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 ms, seq, count, off, size;
    proto_tree_add_item_ret_uint(tree, hf_roundtrip_ms, t, 4, 4, ENC_LITTLE_ENDIAN, &ms);
    proto_tree_add_item_ret_uint(tree, hf_sequence, t, 8, 1, ENC_NA, &seq);
    proto_item *ci = proto_tree_add_item_ret_uint(tree, hf_duration_count, t, 9, 1, ENC_NA, &count);
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_durations_offset, t, 10, 2, ENC_LITTLE_ENDIAN, &off);
    proto_tree_add_item_ret_uint(tree, hf_duration_size, t, 12, 1, ENC_NA, &size);
    wmem_strbuf_append_printf(sum, " %u ms seq %u", ms, seq);
    ica_vc_tap_fact(pinfo, ICA_TAP_EUEM_ROUNDTRIP, (gint32)MIN(ms, (guint32)G_MAXINT32), NULL);
    add_durations(t, pinfo, tree, oi, ci, off, count, size, rt_duration_vals, 13);
}

static void add_startup_times(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 al, ao, doff, count, size, ll, lo;
    proto_tree_add_item(tree, hf_startup_flag, t, 4, 1, ENC_NA);
    proto_tree_add_item(tree, hf_reserved, t, 5, 1, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_app_name_length, t, 6, 2, ENC_LITTLE_ENDIAN, &al);
    proto_item *aoi = proto_tree_add_item_ret_uint(tree, hf_app_name_offset, t, 8, 2, ENC_LITTLE_ENDIAN, &ao);
    proto_item *doi = proto_tree_add_item_ret_uint(tree, hf_durations_offset, t, 10, 2, ENC_LITTLE_ENDIAN, &doff);
    proto_item *ci = proto_tree_add_item_ret_uint(tree, hf_duration_count, t, 12, 1, ENC_NA, &count);
    proto_tree_add_item_ret_uint(tree, hf_duration_size, t, 13, 1, ENC_NA, &size);
    proto_tree_add_item_ret_uint(tree, hf_launch_mechanism_length, t, 14, 2, ENC_LITTLE_ENDIAN, &ll);
    proto_item *loi = proto_tree_add_item_ret_uint(tree, hf_launch_mechanism_offset, t, 16, 2, ENC_LITTLE_ENDIAN,
                                                   &lo);
    const char *app = add_string(t, pinfo, tree, hf_app_name, aoi, ao, al, 18);
    const char *lm = add_string(t, pinfo, tree, hf_launch_mechanism, loi, lo, ll, 18);
    wmem_strbuf_append_printf(sum, " %s via %s", app ? app : "?", lm ? lm : "?");
    if (app)
        ica_vc_tap_fact(pinfo, ICA_TAP_EUEM_APP, 0, app);
    if (lm)
        ica_vc_tap_fact(pinfo, ICA_TAP_EUEM_LAUNCH_MECHANISM, 0, lm);
    add_durations(t, pinfo, tree, doi, ci, doff, count, size, startup_duration_vals, 18);
}

static int dissect_euem(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 len = tvb_reported_length(t), cmd, reserved;
    proto_item *ti = proto_tree_add_item(tree, proto_euem, t, 0, -1, ENC_NA);
    proto_tree *et = proto_item_add_subtree(ti, ett_euem);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item(et, hf_byte_count, t, 0, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint(et, hf_cmd, t, 2, 1, ENC_NA, &cmd);
    proto_item *ri = proto_tree_add_item_ret_uint(et, hf_reserved, t, 3, 1, ENC_NA, &reserved);
    if (reserved)
        expert_add_info(pinfo, ri, &ei_reserved);
    wmem_strbuf_append_printf(sum, " EUEM %s", wsc_val_to_str(pinfo->pool, cmd, cmd_vals, "command %u"));
    /* the summary goes out before the body: a body cut short still names the command */
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    wmem_strbuf_truncate(sum, 0);
    switch (cmd) {
    case EUEM_BIND_REQUEST:
    case EUEM_BIND_RESPONSE:
    case EUEM_BIND_COMMIT:
    case EUEM_SETTINGS:
        add_blocks(t, pinfo, et, (guint8)cmd);
        break;
    case EUEM_CONNECTION_ID:
        add_connection_id(t, pinfo, et, sum);
        break;
    case EUEM_ROUNDTRIP_START:
    case EUEM_ROUNDTRIP_ABORT: {
        guint32 seq;
        proto_tree_add_item_ret_uint(et, hf_sequence, t, 4, 1, ENC_NA, &seq);
        wmem_strbuf_append_printf(sum, " seq %u", seq);
        if (cmd == EUEM_ROUNDTRIP_START && len > 5)
            proto_tree_add_item(et, hf_reserved, t, 5, 1, ENC_NA);
        break;
    }
    case EUEM_ICA_RESULT:
        add_ica_result(t, pinfo, et, sum);
        break;
    case EUEM_CLIENT_STARTUP_TIMES:
        add_startup_times(t, pinfo, et, sum);
        break;
    default:
        if (len > EUEM_HDR)
            expert_add_info(pinfo, proto_tree_add_item(et, hf_undecoded, t, EUEM_HDR, len - EUEM_HDR, ENC_NA),
                            &ei_undecoded);
        break;
    }
    proto_item_append_text(ti, ": %s%s", wsc_val_to_str(pinfo->pool, cmd, cmd_vals, "command %u"), wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return len;
}

void
proto_register_ica_euem(void)
{
    static hf_register_info hf[] = {
        { &hf_byte_count, { "ByteCount", "ica.euem.byte_count", FT_UINT16, BASE_DEC, NULL, 0x0, "Message length, this 4-byte header included", HFILL } },
        { &hf_cmd, { "Command", "ica.euem.cmd", FT_UINT8, BASE_DEC, VALS(cmd_vals), 0x0, NULL, HFILL } },
        { &hf_reserved, { "Reserved", "ica.euem.reserved", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_offset, { "Capability blocks offset", "ica.euem.cap_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "oCapBlocks, from the message start", HFILL } },
        { &hf_cap_count, { "Capability blocks", "ica.euem.cap_count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_byte_count, { "Capability ByteCount", "ica.euem.cap.byte_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_id, { "Capability", "ica.euem.cap.id", FT_UINT8, BASE_DEC, VALS(cap_id_vals), 0x0, NULL, HFILL } },
        { &hf_cap_version, { "Version", "ica.euem.cap.version", FT_UINT8, BASE_DEC, VALS(cap_version_vals), 0x0, NULL, HFILL } },
        { &hf_settings_offset, { "Setting blocks offset", "ica.euem.settings_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_settings_count, { "Setting blocks", "ica.euem.settings_count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_setting_byte_count, { "Setting ByteCount", "ica.euem.setting.byte_count", FT_UINT16, BASE_DEC, NULL, 0x0, "Block length, these 2 bytes included", HFILL } },
        { &hf_setting_id, { "Setting", "ica.euem.setting.id", FT_UINT8, BASE_DEC, VALS(setting_id_vals), 0x0, NULL, HFILL } },
        { &hf_roundtrip_period, { "Round-trip period (s)", "ica.euem.roundtrip_period", FT_UINT16, BASE_DEC, NULL, 0x0, "ICA round-trip measurement period in seconds", HFILL } },
        { &hf_roundtrip_when_idle, { "Round trip when idle", "ica.euem.roundtrip_when_idle", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_session_id, { "Session id", "ica.euem.session_id", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_timestamp, { "Timestamp", "ica.euem.timestamp", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_name_length, { "Client name length", "ica.euem.client_name_length", FT_UINT16, BASE_DEC, NULL, 0x0, "NUL included", HFILL } },
        { &hf_name_offset, { "Client name offset", "ica.euem.client_name_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_address_length, { "Client address length", "ica.euem.client_address_length", FT_UINT16, BASE_DEC, NULL, 0x0, "NUL included", HFILL } },
        { &hf_address_offset, { "Client address offset", "ica.euem.client_address_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_client_name, { "Client name", "ica.euem.client_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_client_address, { "Client address", "ica.euem.client_address", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "As the client reports it (text)", HFILL } },
        { &hf_sequence, { "Round-trip sequence", "ica.euem.sequence", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_roundtrip_ms, { "ICA round trip (ms)", "ica.euem.roundtrip_ms", FT_UINT32, BASE_DEC, NULL, 0x0, "RoundTripDuration measured by the client", HFILL } },
        { &hf_duration_count, { "Durations", "ica.euem.duration_count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_durations_offset, { "Durations offset", "ica.euem.durations_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_duration_size, { "Bytes per duration", "ica.euem.duration_size", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_duration_ms, { "Duration (ms)", "ica.euem.duration_ms", FT_INT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_duration_id, { "Duration id", "ica.euem.duration_id", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_duration_name, { "Duration", "ica.euem.duration_name", FT_STRING, BASE_NONE, NULL, 0x0, "RT_DURATION_* name (ICA_RESULT) or startup duration acronym (CLIENT_STARTUP_TIMES)", HFILL } },
        { &hf_startup_flag, { "Startup flag", "ica.euem.startup_flag", FT_UINT8, BASE_DEC, VALS(startup_flag_vals), 0x0, NULL, HFILL } },
        { &hf_app_name_length, { "Application name length", "ica.euem.app_name_length", FT_UINT16, BASE_DEC, NULL, 0x0, "NUL included", HFILL } },
        { &hf_app_name_offset, { "Application name offset", "ica.euem.app_name_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_launch_mechanism_length, { "Launch mechanism length", "ica.euem.launch_mechanism_length", FT_UINT16, BASE_DEC, NULL, 0x0, "NUL included", HFILL } },
        { &hf_launch_mechanism_offset, { "Launch mechanism offset", "ica.euem.launch_mechanism_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_app_name, { "Application", "ica.euem.app_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_launch_mechanism, { "Launch mechanism", "ica.euem.launch_mechanism", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.euem.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public source describes", HFILL } },
    };
    static int *ett[] = { &ett_euem, &ett_euem_block };
    static ei_register_info ei[] = {
        { &ei_reserved, { "ica.euem.reserved.nonzero", PI_PROTOCOL, PI_WARN, "Reserved byte not 0 (the HTML5 client rejects such a message)", EXPFILL } },
        { &ei_offset, { "ica.euem.offset_outside", PI_MALFORMED, PI_ERROR, "Offset outside the message", EXPFILL } },
        { &ei_count, { "ica.euem.count_too_large", PI_MALFORMED, PI_ERROR, "Count larger than the message holds", EXPFILL } },
        { &ei_block_length, { "ica.euem.block_length", PI_MALFORMED, PI_ERROR, "Block length impossible", EXPFILL } },
        { &ei_undecoded, { "ica.euem.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for this command", EXPFILL } },
    };
    proto_euem = proto_register_protocol("Citrix ICA End User Experience Monitoring channel", "CTXEUEM", "ica.euem");
    proto_register_field_array(proto_euem, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_euem), ei, array_length(ei));
}

void
proto_reg_handoff_ica_euem(void)
{
    /* u16 ByteCount at 0, the 4-byte header included (vc.md §0.1) */
    static const vc_len_rule rule = { VC_LEN_FIELD, EUEM_HDR, 0, 2, 1, 0xFFFF, NULL };
    ica_vc_register("CTXEUEM", dissect_euem, proto_euem, &rule);
}
