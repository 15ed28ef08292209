/* packet-ica-handshake.c - Citrix ICA: the raw WD handshake (before PDRFRAME).
 *
 * Wire format (shared notes ica.md §3-§5, from the RISC OS ICA client
 * source and the Citrix VC SDK headers ica.h / ica-c2h.h / icaid.h, the
 * capability layout from Citrix IcaCaps.h): after the detect string every
 * handshake message is a raw WD packet "type (1), length (u16 LE), body".
 *   INIT_REQUEST (0x00, S->C): request level, then (level > 6) a capability
 *     list.
 *   INIT_RESPONSE (0x01, C->S): one per client module; a 36-byte MODULE_C2H
 *     header (ByteCount = the WD length, ModuleCount counting down, class,
 *     versions, 13-byte module name, 9-byte host name, DOS date/time, size)
 *     and a class body: UI (flags, keyboard, scrambled strings at
 *     module-relative offsets), WD (text modes, VcBind table, reducer
 *     version, capability list), VD (channel mask, flow control), PD (class
 *     and class data), TD (address, encryption info).
 *   INIT_CONNECT (0x02, S->C): one per module the host binds; an 8-byte
 *     MODULE_H2C header and the WD_H2C / PD_H2C body.
 *   Capability lists: more flag, count, offset to the first block, then
 *     blocks "byteCount (u16), signature (u16), body".  The bodies are the
 *     packed CAP_* structures of IcaCaps.h (WANSCALER_SUPPORT from the HTML5
 *     client), one table in ica_caps.c (ica_cap_layouts) from which the
 *     ica.cap.<capability>.<member> fields are registered and rendered; a
 *     body shorter than its fixed fields gets an expert note, bytes beyond
 *     the layout (or of a body with no public layout) stay ica.cap.data.
 *     PACKET_PRIORITY (5) has its channel priorities at the capability's
 *     start + PriorityOffset (ica-modern.md §4, from the HTML5 client; read
 *     by ica_caps.c).
 * The stream core (ica_stream.c) walks the packets and keeps what the
 * session learns; this file renders one packet's tree from the core's
 * parses: the module headers, UI_C2H (which fields each version has, where
 * each string is and whether its offset is sane), WD_C2H (text modes and
 * VcBind entries that fit, the capability list), WD_H2C and the PD bodies
 * are read once by ica_*_parse (ica_stream.h, offsets named there), and
 * capability lists by ica_caplist_parse, whose blocks (and the reason a
 * walk stopped) are rendered here.  VD_C2H and TD_C2H, which the core does
 * not read, are read here only, at the offsets named below.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include "packet-ica-int.h"
#include "packet-ica-vc.h"
#include "ica_caps.h"
#include "ica_wd.h"
#include "ica_basic.h"

static int hf_ica_init_request_level = -1;
static int hf_ica_caplist_more = -1;
static int hf_ica_caplist_count = -1;
static int hf_ica_caplist_offset = -1;
static int hf_ica_cap_length = -1;
static int hf_ica_cap_signature = -1;
static int hf_ica_cap_data = -1;
static int hf_ica_cap_tz_standard_name = -1;
static int hf_ica_cap_tz_daylight_name = -1;
static int hf_ica_cap_dvc_byte_count = -1;
static int hf_ica_cap_dvc_channel = -1;
static int hf_ica_cap_dvc_cb_friendly = -1;
static int hf_ica_cap_dvc_o_friendly = -1;
static int hf_ica_cap_dvc_friendly = -1;
static int hf_ica_cap_reducers = -1;
static int hf_ica_cap_reducers_l1 = -1;
static int hf_ica_cap_reducers_l2 = -1;
static int hf_ica_cap_reducers_l3 = -1;
static int hf_ica_cap_reducers_l4 = -1;
static int hf_ica_cap_prio_offset = -1;
static int hf_ica_cap_prio_array_length = -1;
static int hf_ica_cap_prio_use_lowest = -1;
static int hf_ica_cap_prio_priorities = -1;
static int hf_ica_cap_prio_priority = -1;
static int hf_ica_module_byte_count = -1;
static int hf_ica_module_count = -1;
static int hf_ica_module_class = -1;
static int hf_ica_module_version_low = -1;
static int hf_ica_module_version_high = -1;
static int hf_ica_module_version = -1;
static int hf_ica_module_name = -1;
static int hf_ica_module_host_name = -1;
static int hf_ica_module_date = -1;
static int hf_ica_module_time = -1;
static int hf_ica_module_size = -1;
static int hf_ica_module_data = -1;
static int hf_ica_ui_flags = -1;
static int hf_ica_ui_flag_disable_sound = -1;
static int hf_ica_ui_flag_reconnect = -1;
static int hf_ica_ui_flag_disable_cad = -1;
static int hf_ica_ui_flag_prompt_password = -1;
static int hf_ica_ui_flag_seamless = -1;
static int hf_ica_ui_flag_winkeys = -1;
static int hf_ica_ui_flag_sg = -1;
static int hf_ica_ui_flag_smartcard = -1;
static int hf_ica_ui_flag_aad_ticket = -1;
static int hf_ica_ui_flag_rcg = -1;
static int hf_ica_ui_keyboard_layout = -1;
static int hf_ica_ui_encryption_level = -1;
static int hf_ica_ui_encryption_seed = -1;
static int hf_ica_ui_offset = -1;
static int hf_ica_ui_lpt = -1;
static int hf_ica_ui_port = -1;
static int hf_ica_client_build = -1;
static int hf_ica_ui_fixed_length = -1;
static int hf_ica_ui_offset_length = -1;
static int hf_ica_ui_encoding_type = -1;
static int hf_ica_ui_code_page = -1;
static int hf_ica_ui_keyboard_type = -1;
static int hf_ica_ui_keyboard_subtype = -1;
static int hf_ica_ui_keyboard_function_keys = -1;
static int hf_ica_ui_keyboard_subtype2 = -1;
static int hf_ica_ui_icon_bpp = -1;
static int hf_ica_ui_launcher = -1;
static int hf_ica_ui_client_version = -1;
static int hf_ica_ui_launch_reference = -1;
static int hf_ica_ui_font_smoothing_offset = -1;
static int hf_ica_ui_extra = -1;
static int hf_ica_client_name = -1;
static int hf_ica_ui_domain = -1;
static int hf_ica_ui_user = -1;
static int hf_ica_ui_password = -1;
static int hf_ica_ui_client_directory = -1;
static int hf_ica_ui_work_directory = -1;
static int hf_ica_ui_initial_program = -1;
static int hf_ica_ui_cloud_name = -1;
static int hf_ica_ui_client_license = -1;
static int hf_ica_ui_ime_file_name = -1;
static int hf_ica_wd_serial_number = -1;
static int hf_ica_wd_date_day = -1;
static int hf_ica_wd_date_month = -1;
static int hf_ica_wd_date_year = -1;
static int hf_ica_wd_time_hour = -1;
static int hf_ica_wd_time_minute = -1;
static int hf_ica_wd_time_second = -1;
static int hf_ica_wd_time_hundredths = -1;
static int hf_ica_wd_flags = -1;
static int hf_ica_wd_flag_graphics = -1;
static int hf_ica_wd_flag_mouse = -1;
static int hf_ica_wd_flag_double_click = -1;
static int hf_ica_wd_flag_windows_key = -1;
static int hf_ica_wd_flag_auto_reconnect = -1;
static int hf_ica_wd_flag_pass_through = -1;
static int hf_ica_wd_text_mode_count = -1;
static int hf_ica_wd_text_mode_offset = -1;
static int hf_ica_wd_text_mode_index = -1;
static int hf_ica_wd_text_mode_flags = -1;
static int hf_ica_wd_text_mode_columns = -1;
static int hf_ica_wd_text_mode_rows = -1;
static int hf_ica_wd_text_mode_res_x = -1;
static int hf_ica_wd_text_mode_res_y = -1;
static int hf_ica_wd_text_mode_font_x = -1;
static int hf_ica_wd_text_mode_font_y = -1;
static int hf_ica_wd_buffer_length = -1;
static int hf_ica_wd_outbuf_count_host = -1;
static int hf_ica_wd_outbuf_count_client = -1;
static int hf_ica_wd_outbuf_delay_host = -1;
static int hf_ica_wd_outbuf_delay_client = -1;
static int hf_ica_client_product_id = -1;
static int hf_ica_client_product_flag_serialize = -1;
static int hf_ica_client_product_flag_terminal = -1;
static int hf_ica_wd_client_serial_number = -1;
static int hf_ica_wd_vcbind_count = -1;
static int hf_ica_wd_vcbind_offset = -1;
static int hf_ica_wd_c2h_pow2_wanted = -1;
static int hf_ica_wd_h2c_pow2_wanted = -1;
static int hf_ica_wd_h2c_max_new_data = -1;
static int hf_ica_reducer_version = -1;
static int hf_ica_wd_cap_list_length = -1;
static int hf_ica_wd_cap_list_offset = -1;
static int hf_ica_wd_app_server_offset = -1;
static int hf_ica_wd_app_server_name = -1;
static int hf_ica_wd_oem_id = -1;
static int hf_ica_wd_wdflag = -1;
static int hf_ica_wd_wdflag_secured = -1;
static int hf_ica_wd_c2h_pow2_agreed = -1;
static int hf_ica_wd_h2c_pow2_agreed = -1;
static int hf_ica_wd_c2h_max_new_data = -1;
static int hf_ica_reducer_level = -1;
static int hf_ica_wd_server_code_page = -1;
static int hf_ica_vd_channel_mask = -1;
static int hf_ica_vd_channel = -1;
static int hf_ica_vd_bandwidth_quota = -1;
static int hf_ica_vd_flow = -1;
static int hf_ica_vd_max_window = -1;
static int hf_ica_vd_window = -1;
static int hf_ica_vd_delay = -1;
static int hf_ica_vd_max_byte_count = -1;
static int hf_ica_vd_data = -1;
static int hf_ica_td_outbuf_length = -1;
static int hf_ica_td_address_family = -1;
static int hf_ica_td_client_port = -1;
static int hf_ica_td_client_ip = -1;
static int hf_ica_td_address_rest = -1;
static int hf_ica_td_address_string = -1;
static int hf_ica_td_address = -1;
static int hf_ica_td_encryption_protocol = -1;
static int hf_ica_td_encryption_cipher = -1;
static int hf_ica_td_encryption_strength = -1;
static int hf_ica_pd_class = -1;
static int hf_ica_pd_encryption_level = -1;
static int hf_ica_pd_max_compress_disable = -1;
static int hf_ica_pd_timer = -1;
static int ett_ica_raw = -1;
static int ett_ica_caplist = -1;
static int ett_ica_cap = -1;
static int ett_ica_text_mode = -1;
static int ett_ica_vcbind = -1;
static int ett_ica_strings = -1;
static expert_field ei_ica_bad_offset = EI_INIT;
static expert_field ei_ica_count_not_down = EI_INIT;
static expert_field ei_ica_too_many = EI_INIT;
static expert_field ei_ica_bytecount = EI_INIT;
static expert_field ei_ica_caplist = EI_INIT;
static expert_field ei_ica_cap_short = EI_INIT;

static const value_string module_class_vals[] = {
    { 0, "User interface" }, { 1, "User interface extension" }, { 2, "WinStation driver" },
    { 3, "Virtual driver" }, { 4, "Protocol driver" }, { 5, "Transport driver" },
    { 6, "Name resolver" }, { 7, "Name enumerator" }, { 8, "Scripting" }, { 9, "Sub-driver" },
    { 0, NULL }
};

static const value_string pd_class_vals[] = {
    { 0, "None" }, { 1, "Console" }, { 2, "Network" }, { 3, "Async" }, { 4, "OemTransport" },
    { 5, "ISDN" }, { 6, "X25" }, { 7, "Modem" }, { 8, "OemConnect" }, { 9, "Frame" },
    { 10, "Reliable" }, { 11, "Encrypt" }, { 12, "Compress" }, { 13, "Telnet" },
    { 14, "OemFilter" }, { 15, "Nasi" }, { 16, "Tapi" }, { 17, "Reserved" }, { 18, "Reserved" },
    { 19, "Reserved" }, { 0, NULL }
};

static const value_string cap_signature_vals[] = {
    { ICA_CAP_MTU, "MTU" },
    { ICA_CAP_REDUCERS_SUPPORTED, "REDUCERS_SUPPORTED" },
    { ICA_CAP_SEAMLESS, "SEAMLESS" },
    { ICA_CAP_INTELLIMOUSE, "INTELLIMOUSE" },
    { ICA_CAP_PACKET_PRIORITY, "PACKET_PRIORITY" },
    { ICA_CAP_CHANNEL_MONITORING, "CHANNEL_MONITORING" },
    { ICA_CAP_REDRAW, "REDRAW" },
    { ICA_CAP_TIME_ZONE, "TIME_ZONE" },
    { ICA_CAP_LONG_UNICODE_USERNAME, "LONG_UNICODE_USERNAME" },
    { ICA_CAP_COOKIE, "COOKIE" },
    { ICA_CAP_PRT_BW_CTRL, "PRT_BW_CTRL" },
    { ICA_CAP_TW2_CACHE_FIX, "TW2PERSISTENT_CACHE_DEADLOCK_BUG_FIXED" },
    { ICA_CAP_SERVER_VERSION, "SERVER_VERSION" },
    { ICA_CAP_KEYBOARD_XKEYSYM, "KEYBOARD_XKEYSYM" },
    { ICA_CAP_CGP_PACKET_OVERHEAD, "CGP_PACKET_OVERHEAD" },
    { ICA_CAP_HIGH_THROUGHPUT, "HIGH_THROUGHPUT" },
    { ICA_CAP_SSL_PACKET_OVERHEAD, "SSL_PACKET_OVERHEAD" },
    { ICA_CAP_WD_CREDENTIAL_PASSING, "WD_CREDENTIAL_PASSING" },
    { ICA_CAP_MAX_VIDEO, "MAX_VIDEO" },
    { ICA_CAP_EUKS, "EUKS" },
    { ICA_CAP_MOUSE_BUTTON_SWAP, "MOUSE_BUTTON_SWAP" },
    { ICA_CAP_CLIENT_TS_LICENSE_INFO, "CLIENT_TS_LICENSE_INFO" },
    { ICA_CAP_FARM_NAME, "FARM_NAME" },
    { ICA_CAP_DRIVE_MAPPING_ACCELERATION, "DRIVE_MAPPING_ACCELERATION" },
    { ICA_CAP_INPUT_LOCALE, "INPUT_LOCALE" },
    { ICA_CAP_LICENSED_FEATURES, "LICENSED_FEATURES" },
    { ICA_CAP_EXTENDED_TERMINATE, "EXTENDED_TERMINATE" },
    { ICA_CAP_CODEPAGE_UTF8, "CODEPAGE_UTF8" },
    { ICA_CAP_WANSCALER_SUPPORT, "WANSCALER_SUPPORT" },
    { ICA_CAP_DYNAMIC_VIRTUAL_CHANNELS, "DYNAMIC_VIRTUAL_CHANNELS" },
    { ICA_CAP_EARLY_AUTHENTICATION, "EARLY_AUTHENTICATION" },
    { ICA_CAP_VIRTUAL_MAXIMUM, "VIRTUAL_MAXIMUM" },
    { ICA_CAP_CLIENT_SELFLOOP_CHECK, "CLIENT_SELFLOOP_CHECK" },
    { ICA_CAP_MULTI_STREAM_ICA, "MULTI_STREAM_ICA" },
    { ICA_CAP_RTP_AUDIO_ICA, "RTP_AUDIO_ICA" },
    { ICA_CAP_SYSTEM_FLOW_CONTROL, "SYSTEM_FLOW_CONTROL" },
    { ICA_CAP_DYNAMIC_TIME_ZONE, "DYNAMIC_TIME_ZONE" },
    { ICA_CAP_WATERMARK, "WATERMARK" },
    { ICA_CAP_BUFFER_RESIZE, "BUFFER_RESIZE" },
    { ICA_CAP_NSAP_SUPPORTED, "NSAP_SUPPORTED" },
    { ICA_CAP_FILE_STREAMING, "temporary" },
    { ICA_CAP_CONGESTION_MONITORING, "temporary" },
    { 0, NULL }
};

static const value_string encoding_type_vals[] = { { 0, "ANSI" }, { 1, "Unicode" }, { 0, NULL } };

static const value_string vd_flow_vals[] = {
    { 0, "None" }, { 1, "Ack" }, { 2, "Delay" }, { 3, "Cdm" }, { 0, NULL }
};

static const value_string address_family_vals[] = { { 2, "AF_INET" }, { 0, NULL } };

/* Values IcaCaps.h defines for capability fields (enum ica_cap_vals) */
static const value_string server_family_vals[] = { { 1, "Windows" }, { 2, "Unix" }, { 0, NULL } };
static const value_string tz_mode_vals[] = { { 1, "Standard" }, { 2, "Daylight" }, { 0, NULL } };
static const value_string tz_encoding_vals[] = { { 0, "ANSI" }, { 1, "Unicode" }, { 0, NULL } };
static const value_string dtz_encoding_vals[] = { { 0, "UTF-8" }, { 1, "UTF-16" }, { 0, NULL } };
static const value_string mouse_swap_vals[] = { { 0, "Not swapped" }, { 1, "Swapped" }, { 0, NULL } };

/* REDUCERS_SUPPORTED: CAP_HEAD, u16 reducersSupportedMask */
#define ICA_CAP_REDUCERS_LEN (ICA_CAP_HEAD_LEN + 2)

static void dos_date_fmt(gchar *buf, guint32 v)
{
    snprintf(buf, ITEM_LABEL_LENGTH, "%04u-%02u-%02u (0x%04x)", 1980 + (v >> 9), (v >> 5) & 0xf, v & 0x1f, v);
}

static void dos_time_fmt(gchar *buf, guint32 v)
{
    snprintf(buf, ITEM_LABEL_LENGTH, "%02u:%02u:%02u (0x%04x)", v >> 11, (v >> 5) & 0x3f, (v & 0x1f) * 2, v);
}

/* ---- capability lists (§5.6) ------------------------------------------- */

/* PACKET_PRIORITY (cap 5): the core reads the layout (ica_caps.h: the
 * priorities start at the capability's start + PriorityOffset); shown
 * here, bounded by the capability block. */
static void dissect_cap_packet_priority(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ct, guint off, guint blen)
{
    ica_cap_priority cp;
    if (!ica_cap_packet_priority(tvb_get_ptr(tvb, off, blen), blen, &cp))
        return;     /* the client's form is the header alone */
    proto_item *oi = proto_tree_add_item(ct, hf_ica_cap_prio_offset, tvb, off + ICA_CAP_PRIORITY_OFFSET, 4,
                                         ENC_LITTLE_ENDIAN);
    proto_tree_add_item(ct, hf_ica_cap_prio_array_length, tvb, off + ICA_CAP_PRIORITY_ARRAY_LENGTH, 2,
                        ENC_LITTLE_ENDIAN);
    proto_tree_add_item(ct, hf_ica_cap_prio_use_lowest, tvb, off + ICA_CAP_PRIORITY_USE_LOWEST, 1, ENC_NA);
    if (cp.count == 0)
        return;
    if (!cp.in_block) {
        expert_add_info_format(pinfo, oi, &ei_ica_caplist, "Priorities at offset %u, %u entries: outside the "
                               "capability block (%u bytes)", cp.offset, cp.count, blen);
        return;
    }
    guint start = off + cp.offset;
    proto_tree *pt = proto_tree_add_subtree(ct, tvb, start, cp.count, ett_ica_cap, NULL, "Channel priorities");
    proto_tree_add_item(pt, hf_ica_cap_prio_priorities, tvb, start, cp.count, ENC_NA);
    for (guint ch = 0; ch < cp.count && ch < ICA_MAX_VC; ch++) {
        proto_item *ci = proto_tree_add_item(pt, hf_ica_cap_prio_priority, tvb, start + ch, 1, ENC_NA);
        proto_item_prepend_text(ci, "Channel %u ", ch);
    }
}

/* hf ids of the table's fields (ica_cap_layouts), registered from the table
 * (register_cap_layout_fields): cap_hf[cap_hf_first[layout] + field]. */
static int *cap_hf;
static guint *cap_hf_first;

/* A body laid out by ica_cap_layouts: the fields the block holds.  Returns
 * where the decoded part ends (from the block's start). */
static guint dissect_cap_layout(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ct, proto_item *ci, guint off,
                                guint blen, const ica_cap_layout *l)
{
    ica_cap_fit fit;
    ica_cap_layout_fit(l, blen, &fit);
    if (fit.short_body) {
        expert_add_info_format(pinfo, ci, &ei_ica_cap_short, "Capability body of %u bytes: the fixed fields of "
                               "ica.cap.%s need %u", blen - ICA_CAP_HEAD_LEN, l->abbrev,
                               (guint)ica_cap_layout_min(l) - ICA_CAP_HEAD_LEN);
        return ICA_CAP_HEAD_LEN;
    }
    guint first = cap_hf_first[l - ica_cap_layouts];
    for (guint k = 0; k < fit.n; k++) {
        const ica_cap_field *f = &l->field[k];
        proto_tree_add_item(ct, cap_hf[first + k], tvb, off + f->off, f->size,
                            f->kind == ICA_CAPF_BYTES ? ENC_NA : ENC_LITTLE_ENDIAN);
    }
    return fit.end;
}

/* The bytes after a body's decoded part [end, blen) that no string covers,
 * as ica.cap.data (spans sorted by offset). */
static void add_cap_gaps(tvbuff_t *tvb, proto_tree *ct, guint off, guint end, guint blen, const ica_cap_str **spans,
                         guint n)
{
    guint pos = end;
    for (guint i = 0; i < n; i++) {
        if (spans[i]->off > pos)
            proto_tree_add_item(ct, hf_ica_cap_data, tvb, off + pos, spans[i]->off - pos, ENC_NA);
        pos = MAX(pos, (guint)spans[i]->off + spans[i]->len);
    }
    if (blen > pos)
        proto_tree_add_item(ct, hf_ica_cap_data, tvb, off + pos, blen - pos, ENC_NA);
}

/* TIME_ZONE's names at their offsets (ica_cap_time_zone_names), the rest undecoded. */
static void dissect_cap_tz_names(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ct, proto_item *ci, guint off,
                                 guint blen, guint end)
{
    ica_cap_tz_names tz;
    const ica_cap_str *spans[2];
    guint n = 0;
    if (!ica_cap_time_zone_names(tvb_get_ptr(tvb, off, blen), blen, &tz)) {
        if (blen > end)
            proto_tree_add_item(ct, hf_ica_cap_data, tvb, off + end, blen - end, ENC_NA);
        return;
    }
    const struct { const ica_cap_str *s; int hf; const char *member; } names[] = {
        { &tz.standard, hf_ica_cap_tz_standard_name, "oStandardName" },
        { &tz.daylight, hf_ica_cap_tz_daylight_name, "oDaylightName" },
    };
    guint enc = tz.utf16 ? (ENC_UTF_16 | ENC_LITTLE_ENDIAN) : ENC_ASCII;
    for (guint i = 0; i < array_length(names); i++) {
        if (names[i].s->state == ICA_CAPSTR_AT) {
            proto_tree_add_item(ct, names[i].hf, tvb, off + names[i].s->off, names[i].s->len, enc);
            spans[n++] = names[i].s;
        } else if (names[i].s->state == ICA_CAPSTR_BAD) {
            expert_add_info_format(pinfo, ci, &ei_ica_bad_offset, "%s %u is outside the capability's strings "
                                   "(%u to %u)", names[i].member, names[i].s->off, ICA_CAP_TZ_FIXED, blen);
        }
    }
    if (n == 2 && spans[1]->off < spans[0]->off) {
        const ica_cap_str *t = spans[0];
        spans[0] = spans[1];
        spans[1] = t;
    }
    add_cap_gaps(tvb, ct, off, end, blen, spans, n);
}

static void dvc_stop_expert(packet_info *pinfo, proto_item *ci, const ica_dvc_binds *d, guint blen)
{
    switch (d->stop) {
    case ICA_DVC_OUTSIDE:
        expert_add_info_format(pinfo, ci, &ei_ica_bad_offset, "Offset %u to the DVC_BIND entries is outside the "
                               "capability (%u bytes)", d->first, blen);
        break;
    case ICA_DVC_BAD_ENTRY:
        expert_add_info_format(pinfo, ci, &ei_ica_bad_offset, "DVC_BIND at %u: its ByteCount does not fit; the "
                               "rest is not decoded", d->stop_off);
        break;
    case ICA_DVC_TRUNCATED:
        expert_add_info_format(pinfo, ci, &ei_ica_bad_offset, "Count %u, only %u DVC_BIND entries present",
                               d->count, d->n);
        break;
    case ICA_DVC_TOO_MANY:
        expert_add_info_format(pinfo, ci, &ei_ica_bad_offset, "Count %u: only the first %u DVC_BIND entries are "
                               "decoded", d->count, d->n);
        break;
    }
}

/* DYNAMIC_VIRTUAL_CHANNELS' DVC_BIND entries (ica_cap_dvc_binds); bytes no
 * entry covers, ica.cap.data. */
static void dissect_cap_dvc(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ct, proto_item *ci, guint off,
                            guint blen, guint end)
{
    ica_dvc_binds *d = wmem_new(pinfo->pool, ica_dvc_binds);
    guint pos = end;
    if (ica_cap_dvc_binds(tvb_get_ptr(tvb, off, blen), blen, d)) {
        for (guint i = 0; i < d->n; i++) {
            const ica_dvc_bind *b = &d->bind[i];
            guint e = off + b->off;
            if (b->off > pos)
                proto_tree_add_item(ct, hf_ica_cap_data, tvb, off + pos, b->off - pos, ENC_NA);
            proto_item *bi;
            proto_tree *bt = proto_tree_add_subtree_format(ct, tvb, e, b->byte_count, ett_ica_cap, &bi,
                                                           "DVC binding %u", i);
            proto_tree_add_item(bt, hf_ica_cap_dvc_byte_count, tvb, e + ICA_DVC_BIND_BYTE_COUNT, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(bt, hf_ica_cap_dvc_channel, tvb, e + ICA_DVC_BIND_NAME, ICA_DVC_BIND_NAME_LEN,
                                ENC_ASCII);
            proto_tree_add_item(bt, hf_ica_cap_dvc_cb_friendly, tvb, e + ICA_DVC_BIND_CB_FRIENDLY, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(bt, hf_ica_cap_dvc_o_friendly, tvb, e + ICA_DVC_BIND_O_FRIENDLY, 2, ENC_LITTLE_ENDIAN);
            if (b->friendly_ok)
                proto_tree_add_item(bt, hf_ica_cap_dvc_friendly, tvb, e + b->o_friendly, b->cb_friendly,
                                    ENC_UTF_16 | ENC_LITTLE_ENDIAN);
            else if (b->cb_friendly || b->o_friendly)
                expert_add_info(pinfo, bi, &ei_ica_bad_offset);
            pos = MAX(pos, (guint)b->off + b->byte_count);
        }
        dvc_stop_expert(pinfo, ci, d, blen);
    }
    if (blen > pos)
        proto_tree_add_item(ct, hf_ica_cap_data, tvb, off + pos, blen - pos, ENC_NA);
}

/* One capability block's body (IcaCaps.h), at off (blen bytes, head
 * included): the table's layout, REDUCERS_SUPPORTED's bits or
 * PACKET_PRIORITY; bytes beyond the known layout (or of a body without a
 * public layout) as ica.cap.data. */
static void dissect_cap_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *ct, proto_item *ci, guint off, guint blen,
                             guint sig)
{
    static int *const reducer_bits[] = { &hf_ica_cap_reducers_l1, &hf_ica_cap_reducers_l2,
                                         &hf_ica_cap_reducers_l3, &hf_ica_cap_reducers_l4, NULL };
    guint end = ICA_CAP_HEAD_LEN;
    const ica_cap_layout *l;
    switch (sig) {
    case ICA_CAP_REDUCERS_SUPPORTED:
        if (blen >= ICA_CAP_REDUCERS_LEN) {
            proto_tree_add_bitmask(ct, tvb, off + ICA_CAP_HEAD_LEN, hf_ica_cap_reducers, ett_ica_bits, reducer_bits,
                                   ENC_LITTLE_ENDIAN);
            end = ICA_CAP_REDUCERS_LEN;
        }
        break;
    case ICA_CAP_PACKET_PRIORITY:
        dissect_cap_packet_priority(tvb, pinfo, ct, off, blen);
        return;     /* the priorities may lie anywhere in the block */
    default:
        if ((l = ica_cap_layout_find((guint16)sig)) != NULL)
            end = dissect_cap_layout(tvb, pinfo, ct, ci, off, blen, l);
        if (sig == ICA_CAP_TIME_ZONE) {
            dissect_cap_tz_names(tvb, pinfo, ct, ci, off, blen, end);
            return;
        }
        if (sig == ICA_CAP_DYNAMIC_VIRTUAL_CHANNELS) {
            dissect_cap_dvc(tvb, pinfo, ct, ci, off, blen, end);
            return;
        }
        break;
    }
    if (blen > end)
        proto_tree_add_item(ct, hf_ica_cap_data, tvb, off + end, blen - end, ENC_NA);
}

/* A capability list as the core walks it (ica_caplist_parse): the head, each
 * block read, and where and why the walk stopped. */
static void dissect_caplist(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint len = tvb_captured_length(tvb);
    ica_caplist *cl = wmem_new(pinfo->pool, ica_caplist);
    ica_caplist_parse(tvb_get_ptr(tvb, 0, len), len, cl);
    if (cl->stop == ICA_CAPLIST_SHORT)
        return;
    proto_item *lt_item;
    proto_tree *lt = proto_tree_add_subtree(tree, tvb, 0, len, ett_ica_caplist, &lt_item, "Capability list");
    proto_tree_add_item(lt, hf_ica_caplist_more, tvb, 0, 1, ENC_NA);
    proto_tree_add_item(lt, hf_ica_caplist_count, tvb, 1, 1, ENC_NA);
    proto_item *oi = proto_tree_add_item(lt, hf_ica_caplist_offset, tvb, 2, 2, ENC_LITTLE_ENDIAN);
    if (cl->stop == ICA_CAPLIST_FIRST_OUTSIDE) {
        expert_add_info_format(pinfo, oi, &ei_ica_caplist, "Offset to the first block %u is outside the list (%u bytes)",
                               cl->first, len);
        return;
    }
    for (guint i = 0; i < cl->n; i++) {
        const ica_cap_block *bk = &cl->block[i];
        proto_item *ci;
        proto_tree *ct = proto_tree_add_subtree_format(lt, tvb, bk->off, bk->len, ett_ica_cap, &ci, "Capability %s",
                                                       val_to_str_const(bk->sig, cap_signature_vals, "unknown"));
        proto_tree_add_item(ct, hf_ica_cap_length, tvb, bk->off, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ct, hf_ica_cap_signature, tvb, bk->off + 2, 2, ENC_LITTLE_ENDIAN);
        dissect_cap_body(tvb, pinfo, ct, ci, bk->off, bk->len, bk->sig);
    }
    if (cl->stop == ICA_CAPLIST_BAD_BLOCK) {
        proto_item *bi = proto_tree_add_item(lt, hf_ica_cap_length, tvb, cl->stop_off, 2, ENC_LITTLE_ENDIAN);
        expert_add_info_format(pinfo, bi, &ei_ica_caplist, "Capability byteCount %u does not fit (%u bytes left); "
                               "the rest of the list is not decoded", cl->bad_len, len - cl->stop_off);
    } else if (cl->stop == ICA_CAPLIST_TRUNCATED) {
        expert_add_info_format(pinfo, lt_item, &ei_ica_caplist, "Block count %u, only %u blocks present", cl->count,
                               cl->n);
    }
}

/* ---- INIT_RESPONSE modules (§5.3) -------------------------------------- */

/* The module's bytes for the core's parsers: what was captured.  A body the
 * capture cut short is rendered as far as it goes, then reported by
 * module_end (the exception ica_dissect_raw shows). */
static const guint8 *module_bytes(tvbuff_t *mt, guint *len)
{
    *len = tvb_captured_length(mt);
    return tvb_get_ptr(mt, 0, *len);
}

static void module_end(tvbuff_t *mt)
{
    tvb_ensure_bytes_exist(mt, 0, tvb_reported_length(mt));
}

/* The UI_C2H strings (enum ica_ui_str): label of the offset, string field. */
static const struct { const char *label; int *hf; } ui_strings[ICA_UI_STR_COUNT] = {
    [ICA_UI_DOMAIN] = { "Domain", &hf_ica_ui_domain },
    [ICA_UI_USER] = { "User name", &hf_ica_ui_user },
    [ICA_UI_PASSWORD] = { "Password", &hf_ica_ui_password },
    [ICA_UI_CLIENT_DIR] = { "Client directory", &hf_ica_ui_client_directory },
    [ICA_UI_WORK_DIR] = { "Work directory", &hf_ica_ui_work_directory },
    [ICA_UI_INITIAL_PROGRAM] = { "Initial program", &hf_ica_ui_initial_program },
    [ICA_UI_CLOUD_NAME] = { "Cloud name", &hf_ica_ui_cloud_name },
    [ICA_UI_CLIENT_NAME] = { "Client name", &hf_ica_client_name },
    [ICA_UI_CLIENT_LICENSE] = { "Client license", &hf_ica_ui_client_license },
    [ICA_UI_IME_FILE_NAME] = { "IME file name", &hf_ica_ui_ime_file_name },
    [ICA_UI_LAUNCHER] = { "Launcher", &hf_ica_ui_launcher },
    [ICA_UI_VERSION] = { "Client version", &hf_ica_ui_client_version },
    [ICA_UI_LAUNCH_REFERENCE] = { "Launch reference", &hf_ica_ui_launch_reference },
};

static void add_ui_offset(proto_tree *tree, tvbuff_t *mt, const ica_ui_c2h *ui, unsigned i, proto_item **items)
{
    if (ui->str[i].state == ICA_STR_NONE)
        return;
    items[i] = proto_tree_add_item(tree, hf_ica_ui_offset, mt, ui->str[i].field, 2, ENC_LITTLE_ENDIAN);
    proto_item_prepend_text(items[i], "%s ", ui_strings[i].label);
}

/* UI_C2H version 2-4 fixed fields, each group where the module holds it. */
static void dissect_ui_v2(tvbuff_t *mt, proto_tree *tree, const ica_ui_c2h *ui, proto_item **items)
{
    if (ui->has_v2) {
        add_ui_offset(tree, mt, ui, ICA_UI_CLOUD_NAME, items);
        proto_tree_add_item(tree, hf_ica_client_build, mt, ICA_UI_CLIENT_BUILD, 2, ENC_LITTLE_ENDIAN);
        add_ui_offset(tree, mt, ui, ICA_UI_CLIENT_NAME, items);
        proto_tree_add_item(tree, hf_ica_ui_fixed_length, mt, ICA_UI_FIXED_LENGTH, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_ui_offset_length, mt, ICA_UI_OFFSET_LENGTH, 2, ENC_LITTLE_ENDIAN);
    }
    add_ui_offset(tree, mt, ui, ICA_UI_CLIENT_LICENSE, items);
    if (!ui->has_v4)
        return;
    proto_tree_add_item(tree, hf_ica_ui_encoding_type, mt, ICA_UI_ENCODING_TYPE, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_ui_code_page, mt, ICA_UI_CODE_PAGE, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_ui_keyboard_type, mt, ICA_UI_KEYBOARD_TYPE, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_ui_keyboard_subtype, mt, ICA_UI_KEYBOARD_SUBTYPE, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_ui_keyboard_function_keys, mt, ICA_UI_FUNCTION_KEYS, 1, ENC_NA);
    add_ui_offset(tree, mt, ui, ICA_UI_IME_FILE_NAME, items);
    proto_tree_add_item(tree, hf_ica_ui_keyboard_subtype2, mt, ICA_UI_KEYBOARD_SUBTYPE2, 2, ENC_LITTLE_ENDIAN);
}

/* UI_C2H fixed fields after version 4 that FixedLength covers (ica-c2h.h):
 * v5 oLauncher, oVersion; v7 PreferredIconBPP, oLaunchReference; v8
 * oFontSmoothing; anything FixedLength covers beyond, undecoded. */
static void dissect_ui_v5(tvbuff_t *mt, proto_tree *tree, const ica_ui_c2h *ui, proto_item **items)
{
    add_ui_offset(tree, mt, ui, ICA_UI_LAUNCHER, items);
    add_ui_offset(tree, mt, ui, ICA_UI_VERSION, items);
    if (ui->v5_end >= ICA_UI_V7_LEN)
        proto_tree_add_item(tree, hf_ica_ui_icon_bpp, mt, ICA_UI_ICON_BPP, 1, ENC_NA);
    add_ui_offset(tree, mt, ui, ICA_UI_LAUNCH_REFERENCE, items);
    if (ui->v5_end >= ICA_UI_V8_LEN)
        proto_tree_add_item(tree, hf_ica_ui_font_smoothing_offset, mt, ICA_UI_O_FONT_SMOOTHING, 2, ENC_LITTLE_ENDIAN);
    if (ui->fixed > ui->v5_end && ui->has_v4)
        proto_tree_add_item(tree, hf_ica_ui_extra, mt, ui->v5_end, ui->fixed - ui->v5_end, ENC_NA);
}

/* Characters of a NUL-terminated string at off (to the end of the tvb when
 * no NUL follows), without throwing. */
static guint ui_string_chars(tvbuff_t *st, guint off, gboolean utf16)
{
    guint len = tvb_captured_length(st), n = 0, step = utf16 ? 2 : 1;
    while (off + n + step <= len && (utf16 ? tvb_get_letohs(st, off + n) : tvb_get_uint8(st, off + n)) != 0)
        n += step;
    return n / step;
}

/* The variable part's strings, descrambled when EncryptionLevel is 1.
 * Offsets are module-relative, so the descrambled copy keeps the whole
 * module and only the variable part changes. */
static void dissect_ui_strings(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, const ica_ui_c2h *ui,
                               proto_item **items)
{
    guint len = tvb_captured_length(mt);
    tvbuff_t *st = mt;
    if (ui->enc_level == 1 && len > ui->fixed) {
        guint8 *copy = (guint8 *)tvb_memdup(pinfo->pool, mt, 0, len);
        ica_ui_descramble(copy + ui->fixed, len - ui->fixed, ui->seed);
        st = tvb_new_child_real_data(mt, copy, len, len);
        add_new_data_source(pinfo, st, "Descrambled ICA UI strings");
    }
    guint str_enc = ui->encoding == 1 ? (ENC_UTF_16 | ENC_LITTLE_ENDIAN) : ENC_ASCII;
    proto_tree *strings = proto_tree_add_subtree(tree, st, ui->fixed, len - ui->fixed, ett_ica_strings, NULL,
                                                 ui->enc_level == 1 ? "Strings (descrambled)" : "Strings");
    for (unsigned i = 0; i < ICA_UI_STR_COUNT; i++) {
        if (ui->str[i].state == ICA_STR_AT)
            proto_tree_add_item(strings, *ui_strings[i].hf, st, ui->str[i].value, -1, str_enc);
        else if (ui->str[i].state == ICA_STR_BAD)
            expert_add_info(pinfo, items[i], &ei_ica_bad_offset);
    }
    /* a password the capture shows (not empty): the citrix post-dissector's credentials_exposed finding */
    const ica_str_ref *pw = &ui->str[ICA_UI_PASSWORD];
    if (pw->state == ICA_STR_AT) {
        guint chars = ui_string_chars(st, pw->value, ui->encoding == 1);
        if (chars)
            ica_vc_tap_fact(pinfo, ICA_TAP_CREDENTIALS, (gint32)chars, "UI_C2H");
    }
}

static void dissect_ui_c2h(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, const ica_ui_c2h *ui)
{
    static int *const flags[] = {
        &hf_ica_ui_flag_disable_sound, &hf_ica_ui_flag_reconnect, &hf_ica_ui_flag_disable_cad,
        &hf_ica_ui_flag_prompt_password, &hf_ica_ui_flag_seamless, &hf_ica_ui_flag_winkeys,
        &hf_ica_ui_flag_sg, &hf_ica_ui_flag_smartcard, &hf_ica_ui_flag_aad_ticket, &hf_ica_ui_flag_rcg, NULL
    };
    proto_item *items[ICA_UI_STR_COUNT] = { NULL };
    proto_tree_add_bitmask(tree, mt, ICA_UI_FLAGS, hf_ica_ui_flags, ett_ica_bits, flags, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_ui_keyboard_layout, mt, ICA_UI_KEYBOARD_LAYOUT, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_ui_encryption_level, mt, ICA_UI_ENCRYPTION_LEVEL, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_ui_encryption_seed, mt, ICA_UI_ENCRYPTION_SEED, 1, ENC_NA);
    for (unsigned i = ICA_UI_DOMAIN; i <= ICA_UI_INITIAL_PROGRAM; i++)
        add_ui_offset(tree, mt, ui, i, items);
    for (guint i = 0; i < ICA_UI_LPT_COUNT; i++) {
        proto_tree_add_item(tree, hf_ica_ui_lpt, mt, ICA_UI_LPT + 2 * i, 1, ENC_NA);
        proto_tree_add_item(tree, hf_ica_ui_port, mt, ICA_UI_LPT + 2 * i + 1, 1, ENC_NA);
    }
    dissect_ui_v2(mt, tree, ui, items);
    if (!ui->fixed_ok)
        return;
    dissect_ui_v5(mt, tree, ui, items);
    dissect_ui_strings(mt, pinfo, tree, ui, items);
}

/* One WD_C2H text mode (ICA_TEXT_MODE_LEN bytes): u8 index, u8 flags, u16
 * columns, u16 rows, u16 resolution x, u16 resolution y, u8 font x, u8 font y. */
enum {
    TEXT_MODE_INDEX = 0, TEXT_MODE_FLAGS = 1, TEXT_MODE_COLUMNS = 2, TEXT_MODE_ROWS = 4, TEXT_MODE_RES_X = 6,
    TEXT_MODE_RES_Y = 8, TEXT_MODE_FONT_X = 10, TEXT_MODE_FONT_Y = 11
};

static void dissect_text_modes(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, const ica_wd_c2h *wd,
                               proto_item *offset_item)
{
    for (guint i = 0; i < wd->tm_n; i++) {
        guint o = wd->tm_off + ICA_TEXT_MODE_LEN * i;
        proto_tree *t = proto_tree_add_subtree_format(tree, mt, o, ICA_TEXT_MODE_LEN, ett_ica_text_mode, NULL,
                                                      "Text mode %u", i);
        proto_tree_add_item(t, hf_ica_wd_text_mode_index, mt, o + TEXT_MODE_INDEX, 1, ENC_NA);
        proto_tree_add_item(t, hf_ica_wd_text_mode_flags, mt, o + TEXT_MODE_FLAGS, 1, ENC_NA);
        proto_tree_add_item(t, hf_ica_wd_text_mode_columns, mt, o + TEXT_MODE_COLUMNS, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_rows, mt, o + TEXT_MODE_ROWS, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_res_x, mt, o + TEXT_MODE_RES_X, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_res_y, mt, o + TEXT_MODE_RES_Y, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_font_x, mt, o + TEXT_MODE_FONT_X, 1, ENC_NA);
        proto_tree_add_item(t, hf_ica_wd_text_mode_font_y, mt, o + TEXT_MODE_FONT_Y, 1, ENC_NA);
    }
    if (wd->tm_n < MIN(wd->tm_count, ICA_TEXT_MODE_MAX))
        expert_add_info(pinfo, offset_item, &ei_ica_bad_offset);
}

/* The VcBind table as the core reads it (ica_vcbind_get). */
static void dissect_vcbind(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, const guint8 *m, const ica_wd_c2h *wd)
{
    proto_tree_add_item(tree, hf_ica_wd_vcbind_count, mt, ICA_WDC2H_VCBIND_COUNT, 2, ENC_LITTLE_ENDIAN);
    proto_item *it = proto_tree_add_item(tree, hf_ica_wd_vcbind_offset, mt, ICA_WDC2H_VCBIND_OFFSET, 2,
                                         ENC_LITTLE_ENDIAN);
    for (guint i = 0; i < wd->vc_n; i++) {
        guint o = wd->vc_off + ICA_VCBIND_LEN * i;
        char name[ICA_VC_NAME_LEN];
        guint16 ch;
        ica_vcbind_get(m, wd, i, name, &ch);
        proto_item *bi;
        proto_tree *t = proto_tree_add_subtree(tree, mt, o, ICA_VCBIND_LEN, ett_ica_vcbind, &bi,
                                               "Virtual channel binding");
        /* 7 characters + NUL, blank-padded: the trimmed name is what
         * VIRTUAL_WRITE items show, so one filter matches both. */
        const char *shown = (const char *)tvb_get_string_enc(pinfo->pool, mt, o, (gint)strlen(name), ENC_ASCII);
        proto_tree_add_string(t, hf_ica_vc_name, mt, o, ICA_VC_NAME_LEN, shown);
        proto_tree_add_item(t, hf_ica_vc_number, mt, o + ICA_VCBIND_CHANNEL, 2, ENC_LITTLE_ENDIAN);
        proto_item_append_text(bi, ": %s = %u", shown, ch);
    }
    if (wd->vc_n < wd->vc_count)
        expert_add_info(pinfo, it, &ei_ica_bad_offset);
}

static void dissect_wd_c2h(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, const guint8 *m, const ica_wd_c2h *wd)
{
    static int *const flags[] = {
        &hf_ica_wd_flag_graphics, &hf_ica_wd_flag_mouse, &hf_ica_wd_flag_double_click,
        &hf_ica_wd_flag_windows_key, &hf_ica_wd_flag_auto_reconnect, &hf_ica_wd_flag_pass_through, NULL
    };
    static int *const product[] = { &hf_ica_client_product_flag_serialize, &hf_ica_client_product_flag_terminal, NULL };
    proto_tree_add_item(tree, hf_ica_wd_serial_number, mt, ICA_WDC2H_SERIAL, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_date_day, mt, ICA_WDC2H_DATE, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_date_month, mt, ICA_WDC2H_DATE + 1, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_date_year, mt, ICA_WDC2H_DATE + 2, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_time_hour, mt, ICA_WDC2H_TIME, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_time_minute, mt, ICA_WDC2H_TIME + 1, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_time_second, mt, ICA_WDC2H_TIME + 2, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_time_hundredths, mt, ICA_WDC2H_TIME + 3, 1, ENC_NA);
    proto_tree_add_bitmask(tree, mt, ICA_WDC2H_FLAGS, hf_ica_wd_flags, ett_ica_bits, flags, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_text_mode_count, mt, ICA_WDC2H_TEXT_MODE_COUNT, 2, ENC_LITTLE_ENDIAN);
    proto_item *tm = proto_tree_add_item(tree, hf_ica_wd_text_mode_offset, mt, ICA_WDC2H_TEXT_MODE_OFFSET, 2,
                                         ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_buffer_length, mt, ICA_WDC2H_BUFFER_LENGTH, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_host, mt, ICA_WDC2H_OUTBUF_COUNT_HOST, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_client, mt, ICA_WDC2H_OUTBUF_COUNT_CLIENT, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_host, mt, ICA_WDC2H_OUTBUF_DELAY_HOST, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_client, mt, ICA_WDC2H_OUTBUF_DELAY_CLIENT, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_bitmask_with_flags(tree, mt, ICA_WDC2H_PRODUCT_ID, hf_ica_client_product_id, ett_ica_bits, product,
                                      ENC_LITTLE_ENDIAN, BMT_NO_APPEND);
    proto_tree_add_item(tree, hf_ica_wd_client_serial_number, mt, ICA_WDC2H_CLIENT_SERIAL, 4, ENC_LITTLE_ENDIAN);
    dissect_text_modes(mt, pinfo, tree, wd, tm);
    if (!wd->has_vcbind)
        return;
    dissect_vcbind(mt, pinfo, tree, m, wd);
    if (!wd->has_reducer)
        return;
    proto_tree_add_item(tree, hf_ica_wd_c2h_pow2_wanted, mt, ICA_WDC2H_C2H_POW2, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_h2c_pow2_wanted, mt, ICA_WDC2H_H2C_POW2, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_h2c_max_new_data, mt, ICA_WDC2H_H2C_MAX_NEW_DATA, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_reducer_version, mt, ICA_WDC2H_REDUCER_VERSION, 2, ENC_LITTLE_ENDIAN);
    if (!wd->has_caplist)
        return;
    proto_tree_add_item(tree, hf_ica_wd_cap_list_length, mt, ICA_WDC2H_CAPLIST_LEN, 2, ENC_LITTLE_ENDIAN);
    proto_item *ci = proto_tree_add_item(tree, hf_ica_wd_cap_list_offset, mt, ICA_WDC2H_CAPLIST_OFFSET, 2,
                                         ENC_LITTLE_ENDIAN);
    if (wd->caplist_ok)
        dissect_caplist(tvb_new_subset_length(mt, wd->cap_off, wd->cap_len), pinfo, tree);
    else if (wd->cap_len)
        expert_add_info(pinfo, ci, &ei_ica_bad_offset);
}

/* VD_C2H: u32 ChannelMask, u8 BandwidthQuota, u8 Flow (2 bytes reserved),
 * then the flow control's parameters; the rest is the VD's own. */
#define VD_C2H_CHANNEL_MASK 36
#define VD_C2H_BANDWIDTH_QUOTA 40
#define VD_C2H_FLOW 41
#define VD_C2H_FLOW_PARAM 44
#define VD_C2H_FLOW_PARAM2 46
#define VD_C2H_MIN_LEN 40
#define VD_C2H_FIXED_LEN 48
enum { VD_FLOW_NONE = 0, VD_FLOW_ACK = 1, VD_FLOW_DELAY = 2, VD_FLOW_CDM = 3 };

static void dissect_vd_c2h(tvbuff_t *mt, proto_tree *tree)
{
    guint len = tvb_captured_length(mt);
    guint32 mask, flow;
    proto_item *mi = proto_tree_add_item_ret_uint(tree, hf_ica_vd_channel_mask, mt, VD_C2H_CHANNEL_MASK, 4,
                                                  ENC_LITTLE_ENDIAN, &mask);
    proto_tree *mtree = proto_item_add_subtree(mi, ett_ica_bits);
    for (guint ch = 1; ch < 32; ch++)
        if (mask & (1u << ch))
            proto_item_set_generated(proto_tree_add_uint(mtree, hf_ica_vd_channel, mt, VD_C2H_CHANNEL_MASK, 4, ch));
    if (len < VD_C2H_FIXED_LEN)
        return;
    proto_tree_add_item(tree, hf_ica_vd_bandwidth_quota, mt, VD_C2H_BANDWIDTH_QUOTA, 1, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_ica_vd_flow, mt, VD_C2H_FLOW, 1, ENC_NA, &flow);
    switch (flow) {
    case VD_FLOW_ACK:
        proto_tree_add_item(tree, hf_ica_vd_max_window, mt, VD_C2H_FLOW_PARAM, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_vd_window, mt, VD_C2H_FLOW_PARAM2, 2, ENC_LITTLE_ENDIAN);
        break;
    case VD_FLOW_DELAY:
        proto_tree_add_item(tree, hf_ica_vd_delay, mt, VD_C2H_FLOW_PARAM, 4, ENC_LITTLE_ENDIAN);
        break;
    case VD_FLOW_CDM:
        proto_tree_add_item(tree, hf_ica_vd_max_window, mt, VD_C2H_FLOW_PARAM, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_vd_max_byte_count, mt, VD_C2H_FLOW_PARAM2, 2, ENC_LITTLE_ENDIAN);
        break;
    }
    if (len > VD_C2H_FIXED_LEN)
        proto_tree_add_item(tree, hf_ica_vd_data, mt, VD_C2H_FIXED_LEN, len - VD_C2H_FIXED_LEN, ENC_NA);
}

/* TD_C2H EncryptionProtocol (ica-c2h.h TD_C2H_ENCRYPT_*) */
static const value_string td_encryption_protocol_vals[] = {
    { 0x0000, "none" }, { 0x0300, "SSL 3.0" }, { 0x0301, "TLS 1.0" }, { 0x0302, "TLS 1.1" }, { 0x0303, "TLS 1.2" },
    { 0x0304, "TLS 1.3" }, { 0xFEFF, "DTLS 1.0" }, { 0xFEFD, "DTLS 1.2" }, { 0, NULL }
};

/* TD_C2H: u16 OutBufLength, u16 address family, 20 address bytes; version 3
 * adds u16 EncryptionProtocol, EncryptionCipher, EncryptionCipherStrength. */
#define TD_C2H_OUTBUF_LENGTH 36
#define TD_C2H_MIN_LEN 38
#define TD_C2H_ADDRESS_FAMILY 38
#define TD_C2H_ADDRESS 40
#define TD_C2H_ADDRESS_LEN 20
#define TD_C2H_V2_LEN 60
#define TD_C2H_ENCRYPTION_PROTOCOL 60
#define TD_C2H_ENCRYPTION_CIPHER 62
#define TD_C2H_ENCRYPTION_STRENGTH 64
#define TD_C2H_V3_LEN 66
#define TD_AF_INET 2
#define TD_INET_PORT 40             /* big-endian */
#define TD_INET_ADDRESS 42
#define TD_INET_REST 46

static void dissect_td_c2h(tvbuff_t *mt, proto_tree *tree)
{
    guint len = tvb_captured_length(mt);
    guint32 family;
    proto_tree_add_item(tree, hf_ica_td_outbuf_length, mt, TD_C2H_OUTBUF_LENGTH, 2, ENC_LITTLE_ENDIAN);
    if (len < TD_C2H_V2_LEN)
        return;
    proto_tree_add_item_ret_uint(tree, hf_ica_td_address_family, mt, TD_C2H_ADDRESS_FAMILY, 2, ENC_LITTLE_ENDIAN,
                                 &family);
    if (family == TD_AF_INET) {
        /* Old clients: TCP port big-endian, then the IPv4 address; the rest is not zeroed. */
        proto_tree_add_item(tree, hf_ica_td_client_port, mt, TD_INET_PORT, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_ica_td_client_ip, mt, TD_INET_ADDRESS, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_ica_td_address_rest, mt, TD_INET_REST, TD_C2H_V2_LEN - TD_INET_REST, ENC_NA);
    } else {
        proto_tree_add_item(tree, hf_ica_td_address, mt, TD_C2H_ADDRESS, TD_C2H_ADDRESS_LEN, ENC_NA);
        guint8 c = tvb_get_uint8(mt, TD_C2H_ADDRESS);
        if (c >= 0x20 && c < 0x7f)
            proto_tree_add_item(tree, hf_ica_td_address_string, mt, TD_C2H_ADDRESS, TD_C2H_ADDRESS_LEN, ENC_ASCII);
    }
    if (len >= TD_C2H_V3_LEN) {
        /* TD_C2H version 3 (ica-c2h.h; its note says no client fills these yet) */
        proto_tree_add_item(tree, hf_ica_td_encryption_protocol, mt, TD_C2H_ENCRYPTION_PROTOCOL, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_td_encryption_cipher, mt, TD_C2H_ENCRYPTION_CIPHER, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_td_encryption_strength, mt, TD_C2H_ENCRYPTION_STRENGTH, 2, ENC_LITTLE_ENDIAN);
    }
}

/* PD_C2H / PD_H2C as the core parses it (ica_pd_parse). */
static void dissect_pd_body(tvbuff_t *mt, proto_tree *tree, guint header)
{
    guint len;
    const guint8 *m = module_bytes(mt, &len);
    ica_pd_module pd;
    if (!ica_pd_parse(m, len, header, &pd))
        return;
    proto_tree_add_item(tree, hf_ica_pd_class, mt, header, 1, ENC_NA);
    if (header != ICA_MC2H_LEN)
        return;     /* PD_H2C carries only the class */
    if (pd.has_enc_level)
        proto_tree_add_item(tree, hf_ica_pd_encryption_level, mt, pd.data, 1, ENC_NA);
    else if (pd.pdclass == ICA_PDCLASS_COMPRESS && len >= pd.data + 2u)
        proto_tree_add_item(tree, hf_ica_pd_max_compress_disable, mt, pd.data, 2, ENC_LITTLE_ENDIAN);
    else if (pd.pdclass == ICA_PDCLASS_RELIABLE)
        for (guint i = 0; i < ICA_PD_TIMER_COUNT && pd.data + 4 * i + 4 <= len; i++)
            proto_tree_add_item(tree, hf_ica_pd_timer, mt, pd.data + 4 * i, 4, ENC_LITTLE_ENDIAN);
    else if (len > pd.data)
        proto_tree_add_item(tree, hf_ica_module_data, mt, pd.data, len - pd.data, ENC_NA);
}

/* ByteCount equals the WD length in every real handshake (ica.md §5.1). */
static void add_byte_count(proto_tree *tree, packet_info *pinfo, tvbuff_t *mt, const ica_module_head *h,
                           guint header)
{
    proto_item *bi = proto_tree_add_item(tree, hf_ica_module_byte_count, mt, ICA_MC2H_BYTE_COUNT, 2,
                                         ENC_LITTLE_ENDIAN);
    if (h->byte_count != tvb_reported_length(mt) || h->byte_count < header)
        expert_add_info_format(pinfo, bi, &ei_ica_bytecount, "Module ByteCount %u does not match the WD length %u",
                               h->byte_count, tvb_reported_length(mt));
}

static const char *module_label(tvbuff_t *mt, packet_info *pinfo)
{
    const char *host = (const char *)tvb_get_stringz_enc(pinfo->pool, mt, ICA_MC2H_HOST_NAME, NULL, ENC_ASCII);
    if (tvb_get_uint8(mt, ICA_MC2H_HOST_NAME) != 0 && strlen(host) < ICA_MC2H_HOST_NAME_LEN)
        return host;
    return (const char *)tvb_get_string_enc(pinfo->pool, mt, ICA_MC2H_NAME, ICA_MC2H_NAME_LEN, ENC_ASCII);
}

/* The class body of a client module, from the core's parse of its layout. */
static void dissect_c2h_body(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, const guint8 *m, guint len,
                             guint mclass)
{
    ica_ui_c2h ui;
    ica_wd_c2h wd;
    switch (mclass) {
    case ICA_MODULE_UI:
        if (ica_ui_c2h_parse(m, len, &ui))
            dissect_ui_c2h(mt, pinfo, tree, &ui);
        break;
    case ICA_MODULE_WD:
        if (ica_wd_c2h_parse(m, len, &wd))
            dissect_wd_c2h(mt, pinfo, tree, m, &wd);
        break;
    case ICA_MODULE_VD:
        if (len >= VD_C2H_MIN_LEN)
            dissect_vd_c2h(mt, tree);
        break;
    case ICA_MODULE_PD:
        dissect_pd_body(mt, tree, ICA_MC2H_LEN);
        break;
    case ICA_MODULE_TD:
        if (len >= TD_C2H_MIN_LEN)
            dissect_td_c2h(mt, tree);
        break;
    default:
        if (len > ICA_MC2H_LEN)
            proto_tree_add_item(tree, hf_ica_module_data, mt, ICA_MC2H_LEN, len - ICA_MC2H_LEN, ENC_NA);
        break;
    }
}

static void dissect_init_response(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *info)
{
    guint len;
    const guint8 *m = module_bytes(mt, &len);
    ica_module_head h;
    if (!ica_module_c2h_parse(m, len, &h)) {
        proto_tree_add_item(tree, hf_ica_module_data, mt, 0, tvb_reported_length(mt), ENC_NA);
        return;
    }
    add_byte_count(tree, pinfo, mt, &h, ICA_MC2H_LEN);
    proto_tree_add_item(tree, hf_ica_module_count, mt, ICA_MC2H_COUNT, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_class, mt, ICA_MC2H_CLASS, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_version_low, mt, ICA_MC2H_VERSION_L, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_version_high, mt, ICA_MC2H_VERSION_H, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_name, mt, ICA_MC2H_NAME, ICA_MC2H_NAME_LEN, ENC_ASCII);
    proto_tree_add_item(tree, hf_ica_module_host_name, mt, ICA_MC2H_HOST_NAME, ICA_MC2H_HOST_NAME_LEN, ENC_ASCII);
    proto_tree_add_item(tree, hf_ica_module_date, mt, ICA_MC2H_DATE, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_module_time, mt, ICA_MC2H_TIME, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_module_size, mt, ICA_MC2H_SIZE, 4, ENC_LITTLE_ENDIAN);
    wmem_strbuf_append_printf(info, " %s (%s)", module_label(mt, pinfo),
                              val_to_str_const(h.mclass, module_class_vals, "unknown class"));
    dissect_c2h_body(mt, pinfo, tree, m, len, h.mclass);
    module_end(mt);
}

/* ---- INIT_CONNECT (§5.4) ------------------------------------------------ */

static void dissect_wd_h2c(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, guint8 version)
{
    static int *const wdflags[] = { &hf_ica_wd_wdflag_secured, NULL };
    guint len;
    const guint8 *m = module_bytes(mt, &len);
    ica_wd_h2c wd;
    if (!ica_wd_h2c_parse(m, len, version, &wd))
        return;
    proto_tree_add_item(tree, hf_ica_wd_buffer_length, mt, ICA_WDH2C_BUFFER_LENGTH, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_host, mt, ICA_WDH2C_OUTBUF_COUNT_HOST, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_client, mt, ICA_WDH2C_OUTBUF_COUNT_CLIENT, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_host, mt, ICA_WDH2C_OUTBUF_DELAY_HOST, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_client, mt, ICA_WDH2C_OUTBUF_DELAY_CLIENT, 2, ENC_LITTLE_ENDIAN);
    proto_item *ai = proto_tree_add_item(tree, hf_ica_wd_app_server_offset, mt, ICA_WDH2C_APP_SERVER_OFFSET, 2,
                                         ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_oem_id, mt, ICA_WDH2C_OEM_ID, 4, ENC_ASCII);
    if (wd.has_wdflag)
        proto_tree_add_bitmask(tree, mt, ICA_WDH2C_WDFLAG, hf_ica_wd_wdflag, ett_ica_bits, wdflags, ENC_LITTLE_ENDIAN);
    if (wd.has_reducer) {
        proto_tree_add_item(tree, hf_ica_wd_c2h_pow2_agreed, mt, ICA_WDH2C_C2H_POW2, 1, ENC_NA);
        proto_tree_add_item(tree, hf_ica_wd_h2c_pow2_agreed, mt, ICA_WDH2C_H2C_POW2, 1, ENC_NA);
        proto_tree_add_item(tree, hf_ica_wd_c2h_max_new_data, mt, ICA_WDH2C_C2H_MAX_NEW_DATA, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_reducer_level, mt, ICA_WDH2C_REDUCER_LEVEL, 2, ENC_LITTLE_ENDIAN);
    }
    if (wd.has_caplist) {
        proto_tree_add_item(tree, hf_ica_wd_cap_list_length, mt, ICA_WDH2C_CAPLIST_LEN, 2, ENC_LITTLE_ENDIAN);
        proto_item *ci = proto_tree_add_item(tree, hf_ica_wd_cap_list_offset, mt, ICA_WDH2C_CAPLIST_OFFSET, 2,
                                             ENC_LITTLE_ENDIAN);
        if (wd.has_code_page)
            proto_tree_add_item(tree, hf_ica_wd_server_code_page, mt, ICA_WDH2C_SERVER_CODE_PAGE, 2, ENC_LITTLE_ENDIAN);
        if (wd.caplist_ok)
            dissect_caplist(tvb_new_subset_length(mt, wd.cap_off, wd.cap_len), pinfo, tree);
        else if (wd.cap_len)
            expert_add_info(pinfo, ci, &ei_ica_bad_offset);
    }
    if (wd.app_state == ICA_STR_AT)
        proto_tree_add_item(tree, hf_ica_wd_app_server_name, mt, wd.app_off, -1, ENC_ASCII);
    else if (wd.app_state == ICA_STR_BAD)
        expert_add_info(pinfo, ai, &ei_ica_bad_offset);
}

static void dissect_init_connect(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *info)
{
    guint len;
    const guint8 *m = module_bytes(mt, &len);
    ica_module_head h;
    if (!ica_module_h2c_parse(m, len, &h)) {
        proto_tree_add_item(tree, hf_ica_module_data, mt, 0, tvb_reported_length(mt), ENC_NA);
        return;
    }
    add_byte_count(tree, pinfo, mt, &h, ICA_MH2C_LEN);
    proto_tree_add_item(tree, hf_ica_module_count, mt, ICA_MH2C_COUNT, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_class, mt, ICA_MH2C_CLASS, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_version_low, mt, ICA_MH2C_VERSION_L, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_version_high, mt, ICA_MH2C_VERSION_H, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_version, mt, ICA_MH2C_VERSION, 1, ENC_NA);
    wmem_strbuf_append_printf(info, " %s", val_to_str_const(h.mclass, module_class_vals, "unknown class"));
    if (h.mclass == ICA_MODULE_PD && len > ICA_MH2C_LEN)
        wmem_strbuf_append_printf(info, " %s", val_to_str_const(m[ICA_MH2C_LEN], pd_class_vals, "unknown"));
    wmem_strbuf_append_printf(info, " v%u", h.version);
    if (h.mclass == ICA_MODULE_WD)
        dissect_wd_h2c(mt, pinfo, tree, h.version);
    else if (h.mclass == ICA_MODULE_PD)
        dissect_pd_body(mt, tree, ICA_MH2C_LEN);
    else if (len > ICA_MH2C_LEN)
        proto_tree_add_item(tree, hf_ica_module_data, mt, ICA_MH2C_LEN, len - ICA_MH2C_LEN, ENC_NA);
    module_end(mt);
}

/* A raw WD packet of the handshake: type, u16 length, body. */
void ica_dissect_raw(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *info, guint16 flags)
{
    guint8 type = tvb_get_uint8(t, 0);
    guint32 len;
    proto_item *ti;
    proto_tree *rt = proto_tree_add_subtree_format(tree, t, 0, -1, ett_ica_raw, &ti, "%s", ica_cmd_label(type));
    proto_item *ci = proto_tree_add_item(rt, hf_ica_cmd, t, 0, 1, ENC_NA);
    proto_tree_add_item_ret_uint(rt, hf_ica_cmd_length, t, 1, 2, ENC_LITTLE_ENDIAN, &len);
    if (flags & ICA_RAW_COUNT_NOT_DOWN)
        expert_add_info(pinfo, ci, &ei_ica_count_not_down);
    if (flags & ICA_RAW_TOO_MANY)
        expert_add_info(pinfo, ci, &ei_ica_too_many);
    tvbuff_t *body = tvb_new_subset_length(t, ICA_RAW_HEAD_LEN, len);
    wmem_strbuf_t *one = wmem_strbuf_new(pinfo->pool, ica_cmd_label(type));
    /* The Info text is kept even when a lying length ends the body early. */
    TRY {
    switch (type) {
    case ICA_CMD_INIT_REQUEST: {
        guint32 level;
        if (len <= ICA_INIT_REQUEST_LEVEL)
            break;
        proto_tree_add_item_ret_uint(rt, hf_ica_init_request_level, body, ICA_INIT_REQUEST_LEVEL, 1, ENC_NA, &level);
        wmem_strbuf_append_printf(one, " level %u", level);
        if (level >= ICA_INIT_REQUEST_CAPS_LEVEL && len > ICA_INIT_REQUEST_CAPLIST)
            dissect_caplist(tvb_new_subset_remaining(body, ICA_INIT_REQUEST_CAPLIST), pinfo, rt);
        break;
    }
    case ICA_CMD_INIT_RESPONSE:
        dissect_init_response(body, pinfo, rt, one);
        break;
    case ICA_CMD_INIT_CONNECT:
        dissect_init_connect(body, pinfo, rt, one);
        break;
    default:
        if (len)
            proto_tree_add_item(rt, hf_ica_cmd_data, body, 0, len, ENC_NA);
        break;
    }
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(t, pinfo, rt, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    proto_item_set_text(ti, "%s", wmem_strbuf_get_str(one));
    ica_info_add(info, wmem_strbuf_get_str(one));
}

static const value_string *cap_field_vals(guint8 vals)
{
    switch (vals) {
    case ICA_CAPV_SERVER_FAMILY: return server_family_vals;
    case ICA_CAPV_TZ_MODE: return tz_mode_vals;
    case ICA_CAPV_TZ_ENCODING: return tz_encoding_vals;
    case ICA_CAPV_DTZ_ENCODING: return dtz_encoding_vals;
    case ICA_CAPV_MOUSE_SWAP: return mouse_swap_vals;
    default: return NULL;
    }
}

/* One field per row of ica_cap_layouts: ica.cap.<layout>.<field>, named
 * after the IcaCaps.h member.  The array, ids and names live as long as the
 * field registrations (the whole run). */
static void register_cap_layout_fields(int proto)
{
    guint total = 0;
    for (size_t i = 0; i < ica_cap_layout_count; i++)
        total += ica_cap_layouts[i].nfields;
    cap_hf = g_new(int, total);
    cap_hf_first = g_new(guint, ica_cap_layout_count);
    hf_register_info *hf = g_new0(hf_register_info, total);
    guint n = 0;
    for (size_t i = 0; i < ica_cap_layout_count; i++) {
        const ica_cap_layout *l = &ica_cap_layouts[i];
        cap_hf_first[i] = n;
        for (guint k = 0; k < l->nfields; k++, n++) {
            const ica_cap_field *f = &l->field[k];
            enum ftenum type = f->kind == ICA_CAPF_BYTES ? FT_BYTES : f->kind == ICA_CAPF_INT ? FT_INT32
                             : f->size == 1 ? FT_UINT8 : f->size == 2 ? FT_UINT16 : FT_UINT32;
            int display = f->kind == ICA_CAPF_BYTES ? BASE_NONE : f->kind == ICA_CAPF_HEX ? BASE_HEX : BASE_DEC;
            char *abbrev = *f->abbrev ? g_strdup_printf("ica.cap.%s.%s", l->abbrev, f->abbrev)
                                      : g_strdup_printf("ica.cap.%s", l->abbrev);
            cap_hf[n] = -1;
            hf[n] = (hf_register_info){ &cap_hf[n], { f->name, abbrev, type, display, VALS(cap_field_vals(f->vals)),
                                                      0x0, NULL, HFILL } };
        }
    }
    proto_register_field_array(proto, hf, (int)total);
}

void
ica_register_handshake_fields(int proto, expert_module_t *expert)
{
    static hf_register_info hf[] = {
        { &hf_ica_init_request_level, { "INIT_REQUEST level", "ica.init_request.level", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_caplist_more, { "More data", "ica.caplist.more", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_caplist_count, { "Block count", "ica.caplist.count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_caplist_offset, { "Offset to first block", "ica.caplist.offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_length, { "Capability length", "ica.cap.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_signature, { "Capability", "ica.cap.signature", FT_UINT16, BASE_DEC, VALS(cap_signature_vals), 0x0, NULL, HFILL } },
        { &hf_ica_cap_data, { "Capability data", "ica.cap.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes beyond the known layout of the capability, or a body without a public layout (not decoded)", HFILL } },
        { &hf_ica_cap_tz_standard_name, { "Standard name", "ica.cap.time_zone.standard_name", FT_STRING, BASE_NONE, NULL, 0x0, "Time zone name in standard time, at oStandardName from the capability's start (IcaCaps.h CAP_TIME_ZONE_INFO)", HFILL } },
        { &hf_ica_cap_tz_daylight_name, { "Daylight name", "ica.cap.time_zone.daylight_name", FT_STRING, BASE_NONE, NULL, 0x0, "Time zone name in daylight time, at oDaylightName from the capability's start", HFILL } },
        { &hf_ica_cap_dvc_byte_count, { "ByteCount", "ica.cap.dynamic_virtual_channels.bind.byte_count", FT_UINT16, BASE_DEC, NULL, 0x0, "DVC_BIND entry and its friendly name, bytes (IcaCaps.h)", HFILL } },
        { &hf_ica_cap_dvc_channel, { "StaticChannelName", "ica.cap.dynamic_virtual_channels.bind.static_channel_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "Static virtual channel used with DVC", HFILL } },
        { &hf_ica_cap_dvc_cb_friendly, { "cbFriendlyName", "ica.cap.dynamic_virtual_channels.bind.cb_friendly_name", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_dvc_o_friendly, { "oFriendlyName", "ica.cap.dynamic_virtual_channels.bind.o_friendly_name", FT_UINT16, BASE_DEC, NULL, 0x0, "From the DVC_BIND entry's start", HFILL } },
        { &hf_ica_cap_dvc_friendly, { "Friendly name", "ica.cap.dynamic_virtual_channels.bind.friendly_name", FT_STRING, BASE_NONE, NULL, 0x0, "Client DVC plug-in friendly name (UTF-16)", HFILL } },
        { &hf_ica_cap_reducers, { "Reducers supported", "ica.cap.reducers", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_reducers_l1, { "Level 1 (Perverse)", "ica.cap.reducers.level1", FT_BOOLEAN, 16, NULL, 0x0001, NULL, HFILL } },
        { &hf_ica_cap_reducers_l2, { "Level 2 (Mark II)", "ica.cap.reducers.level2", FT_BOOLEAN, 16, NULL, 0x0002, NULL, HFILL } },
        { &hf_ica_cap_reducers_l3, { "Level 3 (V3)", "ica.cap.reducers.level3", FT_BOOLEAN, 16, NULL, 0x0004, NULL, HFILL } },
        { &hf_ica_cap_reducers_l4, { "Level 4 (V4)", "ica.cap.reducers.level4", FT_BOOLEAN, 16, NULL, 0x0008, NULL, HFILL } },
        { &hf_ica_cap_prio_offset, { "Priority offset", "ica.cap.packet_priority.offset", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_array_length, { "Priority array length", "ica.cap.packet_priority.array_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_use_lowest, { "Use lowest priority", "ica.cap.packet_priority.use_lowest", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_priorities, { "Channel priorities", "ica.cap.packet_priority.priorities", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_priority, { "priority", "ica.cap.packet_priority.priority", FT_UINT8, BASE_DEC, NULL, 0x0, "One channel's priority, in channel-number order from PriorityOffset", HFILL } },
        { &hf_ica_module_byte_count, { "Byte count", "ica.module.byte_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_count, { "Modules remaining", "ica.module.count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_class, { "Module class", "ica.module.class", FT_UINT8, BASE_DEC, VALS(module_class_vals), 0x0, NULL, HFILL } },
        { &hf_ica_module_version_low, { "Lowest version", "ica.module.version_low", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_version_high, { "Highest version", "ica.module.version_high", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_version, { "Agreed version", "ica.module.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_name, { "Module name", "ica.module.name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_host_name, { "Host module name", "ica.module.host_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_date, { "Module date", "ica.module.date", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_date_fmt), 0x0, "DOS date", HFILL } },
        { &hf_ica_module_time, { "Module time", "ica.module.time", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_time_fmt), 0x0, "DOS time", HFILL } },
        { &hf_ica_module_size, { "Module size", "ica.module.size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_module_data, { "Module data", "ica.module.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_flags, { "UI flags", "ica.ui.flags", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_flag_disable_sound, { "Disable sound", "ica.ui.flags.disable_sound", FT_BOOLEAN, 32, NULL, 0x1, NULL, HFILL } },
        { &hf_ica_ui_flag_reconnect, { "Reconnect", "ica.ui.flags.reconnect", FT_BOOLEAN, 32, NULL, 0x2, NULL, HFILL } },
        { &hf_ica_ui_flag_disable_cad, { "Disable Ctrl-Alt-Del", "ica.ui.flags.disable_ctrl_alt_del", FT_BOOLEAN, 32, NULL, 0x4, NULL, HFILL } },
        { &hf_ica_ui_flag_prompt_password, { "Prompt for password", "ica.ui.flags.prompt_password", FT_BOOLEAN, 32, NULL, 0x8, NULL, HFILL } },
        { &hf_ica_ui_flag_seamless, { "Seamless", "ica.ui.flags.seamless", FT_BOOLEAN, 32, NULL, 0x10, NULL, HFILL } },
        { &hf_ica_ui_flag_winkeys, { "Windows keys", "ica.ui.flags.winkeys", FT_BOOLEAN, 32, NULL, 0x20, NULL, HFILL } },
        { &hf_ica_ui_flag_sg, { "Secure Gateway connection", "ica.ui.flags.sg", FT_BOOLEAN, 32, NULL, 0x40, NULL, HFILL } },
        { &hf_ica_ui_flag_smartcard, { "Smart card", "ica.ui.flags.smartcard", FT_BOOLEAN, 32, NULL, 0x800, NULL, HFILL } },
        { &hf_ica_ui_flag_aad_ticket, { "Password is an Azure AD logon ticket", "ica.ui.flags.aad_logon_ticket", FT_BOOLEAN, 32, NULL, 0x1000, "UI_C2H_CT_AADLOGONTICKET (ica-c2h.h)", HFILL } },
        { &hf_ica_ui_flag_rcg, { "Single sign-on uses Remote Credential Guard", "ica.ui.flags.rcg", FT_BOOLEAN, 32, NULL, 0x2000, "UI_C2H_CT_RCG (ica-c2h.h)", HFILL } },
        { &hf_ica_ui_keyboard_layout, { "Keyboard layout", "ica.ui.keyboard_layout", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_encryption_level, { "String encryption level", "ica.ui.encryption_level", FT_UINT8, BASE_DEC, NULL, 0x0, "1 = variable part scrambled", HFILL } },
        { &hf_ica_ui_encryption_seed, { "String encryption seed", "ica.ui.encryption_seed", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_offset, { "offset", "ica.ui.offset", FT_UINT16, BASE_DEC, NULL, 0x0, "Module-relative offset of a string (0 = absent)", HFILL } },
        { &hf_ica_ui_lpt, { "LPT", "ica.ui.lpt", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_port, { "Port", "ica.ui.port", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_client_build, { "Client build", "ica.client_build", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_fixed_length, { "Fixed length", "ica.ui.fixed_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_offset_length, { "Variable length", "ica.ui.offset_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_encoding_type, { "Encoding type", "ica.ui.encoding_type", FT_UINT16, BASE_DEC, VALS(encoding_type_vals), 0x0, NULL, HFILL } },
        { &hf_ica_ui_code_page, { "Code page", "ica.ui.code_page", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_keyboard_type, { "Keyboard type", "ica.ui.keyboard_type", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_keyboard_subtype, { "Keyboard subtype", "ica.ui.keyboard_subtype", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_keyboard_function_keys, { "Keyboard function keys", "ica.ui.keyboard_function_keys", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_keyboard_subtype2, { "Keyboard subtype 2", "ica.ui.keyboard_subtype2", FT_UINT16, BASE_HEX, NULL, 0x0, "KeyboardSubtype2 (ica-c2h.h)", HFILL } },
        { &hf_ica_ui_icon_bpp, { "Preferred icon bits per pixel", "ica.ui.icon_bpp", FT_UINT8, BASE_DEC, NULL, 0x0, "PreferredIconBPP (UI_C2H v7)", HFILL } },
        { &hf_ica_ui_launcher, { "Launcher", "ica.ui.launcher", FT_STRINGZ, BASE_NONE, NULL, 0x0, "Client launcher (UI_C2H v5 oLauncher: PNAgent, WI, ...)", HFILL } },
        { &hf_ica_ui_client_version, { "Client version", "ica.ui.client_version", FT_STRINGZ, BASE_NONE, NULL, 0x0, "UI_C2H v5 oVersion", HFILL } },
        { &hf_ica_ui_launch_reference, { "Launch reference", "ica.ui.launch_reference", FT_STRINGZ, BASE_NONE, NULL, 0x0, "UI_C2H v7 oLaunchReference", HFILL } },
        { &hf_ica_ui_font_smoothing_offset, { "Font smoothing offset", "ica.ui.font_smoothing_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "UI_C2H v8 oFontSmoothing (structure not decoded)", HFILL } },
        { &hf_ica_ui_extra, { "Later-version fixed fields", "ica.ui.extra", FT_BYTES, BASE_NONE, NULL, 0x0, "Fixed part beyond the decoded layout (not decoded)", HFILL } },
        { &hf_ica_client_name, { "Client name", "ica.client_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_domain, { "Domain", "ica.ui.domain", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_user, { "User name", "ica.ui.user", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_password, { "Password", "ica.ui.password", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_client_directory, { "Client directory", "ica.ui.client_directory", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_work_directory, { "Work directory", "ica.ui.work_directory", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_initial_program, { "Initial program", "ica.ui.initial_program", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_cloud_name, { "Cloud name", "ica.ui.cloud_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_client_license, { "Client license", "ica.ui.client_license", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_ime_file_name, { "IME file name", "ica.ui.ime_file_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_serial_number, { "Serial number", "ica.wd.serial_number", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_date_day, { "Day", "ica.wd.date.day", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_date_month, { "Month", "ica.wd.date.month", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_date_year, { "Year", "ica.wd.date.year", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_time_hour, { "Hour", "ica.wd.time.hour", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_time_minute, { "Minute", "ica.wd.time.minute", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_time_second, { "Second", "ica.wd.time.second", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_time_hundredths, { "Hundredths", "ica.wd.time.hundredths", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_flags, { "WD flags", "ica.wd.flags", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_flag_graphics, { "Graphics", "ica.wd.flags.graphics", FT_BOOLEAN, 32, NULL, 0x1, NULL, HFILL } },
        { &hf_ica_wd_flag_mouse, { "Mouse", "ica.wd.flags.mouse", FT_BOOLEAN, 32, NULL, 0x2, NULL, HFILL } },
        { &hf_ica_wd_flag_double_click, { "Double click", "ica.wd.flags.double_click", FT_BOOLEAN, 32, NULL, 0x4, NULL, HFILL } },
        { &hf_ica_wd_flag_windows_key, { "Windows key", "ica.wd.flags.windows_key", FT_BOOLEAN, 32, NULL, 0x8, NULL, HFILL } },
        { &hf_ica_wd_flag_auto_reconnect, { "Auto reconnect", "ica.wd.flags.auto_reconnect", FT_BOOLEAN, 32, NULL, 0x10, NULL, HFILL } },
        { &hf_ica_wd_flag_pass_through, { "Pass-through", "ica.wd.flags.pass_through", FT_BOOLEAN, 32, NULL, 0x20, NULL, HFILL } },
        { &hf_ica_wd_text_mode_count, { "Text mode count", "ica.wd.text_mode_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_offset, { "Text mode offset", "ica.wd.text_mode_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_index, { "Index", "ica.wd.text_mode.index", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_flags, { "Flags", "ica.wd.text_mode.flags", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_columns, { "Columns", "ica.wd.text_mode.columns", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_rows, { "Rows", "ica.wd.text_mode.rows", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_res_x, { "Resolution X", "ica.wd.text_mode.res_x", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_res_y, { "Resolution Y", "ica.wd.text_mode.res_y", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_font_x, { "Font X", "ica.wd.text_mode.font_x", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_text_mode_font_y, { "Font Y", "ica.wd.text_mode.font_y", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_buffer_length, { "ICA buffer length", "ica.wd.buffer_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_outbuf_count_host, { "Output buffers (host)", "ica.wd.outbuf_count_host", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_outbuf_count_client, { "Output buffers (client)", "ica.wd.outbuf_count_client", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_outbuf_delay_host, { "Output delay (host)", "ica.wd.outbuf_delay_host", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_outbuf_delay_client, { "Output delay (client)", "ica.wd.outbuf_delay_client", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_client_product_id, { "Client product id", "ica.client_product_id", FT_UINT16, BASE_HEX, VALS(product_id_vals), ICA_PRODUCT_ID_MASK, "icaid.h CLIENTID_* (flags 0x4000 and 0x8000 removed)", HFILL } },
        { &hf_ica_client_product_flag_serialize, { "Client requires a license number", "ica.client_product_id.force_serialize", FT_BOOLEAN, 16, NULL, 0x4000, "CLIENTID_FORCESERIALIZE_FLAG (icaid.h)", HFILL } },
        { &hf_ica_client_product_flag_terminal, { "Terminal-based client", "ica.client_product_id.terminal", FT_BOOLEAN, 16, NULL, 0x8000, "CLIENTID_TERMINAL_FLAG (icaid.h)", HFILL } },
        { &hf_ica_wd_client_serial_number, { "Client serial number", "ica.wd.client_serial_number", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_vcbind_count, { "VcBind count", "ica.wd.vcbind_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_vcbind_offset, { "VcBind offset", "ica.wd.vcbind_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_c2h_pow2_wanted, { "C2H Pow2 wanted", "ica.wd.c2h_pow2_wanted", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_h2c_pow2_wanted, { "H2C Pow2 wanted", "ica.wd.h2c_pow2_wanted", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_h2c_max_new_data, { "H2C max new data", "ica.wd.h2c_max_new_data", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_reducer_version, { "Reducer version wanted", "ica.reducer.version", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_cap_list_length, { "Capability list length", "ica.wd.cap_list_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_cap_list_offset, { "Capability list offset", "ica.wd.cap_list_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_app_server_offset, { "App server name offset", "ica.wd.app_server_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_app_server_name, { "App server name", "ica.wd.app_server_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_oem_id, { "OEM id", "ica.wd.oem_id", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "char OEMId[4], ASCIIZ (RISC OS ica-h2c)", HFILL } },
        { &hf_ica_wd_wdflag, { "WdFlag", "ica.wd.wdflag", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_wdflag_secured, { "Secured", "ica.wd.wdflag.secured", FT_BOOLEAN, 16, NULL, 0x1, NULL, HFILL } },
        { &hf_ica_wd_c2h_pow2_agreed, { "C2H Pow2 agreed", "ica.wd.c2h_pow2_agreed", FT_UINT8, BASE_DEC, NULL, 0x0, "0 = no reducer client to host", HFILL } },
        { &hf_ica_wd_h2c_pow2_agreed, { "H2C Pow2 agreed", "ica.wd.h2c_pow2_agreed", FT_UINT8, BASE_DEC, NULL, 0x0, "0 = no reducer host to client", HFILL } },
        { &hf_ica_wd_c2h_max_new_data, { "C2H max new data", "ica.wd.c2h_max_new_data", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_reducer_level, { "Reducer level", "ica.reducer.level", FT_UINT16, BASE_DEC, NULL, 0x0, "ReducerVersion agreed in WD_H2C", HFILL } },
        { &hf_ica_wd_server_code_page, { "Server code page", "ica.wd.server_code_page", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vd_channel_mask, { "Channel mask", "ica.vd.channel_mask", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vd_channel, { "Channel", "ica.vd.channel", FT_UINT8, BASE_DEC, NULL, 0x0, "Channel set in the mask", HFILL } },
        { &hf_ica_vd_bandwidth_quota, { "Bandwidth quota", "ica.vd.bandwidth_quota", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vd_flow, { "Flow control", "ica.vd.flow", FT_UINT8, BASE_DEC, VALS(vd_flow_vals), 0x0, NULL, HFILL } },
        { &hf_ica_vd_max_window, { "Max window size", "ica.vd.max_window", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vd_window, { "Window size", "ica.vd.window", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vd_delay, { "Delay (ms)", "ica.vd.delay", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vd_max_byte_count, { "Max byte count", "ica.vd.max_byte_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vd_data, { "VD-specific data", "ica.vd.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_td_outbuf_length, { "Output buffer length", "ica.td.outbuf_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_td_address_family, { "Client address family", "ica.td.address_family", FT_UINT16, BASE_DEC, VALS(address_family_vals), 0x0, NULL, HFILL } },
        { &hf_ica_td_client_port, { "Client port", "ica.td.client_port", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_td_client_ip, { "Client address", "ica.td.client_ip", FT_IPv4, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_td_address_rest, { "Address remainder", "ica.td.address_rest", FT_BYTES, BASE_NONE, NULL, 0x0, "Not zeroed by the client; not interpreted", HFILL } },
        { &hf_ica_td_address_string, { "Client address string", "ica.td.address_string", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_td_address, { "Client address bytes", "ica.td.address", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_td_encryption_protocol, { "Encryption protocol", "ica.td.encryption_protocol", FT_UINT16, BASE_HEX, VALS(td_encryption_protocol_vals), 0x0, "TD_C2H v3 EncryptionProtocol", HFILL } },
        { &hf_ica_td_encryption_cipher, { "Encryption cipher", "ica.td.encryption_cipher", FT_UINT16, BASE_HEX, NULL, 0x0, "TD_C2H v3 EncryptionCipher: an IANA TLS cipher suite number", HFILL } },
        { &hf_ica_td_encryption_strength, { "Encryption cipher strength", "ica.td.encryption_strength", FT_UINT16, BASE_DEC, NULL, 0x0, "TD_C2H v3 EncryptionCipherStrength, bits", HFILL } },
        { &hf_ica_pd_class, { "PD class", "ica.pd.class", FT_UINT8, BASE_DEC, VALS(pd_class_vals), 0x0, NULL, HFILL } },
        { &hf_ica_pd_encryption_level, { "Encryption level", "ica.pd.encryption_level", FT_UINT8, BASE_DEC, NULL, 0x0, "1 = Basic", HFILL } },
        { &hf_ica_pd_max_compress_disable, { "Max compress disable", "ica.pd.max_compress_disable", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pd_timer, { "Timer", "ica.pd.timer", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    };
    static int *ett[] = {
        &ett_ica_raw,
        &ett_ica_caplist,
        &ett_ica_cap,
        &ett_ica_text_mode,
        &ett_ica_vcbind,
        &ett_ica_strings,
    };
    static ei_register_info ei[] = {
        { &ei_ica_bad_offset, { "ica.bad_offset", PI_MALFORMED, PI_WARN, "Offset or count points outside the module", EXPFILL } },
        { &ei_ica_count_not_down, { "ica.module.count.not_decreasing", PI_PROTOCOL, PI_WARN, "ModuleCount does not count down", EXPFILL } },
        { &ei_ica_too_many, { "ica.handshake.too_long", PI_MALFORMED, PI_WARN, "Handshake never completes: decoding of this direction stops", EXPFILL } },
        { &ei_ica_bytecount, { "ica.module.byte_count.mismatch", PI_MALFORMED, PI_WARN, "Module ByteCount does not match the WD length", EXPFILL } },
        { &ei_ica_caplist, { "ica.caplist.bad", PI_MALFORMED, PI_WARN, "Capability list does not fit", EXPFILL } },
        { &ei_ica_cap_short, { "ica.cap.short", PI_MALFORMED, PI_WARN, "Capability body shorter than its fixed fields", EXPFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));
    register_cap_layout_fields(proto);
}
