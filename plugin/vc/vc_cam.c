/* vc_cam.c - CTXCAM, client audio mapping (shared notes vc.md §10).
 * Sources: the RISC OS ICA client's vdcam header ("Client Audio Mapping
 * on-the-wire protocol definitions", 1997: protocol v1 structures, reset
 * reasons, PCM and Citrix ADPCM sub-formats) and the Citrix Receiver for
 * HTML5's AudioEngine (search-index file 8953037024: v2 commands, how each
 * is read and written) and audio format constants (9470909844: Vorbis and
 * Speex sub-formats).
 *
 * No length field: every message is u8 iCommand and a fixed structure, a
 * WRITE followed by its audio data, a format list followed by its FORMAT_IDs
 * (plugin/core/vc_dev.c measures them).  Little-endian.
 *   host to client
 *   0x00 INIT: u8 iCAMVersionH, u8 iFCVersionH
 *   0x01 OPEN: u8 DeviceID, u16 iFormat, u16 wSubFormat, u8 Extra[4]
 *   0x02 CLOSE, 0x04 RESET_ACK: u8 DeviceID
 *   0x03 WRITE: u8 DeviceID, u16 oData (from the message start), u16 cbData,
 *        u8 reserved[2], the audio data at oData (at 8 when oData is below)
 *   0x05 REQUEST_CAPINFO: u8 DeviceID, u16 oFormatIDs, u16 nFormatIDs, then
 *        FORMAT_IDs u16 iFormat, u16 wSubFormat at oFormatIDs
 *   0x06 READ_REQUEST (v2): u8 DeviceID, u16 pktSize, u16 pktCount
 *   0x07/0x08/0x09 START/STOP/RESET_RECORD (v2): u8 DeviceID (all the HTML5
 *        client reads)
 *   0x0A SET_CONTROL (v2): u8 DeviceID, u8 control, u8 pad, u32 value
 *   client to host
 *   0x80 RESOURCE_ACK: u16 iResource (1 commands, 2 data), u16 nReleased
 *   0x81 RESET: u8 DeviceID, u8 iReason
 *   0x82 CAPABILITY_INFO: as REQUEST_CAPINFO (the client's formats)
 *   0x83 READ_RESPONSE, 0x84 OPEN_RESPONSE, 0x85 CONTROL_UPDATE (v2): ids
 *        only, no public body (bytes to the end of the write, undecoded)
 * Format ids: 1 linear PCM, 2 Citrix ADPCM, 3 Citrix ADPCM EX, 4 Vorbis, 5
 * Speex; the sub-format gives rate, channels, depth or quality
 * (vc_cam_format()).  Vorbis sub-formats carry no rate: the HTML5 client
 * plays 44100 Hz, shown in parentheses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"
#include "vc_dev.h"

void proto_register_ica_cam(void);
void proto_reg_handoff_ica_cam(void);

static int proto_cam = -1;
static int hf_cmd = -1;
static int hf_device = -1;
static int hf_cam_version = -1;
static int hf_fc_version = -1;
static int hf_format = -1;
static int hf_subformat = -1;
static int hf_codec = -1;
static int hf_rate = -1;
static int hf_channels = -1;
static int hf_bits = -1;
static int hf_quality = -1;
static int hf_format_text = -1;
static int hf_extra = -1;
static int hf_data_offset = -1;
static int hf_data_length = -1;
static int hf_reserved = -1;
static int hf_data = -1;
static int hf_formats_offset = -1;
static int hf_format_count = -1;
static int hf_packet_size = -1;
static int hf_packet_count = -1;
static int hf_control = -1;
static int hf_pad = -1;
static int hf_control_value = -1;
static int hf_resource = -1;
static int hf_released = -1;
static int hf_reason = -1;
static int hf_undecoded = -1;
static int ett_cam = -1;
static int ett_cam_format = -1;
static expert_field ei_offset = EI_INIT;
static expert_field ei_count = EI_INIT;
static expert_field ei_subformat = EI_INIT;
static expert_field ei_reset = EI_INIT;
static expert_field ei_undecoded = EI_INIT;

#define CAM_MAX_LEN 0x50000     /* 0xFFFF + 4 * 0xFFFF, the longest a format list can claim */

static const value_string cmd_vals[] = {
    { CAM_INIT, "INIT" }, { CAM_OPEN, "OPEN" }, { CAM_CLOSE, "CLOSE" }, { CAM_WRITE, "WRITE" },
    { CAM_RESET_ACK, "RESET_ACK" }, { CAM_REQUEST_CAPINFO, "REQUEST_CAPINFO" },
    { CAM_READ_REQUEST, "READ_REQUEST" }, { CAM_START_RECORD, "START_RECORD" },
    { CAM_STOP_RECORD, "STOP_RECORD" }, { CAM_RESET_RECORD, "RESET_RECORD" }, { CAM_SET_CONTROL, "SET_CONTROL" },
    { CAM_RESOURCE_ACK, "RESOURCE_ACK" }, { CAM_RESET, "RESET" }, { CAM_CAPABILITY_INFO, "CAPABILITY_INFO" },
    { CAM_READ_RESPONSE, "READ_RESPONSE" }, { CAM_OPEN_RESPONSE, "OPEN_RESPONSE" },
    { CAM_CONTROL_UPDATE, "CONTROL_UPDATE" }, { 0, NULL }
};

static const value_string device_vals[] = {
    { 0x00, "NONE" }, { 0x01, "PCM_OUT" }, { 0x02, "PCM_IN" }, { 0, NULL }
};

static const value_string format_vals[] = {
    { CAM_FORMAT_NONE, "FORMAT_NONE" }, { CAM_FORMAT_LINEAR_PCM, "FORMAT_LINEAR_PCM" },
    { CAM_FORMAT_CTX_ADPCM, "FORMAT_CTX_ADPCM" }, { CAM_FORMAT_CTX_ADPCM_EX, "FORMAT_CTX_ADPCM_EX" },
    { CAM_FORMAT_CTX_VORBIS, "FORMAT_CTX_VORBIS" }, { CAM_FORMAT_CTX_SPEEX, "FORMAT_CTX_SPEEX" }, { 0, NULL }
};

static const value_string resource_vals[] = { { 1, "COMMANDS" }, { 2, "DATA" }, { 0, NULL } };

static const value_string reason_vals[] = {
    { 0x01, "NOT_INITIALIZED" }, { 0x02, "BAD_DEVICE_ID" }, { 0x03, "BAD_DEVICE_TYPE" },
    { 0x04, "COMMAND_OVERFLOW" }, { 0x05, "DATA_OVERFLOW" }, { 0x06, "UNKNOWN_PACKET" },
    { 0x07, "INVALID_COMMAND" }, { 0x08, "UNKNOWN_FORMAT_ID" }, { 0x09, "INTERNAL_ERROR" },
    { 0xFF, "DEVICE_ERROR" }, { 0, NULL }
};

/* One FORMAT_ID at off: its fields and what it says; returns its text. */
static const char *add_format(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint32 off)
{
    guint32 fmt = tvb_get_letohs(t, off), sub = tvb_get_letohs(t, off + 2);
    cam_format f;
    char text[96];
    vc_cam_format((guint16)fmt, (guint16)sub, &f);
    vc_cam_format_text(&f, text, sizeof text);
    if (!f.codec)
        snprintf(text, sizeof text, "format %u", fmt);
    proto_tree *ft = proto_tree_add_subtree_format(tree, t, off, CAM_FORMAT_ID, ett_cam_format, NULL, "Format: %s",
                                                   text);
    proto_tree_add_item(ft, hf_format, t, off, 2, ENC_LITTLE_ENDIAN);
    proto_item *si = proto_tree_add_item(ft, hf_subformat, t, off + 2, 2, ENC_LITTLE_ENDIAN);
    if (f.codec) {
        proto_item_set_generated(proto_tree_add_string(ft, hf_codec, t, off, 2, f.codec));
        if (f.rate_hz) {
            proto_item *ri = proto_tree_add_uint(ft, hf_rate, t, off + 2, 2, f.rate_hz);
            proto_item_set_generated(ri);
            if (f.rate_assumed)
                proto_item_append_text(ri, " (not in the sub-format: the rate the HTML5 client plays)");
        }
        if (f.channels)
            proto_item_set_generated(proto_tree_add_uint(ft, hf_channels, t, off + 2, 2, f.channels));
        if (f.bits)
            proto_item_set_generated(proto_tree_add_uint(ft, hf_bits, t, off + 2, 2, f.bits));
        if (f.has_quality)
            proto_item_set_generated(proto_tree_add_uint(ft, hf_quality, t, off + 2, 2, f.quality));
        proto_item_set_generated(proto_tree_add_string(ft, hf_format_text, t, off, CAM_FORMAT_ID, text));
        if (f.unknown_bits)
            expert_add_info_format(pinfo, si, &ei_subformat, "Sub-format bits 0x%04x: no source defines them "
                                   "for %s", f.unknown_bits, f.codec);
    }
    return wmem_strdup(pinfo->pool, text);
}

/* u8 DeviceID at 1; returns its name */
static const char *add_device(tvbuff_t *t, packet_info *pinfo, proto_tree *tree)
{
    guint32 dev;
    proto_tree_add_item_ret_uint(tree, hf_device, t, 1, 1, ENC_NA, &dev);
    return wsc_val_to_str(pinfo->pool, dev, device_vals, "device %u");
}

/* header then nFormatIDs FORMAT_IDs at max(oFormatIDs, 6) (REQUEST_CAPINFO, CAPABILITY_INFO) */
static void add_format_list(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 off, n, len = tvb_reported_length(t);
    wmem_strbuf_append_printf(sum, " %s", add_device(t, pinfo, tree));
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_formats_offset, t, 2, 2, ENC_LITTLE_ENDIAN, &off);
    proto_item *ni = proto_tree_add_item_ret_uint(tree, hf_format_count, t, 4, 2, ENC_LITTLE_ENDIAN, &n);
    wmem_strbuf_append_printf(sum, " %u format%s", n, n == 1 ? "" : "s");
    if (off < CAM_CAPS_HDR) {
        expert_add_info_format(pinfo, oi, &ei_offset, "Format list offset %u inside the 6-byte header: read "
                               "from 6, as the HTML5 client does", off);
        off = CAM_CAPS_HDR;
    } else if (off > CAM_CAPS_HDR && off <= len) {
        proto_tree_add_item(tree, hf_undecoded, t, CAM_CAPS_HDR, off - CAM_CAPS_HDR, ENC_NA);
    }
    for (guint32 i = 0; i < n; i++, off += CAM_FORMAT_ID) {
        if (off > len || len - off < CAM_FORMAT_ID) {
            expert_add_info_format(pinfo, ni, &ei_count, "Count %u: only %u formats fit in the message", n, i);
            return;
        }
        add_format(t, pinfo, tree, off);
    }
}

static void add_body(tvbuff_t *t, packet_info *pinfo, proto_tree *ct, guint32 cmd, wmem_strbuf_t *sum)
{
    guint32 len = tvb_reported_length(t);
    switch (cmd) {
    case CAM_INIT: {
        guint32 v, fc;
        proto_tree_add_item_ret_uint(ct, hf_cam_version, t, 1, 1, ENC_NA, &v);
        proto_tree_add_item_ret_uint(ct, hf_fc_version, t, 2, 1, ENC_NA, &fc);
        wmem_strbuf_append_printf(sum, " CAM v%u flow control v%u", v, fc);
        break;
    }
    case CAM_OPEN: {
        guint32 dev = tvb_get_uint8(t, 1);
        const char *dname = add_device(t, pinfo, ct);
        const char *text = add_format(t, pinfo, ct, 2);
        proto_tree_add_item(ct, hf_extra, t, 6, 4, ENC_NA);
        wmem_strbuf_append_printf(sum, " %s %s", dname, text);
        ica_vc_tap_fact(pinfo, ICA_TAP_CAM_FORMAT, (gint32)dev, text);
        break;
    }
    case CAM_CLOSE:
    case CAM_RESET_ACK:
    case CAM_START_RECORD:
    case CAM_STOP_RECORD:
    case CAM_RESET_RECORD:
        wmem_strbuf_append_printf(sum, " %s", add_device(t, pinfo, ct));
        break;
    case CAM_WRITE: {
        guint32 off, cb;
        wmem_strbuf_append_printf(sum, " %s", add_device(t, pinfo, ct));
        proto_item *oi = proto_tree_add_item_ret_uint(ct, hf_data_offset, t, 2, 2, ENC_LITTLE_ENDIAN, &off);
        proto_item *li = proto_tree_add_item_ret_uint(ct, hf_data_length, t, 4, 2, ENC_LITTLE_ENDIAN, &cb);
        proto_tree_add_item(ct, hf_reserved, t, 6, 2, ENC_NA);
        wmem_strbuf_append_printf(sum, " %u bytes", cb);
        if (off < CAM_WRITE_HDR) {
            expert_add_info_format(pinfo, oi, &ei_offset, "Data offset %u inside the 8-byte header: read from 8, "
                                   "as the HTML5 client does", off);
            off = CAM_WRITE_HDR;
        } else if (off > CAM_WRITE_HDR && off <= len) {
            proto_tree_add_item(ct, hf_undecoded, t, CAM_WRITE_HDR, off - CAM_WRITE_HDR, ENC_NA);
        }
        if (off > len || cb > len - off) {
            expert_add_info_format(pinfo, li, &ei_count, "Data length %u: only %u bytes in the message", cb,
                                   off > len ? 0 : len - off);
            cb = off > len ? 0 : len - off;
        }
        if (cb)
            proto_tree_add_item(ct, hf_data, t, off, cb, ENC_NA);
        break;
    }
    case CAM_REQUEST_CAPINFO:
    case CAM_CAPABILITY_INFO:
        add_format_list(t, pinfo, ct, sum);
        break;
    case CAM_READ_REQUEST: {
        guint32 size, count;
        wmem_strbuf_append_printf(sum, " %s", add_device(t, pinfo, ct));
        proto_tree_add_item_ret_uint(ct, hf_packet_size, t, 2, 2, ENC_LITTLE_ENDIAN, &size);
        proto_tree_add_item_ret_uint(ct, hf_packet_count, t, 4, 2, ENC_LITTLE_ENDIAN, &count);
        wmem_strbuf_append_printf(sum, " %u x %u bytes", count, size);
        break;
    }
    case CAM_SET_CONTROL: {
        guint32 ctl, val;
        wmem_strbuf_append_printf(sum, " %s", add_device(t, pinfo, ct));
        proto_tree_add_item_ret_uint(ct, hf_control, t, 2, 1, ENC_NA, &ctl);
        proto_tree_add_item(ct, hf_pad, t, 3, 1, ENC_NA);
        proto_tree_add_item_ret_uint(ct, hf_control_value, t, 4, 4, ENC_LITTLE_ENDIAN, &val);
        wmem_strbuf_append_printf(sum, " control %u = %u", ctl, val);
        break;
    }
    case CAM_RESOURCE_ACK: {
        guint32 res, n;
        proto_tree_add_item_ret_uint(ct, hf_resource, t, 1, 2, ENC_LITTLE_ENDIAN, &res);
        proto_tree_add_item_ret_uint(ct, hf_released, t, 3, 2, ENC_LITTLE_ENDIAN, &n);
        wmem_strbuf_append_printf(sum, " %s %u", wsc_val_to_str(pinfo->pool, res, resource_vals, "resource %u"), n);
        break;
    }
    case CAM_RESET: {
        guint32 reason;
        wmem_strbuf_append_printf(sum, " %s", add_device(t, pinfo, ct));
        proto_item *ri = proto_tree_add_item_ret_uint(ct, hf_reason, t, 2, 1, ENC_NA, &reason);
        const char *rn = wsc_val_to_str(pinfo->pool, reason, reason_vals, "reason %u");
        wmem_strbuf_append_printf(sum, " %s", rn);
        expert_add_info_format(pinfo, ri, &ei_reset, "The client reset the audio device: %s", rn);
        break;
    }
    default:
        if (len > 1)
            expert_add_info(pinfo, proto_tree_add_item(ct, hf_undecoded, t, 1, len - 1, ENC_NA), &ei_undecoded);
        break;
    }
}

static int dissect_cam(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 cmd;
    proto_item *ti = proto_tree_add_item(tree, proto_cam, t, 0, -1, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ti, ett_cam);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item_ret_uint(ct, hf_cmd, t, 0, 1, ENC_NA, &cmd);
    const char *name = wsc_val_to_str(pinfo->pool, cmd, cmd_vals, "command 0x%02x");
    if (vi && vi->summary)      /* before the body: a body cut short still names the command */
        wmem_strbuf_append_printf(vi->summary, " CAM %s", name);
    proto_item_append_text(ti, ": %s", name);
    add_body(t, pinfo, ct, cmd, sum);
    proto_item_append_text(ti, "%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return tvb_reported_length(t);
}

void
proto_register_ica_cam(void)
{
    static hf_register_info hf[] = {
        { &hf_cmd, { "Command", "ica.cam.cmd", FT_UINT8, BASE_HEX, VALS(cmd_vals), 0x0, "iCommand (0x80 and above: client to host)", HFILL } },
        { &hf_device, { "Device", "ica.cam.device", FT_UINT8, BASE_DEC, VALS(device_vals), 0x0, "DeviceID", HFILL } },
        { &hf_cam_version, { "Host CAM version", "ica.cam.cam_version", FT_UINT8, BASE_DEC, NULL, 0x0, "iCAMVersionH: highest CAM version the host supports", HFILL } },
        { &hf_fc_version, { "Host flow control version", "ica.cam.fc_version", FT_UINT8, BASE_DEC, NULL, 0x0, "iFCVersionH", HFILL } },
        { &hf_format, { "Format", "ica.cam.format", FT_UINT16, BASE_DEC, VALS(format_vals), 0x0, "iFormat", HFILL } },
        { &hf_subformat, { "Sub-format", "ica.cam.subformat", FT_UINT16, BASE_HEX, NULL, 0x0, "wSubFormat: rate, channels, depth or quality bits", HFILL } },
        { &hf_codec, { "Codec", "ica.cam.codec", FT_STRING, BASE_NONE, NULL, 0x0, "From iFormat", HFILL } },
        { &hf_rate, { "Sample rate (Hz)", "ica.cam.rate", FT_UINT32, BASE_DEC, NULL, 0x0, "From wSubFormat (Vorbis: none given; the HTML5 client plays 44100 Hz)", HFILL } },
        { &hf_channels, { "Channels", "ica.cam.channels", FT_UINT8, BASE_DEC, NULL, 0x0, "From wSubFormat", HFILL } },
        { &hf_bits, { "Bits per sample", "ica.cam.bits", FT_UINT8, BASE_DEC, NULL, 0x0, "From wSubFormat (PCM, Citrix ADPCM)", HFILL } },
        { &hf_quality, { "Quality", "ica.cam.quality", FT_UINT8, BASE_DEC, NULL, 0x0, "From wSubFormat (Vorbis, Speex: Q0..Q10)", HFILL } },
        { &hf_format_text, { "Audio format", "ica.cam.format_text", FT_STRING, BASE_NONE, NULL, 0x0, "Codec, rate, channels, depth or quality in one line", HFILL } },
        { &hf_extra, { "Extra", "ica.cam.extra", FT_BYTES, BASE_NONE, NULL, 0x0, "Format-specific extra information (OPEN)", HFILL } },
        { &hf_data_offset, { "Data offset", "ica.cam.data_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "oData, from the message start", HFILL } },
        { &hf_data_length, { "Data length", "ica.cam.data_length", FT_UINT16, BASE_DEC, NULL, 0x0, "cbData", HFILL } },
        { &hf_reserved, { "Reserved", "ica.cam.reserved", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_data, { "Audio data", "ica.cam.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_formats_offset, { "Format list offset", "ica.cam.formats_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "oFormatIDs, from the message start", HFILL } },
        { &hf_format_count, { "Formats", "ica.cam.format_count", FT_UINT16, BASE_DEC, NULL, 0x0, "nFormatIDs", HFILL } },
        { &hf_packet_size, { "Packet size", "ica.cam.packet_size", FT_UINT16, BASE_DEC, NULL, 0x0, "READ_REQUEST pktSize", HFILL } },
        { &hf_packet_count, { "Packet count", "ica.cam.packet_count", FT_UINT16, BASE_DEC, NULL, 0x0, "READ_REQUEST pktCount", HFILL } },
        { &hf_control, { "Control", "ica.cam.control", FT_UINT8, BASE_DEC, NULL, 0x0, "SET_CONTROL control id (no public names)", HFILL } },
        { &hf_pad, { "Pad", "ica.cam.pad", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_control_value, { "Control value", "ica.cam.control_value", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_resource, { "Resource", "ica.cam.resource", FT_UINT16, BASE_DEC, VALS(resource_vals), 0x0, "iResource: the flow-control pool", HFILL } },
        { &hf_released, { "Released", "ica.cam.released", FT_UINT16, BASE_DEC, NULL, 0x0, "nReleased: units the client frees", HFILL } },
        { &hf_reason, { "Reset reason", "ica.cam.reason", FT_UINT8, BASE_HEX, VALS(reason_vals), 0x0, "iReason", HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.cam.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public source describes", HFILL } },
    };
    static int *ett[] = { &ett_cam, &ett_cam_format };
    static ei_register_info ei[] = {
        { &ei_offset, { "ica.cam.offset_inside_header", PI_MALFORMED, PI_WARN, "Offset points inside the fixed header", EXPFILL } },
        { &ei_count, { "ica.cam.count_too_large", PI_MALFORMED, PI_ERROR, "Count or length larger than the message holds", EXPFILL } },
        { &ei_subformat, { "ica.cam.subformat_unknown_bits", PI_PROTOCOL, PI_NOTE, "Sub-format bits no source defines", EXPFILL } },
        { &ei_reset, { "ica.cam.reset", PI_RESPONSE_CODE, PI_WARN, "The client reset an audio device", EXPFILL } },
        { &ei_undecoded, { "ica.cam.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for this command", EXPFILL } },
    };
    proto_cam = proto_register_protocol("Citrix ICA client audio mapping channel", "CTXCAM", "ica.cam");
    proto_register_field_array(proto_cam, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_cam), ei, array_length(ei));
}

void
proto_reg_handoff_ica_cam(void)
{
    /* no length field: each command's layout gives its size (vc.md §0.1, vc_cam_size()) */
    static const vc_len_rule rule = { VC_LEN_MEASURE, 0, 0, 0, 0, CAM_MAX_LEN, vc_cam_size };
    ica_vc_register("CTXCAM", dissect_cam, proto_cam, &rule);
}
