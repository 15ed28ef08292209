/* vc_clipboard.c - CTXCLIP, the clipboard channel (shared notes vc.md §5).
 * Sources: the RISC OS ICA client's wfshell header (WinFrame clipboard
 * protocol v1: WFCLIPHEADER, WFCLIP_* functions and flags, WFCLIPFORMAT) and
 * the Citrix Receiver for HTML5's ClipboardEngine (search-index file
 * 9566384228, protocol v3: registered formats, REQUEST_EMPTY).
 *
 * No length field: the message sizes follow from the layout
 * (plugin/core/vc_clip.c has it, with each function's layout).  Every
 * message starts u16 Function, u16 Flags except INIT_REQUEST (u16 Function,
 * u16 VersionLow, u16 VersionHigh).  Format blocks are u16 uFormat, u32
 * cbData, then cbData bytes (the clipboard data; in register messages the
 * format name, 8-bit).  Registered formats are host ids 0xC000-0xFFFF whose
 * names a REGISTER_FORMAT_REQUEST gives; the names are kept per session on
 * the first pass.  CANCEL and PROGRESS bodies are not public (undecoded).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"
#include "vc_clip.h"

void proto_register_ica_clip(void);
void proto_reg_handoff_ica_clip(void);

static int proto_clip = -1;
static int hf_function = -1;
static int hf_flags = -1;
static int hf_flag_notification_only = -1;
static int hf_flag_multiple_formats = -1;
static int hf_flag_request_failed = -1;
static int hf_flag_request_empty = -1;
static int hf_version_low = -1;
static int hf_version_high = -1;
static int hf_version = -1;
static int hf_threshold = -1;
static int hf_notify_format = -1;
static int hf_format = -1;
static int hf_size = -1;
static int hf_format_name = -1;
static int hf_data = -1;
static int hf_text = -1;
static int hf_reserved = -1;
static int hf_undecoded = -1;
static int ett_clip = -1;
static int ett_clip_flags = -1;
static int ett_clip_block = -1;
static expert_field ei_undecoded = EI_INIT;
static expert_field ei_failed = EI_INIT;

static wmem_map_t *clip_names;      /* (session, host format id) -> registered name (file scope) */

#define CF_TEXT 1
#define CF_OEMTEXT 7
#define CF_UNICODETEXT 13
#define CLIP_REGISTERED_FIRST 0xC000    /* WFCF_REGISTEREDFIRST */

static const value_string function_vals[] = {
    { CLIP_INIT_REQUEST, "INIT_REQUEST" }, { CLIP_INIT_REPLY, "INIT_REPLY" }, { CLIP_PLACE, "PLACE" },
    { CLIP_RENDER_REQUEST, "RENDER_REQUEST" }, { CLIP_RENDER_REPLY, "RENDER_REPLY" }, { CLIP_CANCEL, "CANCEL" },
    { CLIP_PROGRESS, "PROGRESS" }, { CLIP_REGISTER_FORMAT_REQUEST, "REGISTER_FORMAT_REQUEST" },
    { CLIP_REGISTER_FORMAT_REPLY, "REGISTER_FORMAT_REPLY" }, { 0, NULL }
};

/* Standard formats, as the HTML5 client's uWin32FormatArray lists them */
static const value_string format_vals[] = {
    { 1, "CF_TEXT" }, { 2, "CF_BITMAP" }, { 3, "CF_METAFILEPICT" }, { 4, "CF_SYLK" }, { 5, "CF_DIF" },
    { 6, "CF_TIFF" }, { 7, "CF_OEMTEXT" }, { 8, "CF_DIB" }, { 9, "CF_PALETTE" }, { 10, "CF_PENDATA" },
    { 11, "CF_RIFF" }, { 12, "CF_WAVE" }, { 13, "CF_UNICODETEXT" }, { 14, "CF_ENHMETAFILE" }, { 15, "CF_HDROP" },
    { 16, "CF_LOCALE" }, { 17, "CF_DIBV5" }, { 0x80, "CF_OWNERDISPLAY" }, { 0x81, "CF_DSPTEXT" },
    { 0x82, "CF_DSPBITMAP" }, { 0x83, "CF_DSPMETAFILEPICT" }, { 0x8E, "CF_DSPENHMETAFILE" }, { 0, NULL }
};

static guint64 name_key(const ica_vc_info *vi, guint32 fmt)
{
    return ((guint64)GPOINTER_TO_SIZE(vi ? vi->s : NULL) << 16) ^ fmt;
}

/* A format's name: standard, registered in this session, or NULL. */
static const char *format_name(const ica_vc_info *vi, guint32 fmt)
{
    const char *n = try_val_to_str(fmt, format_vals);
    if (!n && fmt >= CLIP_REGISTERED_FIRST) {
        guint64 k = name_key(vi, fmt);
        n = (const char *)wmem_map_lookup(clip_names, &k);
    }
    return n;
}

static void add_flags(tvbuff_t *t, proto_tree *tree, guint32 *flags)
{
    static int *const bits[] = { &hf_flag_notification_only, &hf_flag_multiple_formats, &hf_flag_request_failed,
                                 &hf_flag_request_empty, NULL };
    *flags = tvb_get_letohs(t, 2);
    proto_tree_add_bitmask(tree, t, 2, hf_flags, ett_clip_flags, bits, ENC_LITTLE_ENDIAN);
}

/* One format block at off; returns its size, data included when with_data. */
static guint32 add_block(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint32 off, gboolean with_data,
                         guint32 fn, ica_vc_info *vi, wmem_strbuf_t *sum)
{
    guint32 fmt = tvb_get_letohs(t, off), cb = tvb_get_letohl(t, off + 2);
    guint32 len = tvb_reported_length(t), rest = len > off + 6 ? len - off - 6 : 0;
    guint32 dlen = with_data ? MIN(cb, rest) : 0;
    const char *name = format_name(vi, fmt);
    proto_tree *bt = proto_tree_add_subtree_format(tree, t, off, 6 + dlen, ett_clip_block, NULL, "Format %s (%u), "
                                                   "%u bytes", name ? name : "unknown", fmt, cb);
    proto_tree_add_item(bt, hf_format, t, off, 2, ENC_LITTLE_ENDIAN);
    if (name && fmt >= CLIP_REGISTERED_FIRST && fn != CLIP_REGISTER_FORMAT_REQUEST)
        proto_item_set_generated(proto_tree_add_string(bt, hf_format_name, t, off, 2, name));
    proto_tree_add_item(bt, hf_size, t, off + 2, 4, ENC_LITTLE_ENDIAN);
    if (!dlen)
        return 6;
    if (fn == CLIP_REGISTER_FORMAT_REQUEST) {
        const guint8 *reg;
        proto_tree_add_item_ret_string(bt, hf_format_name, t, off + 6, dlen, ENC_ASCII, pinfo->pool, &reg);
        if (!PINFO_FD_VISITED(pinfo) && fmt >= CLIP_REGISTERED_FIRST) {
            guint64 *k = wmem_new(wmem_file_scope(), guint64);
            *k = name_key(vi, fmt);
            wmem_map_insert(clip_names, k, wmem_strdup(wmem_file_scope(), (const char *)reg));
        }
        return 6 + dlen;
    }
    /* the clipboard bytes as their own data source */
    tvbuff_t *d = tvb_new_subset_length(t, off + 6, dlen);
    add_new_data_source(pinfo, d, wmem_strdup_printf(pinfo->pool, "Clipboard %s", name ? name : "data"));
    proto_tree_add_item(bt, hf_data, d, 0, dlen, ENC_NA);
    if (fmt == CF_TEXT || fmt == CF_OEMTEXT)
        proto_tree_add_item(bt, hf_text, d, 0, dlen, ENC_ASCII);
    else if (fmt == CF_UNICODETEXT)
        proto_tree_add_item(bt, hf_text, d, 0, dlen & ~1u, ENC_UTF_16 | ENC_LITTLE_ENDIAN);
    wmem_strbuf_append_printf(sum, " %s %u bytes", name ? name : "format", cb);
    ica_vc_tap_fact(pinfo, ICA_TAP_CLIP_DATA, (gint32)MIN(cb, (guint32)G_MAXINT32), name ? name : "unknown");
    return 6 + dlen;
}

/* Blocks from off: one, or up to a u16 0 (PLACE) / a 6-byte zero block (register messages). */
static void add_blocks(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint32 off, gboolean with_data,
                       gboolean chain, guint32 fn, ica_vc_info *vi, wmem_strbuf_t *sum)
{
    guint32 len = tvb_reported_length(t);
    gboolean zero_block = fn != CLIP_PLACE;
    while (off + 2 <= len) {
        if (chain && tvb_get_letohs(t, off) == 0) {     /* the end of the list */
            proto_tree_add_item(tree, hf_format, t, off, 2, ENC_LITTLE_ENDIAN);
            if (zero_block)
                proto_tree_add_item(tree, hf_size, t, off + 2, 4, ENC_LITTLE_ENDIAN);
            return;
        }
        off += add_block(t, pinfo, tree, off, with_data, fn, vi, sum);
        if (!chain)
            return;
    }
}

static void add_body(tvbuff_t *t, packet_info *pinfo, proto_tree *ct, guint32 fn, ica_vc_info *vi,
                     wmem_strbuf_t *sum)
{
    guint32 flags, len = tvb_reported_length(t);
    if (fn == CLIP_INIT_REQUEST) {
        proto_tree_add_item(ct, hf_version_low, t, 2, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ct, hf_version_high, t, 4, 2, ENC_LITTLE_ENDIAN);
        return;
    }
    add_flags(t, ct, &flags);
    switch (fn) {
    case CLIP_INIT_REPLY:
        proto_tree_add_item(ct, hf_version, t, 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ct, hf_threshold, t, 6, 4, ENC_LITTLE_ENDIAN);
        for (guint32 o = 10; o + 2 <= len; o += 2)
            proto_tree_add_item(ct, hf_notify_format, t, o, 2, ENC_LITTLE_ENDIAN);
        break;
    case CLIP_RENDER_REQUEST: {
        guint32 fmt = tvb_get_letohs(t, 4);
        const char *name = format_name(vi, fmt);
        proto_tree_add_item(ct, hf_format, t, 4, 2, ENC_LITTLE_ENDIAN);
        if (name && fmt >= CLIP_REGISTERED_FIRST)
            proto_item_set_generated(proto_tree_add_string(ct, hf_format_name, t, 4, 2, name));
        proto_tree_add_item(ct, hf_reserved, t, 6, 2, ENC_LITTLE_ENDIAN);
        wmem_strbuf_append_printf(sum, " %s", name ? name : "format");
        break;
    }
    case CLIP_PLACE:
    case CLIP_RENDER_REPLY:
        if (flags & CLIP_FLAG_REQUEST_FAILED) {
            if (fn == CLIP_RENDER_REPLY)
                expert_add_info(pinfo, ct, &ei_failed);
            wmem_strbuf_append(sum, (flags & CLIP_FLAG_REQUEST_EMPTY) ? " clipboard emptied" : " failed");
            if (len > 4)
                proto_tree_add_item(ct, hf_undecoded, t, 4, len - 4, ENC_NA);
            break;
        }
        add_blocks(t, pinfo, ct, 4, !(fn == CLIP_PLACE && (flags & CLIP_FLAG_NOTIFICATION_ONLY)),
                   fn == CLIP_PLACE && (flags & CLIP_FLAG_MULTIPLE_FORMATS), fn, vi, sum);
        break;
    case CLIP_REGISTER_FORMAT_REQUEST:
    case CLIP_REGISTER_FORMAT_REPLY:
        add_blocks(t, pinfo, ct, 4, TRUE, TRUE, fn, vi, sum);
        break;
    default:
        if (len > 4)
            expert_add_info(pinfo, proto_tree_add_item(ct, hf_undecoded, t, 4, len - 4, ENC_NA), &ei_undecoded);
        break;
    }
}

static int dissect_clip(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 fn;
    proto_item *ti = proto_tree_add_item(tree, proto_clip, t, 0, -1, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ti, ett_clip);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item_ret_uint(ct, hf_function, t, 0, 2, ENC_LITTLE_ENDIAN, &fn);
    const char *name = wsc_val_to_str(pinfo->pool, fn, function_vals, "function %u");
    if (vi && vi->summary)      /* before the body: a body cut short still names the function */
        wmem_strbuf_append_printf(vi->summary, " CLIP %s", name);
    proto_item_append_text(ti, ": %s", name);
    add_body(t, pinfo, ct, fn, vi, sum);
    proto_item_append_text(ti, "%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return tvb_reported_length(t);
}

void
proto_register_ica_clip(void)
{
    static hf_register_info hf[] = {
        { &hf_function, { "Function", "ica.clip.function", FT_UINT16, BASE_DEC, VALS(function_vals), 0x0, NULL, HFILL } },
        { &hf_flags, { "Flags", "ica.clip.flags", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_flag_notification_only, { "Notification only", "ica.clip.flags.notification_only", FT_BOOLEAN, 16, NULL, CLIP_FLAG_NOTIFICATION_ONLY, "WFCLIP_NOTIFICATION_ONLY: formats without data", HFILL } },
        { &hf_flag_multiple_formats, { "Multiple formats", "ica.clip.flags.multiple_formats", FT_BOOLEAN, 16, NULL, CLIP_FLAG_MULTIPLE_FORMATS, NULL, HFILL } },
        { &hf_flag_request_failed, { "Request failed", "ica.clip.flags.request_failed", FT_BOOLEAN, 16, NULL, CLIP_FLAG_REQUEST_FAILED, NULL, HFILL } },
        { &hf_flag_request_empty, { "Request empty", "ica.clip.flags.request_empty", FT_BOOLEAN, 16, NULL, CLIP_FLAG_REQUEST_EMPTY, "Make the clipboard empty (with request failed; HTML5 client)", HFILL } },
        { &hf_version_low, { "Version low", "ica.clip.version_low", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_version_high, { "Version high", "ica.clip.version_high", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_version, { "Version", "ica.clip.version", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_threshold, { "Threshold", "ica.clip.threshold", FT_UINT32, BASE_DEC, NULL, 0x0, "0 always delay-render, 0xFFFFFFFF never", HFILL } },
        { &hf_notify_format, { "Notify format", "ica.clip.notify_format", FT_UINT16, BASE_DEC, VALS(format_vals), 0x0, "CFNotify list (0 ends it)", HFILL } },
        { &hf_format, { "Format", "ica.clip.format", FT_UINT16, BASE_DEC, VALS(format_vals), 0x0, "uFormat (0xC000 and above: registered)", HFILL } },
        { &hf_size, { "Size", "ica.clip.size", FT_UINT32, BASE_DEC, NULL, 0x0, "cbData", HFILL } },
        { &hf_format_name, { "Format name", "ica.clip.format_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "Registered format name", HFILL } },
        { &hf_data, { "Clipboard data", "ica.clip.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_text, { "Clipboard text", "ica.clip.text", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "CF_TEXT / CF_OEMTEXT (8-bit) or CF_UNICODETEXT (UTF-16LE) data", HFILL } },
        { &hf_reserved, { "Reserved", "ica.clip.reserved", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.clip.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public source describes", HFILL } },
    };
    static int *ett[] = { &ett_clip, &ett_clip_flags, &ett_clip_block };
    static ei_register_info ei[] = {
        { &ei_undecoded, { "ica.clip.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for this function", EXPFILL } },
        { &ei_failed, { "ica.clip.render_failed", PI_RESPONSE_CODE, PI_NOTE, "Clipboard data could not be rendered", EXPFILL } },
    };
    proto_clip = proto_register_protocol("Citrix ICA clipboard channel", "CTXCLIP", "ica.clip");
    proto_register_field_array(proto_clip, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_clip), ei, array_length(ei));
    clip_names = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_int64_hash, g_int64_equal);
}

void
proto_reg_handoff_ica_clip(void)
{
    /* sizes from the layout; a message whose size is not known within 16 MiB is dropped */
    static const vc_len_rule rule = { VC_LEN_MEASURE, 0, 0, 0, 0, 16u << 20, vc_clip_size };
    ica_vc_register("CTXCLIP", dissect_clip, proto_clip, &rule);
}
