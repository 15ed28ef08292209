/* packet-ica.c - Citrix ICA (TCP 1494): detect string, INIT_* handshake,
 * PDRFRAME framing, PDCRYPT1 Basic decryption, reducer status, WD commands
 * and virtual-channel data.
 *
 * The byte-level work (phases, cipher state, reducer, command reassembly,
 * channel bindings) is done by the epan-free ica_stream core on the first
 * pass; what it reports is stored per frame so that any frame can be shown
 * later, in any order.  This file only turns those records into trees,
 * columns, expert infos and statistics.
 *
 * Wire format facts: shared notes ica.md (sections cited below).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/dissectors/packet-tcp.h>
#include "ws_compat.h"
#include "ica_stream.h"
#include "ica_wd.h"
#include "ica_basic.h"
#include "ica_reducer.h"

#define ICA_TCP_PORT 1494
#define MODULE_C2H_SIZE 36
#define MODULE_H2C_SIZE 8

void proto_register_ica(void);
void proto_reg_handoff_ica(void);

static int proto_ica = -1;
static int ica_tap = -1;
static dissector_handle_t ica_handle;
static dissector_handle_t tls_handle;

static wsc_pref_bool_t pref_decrypt = TRUE;
static wsc_pref_bool_t pref_desegment = TRUE;

/* ---- fields ------------------------------------------------------------- */
static int hf_ica_direction = -1;
static int hf_ica_encryption = -1;
static int hf_ica_compression = -1;
static int hf_ica_detect = -1;
static int hf_ica_padding = -1;
static int hf_ica_undecoded = -1;
static int hf_ica_retransmitted = -1;
static int hf_ica_reassembled = -1;
static int hf_ica_pending_unit_seen = -1;
static int hf_ica_pending_unit_length = -1;
static int hf_ica_pending_cmd_seen = -1;
static int hf_ica_pending_cmd_length = -1;
static int hf_ica_cmd = -1;
static int hf_ica_cmd_length = -1;
static int hf_ica_cmd_data = -1;
static int hf_ica_init_request_level = -1;
/* capability lists */
static int hf_ica_caplist_more = -1;
static int hf_ica_caplist_count = -1;
static int hf_ica_caplist_offset = -1;
static int hf_ica_cap_length = -1;
static int hf_ica_cap_signature = -1;
static int hf_ica_cap_data = -1;
static int hf_ica_cap_reducers = -1;
static int hf_ica_cap_reducers_l1 = -1;
static int hf_ica_cap_reducers_l2 = -1;
static int hf_ica_cap_reducers_l3 = -1;
static int hf_ica_cap_reducers_l4 = -1;
static int hf_ica_cap_intellimouse = -1;
static int hf_ica_cap_redraw = -1;
static int hf_ica_cap_seamless = -1;
static int hf_ica_cap_prio_offset = -1;
static int hf_ica_cap_prio_array_length = -1;
static int hf_ica_cap_prio_use_lowest = -1;
static int hf_ica_cap_prio_priorities = -1;
static int hf_ica_cap_chanmon_version = -1;
static int hf_ica_cap_chanmon_repeat_delay = -1;
static int hf_ica_cap_chanmon_flags = -1;
static int hf_ica_cap_chanmon_mouse_upper = -1;
static int hf_ica_cap_chanmon_mouse_lower = -1;
static int hf_ica_cap_server_family = -1;
static int hf_ica_cap_server_family_version = -1;
static int hf_ica_cap_server_variant = -1;
static int hf_ica_cap_ht_support_mask = -1;
static int hf_ica_cap_ht_max_packet = -1;
static int hf_ica_cap_ht_line_loading = -1;
static int hf_ica_cap_euks_version = -1;
static int hf_ica_cap_euks_mode = -1;
/* module headers */
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
/* UI_C2H */
static int hf_ica_ui_flags = -1;
static int hf_ica_ui_flag_disable_sound = -1;
static int hf_ica_ui_flag_reconnect = -1;
static int hf_ica_ui_flag_disable_cad = -1;
static int hf_ica_ui_flag_prompt_password = -1;
static int hf_ica_ui_flag_seamless = -1;
static int hf_ica_ui_flag_winkeys = -1;
static int hf_ica_ui_flag_sg = -1;
static int hf_ica_ui_flag_smartcard = -1;
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
static int hf_ica_ui_reserved = -1;
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
/* WD_C2H / WD_H2C */
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
static int hf_ica_wd_client_serial_number = -1;
static int hf_ica_wd_vcbind_count = -1;
static int hf_ica_wd_vcbind_offset = -1;
static int hf_ica_vc_name = -1;
static int hf_ica_vc_number = -1;
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
/* VD_C2H */
static int hf_ica_vd_channel_mask = -1;
static int hf_ica_vd_channel = -1;
static int hf_ica_vd_bandwidth_quota = -1;
static int hf_ica_vd_flow = -1;
static int hf_ica_vd_max_window = -1;
static int hf_ica_vd_window = -1;
static int hf_ica_vd_delay = -1;
static int hf_ica_vd_max_byte_count = -1;
static int hf_ica_vd_data = -1;
/* TD_C2H */
static int hf_ica_td_outbuf_length = -1;
static int hf_ica_td_address_family = -1;
static int hf_ica_td_client_port = -1;
static int hf_ica_td_client_ip = -1;
static int hf_ica_td_address_rest = -1;
static int hf_ica_td_address_string = -1;
static int hf_ica_td_address = -1;
static int hf_ica_td_encryption_info = -1;
/* PD */
static int hf_ica_pd_class = -1;
static int hf_ica_pd_encryption_level = -1;
static int hf_ica_pd_max_compress_disable = -1;
static int hf_ica_pd_timer = -1;
/* PDRFRAME / PDCRYPT1 */
static int hf_ica_frame = -1;
static int hf_ica_frame_length = -1;
static int hf_ica_frame_priority = -1;
static int hf_ica_crypt_header = -1;
static int hf_ica_crypt_version = -1;
static int hf_ica_crypt_public_key = -1;
static int hf_ica_session_key = -1;
static int hf_ica_crypt_random = -1;
static int hf_ica_crypt_marker = -1;
static int hf_ica_encrypted_data = -1;
static int hf_ica_decrypted_data = -1;
static int hf_ica_compressed_data = -1;
static int hf_ica_expanded_length = -1;
static int hf_ica_v3_channel = -1;
static int hf_ica_v3_completion = -1;
static int hf_ica_v3_compressed = -1;
static int hf_ica_v3_add_to_history = -1;
static int hf_ica_v3_length = -1;
static int hf_ica_v3_command = -1;
static int hf_ica_v3_params = -1;
static int hf_ica_v3_data = -1;
static int hf_ica_v3_header = -1;
/* WD commands */
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

static int ett_ica = -1;
static int ett_ica_raw = -1;
static int ett_ica_caplist = -1;
static int ett_ica_cap = -1;
static int ett_ica_bits = -1;
static int ett_ica_text_mode = -1;
static int ett_ica_vcbind = -1;
static int ett_ica_frame = -1;
static int ett_ica_v3 = -1;
static int ett_ica_cmd = -1;
static int ett_ica_rect = -1;
static int ett_ica_mouse = -1;
static int ett_ica_vc_payload = -1;
static int ett_ica_strings = -1;

static expert_field ei_ica_undecoded = EI_INIT;
static expert_field ei_ica_padding = EI_INIT;
static expert_field ei_ica_encrypted = EI_INIT;
static expert_field ei_ica_no_key = EI_INIT;
static expert_field ei_ica_decrypt_off = EI_INIT;
static expert_field ei_ica_compressed = EI_INIT;
static expert_field ei_ica_expand_failed = EI_INIT;
static expert_field ei_ica_unknown_cmd = EI_INIT;
static expert_field ei_ica_len_conflict = EI_INIT;
static expert_field ei_ica_prio_bits = EI_INIT;
static expert_field ei_ica_bad_crypt_hdr = EI_INIT;
static expert_field ei_ica_mid_session = EI_INIT;
static expert_field ei_ica_retransmission = EI_INIT;
static expert_field ei_ica_gap = EI_INIT;
static expert_field ei_ica_bad_offset = EI_INIT;
static expert_field ei_ica_legacy_vc = EI_INIT;
static expert_field ei_ica_tls = EI_INIT;
static expert_field ei_ica_not_reassembled = EI_INIT;
static expert_field ei_ica_pending = EI_INIT;
static expert_field ei_ica_count_not_down = EI_INIT;
static expert_field ei_ica_too_many = EI_INIT;
static expert_field ei_ica_bytecount = EI_INIT;
static expert_field ei_ica_caplist = EI_INIT;
static expert_field ei_ica_vc_no_channel = EI_INIT;

/* ---- value strings ------------------------------------------------------ */
static const value_string direction_vals[] = {
    { ICA_C2S, "client to server" }, { ICA_S2C, "server to client" }, { 0, NULL }
};

static const value_string encryption_vals[] = {
    { ICA_ENC_UNKNOWN, "unknown" }, { ICA_ENC_NONE, "none" }, { ICA_ENC_BASIC, "Basic" },
    { ICA_ENC_RC5, "RC5 (SecureICA)" }, { ICA_ENC_TLS, "TLS" }, { 0, NULL }
};

static const value_string compression_vals[] = {
    { ICA_COMP_NONE, "none" }, { ICA_COMP_L1, "reducer level 1" },
    { ICA_COMP_L2, "reducer level 2 (Mark II, not decodable)" },
    { ICA_COMP_V3, "reducer V3/V4 container" }, { ICA_COMP_UNKNOWN, "unknown reducer" },
    { ICA_COMP_PDCOMP, "PDCOMP (not decodable)" }, { 0, NULL }
};

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
    { 1, "MTU" }, { 2, "REDUCERS_SUPPORTED" }, { 3, "SEAMLESS" }, { 4, "INTELLIMOUSE" },
    { 5, "PACKET_PRIORITY" }, { 6, "CHANNEL_MONITORING" }, { 7, "REDRAW" }, { 8, "TIME_ZONE" },
    { 9, "LONG_UNICODE_USERNAME" }, { 10, "COOKIE" }, { 11, "PRT_BW_CTRL" },
    { 12, "TW2PERSISTENT_CACHE_DEADLOCK_BUG_FIXED" }, { 13, "SERVER_VERSION" },
    { 14, "KEYBOARD_XKEYSYM" }, { 15, "CGP_PACKET_OVERHEAD" }, { 16, "HIGH_THROUGHPUT" },
    { 17, "SSL_PACKET_OVERHEAD" }, { 18, "WD_CREDENTIAL_PASSING" }, { 19, "MAX_VIDEO" },
    { 20, "EUKS" }, { 21, "MOUSE_BUTTON_SWAP" }, { 22, "CLIENT_TS_LICENSE_INFO" },
    { 23, "FARM_NAME" }, { 25, "DRIVE_MAPPING_ACCELERATION" }, { 26, "INPUT_LOCALE" },
    { 27, "LICENSED_FEATURES" }, { 28, "EXTENDED_TERMINATE" }, { 29, "CODEPAGE_UTF8" },
    { 30, "WANSCALER_SUPPORT" }, { 31, "DYNAMIC_VIRTUAL_CHANNELS" }, { 32, "EARLY_AUTHENTICATION" },
    { 33, "VIRTUAL_MAXIMUM" }, { 34, "CLIENT_SELFLOOP_CHECK" }, { 35, "MULTI_STREAM_ICA" },
    { 36, "RTP_AUDIO_ICA" }, { 37, "SYSTEM_FLOW_CONTROL" }, { 38, "DYNAMIC_TIME_ZONE" },
    { 39, "WATERMARK" }, { 40, "BUFFER_RESIZE" }, { 41, "NSAP_SUPPORTED" },
    { 998, "temporary" }, { 999, "temporary" }, { 0, NULL }
};

static const value_string crypt_header_vals[] = {
    { ICA_CRYPT_NOT_ENCRYPTED, "CRYPT_NOT_ENCRYPTED" }, { ICA_CRYPT_ENCRYPTED, "CRYPT_ENCRYPTED" },
    { ICA_CRYPT_PUBLICKEY, "CRYPT_PUBLICKEY" }, { ICA_CRYPT_SESSIONKEY, "CRYPT_SESSIONKEY" },
    { ICA_CRYPT_OFF, "CRYPT_OFF" }, { ICA_CRYPT_PERM, "CRYPT_PERM" }, { 0, NULL }
};

static const value_string encoding_type_vals[] = { { 0, "ANSI" }, { 1, "Unicode" }, { 0, NULL } };

static const value_string vd_flow_vals[] = {
    { 0, "None" }, { 1, "Ack" }, { 2, "Delay" }, { 3, "Cdm" }, { 0, NULL }
};

static const value_string address_family_vals[] = { { 2, "AF_INET" }, { 0, NULL } };

static const value_string product_id_vals[] = {
    { 0x0001, "DOS/Win32" }, { 0x0051, "UNIX" }, { 0x0052, "Mac" }, { 0x0101, "HTML5" },
    { 0x1f09, "WinCE" }, { 0, NULL }
};

static const value_string terminate_reason_vals[] = {
    { 0, "DISCONNECT" }, { 1, "LOGOFF" }, { 2, "ACK" }, { 0, NULL }
};

static const value_string chanmon_command_vals[] = {
    { 1, "ping request" }, { 2, "ping response" }, { 4, "NOP" }, { 0, NULL }
};

static const value_string credentials_command_vals[] = { { 1, "QUERY" }, { 2, "DATA" }, { 0, NULL } };
static const value_string credentials_algorithm_vals[] = { { 1, "XOR" }, { 0, NULL } };

static const value_string server_family_vals[] = { { 1, "Windows" }, { 2, "Unix" }, { 0, NULL } };

static const value_string v3_command_vals[] = {
    { 0, "DEFINE_NR_OF_CODERS" }, { 1, "ASSIGN_CODER_TO_CHANNEL" }, { 2, "INIT_SPECIAL_THINWIRE_CHANNEL" },
    { 3, "light-weight object compression" }, { 4, "heavy-weight object compression" }, { 0, NULL }
};

static const value_string vc_name_source_vals[] = {
    { 0, "legacy fixed numbering (no VcBind table seen)" }, { 1, "session VcBind table" }, { 0, NULL }
};

/* WD command names come from the core's table (one place); built at registration. */
static value_string cmd_vals[ICA_CMD_TABLE_SIZE + 1];

static const char *cmd_name(guint8 code)
{
    const ica_cmd_info *ci = ica_cmd_lookup(code);
    return ci->name ? ci->name : "unknown";
}

static void dos_date_fmt(gchar *buf, guint32 v)
{
    snprintf(buf, ITEM_LABEL_LENGTH, "%04u-%02u-%02u (0x%04x)", 1980 + (v >> 9), (v >> 5) & 0xf, v & 0x1f, v);
}

static void dos_time_fmt(gchar *buf, guint32 v)
{
    snprintf(buf, ITEM_LABEL_LENGTH, "%02u:%02u:%02u (0x%04x)", v >> 11, (v >> 5) & 0x3f, (v & 0x1f) * 2, v);
}

/* ---- per-conversation and per-frame state ------------------------------- */

typedef struct {
    ica_stream st;
    address server_addr;
    guint32 server_port;
    guint32 next_seq[2];
    gboolean have_seq[2];
    gboolean tls;
    guint32 tls_note_frame;
    guint32 compressed_note_frame;  /* one expert note per conversation */
    guint32 mid_session_note_frame;
    char *label;                    /* "client:port -> server:port" for statistics */
    gboolean seen_frame;
} ica_conv_t;

/* One thing the core reported while this frame's bytes were fed. */
typedef struct {
    guint8 type;
    guint8 dir;
    guint8 code;
    guint8 encryption, compression;     /* snapshot for the frame */
    gint16 crypt_hdr;
    guint16 flags;
    guint16 frame_len;
    gint32 tvb_off;                 /* wire bytes in this frame's tvb, or -1: see wire_copy */
    guint32 wire_len;
    const guint8 *wire_copy;
    gint32 buf_off;                 /* bytes in the frame's decrypted buffer, or -1: see plain_copy */
    guint32 buf_len;
    const guint8 *plain_copy;
    guint64 plain_off;
    guint8 region_is_plain;
    guint8 decrypt_disabled;
} ica_rec_t;

#define LEARN_CLIENT_NAME   0x01
#define LEARN_ENCRYPTION    0x02
#define LEARN_COMPRESSION   0x04
#define LEARN_KEY           0x08
#define LEARN_PRODUCT       0x10

typedef struct {
    ica_conv_t *conv;
    guint8 dir;
    guint8 learned;
    guint8 encryption;
    guint8 compression;
    guint8 retransmission;
    guint8 gap;
    guint8 not_reassembled;
    guint8 first_of_session;
    guint32 unit_seen, unit_total, cmd_seen, cmd_total;     /* incomplete at the end of this frame */
    guint nrecs;
    ica_rec_t *recs;
    guint8 *buf;                    /* decrypted / WD bytes of this frame's PDRFRAME frames */
    guint buf_len;
    guint8 buf_decrypted;           /* at least one region was decrypted */
} ica_frame_t;

typedef struct {
    const ica_conv_t *conv;
    const ica_frame_t *fd;
} ica_tap_info_t;

/* Collector used while the core reports events for one TCP segment. */
typedef struct {
    guint64 seg_wire_off;           /* stream offset of the segment's first fed byte */
    gint32 seg_tvb_off;             /* where those bytes start in the tvb */
    wmem_array_t *recs;
    GByteArray *buf;
    gboolean decrypted;
} ica_collect_t;

static void *file_realloc(void *actx _U_, void *ptr, size_t size)
{
    return wmem_realloc(wmem_file_scope(), ptr, size);
}

static const guint8 *file_copy(const guint8 *p, size_t len)
{
    return len ? (const guint8 *)wmem_memdup(wmem_file_scope(), p, len) : NULL;
}

static void collect_event(void *ctx, const ica_event *ev)
{
    ica_collect_t *c = (ica_collect_t *)ctx;
    ica_rec_t r;
    memset(&r, 0, sizeof r);
    r.type = ev->type;
    r.dir = ev->dir;
    r.code = ev->code;
    r.crypt_hdr = ev->crypt_hdr;
    r.flags = ev->flags;
    r.frame_len = ev->frame_len;
    r.tvb_off = -1;
    r.buf_off = -1;
    r.wire_len = ev->wire_len;
    r.plain_off = ev->plain_off;
    r.decrypt_disabled = !pref_decrypt;
    if (ev->type != ICA_EV_CMD && ev->type != ICA_EV_WD_STOP) {
        if (ev->wire_off >= c->seg_wire_off)
            r.tvb_off = c->seg_tvb_off + (gint32)(ev->wire_off - c->seg_wire_off);
        else
            r.wire_copy = file_copy(ev->wire, ev->wire_len);
    }
    if (ev->type == ICA_EV_FRAME) {
        const guint8 *region = ev->plain ? ev->plain : (ev->flags & ICA_FR_DECRYPTED) ? ev->decrypted : NULL;
        guint32 rlen = ev->plain ? ev->plain_len : ev->decrypted_len;
        if (region) {
            r.buf_off = (gint32)c->buf->len;
            r.buf_len = rlen;
            r.region_is_plain = ev->plain != NULL;
            g_byte_array_append(c->buf, region, rlen);
            if (ev->flags & ICA_FR_DECRYPTED)
                c->decrypted = TRUE;
        }
    } else if (ev->type == ICA_EV_CMD) {
        /* Point into this frame's buffer when the command lies in one region. */
        guint n = wmem_array_get_count(c->recs);
        for (guint i = 0; i < n; i++) {
            ica_rec_t *f = (ica_rec_t *)wmem_array_index(c->recs, i);
            if (f->type == ICA_EV_FRAME && f->region_is_plain && f->dir == ev->dir &&
                ev->plain_off >= f->plain_off && ev->plain_off + ev->plain_len <= f->plain_off + f->buf_len) {
                r.buf_off = f->buf_off + (gint32)(ev->plain_off - f->plain_off);
                break;
            }
        }
        r.buf_len = ev->plain_len;
        if (r.buf_off < 0)
            r.plain_copy = file_copy(ev->plain, ev->plain_len);
    }
    wmem_array_append_one(c->recs, r);
}

/* ---- small tree helpers ------------------------------------------------- */

/* Info column: one item per message, bounded for frames holding hundreds. */
#define INFO_MAX_LEN 200
static void info_add(wmem_strbuf_t *info, const char *item)
{
    gsize len = wmem_strbuf_get_len(info);
    if (len >= INFO_MAX_LEN) {
        if (!g_str_has_suffix(wmem_strbuf_get_str(info), ", ..."))
            wmem_strbuf_append(info, ", ...");
        return;
    }
    if (len)
        wmem_strbuf_append(info, ", ");
    wmem_strbuf_append(info, item);
}

static tvbuff_t *wire_tvb(tvbuff_t *tvb, packet_info *pinfo, const ica_rec_t *r, const char *source)
{
    if (r->tvb_off >= 0)
        return tvb_new_subset_length(tvb, r->tvb_off, r->wire_len);
    tvbuff_t *t = tvb_new_child_real_data(tvb, r->wire_copy, r->wire_len, r->wire_len);
    add_new_data_source(pinfo, t, source);
    return t;
}

static void add_string_at(proto_tree *tree, packet_info *pinfo, tvbuff_t *mt, int hf, guint off,
                          guint fixed, guint encoding, proto_item *offset_item)
{
    guint len = tvb_reported_length(mt);
    if (off == 0)
        return;
    if (off < fixed || off >= len) {
        expert_add_info(pinfo, offset_item, &ei_ica_bad_offset);
        return;
    }
    proto_tree_add_item(tree, hf, mt, off, -1, encoding);
}

/* ---- capability lists (§5.6) ------------------------------------------- */

static void dissect_caplist(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint len = tvb_reported_length(tvb);
    if (len < 4)
        return;
    proto_item *lt_item;
    proto_tree *lt = proto_tree_add_subtree(tree, tvb, 0, len, ett_ica_caplist, &lt_item, "Capability list");
    guint32 count, first;
    proto_tree_add_item(lt, hf_ica_caplist_more, tvb, 0, 1, ENC_NA);
    proto_tree_add_item_ret_uint(lt, hf_ica_caplist_count, tvb, 1, 1, ENC_NA, &count);
    proto_item *oi = proto_tree_add_item_ret_uint(lt, hf_ica_caplist_offset, tvb, 2, 2, ENC_LITTLE_ENDIAN, &first);
    if (first < 4 || first > len) {
        expert_add_info_format(pinfo, oi, &ei_ica_caplist, "Offset to the first block %u is outside the list (%u bytes)",
                               first, len);
        return;
    }
    guint off = first;
    guint32 i;
    for (i = 0; i < count && off + 4 <= len; i++) {
        guint32 blen = tvb_get_letohs(tvb, off);
        guint32 sig = tvb_get_letohs(tvb, off + 2);
        if (blen < 4 || off + blen > len) {
            proto_item *bi = proto_tree_add_item(lt, hf_ica_cap_length, tvb, off, 2, ENC_LITTLE_ENDIAN);
            expert_add_info_format(pinfo, bi, &ei_ica_caplist, "Capability byteCount %u does not fit (%u bytes left); "
                                   "the rest of the list is not decoded", blen, len - off);
            return;
        }
        proto_tree *ct = proto_tree_add_subtree_format(lt, tvb, off, blen, ett_ica_cap, NULL, "Capability %s",
                                                       val_to_str_const(sig, cap_signature_vals, "unknown"));
        proto_tree_add_item(ct, hf_ica_cap_length, tvb, off, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ct, hf_ica_cap_signature, tvb, off + 2, 2, ENC_LITTLE_ENDIAN);
        guint b = off + 4, bl = blen - 4;
        switch (sig) {
        case 2: {
            static int *const bits[] = { &hf_ica_cap_reducers_l1, &hf_ica_cap_reducers_l2,
                                         &hf_ica_cap_reducers_l3, &hf_ica_cap_reducers_l4, NULL };
            if (bl >= 2)
                proto_tree_add_bitmask(ct, tvb, b, hf_ica_cap_reducers, ett_ica_bits, bits, ENC_LITTLE_ENDIAN);
            break;
        }
        case 3:
            if (bl >= 4)
                proto_tree_add_item(ct, hf_ica_cap_seamless, tvb, b, 4, ENC_LITTLE_ENDIAN);
            break;
        case 4:
            if (bl >= 2)
                proto_tree_add_item(ct, hf_ica_cap_intellimouse, tvb, b, 2, ENC_LITTLE_ENDIAN);
            break;
        case 5:
            if (bl >= 7) {
                proto_tree_add_item(ct, hf_ica_cap_prio_offset, tvb, b, 4, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_prio_array_length, tvb, b + 4, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_prio_use_lowest, tvb, b + 6, 1, ENC_NA);
                if (bl > 7)
                    proto_tree_add_item(ct, hf_ica_cap_prio_priorities, tvb, b + 7, bl - 7, ENC_NA);
            }
            break;
        case 6:
            if (bl >= 12) {
                proto_tree_add_item(ct, hf_ica_cap_chanmon_version, tvb, b, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_chanmon_repeat_delay, tvb, b + 2, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_chanmon_flags, tvb, b + 4, 4, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_chanmon_mouse_upper, tvb, b + 8, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_chanmon_mouse_lower, tvb, b + 10, 2, ENC_LITTLE_ENDIAN);
            }
            break;
        case 7:
            if (bl >= 2)
                proto_tree_add_item(ct, hf_ica_cap_redraw, tvb, b, 2, ENC_LITTLE_ENDIAN);
            break;
        case 13:
            if (bl >= 6) {
                proto_tree_add_item(ct, hf_ica_cap_server_family, tvb, b, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_server_family_version, tvb, b + 2, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_server_variant, tvb, b + 4, 2, ENC_LITTLE_ENDIAN);
            }
            break;
        case 16:
            if (bl >= 8) {
                proto_tree_add_item(ct, hf_ica_cap_ht_support_mask, tvb, b, 4, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_ht_max_packet, tvb, b + 4, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_ht_line_loading, tvb, b + 6, 2, ENC_LITTLE_ENDIAN);
            }
            break;
        case 20:
            if (bl >= 4) {
                proto_tree_add_item(ct, hf_ica_cap_euks_version, tvb, b, 2, ENC_LITTLE_ENDIAN);
                proto_tree_add_item(ct, hf_ica_cap_euks_mode, tvb, b + 2, 2, ENC_LITTLE_ENDIAN);
            }
            break;
        default:
            if (bl)
                proto_tree_add_item(ct, hf_ica_cap_data, tvb, b, bl, ENC_NA);
            break;
        }
        off += blen;
    }
    if (i < count)
        expert_add_info_format(pinfo, lt_item, &ei_ica_caplist, "Block count %u, only %u blocks present", count, i);
}

/* ---- INIT_RESPONSE modules (§5.3) -------------------------------------- */

static void dissect_ui_c2h(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree)
{
    static int *const flags[] = {
        &hf_ica_ui_flag_disable_sound, &hf_ica_ui_flag_reconnect, &hf_ica_ui_flag_disable_cad,
        &hf_ica_ui_flag_prompt_password, &hf_ica_ui_flag_seamless, &hf_ica_ui_flag_winkeys,
        &hf_ica_ui_flag_sg, &hf_ica_ui_flag_smartcard, NULL
    };
    static const char *const offset_names[] = {
        "Domain", "User name", "Password", "Client directory", "Work directory", "Initial program"
    };
    static int *const offset_fields[] = {
        &hf_ica_ui_domain, &hf_ica_ui_user, &hf_ica_ui_password, &hf_ica_ui_client_directory,
        &hf_ica_ui_work_directory, &hf_ica_ui_initial_program
    };
    guint len = tvb_reported_length(mt);
    guint32 enc_level, seed, fixed = 64, encoding = 0;
    proto_item *offs[12] = { NULL };
    guint32 offv[12] = { 0 };
    proto_tree_add_bitmask(tree, mt, 36, hf_ica_ui_flags, ett_ica_bits, flags, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_ui_keyboard_layout, mt, 40, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint(tree, hf_ica_ui_encryption_level, mt, 44, 1, ENC_NA, &enc_level);
    proto_tree_add_item_ret_uint(tree, hf_ica_ui_encryption_seed, mt, 45, 1, ENC_NA, &seed);
    for (int i = 0; i < 6; i++) {
        offs[i] = proto_tree_add_item_ret_uint(tree, hf_ica_ui_offset, mt, 46 + 2 * i, 2, ENC_LITTLE_ENDIAN, &offv[i]);
        proto_item_prepend_text(offs[i], "%s ", offset_names[i]);
    }
    for (int i = 0; i < 3; i++) {
        proto_tree_add_item(tree, hf_ica_ui_lpt, mt, 58 + 2 * i, 1, ENC_NA);
        proto_tree_add_item(tree, hf_ica_ui_port, mt, 59 + 2 * i, 1, ENC_NA);
    }
    if (len >= 74) {
        offs[6] = proto_tree_add_item_ret_uint(tree, hf_ica_ui_offset, mt, 64, 2, ENC_LITTLE_ENDIAN, &offv[6]);
        proto_item_prepend_text(offs[6], "Cloud name ");
        proto_tree_add_item(tree, hf_ica_client_build, mt, 66, 2, ENC_LITTLE_ENDIAN);
        offs[7] = proto_tree_add_item_ret_uint(tree, hf_ica_ui_offset, mt, 68, 2, ENC_LITTLE_ENDIAN, &offv[7]);
        proto_item_prepend_text(offs[7], "Client name ");
        proto_tree_add_item_ret_uint(tree, hf_ica_ui_fixed_length, mt, 70, 2, ENC_LITTLE_ENDIAN, &fixed);
        proto_tree_add_item(tree, hf_ica_ui_offset_length, mt, 72, 2, ENC_LITTLE_ENDIAN);
    }
    if (len >= 76) {
        offs[8] = proto_tree_add_item_ret_uint(tree, hf_ica_ui_offset, mt, 74, 2, ENC_LITTLE_ENDIAN, &offv[8]);
        proto_item_prepend_text(offs[8], "Client license ");
    }
    if (len >= 88) {
        proto_tree_add_item_ret_uint(tree, hf_ica_ui_encoding_type, mt, 76, 2, ENC_LITTLE_ENDIAN, &encoding);
        proto_tree_add_item(tree, hf_ica_ui_code_page, mt, 78, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_ui_keyboard_type, mt, 80, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_ui_keyboard_subtype, mt, 82, 1, ENC_NA);
        proto_tree_add_item(tree, hf_ica_ui_keyboard_function_keys, mt, 83, 1, ENC_NA);
        offs[9] = proto_tree_add_item_ret_uint(tree, hf_ica_ui_offset, mt, 84, 2, ENC_LITTLE_ENDIAN, &offv[9]);
        proto_item_prepend_text(offs[9], "IME file name ");
        proto_tree_add_item(tree, hf_ica_ui_reserved, mt, 86, 2, ENC_LITTLE_ENDIAN);
    }
    if (fixed < 64 || fixed > len)
        return;
    if (fixed > 88 && len >= 88)
        proto_tree_add_item(tree, hf_ica_ui_extra, mt, 88, fixed - 88, ENC_NA);
    /* Offsets are module-relative, so the descrambled copy keeps the whole
     * module and only the variable part changes. */
    tvbuff_t *st = mt;
    if (enc_level == 1 && len > fixed) {
        guint8 *copy = (guint8 *)tvb_memdup(pinfo->pool, mt, 0, len);
        ica_ui_descramble(copy + fixed, len - fixed, (guint8)seed);
        st = tvb_new_child_real_data(mt, copy, len, len);
        add_new_data_source(pinfo, st, "Descrambled ICA UI strings");
    }
    guint str_enc = encoding == 1 ? (ENC_UTF_16 | ENC_LITTLE_ENDIAN) : ENC_ASCII;
    proto_tree *strings = proto_tree_add_subtree(tree, st, fixed, len - fixed, ett_ica_strings, NULL,
                                                 enc_level == 1 ? "Strings (descrambled)" : "Strings");
    for (int i = 0; i < 6; i++)
        add_string_at(strings, pinfo, st, *offset_fields[i], offv[i], fixed, str_enc, offs[i]);
    if (offs[6])
        add_string_at(strings, pinfo, st, hf_ica_ui_cloud_name, offv[6], fixed, str_enc, offs[6]);
    if (offs[7])
        add_string_at(strings, pinfo, st, hf_ica_client_name, offv[7], fixed, str_enc, offs[7]);
    if (offs[8])
        add_string_at(strings, pinfo, st, hf_ica_ui_client_license, offv[8], fixed, str_enc, offs[8]);
    if (offs[9])
        add_string_at(strings, pinfo, st, hf_ica_ui_ime_file_name, offv[9], fixed, str_enc, offs[9]);
}

static void dissect_wd_c2h(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree)
{
    static int *const flags[] = {
        &hf_ica_wd_flag_graphics, &hf_ica_wd_flag_mouse, &hf_ica_wd_flag_double_click,
        &hf_ica_wd_flag_windows_key, &hf_ica_wd_flag_auto_reconnect, &hf_ica_wd_flag_pass_through, NULL
    };
    guint len = tvb_reported_length(mt);
    guint32 tm_count, tm_off, vc_count, vc_off, cap_len, cap_off;
    proto_item *it;
    proto_tree_add_item(tree, hf_ica_wd_serial_number, mt, 36, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_date_day, mt, 40, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_date_month, mt, 41, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_date_year, mt, 42, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_time_hour, mt, 44, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_time_minute, mt, 45, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_time_second, mt, 46, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_time_hundredths, mt, 47, 1, ENC_NA);
    proto_tree_add_bitmask(tree, mt, 48, hf_ica_wd_flags, ett_ica_bits, flags, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint(tree, hf_ica_wd_text_mode_count, mt, 52, 2, ENC_LITTLE_ENDIAN, &tm_count);
    it = proto_tree_add_item_ret_uint(tree, hf_ica_wd_text_mode_offset, mt, 54, 2, ENC_LITTLE_ENDIAN, &tm_off);
    proto_tree_add_item(tree, hf_ica_wd_buffer_length, mt, 56, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_host, mt, 58, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_client, mt, 60, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_host, mt, 62, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_client, mt, 64, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_client_product_id, mt, 66, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_client_serial_number, mt, 68, 4, ENC_LITTLE_ENDIAN);
    for (guint32 i = 0; i < tm_count && i < 256; i++) {
        guint o = tm_off + 12 * i;
        if (o + 12 > len) {
            expert_add_info(pinfo, it, &ei_ica_bad_offset);
            break;
        }
        proto_tree *t = proto_tree_add_subtree_format(tree, mt, o, 12, ett_ica_text_mode, NULL, "Text mode %u", i);
        proto_tree_add_item(t, hf_ica_wd_text_mode_index, mt, o, 1, ENC_NA);
        proto_tree_add_item(t, hf_ica_wd_text_mode_flags, mt, o + 1, 1, ENC_NA);
        proto_tree_add_item(t, hf_ica_wd_text_mode_columns, mt, o + 2, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_rows, mt, o + 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_res_x, mt, o + 6, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_res_y, mt, o + 8, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(t, hf_ica_wd_text_mode_font_x, mt, o + 10, 1, ENC_NA);
        proto_tree_add_item(t, hf_ica_wd_text_mode_font_y, mt, o + 11, 1, ENC_NA);
    }
    if (len < 76)
        return;
    proto_tree_add_item_ret_uint(tree, hf_ica_wd_vcbind_count, mt, 72, 2, ENC_LITTLE_ENDIAN, &vc_count);
    it = proto_tree_add_item_ret_uint(tree, hf_ica_wd_vcbind_offset, mt, 74, 2, ENC_LITTLE_ENDIAN, &vc_off);
    for (guint32 i = 0; i < vc_count; i++) {
        guint o = vc_off + 10 * i;
        if (o + 10 > len) {
            expert_add_info(pinfo, it, &ei_ica_bad_offset);
            break;
        }
        proto_item *bi;
        proto_tree *t = proto_tree_add_subtree(tree, mt, o, 10, ett_ica_vcbind, &bi, "Virtual channel binding");
        /* 7 characters + NUL, blank-padded: the trimmed name is what
         * VIRTUAL_WRITE items show, so one filter matches both. */
        char *name = (char *)tvb_get_string_enc(pinfo->pool, mt, o, 7, ENC_ASCII);
        g_strchomp(name);
        proto_tree_add_string(t, hf_ica_vc_name, mt, o, 8, name);
        proto_tree_add_item(t, hf_ica_vc_number, mt, o + 8, 2, ENC_LITTLE_ENDIAN);
        proto_item_append_text(bi, ": %s = %u", name, tvb_get_letohs(mt, o + 8));
    }
    if (len < 82)
        return;
    proto_tree_add_item(tree, hf_ica_wd_c2h_pow2_wanted, mt, 76, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_h2c_pow2_wanted, mt, 77, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_wd_h2c_max_new_data, mt, 78, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_reducer_version, mt, 80, 2, ENC_LITTLE_ENDIAN);
    if (len < 86)
        return;
    proto_tree_add_item_ret_uint(tree, hf_ica_wd_cap_list_length, mt, 82, 2, ENC_LITTLE_ENDIAN, &cap_len);
    it = proto_tree_add_item_ret_uint(tree, hf_ica_wd_cap_list_offset, mt, 84, 2, ENC_LITTLE_ENDIAN, &cap_off);
    if (cap_len && cap_off + cap_len <= len)
        dissect_caplist(tvb_new_subset_length(mt, cap_off, cap_len), pinfo, tree);
    else if (cap_len)
        expert_add_info(pinfo, it, &ei_ica_bad_offset);
}

static void dissect_vd_c2h(tvbuff_t *mt, packet_info *pinfo _U_, proto_tree *tree)
{
    guint len = tvb_reported_length(mt);
    guint32 mask, flow;
    proto_item *mi = proto_tree_add_item_ret_uint(tree, hf_ica_vd_channel_mask, mt, 36, 4, ENC_LITTLE_ENDIAN, &mask);
    proto_tree *mtree = proto_item_add_subtree(mi, ett_ica_bits);
    for (guint ch = 1; ch < 32; ch++)
        if (mask & (1u << ch))
            proto_item_set_generated(proto_tree_add_uint(mtree, hf_ica_vd_channel, mt, 36, 4, ch));
    if (len < 48)
        return;
    proto_tree_add_item(tree, hf_ica_vd_bandwidth_quota, mt, 40, 1, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_ica_vd_flow, mt, 41, 1, ENC_NA, &flow);
    switch (flow) {
    case 1:
        proto_tree_add_item(tree, hf_ica_vd_max_window, mt, 44, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_vd_window, mt, 46, 2, ENC_LITTLE_ENDIAN);
        break;
    case 2:
        proto_tree_add_item(tree, hf_ica_vd_delay, mt, 44, 4, ENC_LITTLE_ENDIAN);
        break;
    case 3:
        proto_tree_add_item(tree, hf_ica_vd_max_window, mt, 44, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_vd_max_byte_count, mt, 46, 2, ENC_LITTLE_ENDIAN);
        break;
    }
    if (len > 48)
        proto_tree_add_item(tree, hf_ica_vd_data, mt, 48, len - 48, ENC_NA);
}

static void dissect_td_c2h(tvbuff_t *mt, packet_info *pinfo _U_, proto_tree *tree)
{
    guint len = tvb_reported_length(mt);
    guint32 family;
    proto_tree_add_item(tree, hf_ica_td_outbuf_length, mt, 36, 2, ENC_LITTLE_ENDIAN);
    if (len < 60)
        return;
    proto_tree_add_item_ret_uint(tree, hf_ica_td_address_family, mt, 38, 2, ENC_LITTLE_ENDIAN, &family);
    if (family == 2) {
        /* Old clients: TCP port big-endian, then the IPv4 address; the rest is not zeroed. */
        proto_tree_add_item(tree, hf_ica_td_client_port, mt, 40, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_ica_td_client_ip, mt, 42, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(tree, hf_ica_td_address_rest, mt, 46, 14, ENC_NA);
    } else {
        proto_tree_add_item(tree, hf_ica_td_address, mt, 40, 20, ENC_NA);
        if (tvb_get_uint8(mt, 40) >= 0x20 && tvb_get_uint8(mt, 40) < 0x7f)
            proto_tree_add_item(tree, hf_ica_td_address_string, mt, 40, 20, ENC_ASCII);
    }
    if (len >= 66)
        proto_tree_add_item(tree, hf_ica_td_encryption_info, mt, 60, 6, ENC_NA);
}

static void dissect_pd_body(tvbuff_t *mt, guint start, proto_tree *tree)
{
    guint len = tvb_reported_length(mt);
    guint32 pdclass;
    if (len < start + 4)
        return;
    proto_tree_add_item_ret_uint(tree, hf_ica_pd_class, mt, start, 1, ENC_NA, &pdclass);
    guint b = start + 4;
    if (start != MODULE_C2H_SIZE)
        return;     /* PD_H2C carries only the class */
    if (pdclass == 11 && len >= b + 1)
        proto_tree_add_item(tree, hf_ica_pd_encryption_level, mt, b, 1, ENC_NA);
    else if (pdclass == 12 && len >= b + 2)
        proto_tree_add_item(tree, hf_ica_pd_max_compress_disable, mt, b, 2, ENC_LITTLE_ENDIAN);
    else if (pdclass == 10)
        for (guint i = 0; i < 3 && b + 4 * i + 4 <= len; i++)
            proto_tree_add_item(tree, hf_ica_pd_timer, mt, b + 4 * i, 4, ENC_LITTLE_ENDIAN);
    else if (len > b)
        proto_tree_add_item(tree, hf_ica_module_data, mt, b, len - b, ENC_NA);
}

/* ByteCount equals the WD length in every real handshake (ica.md §5.1). */
static void add_byte_count(proto_tree *tree, packet_info *pinfo, tvbuff_t *mt, guint header)
{
    guint32 bc;
    proto_item *bi = proto_tree_add_item_ret_uint(tree, hf_ica_module_byte_count, mt, 0, 2, ENC_LITTLE_ENDIAN, &bc);
    if (bc != tvb_reported_length(mt) || bc < header)
        expert_add_info_format(pinfo, bi, &ei_ica_bytecount, "Module ByteCount %u does not match the WD length %u",
                               bc, tvb_reported_length(mt));
}

static const char *module_label(tvbuff_t *mt, packet_info *pinfo)
{
    const char *host = (const char *)tvb_get_stringz_enc(pinfo->pool, mt, 19, NULL, ENC_ASCII);
    if (tvb_get_uint8(mt, 19) != 0 && strlen(host) <= 8)
        return host;
    return (const char *)tvb_get_string_enc(pinfo->pool, mt, 6, 13, ENC_ASCII);
}

static void dissect_init_response(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *info)
{
    guint len = tvb_reported_length(mt);
    guint32 mclass;
    if (len < MODULE_C2H_SIZE) {
        proto_tree_add_item(tree, hf_ica_module_data, mt, 0, len, ENC_NA);
        return;
    }
    add_byte_count(tree, pinfo, mt, MODULE_C2H_SIZE);
    proto_tree_add_item(tree, hf_ica_module_count, mt, 2, 1, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_ica_module_class, mt, 3, 1, ENC_NA, &mclass);
    proto_tree_add_item(tree, hf_ica_module_version_low, mt, 4, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_version_high, mt, 5, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_name, mt, 6, 13, ENC_ASCII);
    proto_tree_add_item(tree, hf_ica_module_host_name, mt, 19, 9, ENC_ASCII);
    proto_tree_add_item(tree, hf_ica_module_date, mt, 28, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_module_time, mt, 30, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_module_size, mt, 32, 4, ENC_LITTLE_ENDIAN);
    wmem_strbuf_append_printf(info, " %s (%s)", module_label(mt, pinfo),
                              val_to_str_const(mclass, module_class_vals, "unknown class"));
    switch (mclass) {
    case 0:
        if (len >= 64)
            dissect_ui_c2h(mt, pinfo, tree);
        break;
    case 2:
        if (len >= 72)
            dissect_wd_c2h(mt, pinfo, tree);
        break;
    case 3:
        if (len >= 40)
            dissect_vd_c2h(mt, pinfo, tree);
        break;
    case 4:
        dissect_pd_body(mt, MODULE_C2H_SIZE, tree);
        break;
    case 5:
        if (len >= 38)
            dissect_td_c2h(mt, pinfo, tree);
        break;
    default:
        if (len > MODULE_C2H_SIZE)
            proto_tree_add_item(tree, hf_ica_module_data, mt, MODULE_C2H_SIZE, len - MODULE_C2H_SIZE, ENC_NA);
        break;
    }
}

/* ---- INIT_CONNECT (§5.4) ------------------------------------------------ */

static void dissect_wd_h2c(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, guint32 version)
{
    static int *const wdflags[] = { &hf_ica_wd_wdflag_secured, NULL };
    guint len = tvb_reported_length(mt);
    guint32 app_off, cap_len, cap_off;
    if (len < 24)
        return;
    proto_tree_add_item(tree, hf_ica_wd_buffer_length, mt, 8, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_host, mt, 10, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_count_client, mt, 12, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_host, mt, 14, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_ica_wd_outbuf_delay_client, mt, 16, 2, ENC_LITTLE_ENDIAN);
    proto_item *ai = proto_tree_add_item_ret_uint(tree, hf_ica_wd_app_server_offset, mt, 18, 2, ENC_LITTLE_ENDIAN, &app_off);
    proto_tree_add_item(tree, hf_ica_wd_oem_id, mt, 20, 4, ENC_LITTLE_ENDIAN);
    if (len >= 26)
        proto_tree_add_bitmask(tree, mt, 24, hf_ica_wd_wdflag, ett_ica_bits, wdflags, ENC_LITTLE_ENDIAN);
    if (len >= 32) {
        proto_tree_add_item(tree, hf_ica_wd_c2h_pow2_agreed, mt, 26, 1, ENC_NA);
        proto_tree_add_item(tree, hf_ica_wd_h2c_pow2_agreed, mt, 27, 1, ENC_NA);
        proto_tree_add_item(tree, hf_ica_wd_c2h_max_new_data, mt, 28, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_ica_reducer_level, mt, 30, 2, ENC_LITTLE_ENDIAN);
    }
    if (len >= 36) {
        proto_tree_add_item_ret_uint(tree, hf_ica_wd_cap_list_length, mt, 32, 2, ENC_LITTLE_ENDIAN, &cap_len);
        proto_item *ci = proto_tree_add_item_ret_uint(tree, hf_ica_wd_cap_list_offset, mt, 34, 2, ENC_LITTLE_ENDIAN, &cap_off);
        if (version >= 9 && len >= 38)
            proto_tree_add_item(tree, hf_ica_wd_server_code_page, mt, 36, 2, ENC_LITTLE_ENDIAN);
        if (cap_len && cap_off >= MODULE_H2C_SIZE && cap_off + cap_len <= len)
            dissect_caplist(tvb_new_subset_length(mt, cap_off, cap_len), pinfo, tree);
        else if (cap_len)
            expert_add_info(pinfo, ci, &ei_ica_bad_offset);
    }
    if (app_off) {
        if (app_off < len)
            proto_tree_add_item(tree, hf_ica_wd_app_server_name, mt, app_off, -1, ENC_ASCII);
        else
            expert_add_info(pinfo, ai, &ei_ica_bad_offset);
    }
}

static void dissect_init_connect(tvbuff_t *mt, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *info)
{
    guint len = tvb_reported_length(mt);
    guint32 mclass, version;
    if (len < MODULE_H2C_SIZE) {
        proto_tree_add_item(tree, hf_ica_module_data, mt, 0, len, ENC_NA);
        return;
    }
    add_byte_count(tree, pinfo, mt, MODULE_H2C_SIZE);
    proto_tree_add_item(tree, hf_ica_module_count, mt, 2, 1, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_ica_module_class, mt, 3, 1, ENC_NA, &mclass);
    proto_tree_add_item(tree, hf_ica_module_version_low, mt, 4, 1, ENC_NA);
    proto_tree_add_item(tree, hf_ica_module_version_high, mt, 5, 1, ENC_NA);
    proto_tree_add_item_ret_uint(tree, hf_ica_module_version, mt, 6, 1, ENC_NA, &version);
    wmem_strbuf_append_printf(info, " %s", val_to_str_const(mclass, module_class_vals, "unknown class"));
    if (mclass == 4 && len >= 9)
        wmem_strbuf_append_printf(info, " %s", val_to_str_const(tvb_get_uint8(mt, 8), pd_class_vals, "unknown"));
    wmem_strbuf_append_printf(info, " v%u", version);
    if (mclass == 2)
        dissect_wd_h2c(mt, pinfo, tree, version);
    else if (mclass == 4)
        dissect_pd_body(mt, MODULE_H2C_SIZE, tree);
    else if (len > MODULE_H2C_SIZE)
        proto_tree_add_item(tree, hf_ica_module_data, mt, MODULE_H2C_SIZE, len - MODULE_H2C_SIZE, ENC_NA);
}

/* A raw WD packet of the handshake: type, u16 length, body. */
static void dissect_raw(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *info, guint16 flags)
{
    guint8 type = tvb_get_uint8(t, 0);
    guint32 len;
    proto_item *ti;
    proto_tree *rt = proto_tree_add_subtree_format(tree, t, 0, -1, ett_ica_raw, &ti, "%s", cmd_name(type));
    proto_item *ci = proto_tree_add_item(rt, hf_ica_cmd, t, 0, 1, ENC_NA);
    proto_tree_add_item_ret_uint(rt, hf_ica_cmd_length, t, 1, 2, ENC_LITTLE_ENDIAN, &len);
    if (flags & ICA_RAW_COUNT_NOT_DOWN)
        expert_add_info(pinfo, ci, &ei_ica_count_not_down);
    if (flags & ICA_RAW_TOO_MANY)
        expert_add_info(pinfo, ci, &ei_ica_too_many);
    tvbuff_t *body = tvb_new_subset_length(t, 3, len);
    wmem_strbuf_t *one = wmem_strbuf_new(pinfo->pool, cmd_name(type));
    /* The Info text is kept even when a lying length ends the body early. */
    TRY {
    switch (type) {
    case ICA_CMD_INIT_REQUEST: {
        guint32 level;
        if (len < 1)
            break;
        proto_tree_add_item_ret_uint(rt, hf_ica_init_request_level, body, 0, 1, ENC_NA, &level);
        wmem_strbuf_append_printf(one, " level %u", level);
        if (level > 6 && len > 1)
            dissect_caplist(tvb_new_subset_remaining(body, 1), pinfo, rt);
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
    info_add(info, wmem_strbuf_get_str(one));
}

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

static void dissect_command(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, const ica_conv_t *conv,
                            wmem_strbuf_t *info)
{
    guint8 code = tvb_get_uint8(t, 0);
    const ica_cmd_info *ci = ica_cmd_lookup(code);
    guint len = tvb_reported_length(t);
    guint hdr = ci->rule == ICA_LEN_U8 ? 2 : ci->rule == ICA_LEN_U16 ? 3 : 1;
    guint dlen = len > hdr ? len - hdr : 0;
    proto_item *ti;
    proto_tree *ct = proto_tree_add_subtree(tree, t, 0, len, ett_ica_cmd, &ti, cmd_name(code));
    proto_item *cmd_item = proto_tree_add_item(ct, hf_ica_cmd, t, 0, 1, ENC_NA);
    if (hdr > 1)
        proto_tree_add_item(ct, hf_ica_cmd_length, t, 1, hdr - 1, ENC_LITTLE_ENDIAN);
    wmem_strbuf_t *one = wmem_strbuf_new(pinfo->pool, cmd_name(code));
    if (ci->flags & ICA_CMD_LEN_CONFLICT)
        expert_add_info(pinfo, cmd_item, &ei_ica_len_conflict);
    TRY {
    switch (code) {
    case ICA_CMD_TERMINATE:
        if (dlen >= 1)
            proto_tree_add_item(ct, hf_ica_terminate_reason, t, hdr, 1, ENC_NA);
        break;
    case ICA_CMD_REDRAW:
        for (guint o = hdr; o + 6 <= len; o += 6) {
            proto_tree *rt = proto_tree_add_subtree(ct, t, o, 6, ett_ica_rect, NULL, "Rectangle");
            add_rect_point(rt, t, o, hf_ica_redraw_x1, hf_ica_redraw_y1);
            add_rect_point(rt, t, o + 3, hf_ica_redraw_x2, hf_ica_redraw_y2);
        }
        break;
    case ICA_CMD_KEYBOARD0:
    case ICA_CMD_KEYBOARD1:
    case ICA_CMD_KEYBOARD2:
        for (guint o = hdr; o < len; o++) {
            proto_tree_add_item(ct, hf_ica_keyboard_scancode, t, o, 1, ENC_NA);
            proto_tree_add_item(ct, hf_ica_keyboard_key_up, t, o, 1, ENC_NA);
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
    case ICA_CMD_VIRTUAL_WRITE2: {
        guint choff = code == ICA_CMD_VIRTUAL_WRITE0 ? 1 : hdr;
        if (len <= choff) {
            /* the length counts the channel byte, so it cannot be 0 */
            expert_add_info(pinfo, cmd_item, &ei_ica_vc_no_channel);
            break;
        }
        guint ch = tvb_get_uint8(t, choff);
        guint poff = choff + 1, plen = len - poff;
        int from_table = 0;
        const char *name = ica_vc_name(&conv->st.sum, ch, &from_table);
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
        if (plen) {
            proto_item *pi;
            proto_tree *pt = proto_tree_add_subtree_format(ct, t, poff, plen, ett_ica_vc_payload, &pi,
                                                           "%s channel data (%u bytes)", name ? name : "Virtual", plen);
            proto_tree_add_item(pt, hf_ica_vc_data, t, poff, plen, ENC_NA);
        }
        if (name)
            wmem_strbuf_append_printf(one, " %s", name);
        else
            wmem_strbuf_append_printf(one, " channel %u", ch);
        wmem_strbuf_append_printf(one, " %u bytes", plen);
        break;
    }
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
                proto_tree_add_item(ct, hf_ica_cmd_data, t, hdr + 2, dlen - 2, ENC_NA);
        }
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
    info_add(info, wmem_strbuf_get_str(one));
}

/* ---- PDRFRAME frames (§6) ----------------------------------------------- */

static void dissect_v3(tvbuff_t *t, packet_info *pinfo, proto_tree *tree)
{
    guint len = tvb_reported_length(t);
    ica_v3_chunk chunks[64];
    const guint8 *p = tvb_get_ptr(t, 0, len);
    int n = ica_v3_parse(p, len, chunks, 64);
    if (n < 0) {
        proto_tree_add_expert_format(tree, pinfo, &ei_ica_undecoded, t, 0, len,
                                     "V3 chunk headers do not cover the packet");
        return;
    }
    for (int i = 0; i < n; i++) {
        const ica_v3_chunk *c = &chunks[i];
        proto_tree *vt = proto_tree_add_subtree_format(tree, t, c->hdr_off, c->hdr_len, ett_ica_v3, NULL,
                                                       c->is_command ? "V3 command chunk" : "V3 chunk, channel %u",
                                                       c->channel);
        proto_tree_add_item(vt, hf_ica_v3_header, t, c->hdr_off, c->hdr_len, ENC_NA);
        if (c->is_command) {
            proto_tree_add_uint(vt, hf_ica_v3_command, t, c->hdr_off + c->nparams, 1, c->command);
            if (c->nparams)
                proto_tree_add_item(vt, hf_ica_v3_params, t, c->params_off, c->nparams, ENC_NA);
            continue;
        }
        proto_tree_add_uint(vt, hf_ica_v3_channel, t, c->hdr_off + c->hdr_len - 1, 1, c->channel);
        proto_tree_add_boolean(vt, hf_ica_v3_completion, t, c->hdr_off + c->hdr_len - 1, 1, c->completion);
        proto_tree_add_boolean(vt, hf_ica_v3_compressed, t, c->hdr_off + c->hdr_len - 1, 1, c->compressed);
        if (!c->compressed)
            proto_tree_add_boolean(vt, hf_ica_v3_add_to_history, t, c->hdr_off, c->hdr_len - 1, c->add_to_history);
        proto_tree_add_uint(vt, hf_ica_v3_length, t, c->hdr_off, c->hdr_len - 1, c->data_len);
        if (c->data_len)
            proto_tree_add_item(vt, hf_ica_v3_data, t, c->data_off, c->data_len, ENC_NA);
    }
}

static void dissect_frame(tvbuff_t *t, tvbuff_t *dec, packet_info *pinfo, proto_tree *tree, ica_conv_t *conv,
                          const ica_rec_t *r, wmem_strbuf_t *info)
{
    guint len = tvb_reported_length(t);
    proto_item *fi = proto_tree_add_item(tree, hf_ica_frame, t, 0, len, ENC_NA);
    proto_item_set_text(fi, "PDRFRAME frame, %u bytes", r->frame_len);
    proto_tree *ft = proto_item_add_subtree(fi, ett_ica_frame);
    if (r->flags & ICA_FR_PRIO_BITS || conv->st.sum.pdrframe_version >= 2) {
        proto_item *pi = proto_tree_add_item(ft, hf_ica_frame_priority, t, 0, 2, ENC_LITTLE_ENDIAN);
        if (r->flags & ICA_FR_PRIO_BITS)
            expert_add_info(pinfo, pi, &ei_ica_prio_bits);
    }
    proto_tree_add_uint(ft, hf_ica_frame_length, t, 0, 2, r->frame_len);
    guint off = 2;
    const char *what = NULL;
    if (r->crypt_hdr >= 0) {
        proto_item *hi = proto_tree_add_item(ft, hf_ica_crypt_header, t, off, 1, ENC_NA);
        if (r->flags & ICA_FR_BAD_HDR)
            expert_add_info(pinfo, hi, &ei_ica_bad_crypt_hdr);
        off++;
        switch (r->crypt_hdr) {
        case ICA_CRYPT_PUBLICKEY:
            what = "CRYPT_PUBLICKEY";
            if (off < len) {
                proto_tree_add_item(ft, hf_ica_crypt_version, t, off, 1, ENC_NA);
                if (off + 1 < len)
                    proto_tree_add_item(ft, hf_ica_crypt_public_key, t, off + 1, len - off - 1, ENC_NA);
            }
            off = len;
            break;
        case ICA_CRYPT_SESSIONKEY:
            what = "CRYPT_SESSIONKEY";
            if (off < len)
                proto_tree_add_item(ft, hf_ica_crypt_version, t, off, 1, ENC_NA);
            if (off + 1 < len)
                proto_tree_add_item(ft, hf_ica_session_key, t, off + 1, 1, ENC_NA);
            off = len;
            break;
        case ICA_CRYPT_OFF:
            what = "CRYPT_OFF";
            break;
        case ICA_CRYPT_PERM:
            what = "CRYPT_PERM";
            break;
        }
    }
    guint plen = len > off ? len - off : 0;
    if (plen && (r->flags & ICA_FR_ENCRYPTED)) {
        proto_item *ei = proto_tree_add_item(ft, hf_ica_encrypted_data, t, off, plen, ENC_NA);
        if (r->flags & ICA_FR_OPAQUE)
            expert_add_info(pinfo, ei, &ei_ica_encrypted);
        else if (r->decrypt_disabled)
            expert_add_info(pinfo, ei, &ei_ica_decrypt_off);
        else if (r->flags & ICA_FR_NO_KEY)
            expert_add_info(pinfo, ei, &ei_ica_no_key);
    }
    if (r->buf_off >= 0 && dec) {
        tvbuff_t *region = tvb_new_subset_length(dec, r->buf_off, r->buf_len);
        if (r->flags & ICA_FR_DECRYPTED)
            proto_tree_add_item(ft, hf_ica_decrypted_data, dec, r->buf_off, r->buf_len, ENC_NA);
        if (r->flags & ICA_FR_EXPANDED)
            proto_item_set_generated(proto_tree_add_uint(ft, hf_ica_expanded_length, dec, r->buf_off, r->buf_len,
                                                         r->buf_len));
        if ((r->crypt_hdr == ICA_CRYPT_OFF || r->crypt_hdr == ICA_CRYPT_PERM) && r->buf_len == 64) {
            proto_tree_add_item(ft, hf_ica_crypt_random, region, 0, 55, ENC_NA);
            proto_tree_add_item(ft, hf_ica_crypt_marker, region, 55, 9, ENC_ASCII);
        }
        if ((r->flags & ICA_FR_COMPRESSED) && !(r->flags & ICA_FR_EXPANDED))
            proto_tree_add_item(ft, hf_ica_compressed_data, dec, r->buf_off, r->buf_len, ENC_NA);
        if (r->flags & ICA_FR_V3)
            dissect_v3(region, pinfo, ft);
    } else if (plen && (r->flags & ICA_FR_COMPRESSED)) {
        proto_tree_add_item(ft, hf_ica_compressed_data, t, off, plen, ENC_NA);
    }
    if (r->flags & ICA_FR_COMPRESSED) {
        if (r->flags & ICA_FR_UNDECODABLE)
            proto_item_append_text(fi, " (compressed: %s)", val_to_str_const(r->compression, compression_vals, "unknown"));
        if (conv->compressed_note_frame == pinfo->num)
            expert_add_info_format(pinfo, fi, &ei_ica_compressed, "ICA session is compressed (%s); %s",
                                   val_to_str_const(r->compression, compression_vals, "unknown"),
                                   (r->flags & ICA_FR_EXPANDED) ? "expanded" : "WD commands not decoded");
        if ((r->flags & ICA_FR_UNDECODABLE) && r->compression == ICA_COMP_UNKNOWN)
            expert_add_info(pinfo, fi, &ei_ica_expand_failed);
    }
    if (!what) {
        if (r->flags & ICA_FR_OPAQUE)
            what = "encrypted (RC5/SecureICA)";
        else if (r->flags & ICA_FR_NO_KEY)
            what = "encrypted (no key)";
        else if (r->decrypt_disabled && (r->flags & ICA_FR_ENCRYPTED))
            what = "encrypted";
        else if (r->flags & ICA_FR_UNDECODABLE)
            what = "compressed";
    }
    if (what) {
        proto_item_append_text(fi, ", %s", what);
        info_add(info, what);
    }
}

/* ---- first pass: feed the stream core ----------------------------------- */

static ica_conv_t *get_conv(packet_info *pinfo, enum ica_phase start, gboolean sender_is_server)
{
    conversation_t *c = find_or_create_conversation(pinfo);
    ica_conv_t *conv = (ica_conv_t *)conversation_get_proto_data(c, proto_ica);
    if (conv)
        return conv;
    conv = wmem_new0(wmem_file_scope(), ica_conv_t);
    ica_stream_init(&conv->st, start, file_realloc, NULL);
    if (sender_is_server) {
        copy_address_wmem(wmem_file_scope(), &conv->server_addr, &pinfo->src);
        conv->server_port = pinfo->srcport;
        conv->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u -> %s:%u", address_to_str(pinfo->pool, &pinfo->dst),
                                         pinfo->destport, address_to_str(pinfo->pool, &pinfo->src), pinfo->srcport);
    } else {
        copy_address_wmem(wmem_file_scope(), &conv->server_addr, &pinfo->dst);
        conv->server_port = pinfo->destport;
        conv->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u -> %s:%u", address_to_str(pinfo->pool, &pinfo->src),
                                         pinfo->srcport, address_to_str(pinfo->pool, &pinfo->dst), pinfo->destport);
    }
    conversation_add_proto_data(c, proto_ica, conv);
    return conv;
}

static ica_frame_t *first_pass(tvbuff_t *tvb, packet_info *pinfo, ica_conv_t *conv, struct tcpinfo *tcpi)
{
    ica_frame_t *fd = wmem_new0(wmem_file_scope(), ica_frame_t);
    enum ica_dir dir = (pinfo->srcport == conv->server_port && addresses_equal(&pinfo->src, &conv->server_addr))
                       ? ICA_S2C : ICA_C2S;
    /* A frame cut by the snapshot length loses bytes of the stream. */
    guint len = tvb_captured_length(tvb);
    gboolean truncated = len < tvb_reported_length(tvb);
    guint skip = 0;
    fd->conv = conv;
    fd->dir = (guint8)dir;
    if (!conv->seen_frame) {
        conv->seen_frame = TRUE;
        fd->first_of_session = 1;
    }
    /* Retransmitted or overlapping bytes were fed already; a hole means the
     * stream can no longer be followed. */
    if (tcpi && tcpi->nxtseq != tcpi->seq) {
        if (conv->have_seq[dir]) {
            guint32 next = conv->next_seq[dir];
            if ((gint32)(tcpi->nxtseq - next) <= 0) {
                fd->retransmission = 1;
                skip = len;
            } else if ((gint32)(tcpi->seq - next) < 0) {
                skip = next - tcpi->seq;
                fd->retransmission = 1;
            } else if (tcpi->seq != next) {
                fd->gap = 1;
            }
        }
        if (!fd->retransmission || skip < len) {
            conv->next_seq[dir] = tcpi->nxtseq;
            conv->have_seq[dir] = TRUE;
        }
    }
    if (conv->tls || skip >= len)
        return fd;
    if (fd->gap)
        ica_stream_lose(&conv->st, dir);

    ica_summary before = conv->st.sum;
    guint8 phase_before = conv->st.d[dir].phase;
    ica_collect_t col;
    col.seg_wire_off = conv->st.d[dir].wire_off + ica_stream_pending(&conv->st, dir);
    col.seg_tvb_off = (gint32)skip;
    col.recs = wmem_array_new(pinfo->pool, sizeof(ica_rec_t));
    col.buf = g_byte_array_new();
    col.decrypted = FALSE;
    conv->st.decrypt_disabled = !pref_decrypt;
    ica_stream_feed(&conv->st, dir, tvb_get_ptr(tvb, skip, len - skip), len - skip, collect_event, &col);
    if (truncated) {
        fd->gap = 1;
        ica_stream_lose(&conv->st, dir);
    }
    if (!pref_desegment && ica_stream_pending(&conv->st, dir)) {
        fd->not_reassembled = 1;
        ica_stream_lose(&conv->st, dir);
    }
    ica_partial part;
    ica_stream_partial(&conv->st, dir, &part);
    fd->unit_seen = (guint32)part.unit_seen;
    fd->unit_total = (guint32)part.unit_total;
    fd->cmd_seen = (guint32)part.cmd_seen;
    fd->cmd_total = (guint32)part.cmd_total;

    const ica_summary *after = &conv->st.sum;
    fd->encryption = after->encryption;
    fd->compression = after->compression[dir];
    if (after->have_client_name && !before.have_client_name)
        fd->learned |= LEARN_CLIENT_NAME;
    if (after->encryption != before.encryption)
        fd->learned |= LEARN_ENCRYPTION;
    if (after->have_key && !before.have_key)
        fd->learned |= LEARN_KEY;
    if (after->have_product_id && !before.have_product_id)
        fd->learned |= LEARN_PRODUCT;
    if (phase_before != ICA_PHASE_FRAMED && conv->st.d[dir].phase == ICA_PHASE_FRAMED)
        fd->learned |= LEARN_COMPRESSION;

    fd->nrecs = wmem_array_get_count(col.recs);
    fd->recs = fd->nrecs ? (ica_rec_t *)wmem_memdup(wmem_file_scope(), wmem_array_get_raw(col.recs),
                                                    fd->nrecs * sizeof(ica_rec_t)) : NULL;
    for (guint i = 0; i < fd->nrecs; i++) {
        fd->recs[i].encryption = fd->encryption;
        fd->recs[i].compression = fd->compression;
        if (fd->recs[i].type == ICA_EV_FRAME && (fd->recs[i].flags & ICA_FR_COMPRESSED) &&
            conv->compressed_note_frame == 0)
            conv->compressed_note_frame = pinfo->num;
    }
    if (conv->st.sum.mid_session && conv->mid_session_note_frame == 0 && fd->nrecs)
        conv->mid_session_note_frame = pinfo->num;
    fd->buf_len = col.buf->len;
    fd->buf = col.buf->len ? (guint8 *)wmem_memdup(wmem_file_scope(), col.buf->data, col.buf->len) : NULL;
    fd->buf_decrypted = col.decrypted;
    g_byte_array_free(col.buf, TRUE);
    return fd;
}

/* ---- every pass: build the tree from the stored records ----------------- */

static int dissect_ica_common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_conv_t *conv,
                              struct tcpinfo *tcpi)
{
    ica_frame_t *fd = (ica_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_ica, 0);
    if (!fd) {
        if (PINFO_FD_VISITED(pinfo)) {
            /* Not seen on the first pass: decoding it now would feed the
             * stream out of order, so it is shown as data only. */
            fd = wmem_new0(pinfo->pool, ica_frame_t);
            fd->conv = conv;
            fd->dir = (guint8)(addresses_equal(&pinfo->src, &conv->server_addr) &&
                               pinfo->srcport == conv->server_port ? ICA_S2C : ICA_C2S);
            proto_tree_add_expert(tree, pinfo, &ei_ica_undecoded, tvb, 0, -1);
        } else {
            fd = first_pass(tvb, pinfo, conv, tcpi);
            p_add_proto_data(wmem_file_scope(), pinfo, proto_ica, 0, fd);
        }
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "ICA");
    col_clear(pinfo->cinfo, COL_INFO);

    proto_item *ti = proto_tree_add_item(tree, proto_ica, tvb, 0, -1, ENC_NA);
    proto_tree *it = proto_item_add_subtree(ti, ett_ica);
    proto_item_set_generated(proto_tree_add_uint(it, hf_ica_direction, tvb, 0, 0, fd->dir));

    if (conv->tls) {
        proto_item *ei = proto_tree_add_uint(it, hf_ica_encryption, tvb, 0, 0, ICA_ENC_TLS);
        proto_item_set_generated(ei);
        if (conv->tls_note_frame == pinfo->num)
            expert_add_info(pinfo, ei, &ei_ica_tls);
        if (tls_handle) {
            col_set_fence(pinfo->cinfo, COL_INFO);
            call_dissector_with_data(tls_handle, tvb, pinfo, tree, tcpi);
        }
        return tvb_captured_length(tvb);
    }
    proto_item_set_generated(proto_tree_add_uint(it, hf_ica_encryption, tvb, 0, 0, fd->encryption));
    proto_item_set_generated(proto_tree_add_uint(it, hf_ica_compression, tvb, 0, 0, fd->compression));

    wmem_strbuf_t *info = wmem_strbuf_new(pinfo->pool, "");
    if (fd->retransmission)
        expert_add_info(pinfo, proto_tree_add_item(it, hf_ica_retransmitted, tvb, 0, -1, ENC_NA),
                        &ei_ica_retransmission);
    if (fd->gap)
        expert_add_info(pinfo, ti, &ei_ica_gap);
    if (fd->not_reassembled)
        expert_add_info(pinfo, ti, &ei_ica_not_reassembled);
    if (conv->mid_session_note_frame == pinfo->num)
        expert_add_info(pinfo, ti, &ei_ica_mid_session);

    tvbuff_t *dec = NULL;
    if (fd->buf_len) {
        dec = tvb_new_child_real_data(tvb, fd->buf, fd->buf_len, fd->buf_len);
        add_new_data_source(pinfo, dec, fd->buf_decrypted ? "Decrypted ICA" : "ICA WD data");
    }
    for (guint i = 0; i < fd->nrecs; i++) {
        const ica_rec_t *r = &fd->recs[i];
        TRY {
            switch (r->type) {
            case ICA_EV_DETECT:
                proto_tree_add_item(it, hf_ica_detect, wire_tvb(tvb, pinfo, r, "Reassembled ICA"), 0, -1, ENC_NA);
                info_add(info, "Detect string");
                break;
            case ICA_EV_PADDING:
                expert_add_info(pinfo, proto_tree_add_item(it, hf_ica_padding, tvb, r->tvb_off, r->wire_len, ENC_NA),
                                &ei_ica_padding);
                break;
            case ICA_EV_UNDECODED:
                expert_add_info(pinfo, proto_tree_add_item(it, hf_ica_undecoded,
                                                           wire_tvb(tvb, pinfo, r, "Reassembled ICA"), 0, -1, ENC_NA),
                                &ei_ica_undecoded);
                info_add(info, "undecoded data");
                break;
            case ICA_EV_RAW:
                dissect_raw(wire_tvb(tvb, pinfo, r, "Reassembled ICA handshake"), pinfo, it, info, r->flags);
                break;
            case ICA_EV_FRAME: {
                tvbuff_t *ft = wire_tvb(tvb, pinfo, r, "Reassembled PDRFRAME");
                if (r->tvb_off < 0)
                    proto_item_set_generated(proto_tree_add_uint(it, hf_ica_reassembled, ft, 0, 0, r->wire_len));
                dissect_frame(ft, dec, pinfo, it, conv, r, info);
                break;
            }
            case ICA_EV_CMD: {
                tvbuff_t *ct;
                if (r->buf_off >= 0 && dec) {
                    ct = tvb_new_subset_length(dec, r->buf_off, r->buf_len);
                } else {
                    ct = tvb_new_child_real_data(tvb, r->plain_copy, r->buf_len, r->buf_len);
                    add_new_data_source(pinfo, ct, "Reassembled WD command");
                }
                dissect_command(ct, pinfo, it, conv, info);
                break;
            }
            case ICA_EV_WD_STOP: {
                guint8 code = 0;
                /* the unknown code is the first byte at plain_off in this frame's buffer, when it is here */
                for (guint k = 0; k < fd->nrecs; k++) {
                    const ica_rec_t *f = &fd->recs[k];
                    if (f->type == ICA_EV_FRAME && f->region_is_plain && r->plain_off >= f->plain_off &&
                        r->plain_off < f->plain_off + f->buf_len && dec) {
                        guint o = f->buf_off + (guint)(r->plain_off - f->plain_off);
                        code = tvb_get_uint8(dec, o);
                        proto_item *ui = proto_tree_add_item(it, hf_ica_undecoded, dec, o,
                                                             f->buf_off + f->buf_len - o, ENC_NA);
                        expert_add_info_format(pinfo, ui, &ei_ica_unknown_cmd,
                                               "WD command 0x%02x has no known length rule; "
                                               "decoding of this direction stops here", code);
                        break;
                    }
                }
                info_add(info, wmem_strdup_printf(pinfo->pool, "unknown WD command 0x%02x", code));
                break;
            }
            }
        }
        CATCH_NONFATAL_ERRORS {
            show_exception(tvb, pinfo, it, EXCEPT_CODE, GET_MESSAGE);
        }
        ENDTRY;
    }
    /* Reassembly in progress: normal for large frames, and the only trace
     * left when a claimed length never arrives (end of capture, FIN). */
    if (fd->unit_seen) {
        proto_item *pi = proto_tree_add_uint(it, hf_ica_pending_unit_seen, tvb, 0, 0, fd->unit_seen);
        proto_item_set_generated(pi);
        if (fd->unit_total)
            proto_item_set_generated(proto_tree_add_uint(it, hf_ica_pending_unit_length, tvb, 0, 0, fd->unit_total));
        expert_add_info_format(pinfo, pi, &ei_ica_pending, "Incomplete ICA unit: %u of %s bytes so far",
                               fd->unit_seen, fd->unit_total ? wmem_strdup_printf(pinfo->pool, "%u", fd->unit_total) : "?");
    }
    if (fd->cmd_seen) {
        proto_item *pi = proto_tree_add_uint(it, hf_ica_pending_cmd_seen, tvb, 0, 0, fd->cmd_seen);
        proto_item_set_generated(pi);
        if (fd->cmd_total)
            proto_item_set_generated(proto_tree_add_uint(it, hf_ica_pending_cmd_length, tvb, 0, 0, fd->cmd_total));
        expert_add_info_format(pinfo, pi, &ei_ica_pending, "WD command continues: %u of %s bytes so far",
                               fd->cmd_seen, fd->cmd_total ? wmem_strdup_printf(pinfo->pool, "%u", fd->cmd_total) : "?");
    }
    if (wmem_strbuf_get_len(info) == 0) {
        if (fd->retransmission)
            wmem_strbuf_append(info, "Retransmitted data");
        else if (fd->nrecs == 0)
            wmem_strbuf_append_printf(info, "[continuation, %u bytes]", tvb_reported_length(tvb));
        else
            wmem_strbuf_append(info, "PDRFRAME (WD command continues)");
    }
    col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(info));

    ica_tap_info_t *tapinfo = wmem_new(pinfo->pool, ica_tap_info_t);
    tapinfo->conv = conv;
    tapinfo->fd = fd;
    tap_queue_packet(ica_tap, pinfo, tapinfo);
    return tvb_captured_length(tvb);
}

static gboolean looks_like_tls(tvbuff_t *tvb)
{
    return tvb_captured_length(tvb) >= 5 && tvb_get_uint8(tvb, 0) == 0x16 && tvb_get_uint8(tvb, 1) == 0x03 &&
           tvb_get_uint8(tvb, 2) <= 0x04;
}

/* Port handle: validates, and returns 0 on data that is not ICA. */
static int dissect_ica_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    ica_conv_t *conv = c ? (ica_conv_t *)conversation_get_proto_data(c, proto_ica) : NULL;
    if (!conv) {
        guint len = tvb_captured_length(tvb);
        const guint8 *p = tvb_get_ptr(tvb, 0, len);
        gboolean to_port = pinfo->destport == pinfo->match_uint;
        if (looks_like_tls(tvb)) {
            conv = get_conv(pinfo, ICA_PHASE_DETECT, !to_port);
            conv->tls = TRUE;
            conv->tls_note_frame = pinfo->num;
            conv->st.sum.encryption = ICA_ENC_TLS;
        } else {
            /* On the registered port a stream may start with a detect string
             * cut short by segmentation (1-byte segments). */
            enum ica_probe pr = ica_probe(p, len);
            if (pr == ICA_PROBE_NO && len > 0 && len < ICA_DETECT_LEN && memcmp(p, ica_detect_string, len) == 0)
                pr = ICA_PROBE_DETECT;
            switch (pr) {
            case ICA_PROBE_DETECT:
                conv = get_conv(pinfo, ICA_PHASE_DETECT, !to_port);
                break;
            case ICA_PROBE_HANDSHAKE:
                conv = get_conv(pinfo, ICA_PHASE_RAW, p[0] != ICA_CMD_INIT_RESPONSE);
                break;
            case ICA_PROBE_FRAMES:
                conv = get_conv(pinfo, ICA_PHASE_SYNC, !to_port);
                break;
            default:
                return 0;
            }
        }
    }
    return dissect_ica_common(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
}

static wsc_heur_ret_t dissect_ica_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    if (len < 4)
        return FALSE;
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    enum ica_probe pr = ica_probe(p, len);
    if (pr != ICA_PROBE_DETECT && pr != ICA_PROBE_HANDSHAKE)
        return FALSE;
    conversation_t *c = find_or_create_conversation(pinfo);
    ica_conv_t *conv = (ica_conv_t *)conversation_get_proto_data(c, proto_ica);
    if (!conv) {
        /* The server speaks first: a detect string's sender is the server. */
        gboolean sender_is_server = pr == ICA_PROBE_DETECT || p[0] != ICA_CMD_INIT_RESPONSE;
        conv = get_conv(pinfo, pr == ICA_PROBE_DETECT ? ICA_PHASE_DETECT : ICA_PHASE_RAW, sender_is_server);
    }
    conversation_set_dissector(c, ica_handle);
    dissect_ica_common(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
    return TRUE;
}

/* Called by the conversation dissector once the session is known. */
static int dissect_ica(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    ica_conv_t *conv = c ? (ica_conv_t *)conversation_get_proto_data(c, proto_ica) : NULL;
    if (!conv)
        return dissect_ica_port(tvb, pinfo, tree, data);
    return dissect_ica_common(tvb, pinfo, tree, conv, (struct tcpinfo *)data);
}

/* ---- statistics: tshark -z ica,tree ------------------------------------- */

/* Three top-level nodes so that every count is of one kind and percentages
 * stay meaningful: sessions (one tick each, with what was learned about
 * them), packets per session, and virtual-channel payload bytes per session,
 * channel and direction. */
static int st_node_sessions = -1;
static int st_node_packets = -1;
static int st_node_vc_bytes = -1;
static const char *st_str_sessions = "ICA sessions";
static const char *st_str_packets = "ICA packets per session";
static const char *st_str_vc_bytes = "Virtual channel payload bytes";

static void ica_stats_init(stats_tree *st)
{
    st_node_sessions = stats_tree_create_node(st, st_str_sessions, 0, STAT_DT_INT, TRUE);
    st_node_packets = stats_tree_create_node(st, st_str_packets, 0, STAT_DT_INT, TRUE);
    st_node_vc_bytes = stats_tree_create_node(st, st_str_vc_bytes, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status ica_stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                          const void *p, tap_flags_t flags _U_)
{
    const ica_tap_info_t *ti = (const ica_tap_info_t *)p;
    const ica_conv_t *conv = ti->conv;
    const ica_frame_t *fd = ti->fd;
    const ica_summary *sum = &conv->st.sum;
    char name[160];
    tick_stat_node(st, st_str_packets, 0, TRUE);
    tick_stat_node(st, conv->label, st_node_packets, FALSE);
    int sid;
    if (fd->first_of_session) {
        tick_stat_node(st, st_str_sessions, 0, TRUE);
        sid = tick_stat_node(st, conv->label, st_node_sessions, TRUE);
    } else {
        sid = increase_stat_node(st, conv->label, st_node_sessions, TRUE, 0);
    }
    if (fd->learned & LEARN_CLIENT_NAME) {
        snprintf(name, sizeof name, "Client name: %s", sum->client_name);
        tick_stat_node(st, name, sid, FALSE);
        if (sum->have_client_build) {
            snprintf(name, sizeof name, "Client build: %u", sum->client_build);
            tick_stat_node(st, name, sid, FALSE);
        }
    }
    if (fd->learned & LEARN_PRODUCT) {
        snprintf(name, sizeof name, "Client product id: 0x%04x (%s)", sum->client_product_id,
                 val_to_str_const(sum->client_product_id, product_id_vals, "unknown"));
        tick_stat_node(st, name, sid, FALSE);
    }
    /* Basic is reported once, with its key; other levels when they become known. */
    if ((fd->learned & LEARN_KEY) || ((fd->learned & LEARN_ENCRYPTION) && fd->encryption != ICA_ENC_BASIC)) {
        if (sum->have_key)
            snprintf(name, sizeof name, "Encryption: %s (session key 0x%02x)", ica_encryption_name(fd->encryption),
                     sum->session_key);
        else
            snprintf(name, sizeof name, "Encryption: %s", ica_encryption_name(fd->encryption));
        tick_stat_node(st, name, sid, FALSE);
    }
    if (fd->learned & LEARN_COMPRESSION) {
        snprintf(name, sizeof name, "Compression %s: %s", fd->dir == ICA_C2S ? "client to server" : "server to client",
                 ica_compression_name(fd->compression));
        tick_stat_node(st, name, sid, FALSE);
    }
    for (guint i = 0; i < fd->nrecs; i++) {
        const ica_rec_t *r = &fd->recs[i];
        if (r->type != ICA_EV_CMD)
            continue;
        const guint8 *c = r->buf_off >= 0 ? fd->buf + r->buf_off : r->plain_copy;
        guint ch, bytes;
        if (r->code == ICA_CMD_VIRTUAL_WRITE0 && r->buf_len >= 3) {
            ch = c[1];
            bytes = 1;
        } else if (r->code == ICA_CMD_VIRTUAL_WRITE1 && r->buf_len >= 3) {
            ch = c[2];
            bytes = r->buf_len - 3;
        } else if (r->code == ICA_CMD_VIRTUAL_WRITE2 && r->buf_len >= 4) {
            ch = c[3];
            bytes = r->buf_len - 4;
        } else {
            continue;
        }
        increase_stat_node(st, st_str_vc_bytes, 0, TRUE, (gint)bytes);
        int bsid = increase_stat_node(st, conv->label, st_node_vc_bytes, TRUE, (gint)bytes);
        const char *vc = ica_vc_name(sum, ch, NULL);
        snprintf(name, sizeof name, "%s (channel %u)", vc ? vc : "unnamed", ch);
        int nid = increase_stat_node(st, name, bsid, TRUE, (gint)bytes);
        increase_stat_node(st, fd->dir == ICA_C2S ? "client to server" : "server to client", nid, FALSE, (gint)bytes);
    }
    return TAP_PACKET_REDRAW;
}

/* ---- registration ------------------------------------------------------- */

void
proto_register_ica(void)
{
    static hf_register_info hf[] = {
        { &hf_ica_direction, { "Direction", "ica.direction", FT_UINT8, BASE_DEC, VALS(direction_vals), 0x0, NULL, HFILL } },
        { &hf_ica_encryption, { "Encryption", "ica.encryption", FT_UINT8, BASE_DEC, VALS(encryption_vals), 0x0, "Session encryption as known at this frame", HFILL } },
        { &hf_ica_compression, { "Compression", "ica.compression", FT_UINT8, BASE_DEC, VALS(compression_vals), 0x0, "Reducer/PD compression of this direction as known at this frame", HFILL } },
        { &hf_ica_detect, { "Detect string", "ica.detect", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_padding, { "Padding", "ica.padding", FT_BYTES, BASE_NONE, NULL, 0x0, "Trailing zero bytes after a short handshake message (ignored)", HFILL } },
        { &hf_ica_undecoded, { "Undecoded data", "ica.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_retransmitted, { "Retransmitted data", "ica.retransmitted", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes already seen in this direction (not decoded again)", HFILL } },
        { &hf_ica_reassembled, { "Reassembled from several segments", "ica.reassembled_length", FT_UINT32, BASE_DEC, NULL, 0x0, "Length of a unit whose bytes span TCP segments", HFILL } },
        { &hf_ica_pending_unit_seen, { "Incomplete unit, bytes seen", "ica.pending.unit_seen", FT_UINT32, BASE_DEC, NULL, 0x0, "Bytes of a detect string, handshake packet or PDRFRAME frame still waiting for the rest", HFILL } },
        { &hf_ica_pending_unit_length, { "Incomplete unit, claimed length", "ica.pending.unit_length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pending_cmd_seen, { "Incomplete WD command, bytes seen", "ica.pending.cmd_seen", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pending_cmd_length, { "Incomplete WD command, claimed length", "ica.pending.cmd_length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cmd, { "Command", "ica.cmd", FT_UINT8, BASE_HEX, VALS(cmd_vals), 0x0, "WD packet type", HFILL } },
        { &hf_ica_cmd_length, { "Length", "ica.cmd.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Length field of the WD command", HFILL } },
        { &hf_ica_cmd_data, { "Data", "ica.cmd.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Command data not decoded further", HFILL } },
        { &hf_ica_init_request_level, { "INIT_REQUEST level", "ica.init_request.level", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_caplist_more, { "More data", "ica.caplist.more", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_caplist_count, { "Block count", "ica.caplist.count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_caplist_offset, { "Offset to first block", "ica.caplist.offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_length, { "Capability length", "ica.cap.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_signature, { "Capability", "ica.cap.signature", FT_UINT16, BASE_DEC, VALS(cap_signature_vals), 0x0, NULL, HFILL } },
        { &hf_ica_cap_data, { "Capability data", "ica.cap.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Body not publicly documented", HFILL } },
        { &hf_ica_cap_reducers, { "Reducers supported", "ica.cap.reducers", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_reducers_l1, { "Level 1 (Perverse)", "ica.cap.reducers.level1", FT_BOOLEAN, 16, NULL, 0x0001, NULL, HFILL } },
        { &hf_ica_cap_reducers_l2, { "Level 2 (Mark II)", "ica.cap.reducers.level2", FT_BOOLEAN, 16, NULL, 0x0002, NULL, HFILL } },
        { &hf_ica_cap_reducers_l3, { "Level 3 (V3)", "ica.cap.reducers.level3", FT_BOOLEAN, 16, NULL, 0x0004, NULL, HFILL } },
        { &hf_ica_cap_reducers_l4, { "Level 4 (V4)", "ica.cap.reducers.level4", FT_BOOLEAN, 16, NULL, 0x0008, NULL, HFILL } },
        { &hf_ica_cap_intellimouse, { "Intellimouse", "ica.cap.intellimouse", FT_UINT16, BASE_HEX, NULL, 0x0, "1 wheel, 2 X1, 4 X2, 8 raw", HFILL } },
        { &hf_ica_cap_redraw, { "Redraw", "ica.cap.redraw", FT_UINT16, BASE_HEX, NULL, 0x0, "1 extended, 2 complex region", HFILL } },
        { &hf_ica_cap_seamless, { "Seamless", "ica.cap.seamless", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_offset, { "Priority offset", "ica.cap.packet_priority.offset", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_array_length, { "Priority array length", "ica.cap.packet_priority.array_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_use_lowest, { "Use lowest priority", "ica.cap.packet_priority.use_lowest", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_prio_priorities, { "Channel priorities", "ica.cap.packet_priority.priorities", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_chanmon_version, { "Version", "ica.cap.channel_monitoring.version", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_chanmon_repeat_delay, { "Repeat delay", "ica.cap.channel_monitoring.repeat_delay", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_chanmon_flags, { "Flags", "ica.cap.channel_monitoring.flags", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_chanmon_mouse_upper, { "Mouse upper", "ica.cap.channel_monitoring.mouse_upper", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_chanmon_mouse_lower, { "Mouse lower", "ica.cap.channel_monitoring.mouse_lower", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_server_family, { "Server family", "ica.cap.server_version.family", FT_UINT16, BASE_DEC, VALS(server_family_vals), 0x0, NULL, HFILL } },
        { &hf_ica_cap_server_family_version, { "Family version", "ica.cap.server_version.family_version", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_server_variant, { "Variant", "ica.cap.server_version.variant", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_ht_support_mask, { "Support mask", "ica.cap.high_throughput.support_mask", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_ht_max_packet, { "Max ICA packet length", "ica.cap.high_throughput.max_packet_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_ht_line_loading, { "Line loading percent", "ica.cap.high_throughput.line_loading", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_euks_version, { "EUKS version", "ica.cap.euks.version", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_cap_euks_mode, { "EUKS mode", "ica.cap.euks.mode", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
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
        { &hf_ica_ui_reserved, { "Reserved", "ica.ui.reserved", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ui_extra, { "Later-version fixed fields", "ica.ui.extra", FT_BYTES, BASE_NONE, NULL, 0x0, "Fixed part beyond the v4 layout (not decoded)", HFILL } },
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
        { &hf_ica_client_product_id, { "Client product id", "ica.client_product_id", FT_UINT16, BASE_HEX, VALS(product_id_vals), 0x0, NULL, HFILL } },
        { &hf_ica_wd_client_serial_number, { "Client serial number", "ica.wd.client_serial_number", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_vcbind_count, { "VcBind count", "ica.wd.vcbind_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_vcbind_offset, { "VcBind offset", "ica.wd.vcbind_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_name, { "Virtual channel name", "ica.vc.name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_vc_number, { "Virtual channel", "ica.vc.number", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_c2h_pow2_wanted, { "C2H Pow2 wanted", "ica.wd.c2h_pow2_wanted", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_h2c_pow2_wanted, { "H2C Pow2 wanted", "ica.wd.h2c_pow2_wanted", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_h2c_max_new_data, { "H2C max new data", "ica.wd.h2c_max_new_data", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_reducer_version, { "Reducer version wanted", "ica.reducer.version", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_cap_list_length, { "Capability list length", "ica.wd.cap_list_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_cap_list_offset, { "Capability list offset", "ica.wd.cap_list_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_app_server_offset, { "App server name offset", "ica.wd.app_server_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_app_server_name, { "App server name", "ica.wd.app_server_name", FT_STRINGZ, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_wd_oem_id, { "OEM id", "ica.wd.oem_id", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
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
        { &hf_ica_td_encryption_info, { "Encryption protocol/cipher/strength", "ica.td.encryption_info", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pd_class, { "PD class", "ica.pd.class", FT_UINT8, BASE_DEC, VALS(pd_class_vals), 0x0, NULL, HFILL } },
        { &hf_ica_pd_encryption_level, { "Encryption level", "ica.pd.encryption_level", FT_UINT8, BASE_DEC, NULL, 0x0, "1 = Basic", HFILL } },
        { &hf_ica_pd_max_compress_disable, { "Max compress disable", "ica.pd.max_compress_disable", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pd_timer, { "Timer", "ica.pd.timer", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_frame, { "PDRFRAME frame", "ica.frame", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_frame_length, { "Frame length", "ica.frame.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_frame_priority, { "Priority bits", "ica.frame.priority", FT_UINT16, BASE_DEC, NULL, 0xC000, "Top two length bits (PDRFRAME v2)", HFILL } },
        { &hf_ica_crypt_header, { "Crypt header", "ica.crypt.header", FT_UINT8, BASE_HEX, VALS(crypt_header_vals), 0x0, NULL, HFILL } },
        { &hf_ica_crypt_version, { "Crypt version", "ica.crypt.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_crypt_public_key, { "Public key", "ica.crypt.public_key", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_session_key, { "Session key", "ica.session_key", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_crypt_random, { "Random bytes", "ica.crypt.random", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_crypt_marker, { "Marker", "ica.crypt.marker", FT_STRING, BASE_NONE, NULL, 0x0, "OffCrypt / PermCrypt", HFILL } },
        { &hf_ica_encrypted_data, { "Encrypted data", "ica.encrypted_data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_decrypted_data, { "Decrypted data", "ica.decrypted_data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_compressed_data, { "Compressed data", "ica.compressed_data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_expanded_length, { "Expanded length", "ica.reducer.expanded_length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_header, { "Chunk header", "ica.v3.header", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_channel, { "Chunk channel", "ica.v3.channel", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_completion, { "Completion", "ica.v3.completion", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_compressed, { "Compressed", "ica.v3.compressed", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_add_to_history, { "Add to history", "ica.v3.add_to_history", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_length, { "Chunk length", "ica.v3.length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_command, { "Chunk command", "ica.v3.command", FT_UINT8, BASE_DEC, VALS(v3_command_vals), 0x0, NULL, HFILL } },
        { &hf_ica_v3_params, { "Command parameters", "ica.v3.params", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_data, { "Chunk data", "ica.v3.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_terminate_reason, { "Terminate reason", "ica.terminate.reason", FT_UINT8, BASE_DEC, VALS(terminate_reason_vals), 0x0, NULL, HFILL } },
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
        &ett_ica, &ett_ica_raw, &ett_ica_caplist, &ett_ica_cap, &ett_ica_bits,
        &ett_ica_text_mode, &ett_ica_vcbind, &ett_ica_frame, &ett_ica_v3, &ett_ica_cmd, &ett_ica_rect,
        &ett_ica_mouse, &ett_ica_vc_payload, &ett_ica_strings,
    };
    static ei_register_info ei[] = {
        { &ei_ica_undecoded, { "ica.undecoded.expert", PI_UNDECODED, PI_WARN, "ICA bytes not decoded", EXPFILL } },
        { &ei_ica_padding, { "ica.padding.expert", PI_PROTOCOL, PI_NOTE, "Trailing zero padding after a short handshake message ignored", EXPFILL } },
        { &ei_ica_encrypted, { "ica.encrypted.rc5", PI_DECRYPTION, PI_NOTE, "RC5/SecureICA encryption: cannot be decrypted passively", EXPFILL } },
        { &ei_ica_no_key, { "ica.encrypted.no_key", PI_DECRYPTION, PI_NOTE, "Encrypted, session key not seen (capture started mid-session)", EXPFILL } },
        { &ei_ica_decrypt_off, { "ica.encrypted.disabled", PI_DECRYPTION, PI_NOTE, "Basic decryption switched off by preference", EXPFILL } },
        { &ei_ica_compressed, { "ica.compressed", PI_UNDECODED, PI_NOTE, "ICA session is compressed", EXPFILL } },
        { &ei_ica_expand_failed, { "ica.reducer.failed", PI_MALFORMED, PI_WARN, "Reducer data could not be expanded; the rest of this direction is not decoded", EXPFILL } },
        { &ei_ica_unknown_cmd, { "ica.cmd.unknown", PI_UNDECODED, PI_WARN, "Unknown WD command; decoding of this direction stops", EXPFILL } },
        { &ei_ica_len_conflict, { "ica.cmd.length_disputed", PI_PROTOCOL, PI_WARN, "Sources disagree on this command's length rule", EXPFILL } },
        { &ei_ica_prio_bits, { "ica.frame.priority_bits", PI_PROTOCOL, PI_NOTE, "PDRFRAME length carries priority bits", EXPFILL } },
        { &ei_ica_bad_crypt_hdr, { "ica.crypt.header.unknown", PI_PROTOCOL, PI_WARN, "Unknown PDCRYPT1 header value", EXPFILL } },
        { &ei_ica_mid_session, { "ica.mid_session", PI_SEQUENCE, PI_NOTE, "Capture starts in the middle of an ICA session: no handshake, no key", EXPFILL } },
        { &ei_ica_retransmission, { "ica.retransmission", PI_SEQUENCE, PI_NOTE, "Retransmitted bytes ignored", EXPFILL } },
        { &ei_ica_gap, { "ica.gap", PI_SEQUENCE, PI_WARN, "Bytes missing (capture gap or snapshot length): the rest of this direction is not decoded", EXPFILL } },
        { &ei_ica_bad_offset, { "ica.bad_offset", PI_MALFORMED, PI_WARN, "Offset or count points outside the module", EXPFILL } },
        { &ei_ica_legacy_vc, { "ica.vc.legacy_name", PI_PROTOCOL, PI_NOTE, "No VcBind table seen: channel named by the legacy fixed numbering", EXPFILL } },
        { &ei_ica_tls, { "ica.tls", PI_DECRYPTION, PI_NOTE, "ICA over TLS: shown as encrypted", EXPFILL } },
        { &ei_ica_pending, { "ica.pending", PI_REASSEMBLE, PI_CHAT, "Incomplete ICA unit waiting for more bytes", EXPFILL } },
        { &ei_ica_count_not_down, { "ica.module.count.not_decreasing", PI_PROTOCOL, PI_WARN, "ModuleCount does not count down", EXPFILL } },
        { &ei_ica_too_many, { "ica.handshake.too_long", PI_MALFORMED, PI_WARN, "Handshake never completes: decoding of this direction stops", EXPFILL } },
        { &ei_ica_bytecount, { "ica.module.byte_count.mismatch", PI_MALFORMED, PI_WARN, "Module ByteCount does not match the WD length", EXPFILL } },
        { &ei_ica_caplist, { "ica.caplist.bad", PI_MALFORMED, PI_WARN, "Capability list does not fit", EXPFILL } },
        { &ei_ica_vc_no_channel, { "ica.vc.no_channel", PI_MALFORMED, PI_WARN, "VIRTUAL_WRITE length 0: no channel byte", EXPFILL } },
        { &ei_ica_not_reassembled, { "ica.not_reassembled", PI_REASSEMBLE, PI_WARN, "A unit spans TCP segments and reassembly is off: the rest of this direction is not decoded", EXPFILL } },
    };
    for (int c = 0, n = 0; c < ICA_CMD_TABLE_SIZE; c++) {
        const ica_cmd_info *ci = ica_cmd_lookup((guint8)c);
        if (ci->name) {
            cmd_vals[n].value = (guint32)c;
            cmd_vals[n].strptr = ci->name;
            n++;
        }
    }

    proto_ica = proto_register_protocol("Citrix ICA", "ICA", "ica");
    proto_register_field_array(proto_ica, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert_ica = expert_register_protocol(proto_ica);
    expert_register_field_array(expert_ica, ei, array_length(ei));

    module_t *ica_module = prefs_register_protocol(proto_ica, NULL);
    prefs_register_bool_preference(ica_module, "decrypt", "Decrypt Basic encryption",
                                   "Decrypt PDCRYPT1 \"Basic\" encrypted frames with the session key seen in the "
                                   "key exchange", &pref_decrypt);
    prefs_register_bool_preference(ica_module, "desegment", "Reassemble ICA units spanning TCP segments",
                                   "Follow PDRFRAME frames and WD commands across TCP segments. When off, a unit "
                                   "that spans segments ends decoding of that direction", &pref_desegment);

    ica_handle = register_dissector("ica", dissect_ica, proto_ica);
    ica_tap = register_tap("ica");
}

void
proto_reg_handoff_ica(void)
{
    dissector_handle_t port_handle = create_dissector_handle(dissect_ica_port, proto_ica);
    dissector_add_uint_with_preference("tcp.port", ICA_TCP_PORT, port_handle);
    heur_dissector_add("tcp", dissect_ica_heur, "Citrix ICA over TCP", "citrix_ica_tcp", proto_ica, HEURISTIC_ENABLE);
    tls_handle = find_dissector("tls");
    stats_tree_register_plugin("ica", "ica", "Citrix ICA/Sessions", 0, ica_stats_packet, ica_stats_init, NULL);
}
