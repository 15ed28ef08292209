/* vc_cpm.c - CTXCPM, client printer mapping, the spooled "CPM v2+"
 * requests (shared notes vc.md §9).  Sources: the RISC OS ICA client's
 * cpmwire header ("Wire Protocol Header for CITRIX Client Printer Mapping
 * Protocol ... major version 2": structures, error classes, DOS error codes,
 * printer status bits, access modes) and the Citrix Receiver for HTML5's
 * PrinterProcessor (search-index file 8930246194: which requests it answers
 * and how) and CPM marshall functions (9435813423: field order as read and
 * written).
 *
 * No length field: u8 h_type, u8 MpxId (request id, echoed in the reply),
 * then a fixed structure, some followed by data (plugin/core/vc_dev.c
 * measures them).  Requests 64-72 come from the host, replies 192-200 from
 * the client.  Little-endian.
 *    64 ENUMPRINTER: u16 Index, u16 DataSize        192: u16 Result, u16 Count,
 *       u16 Size, then Count entries ENUMSTRUCT (u8 NameSize, DriverSize,
 *       PortSize, CommentSize, u32 Flags, u16 ExtraSize) + name, driver,
 *       port, comment, extra
 *    65 OPENPRINTER: u8 NameSize, u8 AccessMode, the printer name (8-bit)
 *                                                    193: u16 Result, u16 Context
 *    66 CLOSEPRINTER: u16 Context                    194: u16 Result
 *    67 READPRINTER: u16 Context, u16 ReadSize       195: u16 Result, u16
 *       AmountRead, the data read
 *    68 WRITEPRINTER: u16 Context, u16 WriteSize, the spooled data
 *                                                    196: u16 Result, u16 AmountWrote
 *    69 GETPRINTER: u16 Context, u32 Flags, u16 DataSize
 *                                                    197: u16 Result, u32 Status,
 *       u32 Flags, u16 InfoLen, InfoLen bytes
 *    70 SETPRINTER: u16 Context, u32 Status, u32 Flags, u16 InfoLen (the
 *       InfoLen bytes following it: inferred from the GETPRINTER reply)
 *                                                    198: u16 Result, u32 Status, u32 Flags
 *                                                    199 ASYNC_STATUS (unsolicited):
 *       u8 Pad, u16 Context, u32 Status
 *    72 CONNECT2 (the host's first): u16 Size, u16 VersionLow, u16
 *       VersionHigh, u16 Flags; no reply
 *    71, 200: reserved (bytes to the end of the write, undecoded)
 * Result: the error class in the low byte, the DOS error code in the high
 * byte.  The printer a Context names is the one the OPENPRINTER with the
 * reply's MpxId opened (kept per session on the first pass).  Job names
 * are not part of this protocol; v5+ (Unicode names, PDF/UPD printing)
 * payloads are not public: names are shown as 8-bit text.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include "packet-ica-vc.h"
#include "vc_dev.h"

void proto_register_ica_cpm(void);
void proto_reg_handoff_ica_cpm(void);

static int proto_cpm = -1;
static int hf_type = -1;
static int hf_mpx_id = -1;
static int hf_pad = -1;
static int hf_result = -1;
static int hf_error_class = -1;
static int hf_dos_error = -1;
static int hf_index = -1;
static int hf_data_size = -1;
static int hf_count = -1;
static int hf_size = -1;
static int hf_name_size = -1;
static int hf_driver_size = -1;
static int hf_port_size = -1;
static int hf_comment_size = -1;
static int hf_enum_flags = -1;
static int hf_extra_size = -1;
static int hf_driver = -1;
static int hf_port = -1;
static int hf_comment = -1;
static int hf_extra = -1;
static int hf_access_mode = -1;
static int hf_access = -1;
static int hf_exclusive = -1;
static int hf_printer = -1;
static int hf_context = -1;
static int hf_context_printer = -1;
static int hf_read_size = -1;
static int hf_amount_read = -1;
static int hf_write_size = -1;
static int hf_amount_wrote = -1;
static int hf_data = -1;
static int hf_flags = -1;
static int hf_status = -1;
static int hf_status_timeout = -1;
static int hf_status_ioerror = -1;
static int hf_status_select = -1;
static int hf_status_outofpaper = -1;
static int hf_status_ack = -1;
static int hf_status_notbusy = -1;
static int hf_status_queue_empty = -1;
static int hf_status_queue_full = -1;
static int hf_info_len = -1;
static int hf_info = -1;
static int hf_connect_size = -1;
static int hf_version_low = -1;
static int hf_version_high = -1;
static int hf_connect_flags = -1;
static int hf_undecoded = -1;
static int ett_cpm = -1;
static int ett_cpm_entry = -1;
static int ett_cpm_bits = -1;
static expert_field ei_error = EI_INIT;
static expert_field ei_size = EI_INIT;
static expert_field ei_connect_size = EI_INIT;
static expert_field ei_length = EI_INIT;
static expert_field ei_undecoded = EI_INIT;

#define CPM_MAX_LEN 0x20000         /* the longest message kept for reassembly */
#define CPM_ORDINAL_KEY 0x4350      /* p_add_proto_data key (packet scope): CPM messages seen in the frame */

/* first-pass state of one session: MpxId -> printer being opened, Context -> printer */
typedef struct {
    wmem_map_t *opening;
    wmem_map_t *contexts;
} cpm_sess_t;

static wmem_map_t *cpm_sessions;    /* ica_session * -> cpm_sess_t (file scope) */
static wmem_map_t *cpm_names;       /* frame << 16 | message ordinal -> printer name resolved on the first pass */

static const value_string type_vals[] = {
    { CPM_ENUMPRINTER, "ENUMPRINTER" }, { CPM_OPENPRINTER, "OPENPRINTER" }, { CPM_CLOSEPRINTER, "CLOSEPRINTER" },
    { CPM_READPRINTER, "READPRINTER" }, { CPM_WRITEPRINTER, "WRITEPRINTER" }, { CPM_GETPRINTER, "GETPRINTER" },
    { CPM_SETPRINTER, "SETPRINTER" }, { CPM_ASYNC_STATUS_REQUEST, "ASYNC_STATUS_REQUEST (reserved)" },
    { CPM_CONNECT2, "CONNECT2" },
    { CPM_ENUMPRINTER_REPLY, "ENUMPRINTER_REPLY" }, { CPM_OPENPRINTER_REPLY, "OPENPRINTER_REPLY" },
    { CPM_CLOSEPRINTER_REPLY, "CLOSEPRINTER_REPLY" }, { CPM_READPRINTER_REPLY, "READPRINTER_REPLY" },
    { CPM_WRITEPRINTER_REPLY, "WRITEPRINTER_REPLY" }, { CPM_GETPRINTER_REPLY, "GETPRINTER_REPLY" },
    { CPM_SETPRINTER_REPLY, "SETPRINTER_REPLY" }, { CPM_ASYNC_STATUS, "ASYNC_STATUS" },
    { CPM_CONNECT2_REPLY, "CONNECT2_REPLY (reserved)" }, { 0, NULL }
};

static const value_string error_class_vals[] = {
    { 0x00, "NONE" }, { 0x01, "RESOURCE" }, { 0x02, "TEMPORARY" }, { 0x03, "NOACCESS" }, { 0x04, "INTERNAL" },
    { 0x05, "HARDWARE" }, { 0x06, "SYSTEM" }, { 0x07, "INVALID" }, { 0x08, "NOTFOUND" }, { 0x09, "BADFORMAT" },
    { 0x0A, "LOCKED" }, { 0x0B, "MEDIA" }, { 0x0C, "EXISTS" }, { 0x0D, "EOF" }, { 0x0E, "UNKNOWN" }, { 0, NULL }
};

static const value_string dos_error_vals[] = {
    { 0x00, "NOERROR" }, { 0x01, "INVALIDFUNC" }, { 0x02, "NOTFOUND" }, { 0x03, "PATHNOTFOUND" },
    { 0x04, "NOHANDLES" }, { 0x05, "ACCESSDENIED" }, { 0x06, "INVALIDHANDLE" }, { 0x08, "NOMEM" },
    { 0x0C, "BADACCESS" }, { 0x0F, "BADDRIVE" }, { 0x12, "NOFILES" }, { 0x13, "WRITEPROTECT" }, { 0x15, "NOTREADY" },
    { 0x18, "BADLENGTH" }, { 0x1A, "UNKNOWNMEDIA" }, { 0x1C, "OUTOFPAPER" }, { 0x20, "SHARE" }, { 0x21, "LOCK" },
    { 0x22, "INVALIDDISK" }, { 0x3D, "PRINTQUEFULL" }, { 0x3E, "PRINTNOSPACE" }, { 0x3F, "PRINTFILEDEL" },
    { 0x50, "EXISTS" }, { 0xFF, "UNKNOWN" }, { 0, NULL }
};

static const value_string access_vals[] = {
    { 0x00, "READACCESS" }, { 0x01, "WRITEACCESS" }, { 0x02, "READWRITE" }, { 0, NULL }
};

static cpm_sess_t *sess_state(const ica_vc_info *vi)
{
    const void *key = vi ? (const void *)vi->s : NULL;
    cpm_sess_t *s = (cpm_sess_t *)wmem_map_lookup(cpm_sessions, key);
    if (!s) {
        s = wmem_new(wmem_file_scope(), cpm_sess_t);
        s->opening = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        s->contexts = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        wmem_map_insert(cpm_sessions, key, s);
    }
    return s;
}

/* This message's key for what the first pass resolved: its frame and place among the frame's CPM messages. */
static guint64 msg_key(packet_info *pinfo)
{
    guint ordinal = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_cpm, CPM_ORDINAL_KEY));
    p_add_proto_data(pinfo->pool, pinfo, proto_cpm, CPM_ORDINAL_KEY, GUINT_TO_POINTER(ordinal + 1));
    return ((guint64)pinfo->num << 16) | (ordinal & 0xFFFF);
}

/* The printer name for this message: on the first pass from lookup (may be NULL), kept; then as kept. */
static const char *resolved_name(packet_info *pinfo, guint64 key, const char *lookup)
{
    if (!PINFO_FD_VISITED(pinfo)) {
        if (lookup) {
            guint64 *k = wmem_new(wmem_file_scope(), guint64);
            *k = key;
            wmem_map_insert(cpm_names, k, (gpointer)lookup);
        }
        return lookup;
    }
    return (const char *)wmem_map_lookup(cpm_names, &key);
}

/* The printer a Context names (generated field), as the first pass knew it. */
static const char *context_printer(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, const ica_vc_info *vi,
                                   guint32 off, guint32 ctx)
{
    guint64 key = msg_key(pinfo);
    const char *name = NULL;
    if (!PINFO_FD_VISITED(pinfo))
        name = (const char *)wmem_map_lookup(sess_state(vi)->contexts, GUINT_TO_POINTER(ctx));
    name = resolved_name(pinfo, key, name);
    if (name)
        proto_item_set_generated(proto_tree_add_string(tree, hf_context_printer, t, off, 2, name));
    return name;
}

static guint32 add_context(tvbuff_t *t, proto_tree *tree, guint32 off, wmem_strbuf_t *sum)
{
    guint32 ctx;
    proto_tree_add_item_ret_uint(tree, hf_context, t, off, 2, ENC_LITTLE_ENDIAN, &ctx);
    wmem_strbuf_append_printf(sum, " context %u", ctx);
    return ctx;
}

/* u16 Result at 2: the error class and DOS error; an expert note when not NONE */
static guint32 add_result(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 result = tvb_get_letohs(t, 2);
    proto_item *ri = proto_tree_add_item(tree, hf_result, t, 2, 2, ENC_LITTLE_ENDIAN);
    proto_tree *rt = proto_item_add_subtree(ri, ett_cpm_bits);
    proto_tree_add_item(rt, hf_error_class, t, 2, 1, ENC_NA);
    proto_tree_add_item(rt, hf_dos_error, t, 3, 1, ENC_NA);
    if (result) {
        const char *cls = val_to_str_const(result & 0xFF, error_class_vals, "class ?");
        const char *dos = val_to_str_const(result >> 8, dos_error_vals, "?");
        wmem_strbuf_append_printf(sum, " %s/%s", cls, dos);
        expert_add_info_format(pinfo, ri, &ei_error, "Result %s / DOS error %s", cls, dos);
    }
    return result;
}

static void add_status(tvbuff_t *t, proto_tree *tree, guint32 off)
{
    static int *const bits[] = { &hf_status_timeout, &hf_status_ioerror, &hf_status_select, &hf_status_outofpaper,
                                 &hf_status_ack, &hf_status_notbusy, &hf_status_queue_empty, &hf_status_queue_full,
                                 NULL };
    proto_tree_add_bitmask(tree, t, off, hf_status, ett_cpm_bits, bits, ENC_LITTLE_ENDIAN);
}

/* n bytes of data at off, cut to what the message holds (an expert mark when cut) */
static guint32 add_counted(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, int hf, proto_item *li, guint32 off,
                           guint32 n)
{
    guint32 len = tvb_reported_length(t), have = off < len ? len - off : 0;
    if (n > have) {
        expert_add_info_format(pinfo, li, &ei_length, "Length %u: only %u bytes in the message", n, have);
        n = have;
    }
    if (n)
        proto_tree_add_item(tree, hf, t, off, n, hf == hf_data || hf == hf_info || hf == hf_extra ? ENC_NA : ENC_ASCII);
    return n;
}

static void add_enum_reply(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 count, size, len = tvb_captured_length(t);     /* the core reads the bytes there are */
    add_result(t, pinfo, tree, sum);
    proto_item *ci = proto_tree_add_item_ret_uint(tree, hf_count, t, 4, 2, ENC_LITTLE_ENDIAN, &count);
    proto_item *si = proto_tree_add_item_ret_uint(tree, hf_size, t, 6, 2, ENC_LITTLE_ENDIAN, &size);
    wmem_strbuf_append_printf(sum, " %u printer%s", count, count == 1 ? "" : "s");
    const guint8 *msg = tvb_get_ptr(t, 0, len);
    guint32 off = CPM_ENUM_REPLY_HDR;
    for (guint32 i = 0; i < count; i++) {
        cpm_enum_entry e;
        if (!vc_cpm_enum_entry(msg, len, off, &e) || e.size > len - off) {
            expert_add_info_format(pinfo, ci, &ei_length, "Count %u: only %u entries fit in the message", count, i);
            return;
        }
        guint32 o = off + CPM_ENUMSTRUCT;
        const guint8 *name = tvb_get_string_enc(pinfo->pool, t, o, e.name_size, ENC_ASCII);
        proto_tree *et = proto_tree_add_subtree_format(tree, t, off, e.size, ett_cpm_entry, NULL, "Printer %s",
                                                       name);
        proto_tree_add_item(et, hf_name_size, t, off, 1, ENC_NA);
        proto_tree_add_item(et, hf_driver_size, t, off + 1, 1, ENC_NA);
        proto_tree_add_item(et, hf_port_size, t, off + 2, 1, ENC_NA);
        proto_tree_add_item(et, hf_comment_size, t, off + 3, 1, ENC_NA);
        proto_tree_add_item(et, hf_enum_flags, t, off + 4, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(et, hf_extra_size, t, off + 8, 2, ENC_LITTLE_ENDIAN);
        static int *const hfs[5] = { &hf_printer, &hf_driver, &hf_port, &hf_comment, &hf_extra };
        guint32 sizes[5] = { e.name_size, e.driver_size, e.port_size, e.comment_size, e.extra_size };
        for (int k = 0; k < 5; k++) {
            if (sizes[k])
                proto_tree_add_item(et, *hfs[k], t, o, sizes[k], k == 4 ? ENC_NA : ENC_ASCII);
            o += sizes[k];
        }
        wmem_strbuf_append_printf(sum, "%s%s", i ? ", " : ": ", name);
        off += e.size;
    }
    /* Size: the entries' bytes (inferred: cpmwire names the field only; it matches them) */
    if (size != off - CPM_ENUM_REPLY_HDR)
        expert_add_info_format(pinfo, si, &ei_size, "Size %u differs from the %u bytes of the entries", size,
                               off - CPM_ENUM_REPLY_HDR);
}

static void add_body(tvbuff_t *t, packet_info *pinfo, proto_tree *ct, guint32 type, ica_vc_info *vi,
                     wmem_strbuf_t *sum)
{
    guint32 len = tvb_reported_length(t), fixed;
    guint32 mpx = tvb_get_uint8(t, 1);
    switch (type) {
    case CPM_ENUMPRINTER: {
        guint32 idx;
        proto_tree_add_item_ret_uint(ct, hf_index, t, 2, 2, ENC_LITTLE_ENDIAN, &idx);
        proto_tree_add_item(ct, hf_data_size, t, 4, 2, ENC_LITTLE_ENDIAN);
        wmem_strbuf_append_printf(sum, " index %u", idx);
        fixed = 6;
        break;
    }
    case CPM_ENUMPRINTER_REPLY:
        add_enum_reply(t, pinfo, ct, sum);
        return;
    case CPM_OPENPRINTER: {
        static int *const bits[] = { &hf_access, &hf_exclusive, NULL };
        guint32 ns;
        proto_item *ni = proto_tree_add_item_ret_uint(ct, hf_name_size, t, 2, 1, ENC_NA, &ns);
        proto_tree_add_bitmask(ct, t, 3, hf_access_mode, ett_cpm_bits, bits, ENC_NA);
        guint32 n = add_counted(t, pinfo, ct, hf_printer, ni, 4, ns);
        const char *name = (const char *)tvb_get_string_enc(pinfo->pool, t, 4, n, ENC_ASCII);
        wmem_strbuf_append_printf(sum, " \"%s\"", name);
        ica_vc_tap_fact(pinfo, ICA_TAP_CPM_PRINTER, 0, name);
        if (!PINFO_FD_VISITED(pinfo))
            wmem_map_insert(sess_state(vi)->opening, GUINT_TO_POINTER(mpx),
                            wmem_strdup(wmem_file_scope(), name));
        fixed = 4 + n;
        break;
    }
    case CPM_OPENPRINTER_REPLY: {
        guint32 ctx;
        guint32 result = add_result(t, pinfo, ct, sum);
        ctx = add_context(t, ct, 4, sum);
        guint64 key = msg_key(pinfo);
        const char *name = NULL;
        if (!PINFO_FD_VISITED(pinfo)) {
            cpm_sess_t *s = sess_state(vi);
            name = (const char *)wmem_map_lookup(s->opening, GUINT_TO_POINTER(mpx));
            if (name && !result)
                wmem_map_insert(s->contexts, GUINT_TO_POINTER(ctx), (gpointer)name);
        }
        name = resolved_name(pinfo, key, name);
        if (name) {
            proto_item_set_generated(proto_tree_add_string(ct, hf_context_printer, t, 4, 2, name));
            wmem_strbuf_append_printf(sum, " \"%s\"", name);
        }
        fixed = 6;
        break;
    }
    case CPM_CLOSEPRINTER:
    case CPM_READPRINTER:
    case CPM_WRITEPRINTER:
    case CPM_GETPRINTER:
    case CPM_SETPRINTER: {
        guint32 ctx = add_context(t, ct, 2, sum);
        const char *name = context_printer(t, pinfo, ct, vi, 2, ctx);
        if (name)
            wmem_strbuf_append_printf(sum, " \"%s\"", name);
        fixed = 4;
        if (type == CPM_READPRINTER) {
            guint32 rs;
            proto_tree_add_item_ret_uint(ct, hf_read_size, t, 4, 2, ENC_LITTLE_ENDIAN, &rs);
            wmem_strbuf_append_printf(sum, " %u bytes", rs);
            fixed = 6;
        } else if (type == CPM_WRITEPRINTER) {
            guint32 ws;
            proto_item *wi = proto_tree_add_item_ret_uint(ct, hf_write_size, t, 4, 2, ENC_LITTLE_ENDIAN, &ws);
            guint32 n = add_counted(t, pinfo, ct, hf_data, wi, 6, ws);
            wmem_strbuf_append_printf(sum, " %u bytes", n);
            ica_vc_tap_fact(pinfo, ICA_TAP_CPM_BYTES, (gint32)n, name);
            fixed = 6 + n;
        } else if (type == CPM_GETPRINTER) {
            proto_tree_add_item(ct, hf_flags, t, 4, 4, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(ct, hf_data_size, t, 8, 2, ENC_LITTLE_ENDIAN);
            fixed = 10;
        } else if (type == CPM_SETPRINTER) {
            guint32 il;
            add_status(t, ct, 4);
            proto_tree_add_item(ct, hf_flags, t, 8, 4, ENC_LITTLE_ENDIAN);
            proto_item *ii = proto_tree_add_item_ret_uint(ct, hf_info_len, t, 12, 2, ENC_LITTLE_ENDIAN, &il);
            proto_item_append_text(ii, " (the bytes following: inferred)");
            fixed = 14 + add_counted(t, pinfo, ct, hf_info, ii, 14, il);
        }
        break;
    }
    case CPM_CLOSEPRINTER_REPLY:
        add_result(t, pinfo, ct, sum);
        fixed = 4;
        break;
    case CPM_READPRINTER_REPLY:
    case CPM_WRITEPRINTER_REPLY: {
        guint32 amount;
        add_result(t, pinfo, ct, sum);
        proto_item *ai = proto_tree_add_item_ret_uint(ct, type == CPM_READPRINTER_REPLY ? hf_amount_read :
                                                      hf_amount_wrote, t, 4, 2, ENC_LITTLE_ENDIAN, &amount);
        wmem_strbuf_append_printf(sum, " %u bytes", amount);
        fixed = 6;
        if (type == CPM_READPRINTER_REPLY)
            fixed += add_counted(t, pinfo, ct, hf_data, ai, 6, amount);
        break;
    }
    case CPM_GETPRINTER_REPLY:
    case CPM_SETPRINTER_REPLY: {
        add_result(t, pinfo, ct, sum);
        add_status(t, ct, 4);
        wmem_strbuf_append_printf(sum, " status 0x%04x", tvb_get_letohl(t, 4));
        proto_tree_add_item(ct, hf_flags, t, 8, 4, ENC_LITTLE_ENDIAN);
        fixed = 12;
        if (type == CPM_GETPRINTER_REPLY) {
            guint32 il;
            proto_item *ii = proto_tree_add_item_ret_uint(ct, hf_info_len, t, 12, 2, ENC_LITTLE_ENDIAN, &il);
            fixed = 14 + add_counted(t, pinfo, ct, hf_info, ii, 14, il);
        }
        break;
    }
    case CPM_ASYNC_STATUS: {
        proto_tree_add_item(ct, hf_pad, t, 1, 1, ENC_NA);
        guint32 ctx = add_context(t, ct, 2, sum);
        const char *name = context_printer(t, pinfo, ct, vi, 2, ctx);
        if (name)
            wmem_strbuf_append_printf(sum, " \"%s\"", name);
        add_status(t, ct, 4);
        wmem_strbuf_append_printf(sum, " status 0x%04x", tvb_get_letohl(t, 4));
        fixed = 8;
        break;
    }
    case CPM_CONNECT2: {
        guint32 size, lo, hi;
        proto_item *si = proto_tree_add_item_ret_uint(ct, hf_connect_size, t, 2, 2, ENC_LITTLE_ENDIAN, &size);
        proto_tree_add_item_ret_uint(ct, hf_version_low, t, 4, 2, ENC_LITTLE_ENDIAN, &lo);
        proto_tree_add_item_ret_uint(ct, hf_version_high, t, 6, 2, ENC_LITTLE_ENDIAN, &hi);
        proto_tree_add_item(ct, hf_connect_flags, t, 8, 2, ENC_LITTLE_ENDIAN);
        wmem_strbuf_append_printf(sum, " versions %u..%u", lo, hi);
        if (size != 10)
            expert_add_info_format(pinfo, si, &ei_connect_size, "Header size %u: the version 2 header is 10 bytes "
                                   "(the rest, if any, is read as the next message, as the HTML5 client does)",
                                   size);
        fixed = 10;
        break;
    }
    default:        /* 71, 200 (reserved) and unknown types */
        if (len > 2)
            expert_add_info(pinfo, proto_tree_add_item(ct, hf_undecoded, t, 2, len - 2, ENC_NA), &ei_undecoded);
        return;
    }
    if (len > fixed)
        proto_tree_add_item(ct, hf_undecoded, t, fixed, len - fixed, ENC_NA);
}

static int dissect_cpm(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 type;
    proto_item *ti = proto_tree_add_item(tree, proto_cpm, t, 0, -1, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ti, ett_cpm);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item_ret_uint(ct, hf_type, t, 0, 1, ENC_NA, &type);
    if (type != CPM_ASYNC_STATUS)
        proto_tree_add_item(ct, hf_mpx_id, t, 1, 1, ENC_NA);
    const char *name = wsc_val_to_str(pinfo->pool, type, type_vals, "type %u");
    if (vi && vi->summary)      /* before the body: a body cut short still names the type */
        wmem_strbuf_append_printf(vi->summary, " CPM %s", name);
    proto_item_append_text(ti, ": %s", name);
    add_body(t, pinfo, ct, type, vi, sum);
    proto_item_append_text(ti, "%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return tvb_reported_length(t);
}

void
proto_register_ica_cpm(void)
{
    static hf_register_info hf[] = {
        { &hf_type, { "Type", "ica.cpm.type", FT_UINT8, BASE_DEC, VALS(type_vals), 0x0, "h_type: requests 64-72 (host), replies 192-200 (client)", HFILL } },
        { &hf_mpx_id, { "MpxId", "ica.cpm.mpx_id", FT_UINT8, BASE_DEC, NULL, 0x0, "Request id, echoed in the reply", HFILL } },
        { &hf_pad, { "Pad", "ica.cpm.pad", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_result, { "Result", "ica.cpm.result", FT_UINT16, BASE_HEX, NULL, 0x0, "Error class (low byte), DOS error code (high byte)", HFILL } },
        { &hf_error_class, { "Error class", "ica.cpm.error_class", FT_UINT8, BASE_HEX, VALS(error_class_vals), 0x0, "CPM_ERROR_*", HFILL } },
        { &hf_dos_error, { "DOS error", "ica.cpm.dos_error", FT_UINT8, BASE_HEX, VALS(dos_error_vals), 0x0, "CPM_DOSERROR_*", HFILL } },
        { &hf_index, { "Index", "ica.cpm.index", FT_UINT16, BASE_DEC, NULL, 0x0, "First printer to enumerate", HFILL } },
        { &hf_data_size, { "Data size", "ica.cpm.data_size", FT_UINT16, BASE_DEC, NULL, 0x0, "Most data to return", HFILL } },
        { &hf_count, { "Count", "ica.cpm.count", FT_UINT16, BASE_DEC, NULL, 0x0, "Printers enumerated", HFILL } },
        { &hf_size, { "Size", "ica.cpm.size", FT_UINT16, BASE_DEC, NULL, 0x0, "The entries' bytes (inferred: cpmwire names the field only)", HFILL } },
        { &hf_name_size, { "Name size", "ica.cpm.name_size", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_driver_size, { "Driver size", "ica.cpm.driver_size", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_port_size, { "Port size", "ica.cpm.port_size", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_comment_size, { "Comment size", "ica.cpm.comment_size", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_enum_flags, { "Printer flags", "ica.cpm.enum_flags", FT_UINT32, BASE_HEX, NULL, 0x0, "ENUMSTRUCT Flags (no public names)", HFILL } },
        { &hf_extra_size, { "Extra size", "ica.cpm.extra_size", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_driver, { "Driver", "ica.cpm.driver", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "Printer driver name", HFILL } },
        { &hf_port, { "Port", "ica.cpm.port", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_comment, { "Comment", "ica.cpm.comment", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_extra, { "Extra", "ica.cpm.extra", FT_BYTES, BASE_NONE, NULL, 0x0, "Extra information of an enumerated printer", HFILL } },
        { &hf_access_mode, { "Access mode", "ica.cpm.access_mode", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_access, { "Access", "ica.cpm.access_mode.access", FT_UINT8, BASE_HEX, VALS(access_vals), 0x07, NULL, HFILL } },
        { &hf_exclusive, { "Exclusive", "ica.cpm.access_mode.exclusive", FT_BOOLEAN, 8, NULL, 0x10, "CPM_EXCLUSIVE_MODE", HFILL } },
        { &hf_printer, { "Printer", "ica.cpm.printer", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "Printer name (8-bit)", HFILL } },
        { &hf_context, { "Context", "ica.cpm.context", FT_UINT16, BASE_DEC, NULL, 0x0, "Handle of an open printer", HFILL } },
        { &hf_context_printer, { "Printer of the context", "ica.cpm.context_printer", FT_STRING, BASE_NONE, NULL, 0x0, "The printer the OPENPRINTER answered with this context opened", HFILL } },
        { &hf_read_size, { "Read size", "ica.cpm.read_size", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_amount_read, { "Amount read", "ica.cpm.amount_read", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_write_size, { "Write size", "ica.cpm.write_size", FT_UINT16, BASE_DEC, NULL, 0x0, "Bytes spooled by this request", HFILL } },
        { &hf_amount_wrote, { "Amount written", "ica.cpm.amount_wrote", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_data, { "Data", "ica.cpm.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Spooled (or read) printer data", HFILL } },
        { &hf_flags, { "Flags", "ica.cpm.flags", FT_UINT32, BASE_HEX, NULL, 0x0, "Printer info flags (no public names)", HFILL } },
        { &hf_status, { "Printer status", "ica.cpm.status", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_status_timeout, { "Timeout", "ica.cpm.status.timeout", FT_BOOLEAN, 32, NULL, 0x0001, NULL, HFILL } },
        { &hf_status_ioerror, { "I/O error", "ica.cpm.status.ioerror", FT_BOOLEAN, 32, NULL, 0x0008, NULL, HFILL } },
        { &hf_status_select, { "Selected", "ica.cpm.status.select", FT_BOOLEAN, 32, NULL, 0x0010, NULL, HFILL } },
        { &hf_status_outofpaper, { "Out of paper", "ica.cpm.status.outofpaper", FT_BOOLEAN, 32, NULL, 0x0020, NULL, HFILL } },
        { &hf_status_ack, { "Ack", "ica.cpm.status.ack", FT_BOOLEAN, 32, NULL, 0x0040, NULL, HFILL } },
        { &hf_status_notbusy, { "Not busy", "ica.cpm.status.notbusy", FT_BOOLEAN, 32, NULL, 0x0080, NULL, HFILL } },
        { &hf_status_queue_empty, { "Queue empty", "ica.cpm.status.queue_empty", FT_BOOLEAN, 32, NULL, 0x0100, NULL, HFILL } },
        { &hf_status_queue_full, { "Queue full", "ica.cpm.status.queue_full", FT_BOOLEAN, 32, NULL, 0x0200, NULL, HFILL } },
        { &hf_info_len, { "Info length", "ica.cpm.info_len", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_info, { "Info", "ica.cpm.info", FT_BYTES, BASE_NONE, NULL, 0x0, "Printer-specific data", HFILL } },
        { &hf_connect_size, { "Header size", "ica.cpm.connect_size", FT_UINT16, BASE_DEC, NULL, 0x0, "CONNECT2 Size: of this request header", HFILL } },
        { &hf_version_low, { "Version low", "ica.cpm.version_low", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_version_high, { "Version high", "ica.cpm.version_high", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_connect_flags, { "Connect flags", "ica.cpm.connect_flags", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.cpm.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public source describes", HFILL } },
    };
    static int *ett[] = { &ett_cpm, &ett_cpm_entry, &ett_cpm_bits };
    static ei_register_info ei[] = {
        { &ei_error, { "ica.cpm.error", PI_RESPONSE_CODE, PI_NOTE, "Request not successful", EXPFILL } },
        { &ei_size, { "ica.cpm.size_mismatch", PI_PROTOCOL, PI_NOTE, "ENUMPRINTER reply Size differs from its entries", EXPFILL } },
        { &ei_connect_size, { "ica.cpm.connect_size", PI_PROTOCOL, PI_NOTE, "CONNECT2 header size not 10", EXPFILL } },
        { &ei_length, { "ica.cpm.length_past_message", PI_MALFORMED, PI_ERROR, "Length or count larger than the message holds", EXPFILL } },
        { &ei_undecoded, { "ica.cpm.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for this type", EXPFILL } },
    };
    proto_cpm = proto_register_protocol("Citrix ICA client printer mapping channel", "CTXCPM", "ica.cpm");
    proto_register_field_array(proto_cpm, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_cpm), ei, array_length(ei));
    cpm_sessions = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    cpm_names = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_int64_hash, g_int64_equal);
}

void
proto_reg_handoff_ica_cpm(void)
{
    /* no length field: each type's layout gives its size (vc.md §0.1, vc_cpm_size()) */
    static const vc_len_rule rule = { VC_LEN_MEASURE, 0, 0, 0, 0, CPM_MAX_LEN, vc_cpm_size };
    ica_vc_register("CTXCPM", dissect_cpm, proto_cpm, &rule);
}
