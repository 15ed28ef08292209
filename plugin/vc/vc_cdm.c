/* vc_cdm.c - CTXCDM, client drive mapping, protocol v1-v4 (shared notes
 * vc.md §4).  Source: the RISC OS ICA client's cdmwire header and its file
 * server cdmserv (barryc-ro/RiscOS_2003, RiscOS/Sources/Apps/Citrix/
 * ICAClient/src/sdk/citrix/h/cdmwire, dll/vd/vdcdm/c/cdmserv).
 *
 * The host is the file client: it sends requests (h_type 0-63); the ICA
 * client is the file server and answers (h_type + 128).  Every message is
 * u8 h_type, u8 MpxId (echoed in the reply), then a packed little-endian
 * structure (include/vc_cdm.h has the sizes; plugin/core/vc_cdm.c measures
 * messages for the VC layer, which has no length field to go by):
 *   CREATE      u16 PathNameSize, u16 AccessMode, u16 CreateMode, u16 Attributes,
 *               u16 CreateDate, u16 CreateTime, path    reply u16 Context, u16 Result
 *   OPEN        u16 PathNameSize, u16 AccessMode, path   reply u16 Context, u16 Result
 *   CLOSE       u16 Context (no reply)
 *   READ        u16 Context, u32 ReadOffset, u16 ReadSize
 *               reply u16 Context, u16 TimeStamp, u16 DateStamp, u16 ReturnSize, u16 Result, data
 *   WRITE       u16 Context, u32 WriteOffset, u16 WriteSize, data
 *               reply u16 Context, u16 WroteSize, u16 Result
 *   FINDFIRST   u16 PathNameSize, u16 BufferSize, u8 NumberRequested, pattern
 *   FINDNEXT    u16 Context, u16 BufferSize, u8 NumberRequested
 *               reply (both) u16 Context, u16 BytesReturned, u16 Result, u8 NumberReturned,
 *               FINDSTRUCTs u16 WriteTime, u16 WriteDate, u32 FileSize, u16 Attributes,
 *               u8 NameSize (+ u8 LongNameSize from CDM_VERSION4), name(s), not NUL-terminated
 *   FINDCLOSE   u16 Context (no reply)
 *   GETATTR     u16 PathNameSize, path
 *               reply u16 Result, u32 FileSize, u16 Attributes, u16 FileDate, u16 FileTime
 *   SETATTR     u16 PathNameSize, u16 Attributes, path                reply u16 Result
 *   GETDATETIME u16 Context       reply u16 Context, u16 FileDate, u16 FileTime, u16 Result
 *   SETDATETIME u16 Context, u16 FileDate, u16 FileTime      reply u16 Context, u16 Result
 *   DELETE, DELETEDIR  u16 PathNameSize, path                         reply u16 Result
 *   RENAME      u16 OldPathNameSize, u16 NewPathNameSize, old, new    reply u16 Result
 *   CREATEDIR   u16 PathNameSize, u16 AccessMode, u16 Attributes, u16 CreateDate,
 *               u16 CreateTime, path                                  reply u16 Result
 *   NOTIFYCACHE (144, from the file server) u16 Context, u16 Flags
 *   READCOND    u16 Context, u16 TimeStamp, u16 DateStamp, u32 ReadOffset, u32 Crc32,
 *               u16 ReadSize      reply as READ's + u16 Flags, then ReturnSize bytes
 *   FILELOCK    u16 Context, u32 LockStart, u32 LockSize, u8 Type; FILEUNLOCK without
 *               Type; FILECHANGESIZE u16 Context, u32 NewSize   replies u16 Context, u16 Result
 *   SEEK        u16 Context, u32 NewOffset, u8 Whence  reply u16 Context, u32 FileSize, u16 Result
 *   VOLUMEINFO  u16 PathNameSize, u16 Flags, path
 *               reply u16 Result, u32 VolumeSize, u32 BytesFree, u32 AllocationSize,
 *               u32 SerialNumber (v1, 20 bytes); + u32 Flags (v2); + u16 VolumeLabelSize,
 *               u16 Reserved, label (v3)
 *   CONNECT     u16 Size, u16 VersionLow, u16 VersionHigh, u16 Flags, u16 CacheFlags,
 *               u16 CacheTimeout0, u16 CacheTimeout1, u16 CacheXferSize
 *               reply (VersionHigh >= 4) u16 Result, u16 ReplyVersion, u16 ReplySize,
 *               u16 Capabilities
 *   FINDFIRSTINDEX u16 PathNameSize, u16 BufferSize, u16 Index, u8 NumberRequested,
 *               path; answered with FINDFIRST_REPLY
 * Result: error class (low byte) and DOS error (high byte).  Path names run
 * from the volume root with the drive letter, 8-bit (ANSI with the
 * CDM_ANSI_CHARS capability, else OEM: shown as Windows-1252).
 *
 * Requests and replies are matched by MpxId per session and direction on the
 * first pass; an open's path is kept by Context so reads and writes name
 * their file; GETATTR and SEEK replies give a path's size, against which a
 * read's offset is checked.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include "packet-ica-vc.h"
#include "vc_cdm.h"

void proto_register_ica_cdm(void);
void proto_reg_handoff_ica_cdm(void);

static int proto_cdm = -1;
static int hf_cmd = -1;
static int hf_mpx_id = -1;
static int hf_path_size = -1;
static int hf_path = -1;
static int hf_new_path_size = -1;
static int hf_new_path = -1;
static int hf_access_mode = -1;
static int hf_access = -1;
static int hf_share = -1;
static int hf_create_mode = -1;
static int hf_create_new = -1;
static int hf_open_existing = -1;
static int hf_truncate = -1;
static int hf_attributes = -1;
static int hf_attr_readonly = -1;
static int hf_attr_hidden = -1;
static int hf_attr_system = -1;
static int hf_attr_volume_label = -1;
static int hf_attr_directory = -1;
static int hf_attr_archive = -1;
static int hf_create_date = -1;
static int hf_create_time = -1;
static int hf_context = -1;
static int hf_status = -1;
static int hf_status_class = -1;
static int hf_status_dos = -1;
static int hf_offset = -1;
static int hf_length = -1;
static int hf_data = -1;
static int hf_file_path = -1;
static int hf_buffer_size = -1;
static int hf_number_requested = -1;
static int hf_bytes_returned = -1;
static int hf_number_returned = -1;
static int hf_index = -1;
static int hf_find_write_time = -1;
static int hf_find_write_date = -1;
static int hf_file_size = -1;
static int hf_name_size = -1;
static int hf_long_name_size = -1;
static int hf_name = -1;
static int hf_long_name = -1;
static int hf_file_date = -1;
static int hf_file_time = -1;
static int hf_time_stamp = -1;
static int hf_date_stamp = -1;
static int hf_flags = -1;
static int hf_crc32 = -1;
static int hf_readcond_flags = -1;
static int hf_readcond_validated = -1;
static int hf_lock_start = -1;
static int hf_lock_size = -1;
static int hf_lock_type = -1;
static int hf_new_size = -1;
static int hf_new_offset = -1;
static int hf_whence = -1;
static int hf_volume_size = -1;
static int hf_bytes_free = -1;
static int hf_allocation_size = -1;
static int hf_serial_number = -1;
static int hf_volume_flags = -1;
static int hf_volume_diskette_changed = -1;
static int hf_volume_removeable = -1;
static int hf_volume_label_size = -1;
static int hf_reserved = -1;
static int hf_volume_label = -1;
static int hf_connect_size = -1;
static int hf_version_low = -1;
static int hf_version_high = -1;
static int hf_connect_flags = -1;
static int hf_cache_flags = -1;
static int hf_cache_timeout0 = -1;
static int hf_cache_timeout1 = -1;
static int hf_cache_xfer_size = -1;
static int hf_reply_version = -1;
static int hf_reply_size = -1;
static int hf_capabilities = -1;
static int hf_cap_long_names = -1;
static int hf_cap_ansi = -1;
static int hf_undecoded = -1;
static int hf_response_in = -1;
static int hf_response_to = -1;
static int hf_time = -1;
static int ett_cdm = -1;
static int ett_cdm_bits = -1;
static int ett_cdm_entry = -1;
static expert_field ei_status = EI_INIT;
static expert_field ei_no_request = EI_INIT;
static expert_field ei_length = EI_INIT;
static expert_field ei_offset = EI_INIT;
static expert_field ei_count = EI_INIT;
static expert_field ei_path_long = EI_INIT;
static expert_field ei_undecoded = EI_INIT;

static const value_string cmd_vals[] = {
    { CDM_CREATE, "CREATE" }, { CDM_OPEN, "OPEN" }, { CDM_CLOSE, "CLOSE" }, { CDM_READ, "READ" },
    { CDM_WRITE, "WRITE" }, { CDM_FINDFIRST, "FINDFIRST" }, { CDM_FINDNEXT, "FINDNEXT" },
    { CDM_FINDCLOSE, "FINDCLOSE" }, { CDM_GETATTR, "GETATTR" }, { CDM_SETATTR, "SETATTR" },
    { CDM_GETDATETIME, "GETDATETIME" }, { CDM_SETDATETIME, "SETDATETIME" }, { CDM_DELETE, "DELETE" },
    { CDM_RENAME, "RENAME" }, { CDM_CREATEDIR, "CREATEDIR" }, { CDM_DELETEDIR, "DELETEDIR" },
    { CDM_NOTIFYCACHE_REQUEST, "NOTIFYCACHE_REQUEST (reserved)" }, { CDM_READCOND, "READCOND" },
    { CDM_FILELOCK, "FILELOCK" }, { CDM_FILEUNLOCK, "FILEUNLOCK" }, { CDM_FILECHANGESIZE, "FILECHANGESIZE" },
    { CDM_SEEK, "SEEK" }, { CDM_VOLUMEINFO, "VOLUMEINFO" }, { CDM_CONNECT, "CONNECT" },
    { CDM_FINDFIRSTINDEX, "FINDFIRSTINDEX" },
    { 128, "CREATE_REPLY" }, { 129, "OPEN_REPLY" }, { 130, "CLOSE_REPLY (reserved)" }, { 131, "READ_REPLY" },
    { 132, "WRITE_REPLY" }, { 133, "FINDFIRST_REPLY" }, { 134, "FINDNEXT_REPLY" },
    { 135, "FINDCLOSE_REPLY (reserved)" }, { 136, "GETATTR_REPLY" }, { 137, "SETATTR_REPLY" },
    { 138, "GETDATETIME_REPLY" }, { 139, "SETDATETIME_REPLY" }, { 140, "DELETE_REPLY" }, { 141, "RENAME_REPLY" },
    { 142, "CREATEDIR_REPLY" }, { 143, "DELETEDIR_REPLY" }, { 144, "NOTIFYCACHE" }, { 145, "READCOND_REPLY" },
    { 146, "FILELOCK_REPLY" }, { 147, "FILEUNLOCK_REPLY" }, { 148, "FILECHANGESIZE_REPLY" },
    { 149, "SEEK_REPLY" }, { 150, "VOLUMEINFO_REPLY" }, { 151, "CONNECT_REPLY" },
    { 152, "FINDFIRSTINDEX_REPLY (reserved)" },
    { 0, NULL }
};

static const value_string error_class_vals[] = {
    { 0x00, "NONE" }, { 0x01, "RESOURCE" }, { 0x02, "TEMPORARY" }, { 0x03, "NOACCESS" }, { 0x04, "INTERNAL" },
    { 0x05, "HARDWARE" }, { 0x06, "SYSTEM" }, { 0x07, "INVALID" }, { 0x08, "NOTFOUND" }, { 0x09, "BADFORMAT" },
    { 0x0A, "LOCKED" }, { 0x0B, "MEDIA" }, { 0x0C, "EXISTS" }, { 0x0D, "EOF" }, { 0x0E, "UNKNOWN" },
    { 0, NULL }
};

/* cdmwire CDM_DOSERROR_* ("only 'interesting' ones are defined") */
static const value_string dos_error_vals[] = {
    { 0x00, "NOERROR" }, { 0x01, "INVALIDFUNC" }, { 0x02, "NOTFOUND" }, { 0x03, "PATHNOTFOUND" },
    { 0x04, "NOHANDLES" }, { 0x05, "ACCESSDENIED" }, { 0x06, "INVALIDHANDLE" }, { 0x07, "MEMCBDEST" },
    { 0x08, "NOMEM" }, { 0x09, "INVALIDMEM" }, { 0x0A, "INVALIDENV" }, { 0x0B, "INVALIDFORM" },
    { 0x0C, "BADACCESS" }, { 0x0D, "INVALIDDATA" }, { 0x0F, "BADDRIVE" }, { 0x10, "DIRBUSY" },
    { 0x11, "NOTSAMEDEVICE" }, { 0x12, "NOFILES" }, { 0x13, "WRITEPROTECT" }, { 0x14, "UNKNOWNUNIT" },
    { 0x15, "NOTREADY" }, { 0x16, "UNKNOWNCMD" }, { 0x17, "CRCERROR" }, { 0x18, "BADLENGTH" },
    { 0x19, "SEEKERROR" }, { 0x1A, "UNKNOWNMEDIA" }, { 0x1B, "SECTORNOTFND" }, { 0x1C, "OUTOFPAPER" },
    { 0x1D, "WRITEFAULT" }, { 0x1E, "READFAULT" }, { 0x1F, "GENERALFAIL" }, { 0x20, "SHARE" }, { 0x21, "LOCK" },
    { 0x22, "INVALIDDISK" }, { 0x23, "NOFCB" }, { 0x24, "SHAREOVERFLW" }, { 0x25, "CODEPGMIS" },
    { 0x26, "ERROREOF" }, { 0x27, "HANDDSKFULL" }, { 0x32, "NETNOTSUP" }, { 0x33, "NOTLISTENING" },
    { 0x34, "DUPNETNAME" }, { 0x35, "NETNMNOTFND" }, { 0x36, "NETBUSY" }, { 0x37, "NETNODEVICE" },
    { 0x38, "NETBCMDLMT" }, { 0x39, "NETCARDERR" }, { 0x3A, "NETBADRESP" }, { 0x3B, "NETUNEXPERR" },
    { 0x3C, "NETINCADAPT" }, { 0x3D, "PRINTQUEFULL" }, { 0x3E, "PRINTNOSPACE" }, { 0x3F, "PRINTFILEDEL" },
    { 0x40, "NETNAMEDEL" }, { 0x41, "NACCESSDENIED" }, { 0x42, "NETINCDEVICE" }, { 0x43, "NETNAMENTFND" },
    { 0x44, "NETNAMELIM" }, { 0x45, "NETBSESSLMT" }, { 0x46, "TMPPAUSED" }, { 0x47, "NETREQNTACC" },
    { 0x48, "REDIRPAUSED" }, { 0x50, "EXISTS" }, { 0x52, "ERRMKDIR" }, { 0x53, "INT24FAIL" },
    { 0x54, "REDIREXCD" }, { 0x55, "REDIRDUP" }, { 0x56, "INVALPASSWD" }, { 0x57, "INVALPARM" },
    { 0x58, "NETDATAFLT" }, { 0xFF, "UNKNOWN" },
    { 0, NULL }
};

static const value_string access_vals[] = {
    { 0, "READACCESS" }, { 1, "WRITEACCESS" }, { 2, "READWRITE" }, { 0, NULL }
};

static const value_string share_vals[] = {
    { 0x00, "COMPATIBILITY_MODE" }, { 0x10, "EXCLUSIVE_MODE" }, { 0x20, "DENYWRITE_MODE" },
    { 0x30, "DENYREAD_MODE" }, { 0x40, "DENYNONE_MODE" }, { 0, NULL }
};

static const value_string lock_type_vals[] = { { 1, "LOCKTYPE_DOS" }, { 2, "LOCKTYPE_OS2" }, { 0, NULL } };
static const value_string whence_vals[] = {
    { 0, "SEEK_BEGINING" }, { 1, "SEEK_CURRENT" }, { 2, "SEEK_END" }, { 0, NULL }
};

/* ---- first-pass state ---------------------------------------------------- */

/* A request and its reply. */
typedef struct {
    guint32 req_frame, rep_frame;
    nstime_t req_ts;
    guint8 type;
    const char *path;               /* its file: the path it names, or its Context's (file scope) */
    guint32 asked;                  /* READ / READCOND ReadSize, WRITE WriteSize */
} cdm_trans;

/* What the first pass learned about one message. */
typedef struct {
    cdm_trans *trans;               /* NULL: a reply no request was seen for */
    const char *path;               /* the file a Context-based message is about */
    guint32 size_frame;             /* READ: frame whose reply gave the file's size (0: not known) */
    guint32 file_size;
    guint8 long_names;              /* find replies: FINDSTRUCT_LONG entries */
} cdm_rec;

typedef struct {
    cdm_trans *pending[2][256];     /* by request direction and MpxId: awaiting a reply */
    wmem_map_t *contexts[2];        /* by request direction: Context -> path (file scope) */
    wmem_map_t *sizes;              /* path -> cdm_size (GETATTR, SEEK replies) */
    guint16 version_high;           /* CONNECT VersionHigh, 0 until seen */
} cdm_sess;

typedef struct {
    guint32 size, frame;
} cdm_size;

static wmem_map_t *cdm_sessions;    /* ica_session * -> cdm_sess (file scope) */
static wmem_map_t *cdm_recs;        /* frame << 16 | message ordinal -> cdm_rec (file scope) */

#define CDM_ORDINAL_KEY 0           /* p_add_proto_data (packet scope): CDM messages in this frame so far */

static cdm_sess *sess_of(const ica_vc_info *vi)
{
    cdm_sess *cs = (cdm_sess *)wmem_map_lookup(cdm_sessions, vi->s);
    if (!cs) {
        cs = wmem_new0(wmem_file_scope(), cdm_sess);
        cs->contexts[0] = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        cs->contexts[1] = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        cs->sizes = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
        wmem_map_insert(cdm_sessions, vi->s, cs);
    }
    return cs;
}

/* A type with a public layout (VOLUMEINFO_REPLY: one of three, by size) */
static gboolean known(guint8 type)
{
    return vc_cdm_layout_of(type) || type == CDM_REPLY + CDM_VOLUMEINFO;
}

static gboolean is_reply(guint8 type)
{
    return type >= CDM_REPLY;
}

/* The reply type a request is answered with (0: none). */
static guint8 reply_type(guint8 type)
{
    if (type == CDM_CLOSE || type == CDM_FINDCLOSE || type == CDM_NOTIFYCACHE_REQUEST)
        return 0;
    if (type == CDM_FINDFIRSTINDEX)
        return CDM_REPLY + CDM_FINDFIRST;
    return type <= CDM_FINDFIRSTINDEX ? (guint8)(type + CDM_REPLY) : 0;
}

static gboolean has_context(guint8 type)
{
    switch (type) {
    case CDM_CLOSE: case CDM_READ: case CDM_WRITE: case CDM_FINDNEXT: case CDM_FINDCLOSE: case CDM_GETDATETIME:
    case CDM_SETDATETIME: case CDM_READCOND: case CDM_FILELOCK: case CDM_FILEUNLOCK: case CDM_FILECHANGESIZE:
    case CDM_SEEK:
        return TRUE;
    default:
        return FALSE;
    }
}

static gboolean has_path(guint8 type)
{
    const vc_cdm_layout *l = vc_cdm_layout_of(type);
    return type < CDM_REPLY && l && l->size_off[0] == 2;
}

static const char *path_at(tvbuff_t *t, guint off, guint32 size, wmem_allocator_t *scope)
{
    return (const char *)tvb_get_string_enc(scope, t, off, size, ENC_WINDOWS_1252);
}

/* The first pass over one message: match, remember opens and sizes. */
static cdm_rec *learn(tvbuff_t *t, packet_info *pinfo, const ica_vc_info *vi, guint8 type, guint8 mpx)
{
    cdm_sess *cs = sess_of(vi);
    cdm_rec *r = wmem_new0(wmem_file_scope(), cdm_rec);
    guint len = tvb_reported_length(t);
    guint dir = vi->dir & 1;
    if (!is_reply(type)) {
        cdm_trans *tr = wmem_new0(wmem_file_scope(), cdm_trans);
        tr->req_frame = pinfo->num;
        tr->req_ts = pinfo->abs_ts;
        tr->type = type;
        r->trans = tr;
        if (has_path(type)) {
            guint fixed = vc_cdm_layout_of(type)->fixed;
            tr->path = path_at(t, fixed, MIN(tvb_get_letohs(t, 2), len - fixed), wmem_file_scope());
        }
        if (has_context(type) && len >= 4) {
            gpointer key = GUINT_TO_POINTER(tvb_get_letohs(t, 2) + 1u);
            r->path = tr->path = (const char *)wmem_map_lookup(cs->contexts[dir], key);
            if (type == CDM_CLOSE)
                wmem_map_remove(cs->contexts[dir], key);
        }
        if ((type == CDM_READ || type == CDM_WRITE) && len >= 10)
            tr->asked = tvb_get_letohs(t, 8);
        if (type == CDM_READCOND && len >= 18)
            tr->asked = tvb_get_letohs(t, 16);
        if (type == CDM_READ && tr->path) {
            cdm_size *sz = (cdm_size *)wmem_map_lookup(cs->sizes, tr->path);
            if (sz) {
                r->size_frame = sz->frame;
                r->file_size = sz->size;
            }
        }
        if (type == CDM_CONNECT && len >= 8)
            cs->version_high = tvb_get_letohs(t, 6);
        if (reply_type(type))
            cs->pending[dir][mpx] = tr;
        return r;
    }
    cdm_trans *tr = cs->pending[dir ^ 1][mpx];
    if (tr && reply_type(tr->type) == type && !tr->rep_frame) {
        tr->rep_frame = pinfo->num;
        cs->pending[dir ^ 1][mpx] = NULL;
        r->trans = tr;
        r->path = tr->path;
    }
    if (!tr || r->trans != tr)
        return r;
    /* what a successful reply teaches */
    if ((type == CDM_REPLY + CDM_OPEN || type == CDM_REPLY + CDM_CREATE) && len >= 6 && tr->path &&
        CDM_ERROR_CLASS(tvb_get_letohs(t, 4)) == 0)
        wmem_map_insert(cs->contexts[dir ^ 1], GUINT_TO_POINTER(tvb_get_letohs(t, 2) + 1u), (gpointer)tr->path);
    if (tr->path && ((type == CDM_REPLY + CDM_GETATTR && len >= 14 && CDM_ERROR_CLASS(tvb_get_letohs(t, 2)) == 0) ||
                     (type == CDM_REPLY + CDM_SEEK && len >= 10 && CDM_ERROR_CLASS(tvb_get_letohs(t, 8)) == 0))) {
        cdm_size *sz = wmem_new(wmem_file_scope(), cdm_size);
        sz->size = tvb_get_letohl(t, 4);     /* FileSize of both replies */
        sz->frame = pinfo->num;
        wmem_map_insert(cs->sizes, tr->path, sz);
    }
    if ((type == CDM_REPLY + CDM_FINDFIRST || type == CDM_REPLY + CDM_FINDNEXT) && len >= 9) {
        if (cs->version_high)
            r->long_names = cs->version_high >= 4;
        else {      /* no CONNECT seen: the entry size whose entries fill the reply exactly */
            size_t used;
            guint n = tvb_get_uint8(t, 8);
            const guint8 *p = tvb_get_ptr(t, 9, len - 9);
            r->long_names = vc_cdm_find_fit(p, len - 9, n, 1, &used) == n && used == len - 9;
        }
    }
    return r;
}

/* ---- rendering ------------------------------------------------------------ */

static void dos_date_fmt(gchar *buf, guint32 v)
{
    vc_cdm_datetime dt;
    vc_cdm_dos_date((guint16)v, &dt);
    snprintf(buf, ITEM_LABEL_LENGTH, "%04u-%02u-%02u (0x%04x)", dt.year, dt.month, dt.day, v);
}

static void dos_time_fmt(gchar *buf, guint32 v)
{
    vc_cdm_datetime dt;
    vc_cdm_dos_time((guint16)v, &dt);
    snprintf(buf, ITEM_LABEL_LENGTH, "%02u:%02u:%02u (0x%04x)", dt.hour, dt.minute, dt.second, v);
}

static int *const access_bits[] = { &hf_access, &hf_share, NULL };
static int *const create_bits[] = { &hf_create_new, &hf_open_existing, &hf_truncate, NULL };
static int *const attr_bits[] = { &hf_attr_readonly, &hf_attr_hidden, &hf_attr_system, &hf_attr_volume_label,
                                  &hf_attr_directory, &hf_attr_archive, NULL };
static int *const status_bits[] = { &hf_status_class, &hf_status_dos, NULL };
static int *const readcond_bits[] = { &hf_readcond_validated, NULL };
static int *const volume_bits[] = { &hf_volume_diskette_changed, &hf_volume_removeable, NULL };
static int *const cap_bits[] = { &hf_cap_long_names, &hf_cap_ansi, NULL };

static guint32 add_u16(proto_tree *tree, int hf, tvbuff_t *t, guint off)
{
    guint32 v;
    proto_tree_add_item_ret_uint(tree, hf, t, off, 2, ENC_LITTLE_ENDIAN, &v);
    return v;
}

static guint32 add_u32(proto_tree *tree, int hf, tvbuff_t *t, guint off)
{
    guint32 v;
    proto_tree_add_item_ret_uint(tree, hf, t, off, 4, ENC_LITTLE_ENDIAN, &v);
    return v;
}

static void add_bits(proto_tree *tree, int hf, int *const *bits, tvbuff_t *t, guint off)
{
    proto_tree_add_bitmask(tree, t, off, hf, ett_cdm_bits, bits, ENC_LITTLE_ENDIAN);
}

/* The Result word; an error class other than NONE is an expert note. */
static guint32 add_status(proto_tree *tree, tvbuff_t *t, packet_info *pinfo, guint off, wmem_strbuf_t *sum)
{
    guint32 st = tvb_get_letohs(t, off);
    proto_item *si = proto_tree_add_bitmask(tree, t, off, hf_status, ett_cdm_bits, status_bits, ENC_LITTLE_ENDIAN);
    if (CDM_ERROR_CLASS(st)) {
        const char *cls = val_to_str_const(CDM_ERROR_CLASS(st), error_class_vals, "unknown class");
        const char *dos = val_to_str_const(CDM_DOS_ERROR(st), dos_error_vals, "unknown DOS error");
        expert_add_info_format(pinfo, si, &ei_status, "CDM error: %s, DOS error %s (0x%02x)", cls, dos,
                               CDM_DOS_ERROR(st));
        wmem_strbuf_append_printf(sum, " error %s/%s", cls, dos);
    }
    return st;
}

static void add_context(proto_tree *tree, tvbuff_t *t, guint off, const cdm_rec *r, wmem_strbuf_t *sum)
{
    guint32 ctx = add_u16(tree, hf_context, t, off);
    wmem_strbuf_append_printf(sum, " ctx %u", ctx);
    if (r && r->path) {
        proto_item_set_generated(proto_tree_add_string(tree, hf_file_path, t, off, 2, r->path));
        wmem_strbuf_append_printf(sum, " %s", r->path);
    }
}

/* A path name of size bytes at off (bounded by the message): returns it. */
static const char *add_path(proto_tree *tree, int hf, proto_item *size_item, tvbuff_t *t, packet_info *pinfo,
                            guint off, guint32 size)
{
    const guint8 *s = NULL;
    if (size > CDM_MAX_PATH_LEN)
        expert_add_info_format(pinfo, size_item, &ei_path_long, "Path name of %u bytes: above CDM_MAX_PATH_LEN "
                               "(%u)", size, CDM_MAX_PATH_LEN);
    proto_tree_add_item_ret_string(tree, hf, t, off, size, ENC_WINDOWS_1252, pinfo->pool, &s);
    return (const char *)s;
}

/* Data read or written: its own data source. */
static void add_data(proto_tree *tree, tvbuff_t *t, packet_info *pinfo, guint off, guint32 size, const char *what)
{
    if (!size)
        return;
    tvbuff_t *d = tvb_new_subset_length(t, off, size);
    add_new_data_source(pinfo, d, what);
    proto_tree_add_item(tree, hf_data, d, 0, -1, ENC_NA);
}

static void add_find_entries(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, proto_item *ci, guint32 count,
                             gboolean long_names)
{
    guint off = 9, len = tvb_reported_length(t);
    guint entry = long_names ? CDM_FINDSTRUCT_LONG : CDM_FINDSTRUCT;
    for (guint32 i = 0; i < count; i++) {
        if (len - off < entry) {
            expert_add_info_format(pinfo, ci, &ei_count, "NumberReturned %u: only %u entries fit in "
                                   "BytesReturned", count, i);
            return;
        }
        guint32 ns = tvb_get_uint8(t, off + 10), ls = long_names ? tvb_get_uint8(t, off + 11) : 0;
        proto_tree *et = proto_tree_add_subtree_format(tree, t, off, MIN(entry + ns + ls, len - off),
                                                       ett_cdm_entry, NULL, "Entry %u", i + 1);
        proto_tree_add_item(et, hf_find_write_time, t, off, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(et, hf_find_write_date, t, off + 2, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(et, hf_file_size, t, off + 4, 4, ENC_LITTLE_ENDIAN);
        add_bits(et, hf_attributes, attr_bits, t, off + 8);
        proto_item *ni = proto_tree_add_item(et, hf_name_size, t, off + 10, 1, ENC_NA);
        if (long_names)
            proto_tree_add_item(et, hf_long_name_size, t, off + 11, 1, ENC_NA);
        off += entry;
        if (ns + ls > len - off) {
            expert_add_info_format(pinfo, ni, &ei_length, "Names of %u bytes run past BytesReturned",
                                   ns + ls);
            return;
        }
        const guint8 *name = NULL;
        proto_tree_add_item_ret_string(et, hf_name, t, off, ns, ENC_WINDOWS_1252, pinfo->pool, &name);
        if (long_names && ls)
            proto_tree_add_item_ret_string(et, hf_long_name, t, off + ns, ls, ENC_WINDOWS_1252, pinfo->pool, &name);
        proto_item_append_text(et, ": %s", name ? (const char *)name : "");
        off += ns + ls;
    }
    if (off < len)
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, off, len - off, ENC_NA), &ei_length);
}

/* Requests with a path name at the end of their fixed part. */
static const char *add_path_request(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint8 type,
                                    wmem_strbuf_t *sum)
{
    guint fixed = vc_cdm_layout_of(type)->fixed;
    proto_item *pi = proto_tree_add_item(tree, hf_path_size, t, 2, 2, ENC_LITTLE_ENDIAN);
    guint32 ps = tvb_get_letohs(t, 2);
    switch (type) {
    case CDM_CREATE:
    case CDM_CREATEDIR:
        add_bits(tree, hf_access_mode, access_bits, t, 4);
        if (type == CDM_CREATE)
            add_bits(tree, hf_create_mode, create_bits, t, 6);
        add_bits(tree, hf_attributes, attr_bits, t, type == CDM_CREATE ? 8 : 6);
        proto_tree_add_item(tree, hf_create_date, t, fixed - 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_create_time, t, fixed - 2, 2, ENC_LITTLE_ENDIAN);
        break;
    case CDM_OPEN:
        add_bits(tree, hf_access_mode, access_bits, t, 4);
        break;
    case CDM_FINDFIRST:
    case CDM_FINDFIRSTINDEX:
        add_u16(tree, hf_buffer_size, t, 4);
        if (type == CDM_FINDFIRSTINDEX)
            add_u16(tree, hf_index, t, 6);
        proto_tree_add_item(tree, hf_number_requested, t, fixed - 1, 1, ENC_NA);
        break;
    case CDM_SETATTR:
        add_bits(tree, hf_attributes, attr_bits, t, 4);
        break;
    case CDM_VOLUMEINFO:
        add_u16(tree, hf_flags, t, 4);
        break;
    case CDM_RENAME: {
        proto_item *ni = proto_tree_add_item(tree, hf_new_path_size, t, 4, 2, ENC_LITTLE_ENDIAN);
        guint32 ns = tvb_get_letohs(t, 4);
        const char *old = add_path(tree, hf_path, pi, t, pinfo, fixed, ps);
        const char *nw = add_path(tree, hf_new_path, ni, t, pinfo, fixed + ps, ns);
        const char *both = wmem_strdup_printf(pinfo->pool, "%s -> %s", old, nw);
        wmem_strbuf_append_printf(sum, " %s", both);
        return both;
    }
    default:
        break;
    }
    const char *path = add_path(tree, hf_path, pi, t, pinfo, fixed, ps);
    wmem_strbuf_append_printf(sum, " %s", path);
    return path;
}

static void add_read_request(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, const cdm_rec *r,
                             wmem_strbuf_t *sum, guint off_at, guint size_at)
{
    guint32 off, size;
    proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_offset, t, off_at, 4, ENC_LITTLE_ENDIAN, &off);
    proto_tree_add_item_ret_uint(tree, hf_length, t, size_at, 2, ENC_LITTLE_ENDIAN, &size);
    wmem_strbuf_append_printf(sum, " %u bytes at %u", size, off);
    if ((guint64)off + size > G_MAXUINT32)
        expert_add_info_format(pinfo, oi, &ei_offset, "ReadOffset %u + ReadSize %u runs past the 32-bit file "
                               "offset range", off, size);
    else if (r && r->size_frame && off > r->file_size)
        expert_add_info_format(pinfo, oi, &ei_offset, "ReadOffset %u past the end of the file (%u bytes, "
                               "size reported in frame %u)", off, r->file_size, r->size_frame);
}

static void dissect_request(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint8 type, const cdm_rec *r,
                            wmem_strbuf_t *sum)
{
    guint32 v;
    if (has_path(type)) {
        const char *path = add_path_request(t, pinfo, tree, type, sum);
        /* (an open's fact waits for its successful reply) */
        if (type == CDM_DELETE || type == CDM_RENAME || type == CDM_CREATEDIR || type == CDM_DELETEDIR ||
                 type == CDM_SETATTR)
            ica_vc_tap_fact(pinfo, ICA_TAP_CDM_OTHER, 0, wmem_strdup_printf(pinfo->pool, "%s %s",
                            val_to_str_const(type, cmd_vals, "?"), path ? path : ""));
        return;
    }
    if (has_context(type))
        add_context(tree, t, 2, r, sum);
    switch (type) {
    case CDM_READ:
        add_read_request(t, pinfo, tree, r, sum, 4, 8);
        break;
    case CDM_WRITE: {
        guint32 off, size;
        proto_item *oi = proto_tree_add_item_ret_uint(tree, hf_offset, t, 4, 4, ENC_LITTLE_ENDIAN, &off);
        proto_tree_add_item_ret_uint(tree, hf_length, t, 8, 2, ENC_LITTLE_ENDIAN, &size);
        wmem_strbuf_append_printf(sum, " %u bytes at %u", size, off);
        if ((guint64)off + size > G_MAXUINT32)
            expert_add_info_format(pinfo, oi, &ei_offset, "WriteOffset %u + WriteSize %u runs past the 32-bit "
                                   "file offset range", off, size);
        add_data(tree, t, pinfo, 10, size, "CDM written data");
        ica_vc_tap_fact(pinfo, ICA_TAP_CDM_WRITE, (gint32)size, r ? r->path : NULL);
        break;
    }
    case CDM_FINDNEXT:
        add_u16(tree, hf_buffer_size, t, 4);
        proto_tree_add_item(tree, hf_number_requested, t, 6, 1, ENC_NA);
        break;
    case CDM_SETDATETIME:
        proto_tree_add_item(tree, hf_file_date, t, 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_file_time, t, 6, 2, ENC_LITTLE_ENDIAN);
        break;
    case CDM_READCOND:
        proto_tree_add_item(tree, hf_time_stamp, t, 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_date_stamp, t, 6, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_crc32, t, 12, 4, ENC_LITTLE_ENDIAN);
        add_read_request(t, pinfo, tree, r, sum, 8, 16);
        break;
    case CDM_FILELOCK:
    case CDM_FILEUNLOCK:
        add_u32(tree, hf_lock_start, t, 4);
        add_u32(tree, hf_lock_size, t, 8);
        if (type == CDM_FILELOCK)
            proto_tree_add_item(tree, hf_lock_type, t, 12, 1, ENC_NA);
        break;
    case CDM_FILECHANGESIZE:
        v = add_u32(tree, hf_new_size, t, 4);
        wmem_strbuf_append_printf(sum, " to %u", v);
        break;
    case CDM_SEEK:
        add_u32(tree, hf_new_offset, t, 4);
        proto_tree_add_item(tree, hf_whence, t, 8, 1, ENC_NA);
        break;
    case CDM_CONNECT: {
        proto_item *si = proto_tree_add_item_ret_uint(tree, hf_connect_size, t, 2, 2, ENC_LITTLE_ENDIAN, &v);
        if (v != CDM_CONNECT_SIZE)
            expert_add_info_format(pinfo, si, &ei_length, "Size %u: the CONNECT structure is %u bytes", v,
                                   CDM_CONNECT_SIZE);
        guint32 lo = add_u16(tree, hf_version_low, t, 4), hi = add_u16(tree, hf_version_high, t, 6);
        wmem_strbuf_append_printf(sum, " versions %u..%u", lo, hi);
        add_u16(tree, hf_connect_flags, t, 8);
        add_u16(tree, hf_cache_flags, t, 10);
        add_u16(tree, hf_cache_timeout0, t, 12);
        add_u16(tree, hf_cache_timeout1, t, 14);
        add_u16(tree, hf_cache_xfer_size, t, 16);
        break;
    }
    default:
        break;
    }
}

static void add_volumeinfo_reply(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, proto_item *ti,
                                 wmem_strbuf_t *sum)
{
    guint len = tvb_reported_length(t);
    int ver = vc_cdm_volumeinfo_version(tvb_get_ptr(t, 0, len), len);
    add_status(tree, t, pinfo, 2, sum);
    add_u32(tree, hf_volume_size, t, 4);
    guint32 free_ = add_u32(tree, hf_bytes_free, t, 8);
    add_u32(tree, hf_allocation_size, t, 12);
    add_u32(tree, hf_serial_number, t, 16);
    wmem_strbuf_append_printf(sum, " %u bytes free", free_);
    if (ver >= 2)
        add_bits(tree, hf_volume_flags, volume_bits, t, 20);
    if (ver == 3) {
        guint32 ls = add_u16(tree, hf_volume_label_size, t, 24);
        add_u16(tree, hf_reserved, t, 26);
        proto_tree_add_item(tree, hf_volume_label, t, 28, ls, ENC_WINDOWS_1252);
    }
    if (!ver) {
        expert_add_info_format(pinfo, ti, &ei_length, "%u bytes: no VOLUMEINFO_REPLY variant (20, 24 or 28 + "
                               "VolumeLabelSize) has this size", len);
        if (len > 20)
            proto_tree_add_item(tree, hf_undecoded, t, 20, len - 20, ENC_NA);
    }
}

static void dissect_reply(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, proto_item *ti, guint8 type,
                          const cdm_rec *r, wmem_strbuf_t *sum)
{
    const cdm_trans *tr = r ? r->trans : NULL;
    guint32 st, v;
    switch (type - CDM_REPLY) {
    case CDM_CREATE:
    case CDM_OPEN:
        add_context(tree, t, 2, NULL, sum);
        st = add_status(tree, t, pinfo, 4, sum);
        if (tr && tr->path) {
            proto_item_set_generated(proto_tree_add_string(tree, hf_file_path, t, 2, 2, tr->path));
            wmem_strbuf_append_printf(sum, " %s", tr->path);
            if (!CDM_ERROR_CLASS(st))
                ica_vc_tap_fact(pinfo, ICA_TAP_CDM_OPEN, 0, tr->path);
        }
        break;
    case CDM_READ:
    case CDM_READCOND: {
        add_context(tree, t, 2, r, sum);
        proto_tree_add_item(tree, hf_time_stamp, t, 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_date_stamp, t, 6, 2, ENC_LITTLE_ENDIAN);
        proto_item *li = proto_tree_add_item_ret_uint(tree, hf_length, t, 8, 2, ENC_LITTLE_ENDIAN, &v);
        add_status(tree, t, pinfo, 10, sum);
        guint data = 12;
        if (type == CDM_REPLY + CDM_READCOND) {
            add_bits(tree, hf_readcond_flags, readcond_bits, t, 12);
            data = 14;
        }
        wmem_strbuf_append_printf(sum, " %u bytes", v);
        if (tr && v > tr->asked)
            expert_add_info_format(pinfo, li, &ei_length, "ReturnSize %u larger than the ReadSize %u asked for in "
                                   "frame %u", v, tr->asked, tr->req_frame);
        add_data(tree, t, pinfo, data, v, "CDM read data");
        ica_vc_tap_fact(pinfo, ICA_TAP_CDM_READ, (gint32)v, r ? r->path : NULL);
        break;
    }
    case CDM_WRITE: {
        add_context(tree, t, 2, r, sum);
        proto_item *li = proto_tree_add_item_ret_uint(tree, hf_length, t, 4, 2, ENC_LITTLE_ENDIAN, &v);
        add_status(tree, t, pinfo, 6, sum);
        wmem_strbuf_append_printf(sum, " wrote %u", v);
        if (tr && v > tr->asked)
            expert_add_info_format(pinfo, li, &ei_length, "WroteSize %u larger than the WriteSize %u of frame %u",
                                   v, tr->asked, tr->req_frame);
        break;
    }
    case CDM_FINDFIRST:
    case CDM_FINDNEXT: {
        add_context(tree, t, 2, NULL, sum);
        add_u16(tree, hf_bytes_returned, t, 4);
        add_status(tree, t, pinfo, 6, sum);
        proto_item *ci = proto_tree_add_item_ret_uint(tree, hf_number_returned, t, 8, 1, ENC_NA, &v);
        wmem_strbuf_append_printf(sum, " %u entries", v);
        add_find_entries(t, pinfo, tree, ci, v, r && r->long_names);
        break;
    }
    case CDM_GETATTR:
        add_status(tree, t, pinfo, 2, sum);
        v = add_u32(tree, hf_file_size, t, 4);
        add_bits(tree, hf_attributes, attr_bits, t, 8);
        proto_tree_add_item(tree, hf_file_date, t, 10, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_file_time, t, 12, 2, ENC_LITTLE_ENDIAN);
        wmem_strbuf_append_printf(sum, " %u bytes", v);
        break;
    case CDM_GETDATETIME:
        add_context(tree, t, 2, r, sum);
        proto_tree_add_item(tree, hf_file_date, t, 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_file_time, t, 6, 2, ENC_LITTLE_ENDIAN);
        add_status(tree, t, pinfo, 8, sum);
        break;
    case CDM_SETDATETIME:
    case CDM_FILELOCK:
    case CDM_FILEUNLOCK:
    case CDM_FILECHANGESIZE:
        add_context(tree, t, 2, r, sum);
        add_status(tree, t, pinfo, 4, sum);
        break;
    case CDM_SETATTR:
    case CDM_DELETE:
    case CDM_RENAME:
    case CDM_CREATEDIR:
    case CDM_DELETEDIR:
        add_status(tree, t, pinfo, 2, sum);
        if (tr && tr->path)
            proto_item_set_generated(proto_tree_add_string(tree, hf_file_path, t, 0, 0, tr->path));
        break;
    case CDM_NOTIFYCACHE_REQUEST:       /* NOTIFYCACHE */
        add_context(tree, t, 2, NULL, sum);
        add_u16(tree, hf_flags, t, 4);
        break;
    case CDM_SEEK:
        add_context(tree, t, 2, r, sum);
        v = add_u32(tree, hf_file_size, t, 4);
        add_status(tree, t, pinfo, 8, sum);
        wmem_strbuf_append_printf(sum, " size %u", v);
        break;
    case CDM_VOLUMEINFO:
        add_volumeinfo_reply(t, pinfo, tree, ti, sum);
        break;
    case CDM_CONNECT: {
        add_status(tree, t, pinfo, 2, sum);
        add_u16(tree, hf_reply_version, t, 4);
        proto_item *si = proto_tree_add_item_ret_uint(tree, hf_reply_size, t, 6, 2, ENC_LITTLE_ENDIAN, &v);
        if (v != CDM_CONNECT_REPLY_SIZE)
            expert_add_info_format(pinfo, si, &ei_length, "ReplySize %u: the CONNECT reply is %u bytes", v,
                                   CDM_CONNECT_REPLY_SIZE);
        add_bits(tree, hf_capabilities, cap_bits, t, 8);
        break;
    }
    default:
        break;
    }
}

static void add_matching(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, proto_item *ti, guint8 type,
                         const cdm_rec *r)
{
    const cdm_trans *tr = r->trans;
    if (!is_reply(type)) {
        if (tr && tr->rep_frame)
            proto_item_set_generated(proto_tree_add_uint(tree, hf_response_in, t, 0, 0, tr->rep_frame));
        return;
    }
    if (type == CDM_REPLY + CDM_NOTIFYCACHE_REQUEST)
        return;                     /* sent unasked by the file server */
    if (!tr) {
        expert_add_info(pinfo, ti, &ei_no_request);
        return;
    }
    proto_item_set_generated(proto_tree_add_uint(tree, hf_response_to, t, 0, 0, tr->req_frame));
    nstime_t d;
    nstime_delta(&d, &pinfo->abs_ts, &tr->req_ts);
    proto_item_set_generated(proto_tree_add_time(tree, hf_time, t, 0, 0, &d));
}

static int dissect_cdm(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint len = tvb_reported_length(t);
    if (!vi || len < 1)
        return 0;
    guint8 type = tvb_get_uint8(t, 0);
    proto_item *ti = proto_tree_add_item(tree, proto_cdm, t, 0, -1, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ti, ett_cdm);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    const char *name = wsc_val_to_str(pinfo->pool, type, cmd_vals, "type %u");
    proto_tree_add_item(ct, hf_cmd, t, 0, 1, ENC_NA);
    guint32 mpx;
    proto_tree_add_item_ret_uint(ct, hf_mpx_id, t, 1, 1, ENC_NA, &mpx);
    if (vi->summary)                /* first: a body cut short still names the message */
        wmem_strbuf_append_printf(vi->summary, " CDM %s", name);
    proto_item_append_text(ti, ": %s", name);

    guint ordinal = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_cdm, CDM_ORDINAL_KEY));
    p_add_proto_data(pinfo->pool, pinfo, proto_cdm, CDM_ORDINAL_KEY, GUINT_TO_POINTER(ordinal + 1));
    guint64 key = ((guint64)pinfo->num << 16) | (ordinal & 0xFFFF);
    cdm_rec *r = (cdm_rec *)wmem_map_lookup(cdm_recs, &key);
    if (!r && !PINFO_FD_VISITED(pinfo) && known(type)) {
        r = learn(t, pinfo, vi, type, (guint8)mpx);
        guint64 *k = wmem_new(wmem_file_scope(), guint64);
        *k = key;
        wmem_map_insert(cdm_recs, k, r);
    }
    if (r)
        add_matching(t, pinfo, ct, ti, type, r);

    if (!known(type)) {
        if (len > CDM_HDR)
            expert_add_info(pinfo, proto_tree_add_item(ct, hf_undecoded, t, CDM_HDR, len - CDM_HDR, ENC_NA),
                            &ei_undecoded);
    } else if (is_reply(type))
        dissect_reply(t, pinfo, ct, ti, type, r, sum);
    else
        dissect_request(t, pinfo, ct, type, r, sum);
    proto_item_append_text(ti, "%s", wmem_strbuf_get_str(sum));
    if (vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return len;
}

void
proto_register_ica_cdm(void)
{
    static hf_register_info hf[] = {
        { &hf_cmd, { "Type", "ica.cdm.cmd", FT_UINT8, BASE_DEC, VALS(cmd_vals), 0x0, "h_type: requests 0-63 (host), replies 128-191 (client)", HFILL } },
        { &hf_mpx_id, { "MpxId", "ica.cdm.mpx_id", FT_UINT8, BASE_DEC, NULL, 0x0, "Request id, echoed in the reply", HFILL } },
        { &hf_path_size, { "PathNameSize", "ica.cdm.path_size", FT_UINT16, BASE_DEC, NULL, 0x0, "Length of the path name following the structure (OldPathNameSize of RENAME)", HFILL } },
        { &hf_path, { "Path name", "ica.cdm.path", FT_STRING, BASE_NONE, NULL, 0x0, "Full path from the volume root, drive letter first; not NUL-terminated", HFILL } },
        { &hf_new_path_size, { "NewPathNameSize", "ica.cdm.new_path_size", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_new_path, { "New path name", "ica.cdm.new_path", FT_STRING, BASE_NONE, NULL, 0x0, "RENAME: the path the file gets", HFILL } },
        { &hf_access_mode, { "AccessMode", "ica.cdm.access_mode", FT_UINT16, BASE_HEX, NULL, 0x0, "DOS 3.x open mode", HFILL } },
        { &hf_access, { "Access", "ica.cdm.access_mode.access", FT_UINT16, BASE_HEX, VALS(access_vals), 0x0007, NULL, HFILL } },
        { &hf_share, { "Sharing", "ica.cdm.access_mode.share", FT_UINT16, BASE_HEX, VALS(share_vals), 0x0070, NULL, HFILL } },
        { &hf_create_mode, { "CreateMode", "ica.cdm.create_mode", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_create_new, { "CREATE_NEWFILE", "ica.cdm.create_mode.new_file", FT_BOOLEAN, 16, NULL, 0x0001, "Create a new file if none exists", HFILL } },
        { &hf_open_existing, { "OPEN_EXISTING", "ica.cdm.create_mode.open_existing", FT_BOOLEAN, 16, NULL, 0x0002, "Open an existing file", HFILL } },
        { &hf_truncate, { "TRUNCATE", "ica.cdm.create_mode.truncate", FT_BOOLEAN, 16, NULL, 0x0004, "Truncate an existing file", HFILL } },
        { &hf_attributes, { "Attributes", "ica.cdm.attributes", FT_UINT16, BASE_HEX, NULL, 0x0, "DOS file attributes", HFILL } },
        { &hf_attr_readonly, { "READONLY", "ica.cdm.attributes.readonly", FT_BOOLEAN, 16, NULL, 0x0001, NULL, HFILL } },
        { &hf_attr_hidden, { "HIDDEN", "ica.cdm.attributes.hidden", FT_BOOLEAN, 16, NULL, 0x0002, NULL, HFILL } },
        { &hf_attr_system, { "SYSTEM", "ica.cdm.attributes.system", FT_BOOLEAN, 16, NULL, 0x0004, NULL, HFILL } },
        { &hf_attr_volume_label, { "VOLUMELABEL", "ica.cdm.attributes.volume_label", FT_BOOLEAN, 16, NULL, 0x0008, NULL, HFILL } },
        { &hf_attr_directory, { "DIRECTORY", "ica.cdm.attributes.directory", FT_BOOLEAN, 16, NULL, 0x0010, NULL, HFILL } },
        { &hf_attr_archive, { "ARCHIVE", "ica.cdm.attributes.archive", FT_BOOLEAN, 16, NULL, 0x0020, NULL, HFILL } },
        { &hf_create_date, { "CreateDate", "ica.cdm.create_date", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_date_fmt), 0x0, "Host date, DOS format", HFILL } },
        { &hf_create_time, { "CreateTime", "ica.cdm.create_time", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_time_fmt), 0x0, "Host time, DOS format", HFILL } },
        { &hf_context, { "Context", "ica.cdm.context", FT_UINT16, BASE_DEC, NULL, 0x0, "Handle of an open file or find", HFILL } },
        { &hf_status, { "Result", "ica.cdm.status", FT_UINT16, BASE_HEX, NULL, 0x0, "Status word: error class (low byte), DOS error (high byte)", HFILL } },
        { &hf_status_class, { "Error class", "ica.cdm.status.class", FT_UINT16, BASE_HEX, VALS(error_class_vals), 0x00FF, "CDM_ERROR_*", HFILL } },
        { &hf_status_dos, { "DOS error", "ica.cdm.status.dos_error", FT_UINT16, BASE_HEX, VALS(dos_error_vals), 0xFF00, "CDM_DOSERROR_*", HFILL } },
        { &hf_offset, { "Offset", "ica.cdm.offset", FT_UINT32, BASE_DEC, NULL, 0x0, "ReadOffset (READ, READCOND) or WriteOffset (WRITE)", HFILL } },
        { &hf_length, { "Length", "ica.cdm.length", FT_UINT16, BASE_DEC, NULL, 0x0, "ReadSize (READ, READCOND), WriteSize (WRITE), ReturnSize (READ/READCOND reply), WroteSize (WRITE reply)", HFILL } },
        { &hf_data, { "Data", "ica.cdm.data", FT_BYTES, BASE_NONE, NULL, 0x0, "File data read or written", HFILL } },
        { &hf_file_path, { "File", "ica.cdm.file_path", FT_STRING, BASE_NONE, NULL, 0x0, "The path of the file this message is about (from its open, or its request)", HFILL } },
        { &hf_buffer_size, { "BufferSize", "ica.cdm.buffer_size", FT_UINT16, BASE_DEC, NULL, 0x0, "Buffer available for the entries returned", HFILL } },
        { &hf_number_requested, { "NumberRequested", "ica.cdm.number_requested", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_bytes_returned, { "BytesReturned", "ica.cdm.bytes_returned", FT_UINT16, BASE_DEC, NULL, 0x0, "Bytes of FINDSTRUCT entries following the 9-byte reply", HFILL } },
        { &hf_number_returned, { "NumberReturned", "ica.cdm.number_returned", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_index, { "Index", "ica.cdm.index", FT_UINT16, BASE_DEC, NULL, 0x0, "FINDFIRSTINDEX: starting index into the directory", HFILL } },
        { &hf_find_write_time, { "WriteTime", "ica.cdm.find.write_time", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_time_fmt), 0x0, "Time of last write, DOS format", HFILL } },
        { &hf_find_write_date, { "WriteDate", "ica.cdm.find.write_date", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_date_fmt), 0x0, "Date of last write, DOS format", HFILL } },
        { &hf_file_size, { "FileSize", "ica.cdm.file_size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_name_size, { "NameSize", "ica.cdm.find.name_size", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_long_name_size, { "LongNameSize", "ica.cdm.find.long_name_size", FT_UINT8, BASE_DEC, NULL, 0x0, "FINDSTRUCT_LONG (CDM_VERSION4 clients)", HFILL } },
        { &hf_name, { "Name", "ica.cdm.find.name", FT_STRING, BASE_NONE, NULL, 0x0, "File name (the 8.3 name in a FINDSTRUCT_LONG)", HFILL } },
        { &hf_long_name, { "Long name", "ica.cdm.find.long_name", FT_STRING, BASE_NONE, NULL, 0x0, "FINDSTRUCT_LONG: taken to follow the short name (order inferred, vc.md §4.2)", HFILL } },
        { &hf_file_date, { "FileDate", "ica.cdm.file_date", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_date_fmt), 0x0, "DOS date", HFILL } },
        { &hf_file_time, { "FileTime", "ica.cdm.file_time", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_time_fmt), 0x0, "DOS time", HFILL } },
        { &hf_time_stamp, { "TimeStamp", "ica.cdm.time_stamp", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_time_fmt), 0x0, "File time for cache consistency, DOS format", HFILL } },
        { &hf_date_stamp, { "DateStamp", "ica.cdm.date_stamp", FT_UINT16, BASE_CUSTOM, CF_FUNC(dos_date_fmt), 0x0, "File date for cache consistency, DOS format", HFILL } },
        { &hf_flags, { "Flags", "ica.cdm.flags", FT_UINT16, BASE_HEX, NULL, 0x0, "VOLUMEINFO request, NOTIFYCACHE: flags (none defined)", HFILL } },
        { &hf_crc32, { "Crc32", "ica.cdm.crc32", FT_UINT32, BASE_HEX, NULL, 0x0, "READCOND: CRC for comparison", HFILL } },
        { &hf_readcond_flags, { "Flags", "ica.cdm.readcond_flags", FT_UINT16, BASE_HEX, NULL, 0x0, "READCOND reply flags", HFILL } },
        { &hf_readcond_validated, { "READCOND_VALIDATED", "ica.cdm.readcond_flags.validated", FT_BOOLEAN, 16, NULL, 0x0001, "The data was validated, nothing transferred", HFILL } },
        { &hf_lock_start, { "LockStart", "ica.cdm.lock_start", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_lock_size, { "LockSize", "ica.cdm.lock_size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_lock_type, { "Type", "ica.cdm.lock_type", FT_UINT8, BASE_DEC, VALS(lock_type_vals), 0x0, NULL, HFILL } },
        { &hf_new_size, { "NewSize", "ica.cdm.new_size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_new_offset, { "NewOffset", "ica.cdm.new_offset", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_whence, { "Whence", "ica.cdm.whence", FT_UINT8, BASE_DEC, VALS(whence_vals), 0x0, NULL, HFILL } },
        { &hf_volume_size, { "VolumeSize", "ica.cdm.volume_size", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_bytes_free, { "BytesFree", "ica.cdm.bytes_free", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_allocation_size, { "AllocationSize", "ica.cdm.allocation_size", FT_UINT32, BASE_DEC, NULL, 0x0, "Bytes per allocation unit", HFILL } },
        { &hf_serial_number, { "SerialNumber", "ica.cdm.serial_number", FT_UINT32, BASE_HEX, NULL, 0x0, "Volume serial number", HFILL } },
        { &hf_volume_flags, { "Flags", "ica.cdm.volume_flags", FT_UINT32, BASE_HEX, NULL, 0x0, "VOLUMEINFO reply v2+ flags", HFILL } },
        { &hf_volume_diskette_changed, { "DISKETTE_CHANGED", "ica.cdm.volume_flags.diskette_changed", FT_BOOLEAN, 32, NULL, 0x00000001, NULL, HFILL } },
        { &hf_volume_removeable, { "VOLUME_REMOVEABLE", "ica.cdm.volume_flags.removeable", FT_BOOLEAN, 32, NULL, 0x00000002, NULL, HFILL } },
        { &hf_volume_label_size, { "VolumeLabelSize", "ica.cdm.volume_label_size", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_reserved, { "Reserved", "ica.cdm.reserved", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_volume_label, { "Volume label", "ica.cdm.volume_label", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_connect_size, { "Size", "ica.cdm.connect.size", FT_UINT16, BASE_DEC, NULL, 0x0, "Size of the CONNECT request header", HFILL } },
        { &hf_version_low, { "VersionLow", "ica.cdm.connect.version_low", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_version_high, { "VersionHigh", "ica.cdm.connect.version_high", FT_UINT16, BASE_DEC, NULL, 0x0, "From 4 the client answers with CONNECT_REPLY and returns FINDSTRUCT_LONG entries", HFILL } },
        { &hf_connect_flags, { "Flags", "ica.cdm.connect.flags", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cache_flags, { "CacheFlags", "ica.cdm.connect.cache_flags", FT_UINT16, BASE_HEX, NULL, 0x0, "CONNECT_NOCACHE 1, CONNECT_NOWRITEALLOCATE 2", HFILL } },
        { &hf_cache_timeout0, { "CacheTimeout0", "ica.cdm.connect.cache_timeout0", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cache_timeout1, { "CacheTimeout1", "ica.cdm.connect.cache_timeout1", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_cache_xfer_size, { "CacheXferSize", "ica.cdm.connect.cache_xfer_size", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_reply_version, { "ReplyVersion", "ica.cdm.connect.reply_version", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_reply_size, { "ReplySize", "ica.cdm.connect.reply_size", FT_UINT16, BASE_DEC, NULL, 0x0, "Size of the CONNECT reply", HFILL } },
        { &hf_capabilities, { "Capabilities", "ica.cdm.connect.capabilities", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_cap_long_names, { "LONGFILE_NAMES", "ica.cdm.connect.capabilities.long_names", FT_BOOLEAN, 16, NULL, 0x0001, NULL, HFILL } },
        { &hf_cap_ansi, { "ANSI_CHARS", "ica.cdm.connect.capabilities.ansi", FT_BOOLEAN, 16, NULL, 0x0002, NULL, HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.cdm.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public layout describes", HFILL } },
        { &hf_response_in, { "Response in", "ica.cdm.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The frame of this request's reply", HFILL } },
        { &hf_response_to, { "Request in", "ica.cdm.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The frame of the request this reply answers (same MpxId)", HFILL } },
        { &hf_time, { "Time", "ica.cdm.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, "Time from the request to this reply", HFILL } },
    };
    static int *ett[] = { &ett_cdm, &ett_cdm_bits, &ett_cdm_entry };
    static ei_register_info ei[] = {
        { &ei_status, { "ica.cdm.status.error", PI_RESPONSE_CODE, PI_NOTE, "CDM error", EXPFILL } },
        { &ei_no_request, { "ica.cdm.no_request", PI_SEQUENCE, PI_WARN, "Reply without a request (no request with this MpxId seen)", EXPFILL } },
        { &ei_length, { "ica.cdm.length_lies", PI_MALFORMED, PI_ERROR, "A size field disagrees with the message or its request", EXPFILL } },
        { &ei_offset, { "ica.cdm.offset_past_end", PI_PROTOCOL, PI_WARN, "Offset past the end of the file", EXPFILL } },
        { &ei_count, { "ica.cdm.count_too_large", PI_MALFORMED, PI_ERROR, "Count larger than the message holds", EXPFILL } },
        { &ei_path_long, { "ica.cdm.path_too_long", PI_PROTOCOL, PI_WARN, "Path name above CDM_MAX_PATH_LEN", EXPFILL } },
        { &ei_undecoded, { "ica.cdm.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for this message type", EXPFILL } },
    };
    proto_cdm = proto_register_protocol("Citrix ICA Client Drive Mapping channel", "CTXCDM", "ica.cdm");
    proto_register_field_array(proto_cdm, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_cdm), ei, array_length(ei));
    cdm_sessions = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    cdm_recs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_int64_hash, g_int64_equal);
}

void
proto_reg_handoff_ica_cdm(void)
{
    /* no length field: the size follows from each message's layout (vc_cdm_size) */
    static const vc_len_rule rule = { VC_LEN_MEASURE, 0, 0, 0, 0, CDM_MAX_MESSAGE, vc_cdm_size };
    ica_vc_register("CTXCDM", dissect_cdm, proto_cdm, &rule);
}
