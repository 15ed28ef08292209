/* ica_caps.c - capability list walk and lookup, PACKET_PRIORITY (see ica_caps.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "ica_caps.h"
#include "le_bytes.h"

void ica_caplist_parse(const uint8_t *list, size_t len, ica_caplist *out)
{
    out->more = out->count = 0;
    out->first = 0;
    out->n = 0;
    out->bad_len = 0;
    out->stop_off = 0;
    if (len < ICA_CAPLIST_HEAD_LEN) {
        out->stop = ICA_CAPLIST_SHORT;
        return;
    }
    out->more = list[0];
    out->count = list[1];
    out->first = le16(list + 2);
    if (out->first < ICA_CAPLIST_HEAD_LEN || out->first > len) {
        out->stop = ICA_CAPLIST_FIRST_OUTSIDE;
        return;
    }
    size_t off = out->first;
    out->stop = ICA_CAPLIST_COMPLETE;
    while (out->n < out->count) {
        if (off + ICA_CAP_HEAD_LEN > len) {
            out->stop = ICA_CAPLIST_TRUNCATED;
            break;
        }
        uint16_t bl = le16(list + off);
        if (bl < ICA_CAP_HEAD_LEN || bl > len - off) {
            out->stop = ICA_CAPLIST_BAD_BLOCK;
            out->bad_len = bl;
            break;
        }
        ica_cap_block *b = &out->block[out->n++];
        b->off = (uint32_t)off;
        b->len = bl;
        b->sig = le16(list + off + 2);
        off += bl;
    }
    out->stop_off = (uint32_t)off;
}

int ica_caplist_find(const uint8_t *list, size_t len, uint16_t sig, const uint8_t **block, size_t *block_len)
{
    ica_caplist cl;
    ica_caplist_parse(list, len, &cl);
    for (unsigned i = 0; i < cl.n; i++) {
        if (cl.block[i].sig == sig) {
            *block = list + cl.block[i].off;
            *block_len = cl.block[i].len;
            return 1;
        }
    }
    return 0;
}

int ica_cap_packet_priority(const uint8_t *block, size_t blen, ica_cap_priority *out)
{
    memset(out, 0, sizeof *out);
    if (blen < ICA_CAP_PRIORITY_FIXED)
        return 0;
    const uint8_t *po = block + ICA_CAP_PRIORITY_OFFSET;
    out->offset = le16(po) | ((uint32_t)le16(po + 2) << 16);
    out->count = le16(block + ICA_CAP_PRIORITY_ARRAY_LENGTH);
    out->use_lowest = block[ICA_CAP_PRIORITY_USE_LOWEST];
    out->in_block = out->offset >= ICA_CAP_PRIORITY_FIXED && out->offset <= blen &&
                    out->count <= blen - out->offset;
    return 1;
}

/* ---- capability body layouts (ica_caps.h) ----------------------------------
 * One row per IcaCaps.h member, offsets from the block's start (the 4-byte
 * CAP_HEAD first), packed.  The field names keep the header's member names;
 * the abbreviations of the layouts the dissector decoded before this table
 * (seamless, intellimouse, redraw, channel_monitoring, server_version,
 * high_throughput, euks) are kept. */

#define U8(a, n, o) { a, n, o, 1, ICA_CAPF_UINT, ICA_CAPV_NONE }
#define U16(a, n, o) { a, n, o, 2, ICA_CAPF_UINT, ICA_CAPV_NONE }
#define U32(a, n, o) { a, n, o, 4, ICA_CAPF_UINT, ICA_CAPV_NONE }
#define H16(a, n, o) { a, n, o, 2, ICA_CAPF_HEX, ICA_CAPV_NONE }
#define H32(a, n, o) { a, n, o, 4, ICA_CAPF_HEX, ICA_CAPV_NONE }
#define I32(a, n, o) { a, n, o, 4, ICA_CAPF_INT, ICA_CAPV_NONE }
#define V16(a, n, o, v) { a, n, o, 2, ICA_CAPF_UINT, v }
#define V32(a, n, o, v) { a, n, o, 4, ICA_CAPF_UINT, v }
#define COUNT(f) ((uint8_t)(sizeof f / sizeof f[0]))

static const ica_cap_field f_seamless[] = { H32("", "seamlessFeaturesMask", 4) };
static const ica_cap_field f_intellimouse[] = { H16("", "intellimouseFeaturesMask", 4) };
static const ica_cap_field f_chanmon[] = {
    U16("version", "Version", 4), U16("repeat_delay", "RepeatDelay", 6), H32("flags", "Flags", 8),
    U16("mouse_upper", "MouseThresholdUpperLimit", 12), U16("mouse_lower", "MouseThresholdLowerLimit", 14),
};
static const ica_cap_field f_redraw[] = { H16("", "redrawCapsMask", 4) };

/* DATE_TIME: eight USHORTs */
#define DATE_TIME(p, n, o)                                                                      \
    U16(p ".year", n ".Year", o), U16(p ".month", n ".Month", o + 2),                           \
    U16(p ".day_of_week", n ".DayOfWeek", o + 4), U16(p ".day", n ".Day", o + 6),               \
    U16(p ".hour", n ".Hour", o + 8), U16(p ".minute", n ".Minute", o + 10),                    \
    U16(p ".second", n ".Second", o + 12), U16(p ".milliseconds", n ".Milliseconds", o + 14)
/* the part CAP_TIME_ZONE_INFO and CAP_DYNAMIC_TIME_ZONE_INFO share (up to offset 60) */
#define TZ_COMMON                                                                               \
    U32("version", "Version", 4), V32("operating_mode", "OperatingMode", 8, ICA_CAPV_TZ_MODE),  \
    I32("bias", "Bias", 12), U16("o_standard_name", "oStandardName", 16),                      \
    DATE_TIME("standard_date", "StandardDate", 18), I32("standard_bias", "StandardBias", 34),   \
    U16("o_daylight_name", "oDaylightName", 38), DATE_TIME("daylight_date", "DaylightDate", 40), \
    I32("daylight_bias", "DaylightBias", 56)
static const ica_cap_field f_time_zone[] = {
    TZ_COMMON, V16("encoding_type", "EncodingType", 60, ICA_CAPV_TZ_ENCODING),
    U16("encoding_data", "EncodingData", 62),
};
/* Version 1 ends after MaxCookieSize, version 2 after ACREstimatedTCPTimeout */
static const ica_cap_field f_cookie[] = {
    U8("version", "Version", 4), U16("max_cookie_size", "MaxCookieSize", 5),
    U16("acr_timeout", "ACRTimeout", 7), H16("acr_ui_flags", "ACRUIFlags", 9),
    U16("acr_ui_dimming_percentage", "ACRUIDimmingPercentage", 11),
    U16("acr_estimated_tcp_timeout", "ACREstimatedTCPTimeout", 13),
};
static const ica_cap_field f_server_version[] = {
    V16("family", "ServerFamily", 4, ICA_CAPV_SERVER_FAMILY), U16("family_version", "ServerFamilyVersion", 6),
    U16("variant", "ServerVariant", 8),
};
static const ica_cap_field f_xkeysym[] = { U8("version", "version", 4) };
static const ica_cap_field f_cgp_overhead[] = {
    U16("version", "Version", 4), U32("cgp_packet_overhead", "CGPPacketOverhead", 6),
    H32("cgp_session", "CGPSession", 10),
};
static const ica_cap_field f_high_throughput[] = {
    H32("support_mask", "supportMask", 4), U16("max_packet_length", "MaxICAPacketLength", 8),
    U16("line_loading", "LineLoadingPercent", 10),
};
static const ica_cap_field f_ssl_overhead[] = { U16("ssl_packet_overhead", "SSLPacketOverhead", 4) };
static const ica_cap_field f_credential_passing[] = { U8("version", "version", 4) };
static const ica_cap_field f_max_video[] = {
    U32("max_server_lvb_mem", "MaxServerLVBMem", 4), U8("degrade_color_first", "DegradeColorFirst", 8),
};
static const ica_cap_field f_euks[] = { U16("version", "Version", 4), U16("mode", "Mode", 6) };
static const ica_cap_field f_mouse_swap[] = {
    { "mouse_button_swapped", "bMouseButtonSwapped", 4, 1, ICA_CAPF_UINT, ICA_CAPV_MOUSE_SWAP },
};
static const ica_cap_field f_ts_license[] = { { "buffer", "Buffer", 4, 8, ICA_CAPF_BYTES, ICA_CAPV_NONE } };
static const ica_cap_field f_farm_name[] = {
    U16("version", "Version", 4), U16("farm_name_size", "FarmNameSize", 6),
    U16("farm_name_offset", "FarmNameOffset", 8),
};
static const ica_cap_field f_dma[] = {
    H16("features_supported", "FeaturesSupported", 4), U16("total_max_read_ahead_k", "TotalMaxReadAheadK", 6),
};
static const ica_cap_field f_input_locale[] = { H32("active_input_locale", "ActiveInputLocale", 4) };
static const ica_cap_field f_licensed[] = { H32("licensed_features", "LicensedFeatures", 4) };
static const ica_cap_field f_utf8[] = { U16("version", "Version", 4) };
/* HTML5 client WanscalerSupport: five u8 protocol version + u32 flags pairs */
static const ica_cap_field f_wanscaler[] = {
    U8("ica_protocol_version", "icaProtocolVersion", 4), H32("ica_client_flags", "icaClientFlag", 5),
    U8("client_ws_protocol_version", "clientWsProtocolVersion", 9), H32("client_ws_flags", "clientWsFlags", 10),
    U8("server_ws_protocol_version", "serverWsProtocolVersion", 14), H32("server_ws_flags", "serverWsFlags", 15),
    U8("cps_server_protocol_version", "cpsServerProtocolVersion", 19), H32("cps_server_flags", "cpsServerFlags", 20),
    U8("session_protocol_version", "sessionProtocolVersion", 24), H32("session_flags", "sessionFlags", 25),
};
static const ica_cap_field f_dvc[] = { U16("count", "Count", 4), U16("offset", "Offset", 6) };
static const ica_cap_field f_early_auth[] = { U16("version", "version", 4) };
static const ica_cap_field f_virtual_max[] = { U16("virtual_maximum", "Virtual_Maximum", 4) };
static const ica_cap_field f_selfloop[] = {
    U32("session_id", "SessionId", 4), U16("o_client_name", "oClientName", 8),
    U16("o_domain_name", "oDomainName", 10),
};
static const ica_cap_field f_rtp_audio[] = { U16("level_supported", "LevelSupported", 4), U16("reserved", "Reserved", 6) };
static const ica_cap_field f_sys_flow[] = { U16("version_number", "VersionNumber", 4) };
static const ica_cap_field f_dyn_time_zone[] = {
    TZ_COMMON, H16("time_zone_name_type", "TimeZoneNameType", 60), U16("o_time_zone_name", "oTimeZoneName", 62),
    U16("dynamic_daylight_time_disabled", "DynamicDaylightTimeDisabled", 64),
    V16("encoding_type", "EncodingType", 66, ICA_CAPV_DTZ_ENCODING),
};
static const ica_cap_field f_buffer_resize[] = {
    U8("out_buf_length_resize", "OutBufLengthResize", 4), U8("ssl_overhead_resize", "SSLOverheadResize", 5),
    U8("cgp_overhead_resize", "CGPOverheadResize", 6), U8("reserved", "Reserved", 7),
};
static const ica_cap_field f_nsap[] = {
    U8("host_protocol_version", "HostProtocolVersion", 4), H32("host_flags", "HostFlags", 5),
    U8("netscaler_protocol_version", "NetScalerProtocolVersion", 9), H32("netscaler_flags", "NetScalerFlags", 10),
    U8("host_sdwan_protocol_version", "HostSDWanProtocolVersion", 14), H32("host_sdwan_flags", "HostSDWanFlags", 15),
    U8("client_sdwan_protocol_version", "ClientSDWanProtocolVersion", 19),
    H32("client_sdwan_flags", "ClientSDWanFlags", 20),
    U8("client_protocol_version", "ClientProtocolVersion", 24), H32("client_flags", "ClientFlags", 25),
    U8("session_protocol_version", "SessionProtocolVersion", 29),
    H32("session_protocol_flags", "SessionProtocolFlags", 30),
};

#define LAYOUT(sig, abbrev, min, f) { sig, abbrev, min, COUNT(f), f }
#define ALL 0      /* every field of the layout is fixed */
const ica_cap_layout ica_cap_layouts[] = {
    LAYOUT(ICA_CAP_SEAMLESS, "seamless", ALL, f_seamless),
    LAYOUT(ICA_CAP_INTELLIMOUSE, "intellimouse", ALL, f_intellimouse),
    LAYOUT(ICA_CAP_CHANNEL_MONITORING, "channel_monitoring", ALL, f_chanmon),
    LAYOUT(ICA_CAP_REDRAW, "redraw", ALL, f_redraw),
    LAYOUT(ICA_CAP_TIME_ZONE, "time_zone", ALL, f_time_zone),
    LAYOUT(ICA_CAP_COOKIE, "cookie", 7, f_cookie),      /* {END OF VERSION 1} */
    LAYOUT(ICA_CAP_SERVER_VERSION, "server_version", ALL, f_server_version),
    LAYOUT(ICA_CAP_KEYBOARD_XKEYSYM, "keyboard_xkeysym", ALL, f_xkeysym),
    LAYOUT(ICA_CAP_CGP_PACKET_OVERHEAD, "cgp_packet_overhead", ALL, f_cgp_overhead),
    LAYOUT(ICA_CAP_HIGH_THROUGHPUT, "high_throughput", ALL, f_high_throughput),
    LAYOUT(ICA_CAP_SSL_PACKET_OVERHEAD, "ssl_packet_overhead", ALL, f_ssl_overhead),
    LAYOUT(ICA_CAP_WD_CREDENTIAL_PASSING, "wd_credential_passing", ALL, f_credential_passing),
    LAYOUT(ICA_CAP_MAX_VIDEO, "max_video", ALL, f_max_video),
    LAYOUT(ICA_CAP_EUKS, "euks", ALL, f_euks),
    LAYOUT(ICA_CAP_MOUSE_BUTTON_SWAP, "mouse_button_swap", ALL, f_mouse_swap),
    LAYOUT(ICA_CAP_CLIENT_TS_LICENSE_INFO, "client_ts_license_info", ALL, f_ts_license),
    LAYOUT(ICA_CAP_FARM_NAME, "farm_name", ALL, f_farm_name),
    LAYOUT(ICA_CAP_DRIVE_MAPPING_ACCELERATION, "drive_mapping_acceleration", ALL, f_dma),
    LAYOUT(ICA_CAP_INPUT_LOCALE, "input_locale", ALL, f_input_locale),
    LAYOUT(ICA_CAP_LICENSED_FEATURES, "licensed_features", ALL, f_licensed),
    LAYOUT(ICA_CAP_CODEPAGE_UTF8, "codepage_utf8", ALL, f_utf8),
    LAYOUT(ICA_CAP_WANSCALER_SUPPORT, "wanscaler_support", ALL, f_wanscaler),
    LAYOUT(ICA_CAP_DYNAMIC_VIRTUAL_CHANNELS, "dynamic_virtual_channels", ALL, f_dvc),
    LAYOUT(ICA_CAP_EARLY_AUTHENTICATION, "early_authentication", ALL, f_early_auth),
    LAYOUT(ICA_CAP_VIRTUAL_MAXIMUM, "virtual_maximum", ALL, f_virtual_max),
    LAYOUT(ICA_CAP_CLIENT_SELFLOOP_CHECK, "client_selfloop_check", ALL, f_selfloop),
    LAYOUT(ICA_CAP_RTP_AUDIO_ICA, "rtp_audio_ica", ALL, f_rtp_audio),
    LAYOUT(ICA_CAP_SYSTEM_FLOW_CONTROL, "system_flow_control", ALL, f_sys_flow),
    LAYOUT(ICA_CAP_DYNAMIC_TIME_ZONE, "dynamic_time_zone", ALL, f_dyn_time_zone),
    LAYOUT(ICA_CAP_BUFFER_RESIZE, "buffer_resize", ALL, f_buffer_resize),
    LAYOUT(ICA_CAP_NSAP_SUPPORTED, "nsap_supported", ALL, f_nsap),
};
const size_t ica_cap_layout_count = sizeof ica_cap_layouts / sizeof ica_cap_layouts[0];

const ica_cap_layout *ica_cap_layout_find(uint16_t sig)
{
    for (size_t i = 0; i < ica_cap_layout_count; i++)
        if (ica_cap_layouts[i].sig == sig)
            return &ica_cap_layouts[i];
    return NULL;
}

size_t ica_cap_layout_min(const ica_cap_layout *l)
{
    const ica_cap_field *last = &l->field[l->nfields - 1];
    return l->min_len ? l->min_len : (size_t)last->off + last->size;
}

void ica_cap_layout_fit(const ica_cap_layout *l, size_t blen, ica_cap_fit *out)
{
    out->short_body = blen < ica_cap_layout_min(l);
    out->n = 0;
    out->end = ICA_CAP_HEAD_LEN;
    if (out->short_body)
        return;
    while (out->n < l->nfields && (size_t)l->field[out->n].off + l->field[out->n].size <= blen) {
        out->end = (uint16_t)(l->field[out->n].off + l->field[out->n].size);
        out->n++;
    }
}

/* A NUL-terminated string at the offset read at `field`, inside the part
 * after the fixed fields. */
static ica_cap_str cap_str(const uint8_t *block, size_t blen, size_t field, size_t fixed, int utf16)
{
    ica_cap_str r = { le16(block + field), 0, ICA_CAPSTR_ABSENT };
    if (r.off == 0)
        return r;
    if (r.off < fixed || r.off >= blen) {
        r.state = ICA_CAPSTR_BAD;
        return r;
    }
    r.state = ICA_CAPSTR_AT;
    size_t unit = utf16 ? 2 : 1, end = r.off;
    int found = 0;
    while (!found && end + unit <= blen) {
        found = block[end] == 0 && (!utf16 || block[end + 1] == 0);
        end += unit;
    }
    if (!found)
        end = blen;                 /* unterminated: to the block's end (an odd UTF-16 byte included) */
    r.len = (uint16_t)(end - r.off);
    return r;
}

int ica_cap_time_zone_names(const uint8_t *block, size_t blen, ica_cap_tz_names *out)
{
    memset(out, 0, sizeof *out);
    if (blen < ICA_CAP_TZ_FIXED)
        return 0;
    out->utf16 = le16(block + ICA_CAP_TZ_ENCODING_TYPE) == 1;
    out->standard = cap_str(block, blen, ICA_CAP_TZ_O_STANDARD_NAME, ICA_CAP_TZ_FIXED, out->utf16);
    out->daylight = cap_str(block, blen, ICA_CAP_TZ_O_DAYLIGHT_NAME, ICA_CAP_TZ_FIXED, out->utf16);
    return 1;
}

/* One DVC_BIND at off, ByteCount already checked against the block. */
static void dvc_bind_read(const uint8_t *block, uint16_t off, uint16_t byte_count, ica_dvc_bind *b)
{
    b->off = off;
    b->byte_count = byte_count;
    b->cb_friendly = le16(block + off + ICA_DVC_BIND_CB_FRIENDLY);
    b->o_friendly = le16(block + off + ICA_DVC_BIND_O_FRIENDLY);
    b->friendly_ok = b->cb_friendly && b->o_friendly >= ICA_DVC_BIND_LEN && b->o_friendly <= byte_count &&
                     b->cb_friendly <= byte_count - b->o_friendly;
}

int ica_cap_dvc_binds(const uint8_t *block, size_t blen, ica_dvc_binds *out)
{
    memset(out, 0, sizeof *out);
    if (blen < ICA_CAP_DVC_FIXED)
        return 0;
    out->count = le16(block + ICA_CAP_DVC_COUNT);
    out->first = le16(block + ICA_CAP_DVC_OFFSET);
    out->stop = ICA_DVC_COMPLETE;
    if (out->count == 0)
        return 1;
    if (out->first < ICA_CAP_DVC_FIXED || out->first > blen) {
        out->stop = ICA_DVC_OUTSIDE;
        return 1;
    }
    size_t off = out->first;
    while (out->n < out->count) {
        if (out->n == ICA_DVC_BIND_MAX) {
            out->stop = ICA_DVC_TOO_MANY;
            break;
        }
        if (off + ICA_DVC_BIND_LEN > blen) {
            out->stop = ICA_DVC_TRUNCATED;
            break;
        }
        uint16_t bc = le16(block + off + ICA_DVC_BIND_BYTE_COUNT);
        if (bc < ICA_DVC_BIND_LEN || bc > blen - off) {
            out->stop = ICA_DVC_BAD_ENTRY;
            break;
        }
        dvc_bind_read(block, (uint16_t)off, bc, &out->bind[out->n++]);
        off += bc;
    }
    out->stop_off = (uint16_t)off;
    return 1;
}
