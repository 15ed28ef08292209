/* vc_file.c - CTXFILE, HDX file transfer (shared notes vc.md §6).  Source:
 * the Citrix Receiver for HTML5 JavaScript, FileVirtualDriver (search-index
 * file 9624254511: processCommand, parseBindRequest, createBindResponsePacket,
 * createFileUploadRequest, parseFileUploadResponse, parseFileDownloadResponse,
 * handleFileDownloadRequest, sendFileDownloadResponse, handleFileRead,
 * sendFileData, handleFileWrite, sendFileWriteResponse, ICAFtSendControlPacket).
 *
 * Every message: u16 length (the body, the header excluded), u8 command, u8
 * reserved, body.  Offsets below count from the body; little-endian.
 *   0/1/2 BIND_REQUEST (host) / BIND_RESPONSE (client) / BIND_COMMIT (host):
 *         u16 oCaps, u8 numCaps, u8 reserved; capabilities u16 id, u8 size (the
 *         block), u8 reserved; id 1 FILE_CAPACITY: u16 maxDataQueueLength,
 *         u16 maxGenericBlockSize, u32 maxFileSize, u16 maxFilesCount (+ u16 0
 *         in the client's echo)
 *   3 C2H_UPLOAD_REQUEST: u16 oFileName, u16 reserved, u32 fileSize, u32 last
 *         modified time (the HTML5 client writes 0), file name UTF-16LE + NUL
 *   4 H2C_UPLOAD_RESPONSE: u32 status, u16 fileContext
 *   5 C2H_DOWNLOAD_REQUEST: empty
 *   6 H2C_DOWNLOAD_RESPONSE: u32 status, u16 fileContext; on success u16
 *         oFileName, u32 fileSize, 4 bytes no source names, file name UTF-8 + NUL
 *   9 H2C_DOWNLOAD_REQUEST: u16 fileContext, u16 oFileName, u32 fileSize, 4
 *         unnamed bytes, file name UTF-8 + NUL
 *   0x0A C2H_DOWNLOAD_RESPONSE, 0x0B/0x0C CONTROL_TRANSFER: u32 status, u16
 *         fileContext, u16 reserved
 *   0x0D H2C_READ_REQUEST: u16 mpxId, u16 fileContext, u32 readOffset, u16 bytes
 *   0x0E C2H_READ_RESPONSE: u16 mpxId, u16 fileContext, u32 status, u16 oData,
 *         u16 reserved, u16 dataLength, data at oData
 *   0x0F H2C_WRITE_REQUEST: u16 mpxId, u16 fileContext, u32 writeOffset, u16
 *         oData, 2 unnamed bytes, u16 dataLength, data at oData
 *   0x10 C2H_WRITE_RESPONSE: u16 mpxId, u16 fileContext, u32 status
 *   7/8 (host-initiated upload): no public layout.
 * Reads and writes are matched by mpxId per session (the first pass); an
 * announced file's name is kept by fileContext so reads and writes name it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include "packet-ica-vc.h"

void proto_register_ica_file(void);
void proto_reg_handoff_ica_file(void);

static int proto_file = -1;
static int hf_length = -1;
static int hf_cmd = -1;
static int hf_reserved = -1;
static int hf_reserved16 = -1;
static int hf_cap_offset = -1;
static int hf_cap_count = -1;
static int hf_cap_id = -1;
static int hf_cap_size = -1;
static int hf_max_queue = -1;
static int hf_max_block = -1;
static int hf_max_file_size = -1;
static int hf_max_files = -1;
static int hf_status = -1;
static int hf_context = -1;
static int hf_name_offset = -1;
static int hf_file_size = -1;
static int hf_last_modified = -1;
static int hf_name = -1;
static int hf_mpx_id = -1;
static int hf_offset = -1;
static int hf_bytes_requested = -1;
static int hf_data_offset = -1;
static int hf_data_length = -1;
static int hf_data = -1;
static int hf_file_name = -1;
static int hf_undecoded = -1;
static int hf_response_in = -1;
static int hf_response_to = -1;
static int hf_time = -1;
static int ett_file = -1;
static int ett_file_cap = -1;
static expert_field ei_status = EI_INIT;
static expert_field ei_offset = EI_INIT;
static expert_field ei_length = EI_INIT;
static expert_field ei_count = EI_INIT;
static expert_field ei_no_request = EI_INIT;
static expert_field ei_undecoded = EI_INIT;

enum {
    ICAFT_BIND_REQUEST = 0, ICAFT_BIND_RESPONSE, ICAFT_BIND_COMMIT, ICAFT_C2H_UPLOAD_REQUEST, ICAFT_H2C_UPLOAD_RESPONSE,
    ICAFT_C2H_DOWNLOAD_REQUEST, ICAFT_H2C_DOWNLOAD_RESPONSE, ICAFT_H2C_UPLOAD_REQUEST, ICAFT_C2H_UPLOAD_RESPONSE,
    ICAFT_H2C_DOWNLOAD_REQUEST, ICAFT_C2H_DOWNLOAD_RESPONSE, ICAFT_C2H_CONTROL_TRANSFER, ICAFT_H2C_CONTROL_TRANSFER,
    ICAFT_H2C_READ_REQUEST, ICAFT_C2H_READ_RESPONSE, ICAFT_H2C_WRITE_REQUEST, ICAFT_C2H_WRITE_RESPONSE
};
#define ICAFT_HDR 4
#define ICAFT_CAP_FILE_CAPACITY 1
#define ICAFT_STATUS_SUCCESS 0

static const value_string cmd_vals[] = {
    { ICAFT_BIND_REQUEST, "BIND_REQUEST" }, { ICAFT_BIND_RESPONSE, "BIND_RESPONSE" }, { ICAFT_BIND_COMMIT, "BIND_COMMIT" },
    { ICAFT_C2H_UPLOAD_REQUEST, "C2H_UPLOAD_REQUEST" }, { ICAFT_H2C_UPLOAD_RESPONSE, "H2C_UPLOAD_RESPONSE" },
    { ICAFT_C2H_DOWNLOAD_REQUEST, "C2H_DOWNLOAD_REQUEST" }, { ICAFT_H2C_DOWNLOAD_RESPONSE, "H2C_DOWNLOAD_RESPONSE" },
    { ICAFT_H2C_UPLOAD_REQUEST, "H2C_UPLOAD_REQUEST" }, { ICAFT_C2H_UPLOAD_RESPONSE, "C2H_UPLOAD_RESPONSE" },
    { ICAFT_H2C_DOWNLOAD_REQUEST, "H2C_DOWNLOAD_REQUEST" }, { ICAFT_C2H_DOWNLOAD_RESPONSE, "C2H_DOWNLOAD_RESPONSE" },
    { ICAFT_C2H_CONTROL_TRANSFER, "C2H_CONTROL_TRANSFER" }, { ICAFT_H2C_CONTROL_TRANSFER, "H2C_CONTROL_TRANSFER" },
    { ICAFT_H2C_READ_REQUEST, "H2C_READ_REQUEST" }, { ICAFT_C2H_READ_RESPONSE, "C2H_READ_RESPONSE" },
    { ICAFT_H2C_WRITE_REQUEST, "H2C_WRITE_REQUEST" }, { ICAFT_C2H_WRITE_RESPONSE, "C2H_WRITE_RESPONSE" },
    { 0, NULL }
};

static const value_string status_vals[] = {
    { 0x00, "SUCCESS" }, { 0x01, "ABORT" }, { 0x02, "PAUSE" }, { 0x03, "RESUME" }, { 0x04, "USER_CANCELED" },
    { 0x80000001, "GENERIC_ERROR" }, { 0x80000002, "INCORRECT_PARAMETER" }, { 0x80000003, "INSUFFICIENT_MEMORY" },
    { 0x80000004, "TOO_MANY_FILES" }, { 0x80000005, "ACCESS_DENIED" }, { 0x80000006, "INVALID_HANDLE" },
    { 0x80000007, "ABORT_SHARING_VIOLATION" }, { 0x80000008, "ABORT_DISK_FULL" },
    { 0, NULL }
};

static const value_string cap_id_vals[] = { { ICAFT_CAP_FILE_CAPACITY, "FILE_CAPACITY" }, { 0, NULL } };

/* ---- first-pass state ---------------------------------------------------- */

typedef struct {
    guint32 req_frame, rep_frame;
    nstime_t req_ts;
    guint32 asked;                  /* READ bytesRequested */
} ft_trans;

typedef struct {
    ft_trans *trans;
    const char *name;               /* the file of this fileContext, if announced */
} ft_rec;

typedef struct {
    wmem_map_t *pending;            /* cmd << 16 | mpxId -> ft_trans (awaiting a response) */
    wmem_map_t *names;              /* fileContext + 1 -> file name */
    const char *upload_name;        /* the last C2H upload request's name, awaiting its context */
} ft_sess;

static wmem_map_t *ft_sessions;     /* ica_session * -> ft_sess (file scope) */
static wmem_map_t *ft_recs;         /* frame << 16 | ordinal -> ft_rec (file scope) */

static ft_sess *sess_of(const ica_vc_info *vi)
{
    ft_sess *fs = (ft_sess *)wmem_map_lookup(ft_sessions, vi->s);
    if (!fs) {
        fs = wmem_new0(wmem_file_scope(), ft_sess);
        fs->pending = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        fs->names = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        wmem_map_insert(ft_sessions, vi->s, fs);
    }
    return fs;
}

/* A NUL-terminated name at off in the body (UTF-16LE or UTF-8), NULL when off lies outside. */
static const char *name_at(tvbuff_t *b, guint off, gboolean utf16, wmem_allocator_t *scope, gint *len)
{
    if (off >= tvb_reported_length(b))
        return NULL;
    return (const char *)tvb_get_stringz_enc(scope, b, off, len, utf16 ? ENC_UTF_16 | ENC_LITTLE_ENDIAN : ENC_UTF_8);
}

static ft_rec *learn(tvbuff_t *b, packet_info *pinfo, const ica_vc_info *vi, guint8 cmd)
{
    ft_sess *fs = sess_of(vi);
    ft_rec *r = wmem_new0(wmem_file_scope(), ft_rec);
    guint len = tvb_reported_length(b);
    gint nl;
    switch (cmd) {
    case ICAFT_C2H_UPLOAD_REQUEST:
        if (len >= 12)
            fs->upload_name = name_at(b, tvb_get_letohs(b, 0), TRUE, wmem_file_scope(), &nl);
        break;
    case ICAFT_H2C_UPLOAD_RESPONSE:
        if (len >= 6 && tvb_get_letohl(b, 0) == ICAFT_STATUS_SUCCESS && fs->upload_name)
            wmem_map_insert(fs->names, GUINT_TO_POINTER(tvb_get_letohs(b, 4) + 1u), (gpointer)fs->upload_name);
        r->name = fs->upload_name;
        fs->upload_name = NULL;
        break;
    case ICAFT_H2C_DOWNLOAD_RESPONSE:
        if (len >= 12 && tvb_get_letohl(b, 0) == ICAFT_STATUS_SUCCESS) {
            const char *n = name_at(b, tvb_get_letohs(b, 6), FALSE, wmem_file_scope(), &nl);
            if (n)
                wmem_map_insert(fs->names, GUINT_TO_POINTER(tvb_get_letohs(b, 4) + 1u), (gpointer)n);
        }
        break;
    case ICAFT_H2C_DOWNLOAD_REQUEST: {
        const char *n = len >= 8 ? name_at(b, tvb_get_letohs(b, 2), FALSE, wmem_file_scope(), &nl) : NULL;
        if (n)
            wmem_map_insert(fs->names, GUINT_TO_POINTER(tvb_get_letohs(b, 0) + 1u), (gpointer)n);
        break;
    }
    case ICAFT_C2H_DOWNLOAD_RESPONSE:
    case ICAFT_C2H_CONTROL_TRANSFER:
    case ICAFT_H2C_CONTROL_TRANSFER:
        if (len >= 6)
            r->name = (const char *)wmem_map_lookup(fs->names, GUINT_TO_POINTER(tvb_get_letohs(b, 4) + 1u));
        break;
    case ICAFT_H2C_READ_REQUEST:
    case ICAFT_H2C_WRITE_REQUEST:
    case ICAFT_C2H_READ_RESPONSE:
    case ICAFT_C2H_WRITE_RESPONSE: {
        if (len < 4)
            break;
        guint mpx = tvb_get_letohs(b, 0);
        r->name = (const char *)wmem_map_lookup(fs->names, GUINT_TO_POINTER(tvb_get_letohs(b, 2) + 1u));
        gboolean req = cmd == ICAFT_H2C_READ_REQUEST || cmd == ICAFT_H2C_WRITE_REQUEST;
        gpointer key = GUINT_TO_POINTER(((guint)(req ? cmd : cmd - 1) << 16) | mpx);
        if (req) {
            ft_trans *tr = wmem_new0(wmem_file_scope(), ft_trans);
            tr->req_frame = pinfo->num;
            tr->req_ts = pinfo->abs_ts;
            if (cmd == ICAFT_H2C_READ_REQUEST && len >= 10)
                tr->asked = tvb_get_letohs(b, 8);
            wmem_map_insert(fs->pending, key, tr);
            r->trans = tr;
        } else {
            ft_trans *tr = (ft_trans *)wmem_map_remove(fs->pending, key);
            if (tr) {
                tr->rep_frame = pinfo->num;
                r->trans = tr;
            }
        }
        break;
    }
    default:
        break;
    }
    return r;
}

/* ---- rendering ------------------------------------------------------------ */

static guint32 add_status(proto_tree *tree, tvbuff_t *b, packet_info *pinfo, guint off, wmem_strbuf_t *sum)
{
    guint32 st;
    proto_item *si = proto_tree_add_item_ret_uint(tree, hf_status, b, off, 4, ENC_LITTLE_ENDIAN, &st);
    if (st != ICAFT_STATUS_SUCCESS) {
        const char *name = val_to_str_const(st, status_vals, "unknown");
        expert_add_info_format(pinfo, si, &ei_status, "File transfer status %s (0x%08x)", name, st);
        wmem_strbuf_append_printf(sum, " %s", name);
    }
    return st;
}

static void add_context(proto_tree *tree, tvbuff_t *b, guint off, const ft_rec *r, wmem_strbuf_t *sum)
{
    guint32 ctx;
    proto_tree_add_item_ret_uint(tree, hf_context, b, off, 2, ENC_LITTLE_ENDIAN, &ctx);
    wmem_strbuf_append_printf(sum, " ctx %u", ctx);
    if (r && r->name) {
        proto_item_set_generated(proto_tree_add_string(tree, hf_file_name, b, off, 2, r->name));
        wmem_strbuf_append_printf(sum, " %s", r->name);
    }
}

/* The NUL-terminated name at the offset field's value; returns it (packet scope) or NULL. */
static const char *add_name(proto_tree *tree, tvbuff_t *b, packet_info *pinfo, proto_item *oi, guint32 off,
                            guint min, gboolean utf16)
{
    guint len = tvb_reported_length(b);
    if (off < min || off >= len) {
        expert_add_info_format(pinfo, oi, &ei_offset, "Name offset %u outside the body (%u..%u)", off, min,
                               len ? len - 1 : 0);
        return NULL;
    }
    gint nl;
    const char *n = name_at(b, off, utf16, pinfo->pool, &nl);
    proto_tree_add_string(tree, hf_name, b, off, nl, n);
    return n;
}

static void add_caps(tvbuff_t *b, packet_info *pinfo, proto_tree *tree)
{
    guint32 off, count, len = tvb_reported_length(b);
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_cap_offset, b, 0, 2, ENC_LITTLE_ENDIAN, &off);
    proto_item *ci = proto_tree_add_item_ret_uint(tree, hf_cap_count, b, 2, 1, ENC_NA, &count);
    proto_tree_add_item(tree, hf_reserved, b, 3, 1, ENC_NA);
    if (count && (off < 4 || off >= len)) {
        expert_add_info_format(pinfo, oi, &ei_offset, "Capability offset %u outside the body", off);
        return;
    }
    for (guint32 i = 0; i < count; i++) {
        if (off + 4 > len) {
            expert_add_info_format(pinfo, ci, &ei_count, "numCaps %u: only %u capabilities fit in the body",
                                   count, i);
            return;
        }
        guint32 id = tvb_get_letohs(b, off), size = tvb_get_uint8(b, off + 2);
        proto_tree *ct = proto_tree_add_subtree_format(tree, b, off, MIN(MAX(size, 4), len - off), ett_file_cap,
                                                       NULL, "Capability %s",
                                                       val_to_str_const(id, cap_id_vals, "unknown"));
        proto_tree_add_item(ct, hf_cap_id, b, off, 2, ENC_LITTLE_ENDIAN);
        proto_item *si = proto_tree_add_item(ct, hf_cap_size, b, off + 2, 1, ENC_NA);
        proto_tree_add_item(ct, hf_reserved, b, off + 3, 1, ENC_NA);
        if (size < 4 || size > len - off) {
            expert_add_info_format(pinfo, si, &ei_length, "Capability size %u: below its 4-byte header or past "
                                   "the body", size);
            return;
        }
        guint used = 4;
        if (id == ICAFT_CAP_FILE_CAPACITY && size >= 14) {
            proto_tree_add_item(ct, hf_max_queue, b, off + 4, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(ct, hf_max_block, b, off + 6, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(ct, hf_max_file_size, b, off + 8, 4, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(ct, hf_max_files, b, off + 12, 2, ENC_LITTLE_ENDIAN);
            used = 14;
        }
        if (size > used)
            proto_tree_add_item(ct, hf_undecoded, b, off + used, size - used, ENC_NA);
        off += size;
    }
}

/* File data at the body's oData offset, dataLength bytes. */
static void add_data(tvbuff_t *b, packet_info *pinfo, proto_tree *tree, guint doff_at, guint dlen_at, guint min,
                     const ft_rec *r, wmem_strbuf_t *sum, const char *what)
{
    guint32 doff, dlen, len = tvb_reported_length(b);
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_data_offset, b, doff_at, 2, ENC_LITTLE_ENDIAN, &doff);
    proto_item *li = proto_tree_add_item_ret_uint(tree, hf_data_length, b, dlen_at, 2, ENC_LITTLE_ENDIAN, &dlen);
    wmem_strbuf_append_printf(sum, " %u bytes", dlen);
    if (r && r->trans && r->trans->asked && dlen > r->trans->asked)
        expert_add_info_format(pinfo, li, &ei_length, "dataLength %u larger than the %u bytes requested in frame %u",
                               dlen, r->trans->asked, r->trans->req_frame);
    if (doff < min || doff > len) {
        expert_add_info_format(pinfo, oi, &ei_offset, "Data offset %u outside the body (%u..%u)", doff, min, len);
        return;
    }
    if (dlen > len - doff) {
        expert_add_info_format(pinfo, li, &ei_length, "dataLength %u runs %u bytes past the message", dlen,
                               dlen - (len - doff));
        dlen = len - doff;
    }
    if (dlen) {
        tvbuff_t *d = tvb_new_subset_length(b, doff, dlen);
        add_new_data_source(pinfo, d, what);
        proto_tree_add_item(tree, hf_data, d, 0, -1, ENC_NA);
    }
}

static void dissect_body(tvbuff_t *b, packet_info *pinfo, proto_tree *tree, guint8 cmd, const ft_rec *r,
                         wmem_strbuf_t *sum)
{
    guint32 v, off;
    const char *n;
    proto_item *oi;
    switch (cmd) {
    case ICAFT_BIND_REQUEST:
    case ICAFT_BIND_RESPONSE:
    case ICAFT_BIND_COMMIT:
        add_caps(b, pinfo, tree);
        break;
    case ICAFT_C2H_UPLOAD_REQUEST:
        oi = proto_tree_add_item_ret_uint(tree, hf_name_offset, b, 0, 2, ENC_LITTLE_ENDIAN, &off);
        proto_tree_add_item(tree, hf_reserved16, b, 2, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item_ret_uint(tree, hf_file_size, b, 4, 4, ENC_LITTLE_ENDIAN, &v);
        proto_tree_add_item(tree, hf_last_modified, b, 8, 4, ENC_LITTLE_ENDIAN);
        n = add_name(tree, b, pinfo, oi, off, 12, TRUE);
        wmem_strbuf_append_printf(sum, " %s %u bytes", n ? n : "?", v);
        if (n)
            ica_vc_tap_fact(pinfo, ICA_TAP_FILE_TRANSFER, (gint32)MIN(v, (guint32)G_MAXINT32), n);
        break;
    case ICAFT_H2C_UPLOAD_RESPONSE:
        add_status(tree, b, pinfo, 0, sum);
        add_context(tree, b, 4, r, sum);
        break;
    case ICAFT_H2C_DOWNLOAD_RESPONSE:
        if (add_status(tree, b, pinfo, 0, sum) == ICAFT_STATUS_SUCCESS) {
            add_context(tree, b, 4, NULL, sum);
            oi = proto_tree_add_item_ret_uint(tree, hf_name_offset, b, 6, 2, ENC_LITTLE_ENDIAN, &off);
            proto_tree_add_item_ret_uint(tree, hf_file_size, b, 8, 4, ENC_LITTLE_ENDIAN, &v);
            proto_tree_add_item(tree, hf_undecoded, b, 12, 4, ENC_NA);
            n = add_name(tree, b, pinfo, oi, off, 16, FALSE);
            wmem_strbuf_append_printf(sum, " %s %u bytes", n ? n : "?", v);
            if (n)
                ica_vc_tap_fact(pinfo, ICA_TAP_FILE_TRANSFER, (gint32)MIN(v, (guint32)G_MAXINT32), n);
        } else
            add_context(tree, b, 4, NULL, sum);
        break;
    case ICAFT_H2C_DOWNLOAD_REQUEST:
        add_context(tree, b, 0, NULL, sum);
        oi = proto_tree_add_item_ret_uint(tree, hf_name_offset, b, 2, 2, ENC_LITTLE_ENDIAN, &off);
        proto_tree_add_item_ret_uint(tree, hf_file_size, b, 4, 4, ENC_LITTLE_ENDIAN, &v);
        proto_tree_add_item(tree, hf_undecoded, b, 8, 4, ENC_NA);
        n = add_name(tree, b, pinfo, oi, off, 12, FALSE);
        wmem_strbuf_append_printf(sum, " %s %u bytes", n ? n : "?", v);
        if (n)
            ica_vc_tap_fact(pinfo, ICA_TAP_FILE_TRANSFER, (gint32)MIN(v, (guint32)G_MAXINT32), n);
        break;
    case ICAFT_C2H_DOWNLOAD_RESPONSE:
    case ICAFT_C2H_CONTROL_TRANSFER:
    case ICAFT_H2C_CONTROL_TRANSFER:
        add_status(tree, b, pinfo, 0, sum);
        add_context(tree, b, 4, r, sum);
        proto_tree_add_item(tree, hf_reserved16, b, 6, 2, ENC_LITTLE_ENDIAN);
        break;
    case ICAFT_H2C_READ_REQUEST:
        proto_tree_add_item(tree, hf_mpx_id, b, 0, 2, ENC_LITTLE_ENDIAN);
        add_context(tree, b, 2, r, sum);
        proto_tree_add_item_ret_uint(tree, hf_offset, b, 4, 4, ENC_LITTLE_ENDIAN, &off);
        proto_tree_add_item_ret_uint(tree, hf_bytes_requested, b, 8, 2, ENC_LITTLE_ENDIAN, &v);
        wmem_strbuf_append_printf(sum, " %u bytes at %u", v, off);
        break;
    case ICAFT_C2H_READ_RESPONSE:
        proto_tree_add_item(tree, hf_mpx_id, b, 0, 2, ENC_LITTLE_ENDIAN);
        add_context(tree, b, 2, r, sum);
        add_status(tree, b, pinfo, 4, sum);
        proto_tree_add_item(tree, hf_reserved16, b, 10, 2, ENC_LITTLE_ENDIAN);
        add_data(b, pinfo, tree, 8, 12, 14, r, sum, "CTXFILE read data");
        break;
    case ICAFT_H2C_WRITE_REQUEST:
        proto_tree_add_item(tree, hf_mpx_id, b, 0, 2, ENC_LITTLE_ENDIAN);
        add_context(tree, b, 2, r, sum);
        proto_tree_add_item_ret_uint(tree, hf_offset, b, 4, 4, ENC_LITTLE_ENDIAN, &off);
        proto_tree_add_item(tree, hf_undecoded, b, 10, 2, ENC_NA);
        wmem_strbuf_append_printf(sum, " at %u", off);
        add_data(b, pinfo, tree, 8, 12, 14, r, sum, "CTXFILE written data");
        break;
    case ICAFT_C2H_WRITE_RESPONSE:
        proto_tree_add_item(tree, hf_mpx_id, b, 0, 2, ENC_LITTLE_ENDIAN);
        add_context(tree, b, 2, r, sum);
        add_status(tree, b, pinfo, 4, sum);
        break;
    default:
        if (tvb_reported_length(b))
            expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, b, 0, -1, ENC_NA), &ei_undecoded);
        break;
    }
}

static void add_matching(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, proto_item *ti, guint8 cmd,
                         const ft_rec *r)
{
    if (cmd == ICAFT_H2C_READ_REQUEST || cmd == ICAFT_H2C_WRITE_REQUEST) {
        if (r->trans && r->trans->rep_frame)
            proto_item_set_generated(proto_tree_add_uint(tree, hf_response_in, t, 0, 0, r->trans->rep_frame));
        return;
    }
    if (cmd != ICAFT_C2H_READ_RESPONSE && cmd != ICAFT_C2H_WRITE_RESPONSE)
        return;
    if (!r->trans) {
        expert_add_info(pinfo, ti, &ei_no_request);
        return;
    }
    proto_item_set_generated(proto_tree_add_uint(tree, hf_response_to, t, 0, 0, r->trans->req_frame));
    nstime_t d;
    nstime_delta(&d, &pinfo->abs_ts, &r->trans->req_ts);
    proto_item_set_generated(proto_tree_add_time(tree, hf_time, t, 0, 0, &d));
}

static int dissect_ctxfile(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint len = tvb_reported_length(t);
    if (!vi || len < ICAFT_HDR)
        return 0;
    guint8 cmd = tvb_get_uint8(t, 2);
    proto_item *ti = proto_tree_add_item(tree, proto_file, t, 0, -1, ENC_NA);
    proto_tree *ft = proto_item_add_subtree(ti, ett_file);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    const char *name = wsc_val_to_str(pinfo->pool, cmd, cmd_vals, "command %u");
    proto_tree_add_item(ft, hf_length, t, 0, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(ft, hf_cmd, t, 2, 1, ENC_NA);
    proto_tree_add_item(ft, hf_reserved, t, 3, 1, ENC_NA);
    if (vi->summary)
        wmem_strbuf_append_printf(vi->summary, " FILE %s", name);
    proto_item_append_text(ti, ": %s", name);
    tvbuff_t *b = tvb_new_subset_remaining(t, ICAFT_HDR);

    guint ordinal = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_file, 0));
    p_add_proto_data(pinfo->pool, pinfo, proto_file, 0, GUINT_TO_POINTER(ordinal + 1));
    guint64 key = ((guint64)pinfo->num << 16) | (ordinal & 0xFFFF);
    ft_rec *r = (ft_rec *)wmem_map_lookup(ft_recs, &key);
    if (!r && !PINFO_FD_VISITED(pinfo)) {
        r = learn(b, pinfo, vi, cmd);
        guint64 *k = wmem_new(wmem_file_scope(), guint64);
        *k = key;
        wmem_map_insert(ft_recs, k, r);
    }
    if (r)
        add_matching(t, pinfo, ft, ti, cmd, r);
    dissect_body(b, pinfo, ft, cmd, r, sum);
    proto_item_append_text(ti, "%s", wmem_strbuf_get_str(sum));
    if (vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return len;
}

void
proto_register_ica_file(void)
{
    static hf_register_info hf[] = {
        { &hf_length, { "Length", "ica.file.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Body length, the 4-byte header excluded", HFILL } },
        { &hf_cmd, { "Command", "ica.file.cmd", FT_UINT8, BASE_DEC, VALS(cmd_vals), 0x0, NULL, HFILL } },
        { &hf_reserved, { "Reserved", "ica.file.reserved", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_reserved16, { "Reserved", "ica.file.reserved16", FT_UINT16, BASE_HEX, NULL, 0x0, "Two reserved bytes", HFILL } },
        { &hf_cap_offset, { "Capabilities offset", "ica.file.cap_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "From the body start", HFILL } },
        { &hf_cap_count, { "Capabilities", "ica.file.cap_count", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_id, { "Capability", "ica.file.cap.id", FT_UINT16, BASE_DEC, VALS(cap_id_vals), 0x0, NULL, HFILL } },
        { &hf_cap_size, { "Capability size", "ica.file.cap.size", FT_UINT8, BASE_DEC, NULL, 0x0, "The block, its 4-byte header included", HFILL } },
        { &hf_max_queue, { "maxDataQueueLength", "ica.file.cap.max_data_queue_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_max_block, { "maxGenericBlockSize", "ica.file.cap.max_generic_block_size", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_max_file_size, { "maxFileSize", "ica.file.cap.max_file_size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_max_files, { "maxFilesCount", "ica.file.cap.max_files_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_status, { "Status", "ica.file.status", FT_UINT32, BASE_HEX, VALS(status_vals), 0x0, "ICAFT_STATUS_*", HFILL } },
        { &hf_context, { "fileContext", "ica.file.context", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_name_offset, { "File name offset", "ica.file.name_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "oFileName, from the body start", HFILL } },
        { &hf_file_size, { "File size", "ica.file.file_size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_last_modified, { "Last modified time", "ica.file.last_modified", FT_UINT32, BASE_DEC, NULL, 0x0, "Its format is not public (the HTML5 client writes 0)", HFILL } },
        { &hf_name, { "File name", "ica.file.name", FT_STRING, BASE_NONE, NULL, 0x0, "UTF-16LE (client upload request) or UTF-8 (host), NUL-terminated", HFILL } },
        { &hf_mpx_id, { "mpxId", "ica.file.mpx_id", FT_UINT16, BASE_DEC, NULL, 0x0, "Request id, echoed in the response", HFILL } },
        { &hf_offset, { "Offset", "ica.file.offset", FT_UINT32, BASE_DEC, NULL, 0x0, "readOffset or writeOffset in the file", HFILL } },
        { &hf_bytes_requested, { "Bytes requested", "ica.file.bytes_requested", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_data_offset, { "Data offset", "ica.file.data_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "oData, from the body start", HFILL } },
        { &hf_data_length, { "Data length", "ica.file.data_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_data, { "Data", "ica.file.data", FT_BYTES, BASE_NONE, NULL, 0x0, "File data read or written", HFILL } },
        { &hf_file_name, { "File", "ica.file.file_name", FT_STRING, BASE_NONE, NULL, 0x0, "The name announced for this fileContext", HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.file.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public source names", HFILL } },
        { &hf_response_in, { "Response in", "ica.file.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
        { &hf_response_to, { "Request in", "ica.file.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The read or write request with this mpxId", HFILL } },
        { &hf_time, { "Time", "ica.file.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, "Time from the request to this response", HFILL } },
    };
    static int *ett[] = { &ett_file, &ett_file_cap };
    static ei_register_info ei[] = {
        { &ei_status, { "ica.file.status.error", PI_RESPONSE_CODE, PI_NOTE, "File transfer status other than SUCCESS", EXPFILL } },
        { &ei_offset, { "ica.file.offset_outside", PI_MALFORMED, PI_ERROR, "Offset outside the body", EXPFILL } },
        { &ei_length, { "ica.file.length_lies", PI_MALFORMED, PI_ERROR, "A length disagrees with the message or its request", EXPFILL } },
        { &ei_count, { "ica.file.count_too_large", PI_MALFORMED, PI_ERROR, "Count larger than the body holds", EXPFILL } },
        { &ei_no_request, { "ica.file.no_request", PI_SEQUENCE, PI_WARN, "Response without a request (no request with this mpxId seen)", EXPFILL } },
        { &ei_undecoded, { "ica.file.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for this command", EXPFILL } },
    };
    proto_file = proto_register_protocol("Citrix ICA File Transfer channel", "CTXFILE", "ica.file");
    proto_register_field_array(proto_file, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_file), ei, array_length(ei));
    ft_sessions = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    ft_recs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_int64_hash, g_int64_equal);
}

void
proto_reg_handoff_ica_file(void)
{
    /* u16 length at 0, the 4-byte header excluded (vc.md §0.1) */
    static const vc_len_rule rule = { VC_LEN_FIELD, ICAFT_HDR, 0, 2, 0, 0xFFFF + ICAFT_HDR, NULL };
    ica_vc_register("CTXFILE", dissect_ctxfile, proto_file, &rule);
}
