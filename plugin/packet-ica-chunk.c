/* packet-ica-chunk.c - Citrix ICA: feeding the stream core and rendering
 * what it reported.
 *
 * The byte-level work (phases, cipher state, reducer, command reassembly,
 * channel bindings) is done by the epan-free ica_stream core on the first
 * pass; what it reports (ica_event) is stored per frame as small records so
 * that any frame can be shown later, in any order.  Memory (bench/ica.md):
 * a record holds offsets and lengths into the chunk's tvb and into the
 * chunk's WD buffer, which is rebuilt for display (decrypted again from a
 * one-byte cipher state); only bytes that came in earlier chunks are
 * copied, and a WD command that starts in the previous chunk's last frame
 * refers to that frame's record instead (ica_cmd_ref_t).  Records are stored
 * packed (compact forms when offsets fit 16 bits), and each chunk's record is
 * found again through a file-wide index in frame order, not proto data
 * (bench/cgp.md: a CGP capture has one chunk per CGP record and per segment
 * continuing one).  This file turns those records into the ICA tree, the
 * Info column and expert infos, dispatching to the handshake, frame and
 * WD-command renderers, and queues the "ica" tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include "packet-ica-int.h"
#include "ica_wd.h"
#include "ica_ht.h"
#include "ica_basic.h"
#include "packet-ica-vc.h"

static int hf_ica_direction = -1;
int hf_ica_encryption = -1;
static int hf_ica_compression = -1;
static int hf_ica_detect = -1;
static int hf_ica_padding = -1;
static int hf_ica_undecoded = -1;
static int hf_ica_reassembled = -1;
static int hf_ica_pending_unit_seen = -1;
static int hf_ica_pending_unit_length = -1;
static int hf_ica_pending_cmd_seen = -1;
static int hf_ica_pending_cmd_length = -1;
static int ett_ica = -1;
static expert_field ei_ica_padding = EI_INIT;
static expert_field ei_ica_unknown_cmd = EI_INIT;
static expert_field ei_ica_mid_session = EI_INIT;
static expert_field ei_ica_gap = EI_INIT;
static expert_field ei_ica_desync_handshake = EI_INIT;
static expert_field ei_ica_desync_frame_len = EI_INIT;
static expert_field ei_ica_desync_skipped = EI_INIT;
static expert_field ei_ica_pending = EI_INIT;
static expert_field ei_ica_not_reassembled = EI_INIT;

static const value_string direction_vals[] = {
    { ICA_C2S, "client to server" }, { ICA_S2C, "server to client" }, { 0, NULL }
};

/* The encryption names ica.encryption, citrix.encryption, -z ica,tree,
 * -z citrix,tree and the credentials expert text show (one table).  Both
 * fields show the level as known at their frame, so 0 is "not known yet". */
const value_string encryption_vals[] = {
    { ICA_ENC_UNKNOWN, "not known yet" }, { ICA_ENC_NONE, "none" }, { ICA_ENC_BASIC, "Basic" },
    { ICA_ENC_RC5, "RC5 (SecureICA)" }, { ICA_ENC_TLS, "TLS" }, { 0, NULL }
};

/* ---- small tree helpers ------------------------------------------------- */

/* Info column: one item per message, bounded for frames holding hundreds. */
#define INFO_MAX_LEN 200
void ica_info_add(wmem_strbuf_t *info, const char *item)
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

void *ica_file_realloc(void *actx _U_, void *ptr, size_t size)
{
    return wmem_realloc(wmem_file_scope(), ptr, size);
}

static void file_free(void *actx _U_, void *ptr)
{
    wmem_free(wmem_file_scope(), ptr);
}

/* ---- packed records ----------------------------------------------------- */

/* Records are stored packed, in one of three forms told apart by the type
 * byte: the whole ica_rec_t (44 bytes), or, when every offset and length
 * fits in 16 bits and there is no high-throughput header, a compact form:
 * 12 bytes for WD commands and stops (most records of a file), 24 bytes
 * for the others (frames).  The compact forms carry REC_COMPACT in the
 * type byte (ICA_EV_* values are small). */
#define REC_COMPACT 0x80

typedef struct {
    guint8 type;                    /* ICA_EV_CMD or ICA_EV_WD_STOP, | REC_COMPACT */
    guint8 dir : 1;
    guint8 copy_is_ref : 1;
    guint8 code;
    guint8 cmd_flags;
    gint16 buf_off;
    guint16 buf_len;
    guint16 copy_off;
    guint16 copy_len;
} ica_rec_cmd_t;

typedef struct {
    guint8 type;                    /* | REC_COMPACT */
    guint8 dir : 1;
    guint8 region_src : 2;
    guint8 region_is_plain : 1;
    guint8 decrypt_disabled : 1;
    guint8 copy_is_ref : 1;
    guint8 code;
    guint8 cipher_prev;
    guint8 cmd_flags;
    guint8 spare;
    gint16 crypt_hdr;
    guint16 frame_len;
    guint16 flags;
    gint16 tvb_off;
    guint16 wire_len;
    gint16 buf_off;
    guint16 buf_len;
    guint16 copy_off;
    guint16 copy_len;
} ica_rec_small_t;

static gboolean rec_is_cmd(guint8 type)
{
    return type == ICA_EV_CMD || type == ICA_EV_WD_STOP;
}

static gboolean fits_u16(guint32 v)
{
    return v <= G_MAXUINT16;
}

static gboolean fits_off16(gint32 v)
{
    return v >= -1 && v <= G_MAXINT16;
}

/* Whether r fits a compact form. */
static gboolean rec_compact(const ica_rec_t *r)
{
    if (!fits_off16(r->buf_off) || !fits_u16(r->buf_len) || !fits_u16(r->copy_off) || !fits_u16(r->copy_len))
        return FALSE;
    if (rec_is_cmd(r->type))
        return TRUE;
    return !r->ht_len && !r->ht_flags && !r->ht_rtt_ms && !r->ht_bw_raw && !r->ht_mark &&
           r->flags <= G_MAXUINT16 && fits_off16(r->tvb_off) && fits_u16(r->wire_len);
}

static guint32 rec_packed_size(const ica_rec_t *r)
{
    if (!rec_compact(r))
        return (guint32)sizeof(ica_rec_t);
    return rec_is_cmd(r->type) ? (guint32)sizeof(ica_rec_cmd_t) : (guint32)sizeof(ica_rec_small_t);
}

static void rec_pack(guint8 *dst, const ica_rec_t *r)
{
    if (!rec_compact(r)) {
        memcpy(dst, r, sizeof *r);
    } else if (rec_is_cmd(r->type)) {
        ica_rec_cmd_t c;
        memset(&c, 0, sizeof c);
        c.type = (guint8)(r->type | REC_COMPACT);
        c.dir = r->dir;
        c.copy_is_ref = r->copy_is_ref;
        c.code = r->code;
        c.cmd_flags = r->cmd_flags;
        c.buf_off = (gint16)r->buf_off;
        c.buf_len = (guint16)r->buf_len;
        c.copy_off = (guint16)r->copy_off;
        c.copy_len = (guint16)r->copy_len;
        memcpy(dst, &c, sizeof c);
    } else {
        ica_rec_small_t m;
        memset(&m, 0, sizeof m);
        m.type = (guint8)(r->type | REC_COMPACT);
        m.dir = r->dir;
        m.region_src = r->region_src;
        m.region_is_plain = r->region_is_plain;
        m.decrypt_disabled = r->decrypt_disabled;
        m.copy_is_ref = r->copy_is_ref;
        m.code = r->code;
        m.cipher_prev = r->cipher_prev;
        m.cmd_flags = r->cmd_flags;
        m.crypt_hdr = r->crypt_hdr;
        m.frame_len = r->frame_len;
        m.flags = (guint16)r->flags;
        m.tvb_off = (gint16)r->tvb_off;
        m.wire_len = (guint16)r->wire_len;
        m.buf_off = (gint16)r->buf_off;
        m.buf_len = (guint16)r->buf_len;
        m.copy_off = (guint16)r->copy_off;
        m.copy_len = (guint16)r->copy_len;
        memcpy(dst, &m, sizeof m);
    }
}

/* Bytes of the packed record at pos (0 when it does not fit in the records). */
static guint32 rec_size_at(const ica_frame_t *fd, guint32 pos)
{
    if (pos >= fd->recs_len)
        return 0;
    guint8 t = fd->data[pos];
    guint32 n = !(t & REC_COMPACT) ? (guint32)sizeof(ica_rec_t) :
                rec_is_cmd((guint8)(t & ~REC_COMPACT)) ? (guint32)sizeof(ica_rec_cmd_t) : (guint32)sizeof(ica_rec_small_t);
    return n <= fd->recs_len - pos ? n : 0;
}

static void rec_unpack_cmd(const guint8 *src, ica_rec_t *r)
{
    ica_rec_cmd_t c;
    memcpy(&c, src, sizeof c);
    r->type = (guint8)(c.type & ~REC_COMPACT);
    r->dir = c.dir;
    r->copy_is_ref = c.copy_is_ref;
    r->code = c.code;
    r->cmd_flags = c.cmd_flags;
    r->buf_off = c.buf_off;
    r->buf_len = c.buf_len;
    r->copy_off = c.copy_off;
    r->copy_len = c.copy_len;
    r->tvb_off = -1;
    r->crypt_hdr = -1;
}

static void rec_unpack_small(const guint8 *src, ica_rec_t *r)
{
    ica_rec_small_t m;
    memcpy(&m, src, sizeof m);
    r->type = (guint8)(m.type & ~REC_COMPACT);
    r->dir = m.dir;
    r->region_src = m.region_src;
    r->region_is_plain = m.region_is_plain;
    r->decrypt_disabled = m.decrypt_disabled;
    r->copy_is_ref = m.copy_is_ref;
    r->code = m.code;
    r->cipher_prev = m.cipher_prev;
    r->cmd_flags = m.cmd_flags;
    r->crypt_hdr = m.crypt_hdr;
    r->frame_len = m.frame_len;
    r->flags = m.flags;
    r->tvb_off = m.tvb_off;
    r->wire_len = m.wire_len;
    r->buf_off = m.buf_off;
    r->buf_len = m.buf_len;
    r->copy_off = m.copy_off;
    r->copy_len = m.copy_len;
}

/* The record at pos of a chunk's packed records into *r (pos: one that
 * store_records() gave, or checked with rec_size_at()); returns the next
 * position. */
static guint32 rec_get(const ica_frame_t *fd, guint32 pos, ica_rec_t *r)
{
    guint32 n = rec_size_at(fd, pos);
    DISSECTOR_ASSERT(n);
    memset(r, 0, sizeof *r);
    guint8 t = fd->data[pos];
    if (!(t & REC_COMPACT))
        memcpy(r, fd->data + pos, sizeof *r);
    else if (rec_is_cmd((guint8)(t & ~REC_COMPACT)))
        rec_unpack_cmd(fd->data + pos, r);
    else
        rec_unpack_small(fd->data + pos, r);
    return pos + n;
}

/* ---- chunk records by frame ---------------------------------------------
 * One chunk record (ica_frame_t) per carrier message or segment, found again
 * by (frame number, key).  Kept in first-pass order, which is frame order,
 * in fixed blocks (never moved) and found by binary search: 16 bytes a
 * chunk, where a proto-data item and its list node cost about 40.  A chunk
 * that would break the order (none known) goes to proto data instead. */
#define CHUNK_BLOCK 1024
typedef struct {
    guint32 num, key;
    ica_frame_t *fd;
} chunk_ent_t;
static chunk_ent_t **chunk_blocks;      /* file scope; chunk_nblocks used, chunk_cap allocated */
static guint32 chunk_nblocks, chunk_cap, chunk_count;

static void chunk_index_init(void)
{
    chunk_blocks = NULL;                /* freed with the file scope */
    chunk_nblocks = chunk_cap = chunk_count = 0;
}

static int chunk_cmp(guint32 num, guint32 key, const chunk_ent_t *e)
{
    if (num != e->num)
        return num < e->num ? -1 : 1;
    return key < e->key ? -1 : key > e->key ? 1 : 0;
}

static const chunk_ent_t *chunk_at(guint32 i)
{
    return &chunk_blocks[i / CHUNK_BLOCK][i % CHUNK_BLOCK];
}

static ica_frame_t *chunk_find(packet_info *pinfo, guint32 key)
{
    guint32 lo = 0, hi = chunk_count;
    while (lo < hi) {
        guint32 mid = lo + (hi - lo) / 2;
        int c = chunk_cmp(pinfo->num, key, chunk_at(mid));
        if (c == 0)
            return chunk_at(mid)->fd;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (ica_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_ica, key);
}

static void chunk_add(packet_info *pinfo, guint32 key, ica_frame_t *fd)
{
    if (chunk_count && chunk_cmp(pinfo->num, key, chunk_at(chunk_count - 1)) <= 0) {
        p_add_proto_data(wmem_file_scope(), pinfo, proto_ica, key, fd);
        return;
    }
    if (chunk_count == chunk_nblocks * CHUNK_BLOCK) {
        if (chunk_nblocks == chunk_cap) {
            chunk_cap = chunk_cap ? 2 * chunk_cap : 16;
            chunk_blocks = (chunk_ent_t **)wmem_realloc(wmem_file_scope(), chunk_blocks,
                                                        chunk_cap * sizeof *chunk_blocks);
        }
        chunk_blocks[chunk_nblocks++] = wmem_alloc_array(wmem_file_scope(), chunk_ent_t, CHUNK_BLOCK);
    }
    chunk_ent_t *e = &chunk_blocks[chunk_count / CHUNK_BLOCK][chunk_count % CHUNK_BLOCK];
    e->num = pinfo->num;
    e->key = key;
    e->fd = fd;
    chunk_count++;
}

/* ---- first pass: collect what the core reports for one chunk ----------- */

/* Collector used while the core reports events for one chunk (pinfo->pool). */
typedef struct {
    guint8 dir;                     /* the direction fed (events of the other one come from key recovery) */
    guint64 seg_wire_off;           /* stream offset of the chunk's first fed byte */
    gint32 seg_tvb_off;             /* where those bytes start in the tvb */
    wmem_array_t *recs;
    wmem_array_t *plain_offs;       /* guint64 per record: ica_event.plain_off (first pass only) */
    GByteArray *buf;                /* kept regions (zeros elsewhere) */
    GByteArray *store;              /* copies of bytes that came in earlier chunks */
    gboolean kept;                  /* some region is REGION_KEPT */
    gboolean decrypted;
    ica_session *s;
} ica_collect_t;

static void store_copy(ica_collect_t *c, ica_rec_t *r, const guint8 *p, guint32 len)
{
    r->copy_off = c->store->len;
    r->copy_len = len;
    g_byte_array_append(c->store, p, len);
}

/* The high-throughput header of a frame: its values, and its bytes (the
 * start of the decrypted payload) ahead of the frame's WD bytes. */
static void collect_ht(ica_collect_t *c, const ica_event *ev, ica_rec_t *r)
{
    r->ht_len = ev->ht_len;
    r->ht_flags = ev->ht_flags;
    r->ht_rtt_ms = ev->ht_rtt_ms;
    r->ht_bw_raw = ev->ht_bw_raw;
    r->ht_mark = (guint8)((ev->ht_inferred ? HT_MARK_INFERRED : 0) | (ev->ht_short ? HT_MARK_SHORT : 0));
    if (ev->ht_len && ev->decrypted && ev->decrypted_len >= ev->ht_len && ev->plain) {
        r->ht_mark |= HT_MARK_STORED;       /* the frame's region follows right after (collect_frame) */
        g_byte_array_append(c->buf, ev->decrypted, ev->ht_len);   /* rebuilt with its frame (chunk_buffer) */
    }
}

/* A wire unit's bytes: those fed in this chunk are in the tvb; those that
 * came in earlier chunks (a unit spanning TCP segments or carrier
 * messages), or units of the other direction (key recovery replays), are
 * copied. */
static void collect_wire(ica_collect_t *c, const ica_event *ev, ica_rec_t *r)
{
    if (ev->dir == c->dir && ev->wire_off >= c->seg_wire_off) {
        r->tvb_off = c->seg_tvb_off + (gint32)(ev->wire_off - c->seg_wire_off);
    } else if (ev->dir == c->dir && ev->wire_off + ev->wire_len > c->seg_wire_off) {
        /* started in earlier chunks, ends at the start of this one */
        store_copy(c, r, ev->wire, (guint32)(c->seg_wire_off - ev->wire_off));
        r->tvb_off = c->seg_tvb_off;
    } else {
        store_copy(c, r, ev->wire, ev->wire_len);
    }
}

static void collect_frame(ica_collect_t *c, const ica_event *ev, ica_rec_t *r)
{
    const guint8 *region = ev->plain ? ev->plain : (ev->flags & ICA_FR_DECRYPTED) ? ev->decrypted : NULL;
    guint32 rlen = ev->plain ? ev->plain_len : ev->decrypted_len;
    if (ev->ht_len || ev->ht_short)
        collect_ht(c, ev, r);
    if (!region)
        return;
    r->buf_off = (gint32)c->buf->len;
    r->buf_len = rlen;
    r->region_is_plain = ev->plain != NULL;
    /* Keep only what cannot be rebuilt from the wire bytes later: the
     * payload after the PDCRYPT1 header (with a high-throughput header
     * stored just ahead: collect_ht), clear or decrypted in the running
     * chain, is rebuilt.  Reducer output and the few frames decrypted by
     * key recovery or replayed are kept. */
    gboolean whole = region == ev->decrypted ||
                     ((r->ht_mark & HT_MARK_STORED) && region == ev->decrypted + ev->ht_len);
    gboolean rebuild = whole &&
                       !(ev->flags & (ICA_FR_EXPANDED | ICA_FR_REPLAY | ICA_FR_KEY_RECOVERED | ICA_FR_NO_CHAIN));
    /* also for kept regions: an expanded V3 frame's decrypted packet is
     * rebuilt from it to show its chunks (ica_dissect_frame) */
    r->cipher_prev = ev->cipher_prev;
    if (!rebuild) {
        r->region_src = REGION_KEPT;
        g_byte_array_append(c->buf, region, rlen);
        c->kept = TRUE;
    } else {
        r->region_src = (ev->flags & ICA_FR_DECRYPTED) ? REGION_BASIC : REGION_CLEAR;
        g_byte_array_set_size(c->buf, c->buf->len + rlen);
    }
    if (ev->flags & ICA_FR_DECRYPTED)
        c->decrypted = TRUE;
}

/* The frame record of this chunk whose WD bytes hold plain_off (the first
 * such frame that starts after from, when from is given), or NULL. */
static const ica_rec_t *plain_frame(const ica_collect_t *c, guint8 dir, guint64 plain_off, guint64 *frame_off,
                                    gboolean any_dir)
{
    guint n = wmem_array_get_count(c->recs);
    for (guint i = 0; i < n; i++) {
        const ica_rec_t *f = (const ica_rec_t *)wmem_array_index(c->recs, i);
        guint64 fo = *(const guint64 *)wmem_array_index(c->plain_offs, i);
        if (f->type == ICA_EV_FRAME && f->region_is_plain && (any_dir || f->dir == dir) &&
            plain_off >= fo && plain_off < fo + f->buf_len) {
            *frame_off = fo;
            return f;
        }
    }
    return NULL;
}

/* A WD command: in this chunk's WD buffer when it lies in one frame's
 * bytes; when it started in earlier frames, the part before the frame of
 * this chunk where it ends is copied and the rest referenced.  A joined
 * write is rebuilt from several places: always copied. */
static void collect_command(ica_collect_t *c, const ica_event *ev, ica_rec_t *r)
{
    guint64 fo;
    r->buf_len = ev->plain_len;
    if (ev->cmd_flags & ICA_CMDF_JOINED || !ev->plain_len) {
        store_copy(c, r, ev->plain, ev->plain_len);
        return;
    }
    guint64 last = ev->plain_off + ev->plain_len - 1;
    const ica_rec_t *f = plain_frame(c, ev->dir, last, &fo, FALSE);
    if (f && ev->plain_off >= fo) {
        r->buf_off = f->buf_off + (gint32)(ev->plain_off - fo);
    } else if (f) {
        r->buf_off = f->buf_off;
        /* the part before: the end of the last frame of an earlier chunk when
         * that one is stored whole, else copied */
        guint64 to = c->s->tail[ev->dir].plain_off;
        if (c->s->tail[ev->dir].fd && ev->plain_off >= to && to + c->s->tail[ev->dir].buf_len == fo) {
            ica_cmd_ref_t ref = { c->s->tail[ev->dir].fd, c->s->tail[ev->dir].rec, (guint32)(ev->plain_off - to) };
            store_copy(c, r, (const guint8 *)&ref, sizeof ref);
            r->copy_len = (guint32)(fo - ev->plain_off);
            r->copy_is_ref = 1;
        } else {
            store_copy(c, r, ev->plain, (guint32)(fo - ev->plain_off));
        }
    } else {
        store_copy(c, r, ev->plain, ev->plain_len);
    }
}

/* WD decoding stopped at an unknown code: the rest of its frame's bytes. */
static void collect_wd_stop(ica_collect_t *c, const ica_event *ev, ica_rec_t *r)
{
    guint64 fo;
    const ica_rec_t *f = plain_frame(c, ev->dir, ev->plain_off, &fo, TRUE);
    if (f) {
        r->buf_off = f->buf_off + (gint32)(ev->plain_off - fo);
        r->buf_len = f->buf_len - (guint32)(ev->plain_off - fo);
    }
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
    r.decrypt_disabled = !pref_decrypt;
    r.cmd_flags = ev->cmd_flags;
    switch (ev->type) {
    case ICA_EV_CMD:
        collect_command(c, ev, &r);
        break;
    case ICA_EV_WD_STOP:
        collect_wd_stop(c, ev, &r);
        break;
    case ICA_EV_FRAME:
        collect_wire(c, ev, &r);
        collect_frame(c, ev, &r);
        break;
    default:
        collect_wire(c, ev, &r);
        break;
    }
    wmem_array_append_one(c->recs, r);
    guint64 po = ev->plain_off;
    wmem_array_append_one(c->plain_offs, po);
}

/* ---- first pass: feed the stream core ----------------------------------- */

ica_session *ica_session_new(packet_info *pinfo, const address *client, guint32 client_port,
                             const address *server, guint32 server_port, const char *carrier,
                             enum ica_phase start)
{
    ica_session *s = wmem_new0(wmem_file_scope(), ica_session);
    ica_stream_init(&s->st, start, ica_file_realloc, NULL);
    /* mid-session captures: recover the Basic key, or take it by hand */
    s->st.keyfind_disabled = !pref_recover_key;
    if (pref_session_key >= 1 && pref_session_key <= 0xff)
        ica_stream_set_key(&s->st, (uint8_t)pref_session_key);
    s->st.free_fn = file_free;
    s->carrier = carrier;
    s->label = wmem_strdup_printf(wmem_file_scope(), "%s:%u -> %s:%u", address_to_str(pinfo->pool, client),
                                  client_port, address_to_str(pinfo->pool, server), server_port);
    return s;
}

const ica_summary *ica_session_summary(const ica_session *s)
{
    return &s->st.sum;
}

void ica_session_end(ica_session *s, packet_info *pinfo)
{
    if (!s || s->end_frame || PINFO_FD_VISITED(pinfo))
        return;
    s->end_frame = pinfo->num;
    ica_stream_end(&s->st);
}

void ica_session_lose(ica_session *s, enum ica_dir dir, packet_info *pinfo)
{
    ica_stream_lose(&s->st, dir);
    s->tail[dir].fd = NULL;
    /* Shown on the chunk of this frame when there is one, else on the next. */
    if (s->last[dir] && s->last_num[dir] == pinfo->num)
        s->last[dir]->gap = 1;
    else
        s->lost[dir] = 1;
}

/* Bytes a record keeps in the store. */
static guint32 rec_store_len(const ica_rec_t *r)
{
    return r->copy_is_ref ? (guint32)sizeof(ica_cmd_ref_t) : r->copy_len;
}

/* The last frame of the chunk's direction, when a WD command continues
 * after it, started in it, and it came partly in earlier chunks: stored
 * whole so that the command's first part can refer to it (ica_cmd_ref_t)
 * instead of copying it -- when its tail, in this chunk, is shorter than
 * that part (a few bytes over TCP segments; CGP records cut frames
 * anywhere). */
static gint whole_frame(const ica_collect_t *col, const ica_partial *part)
{
    if (!part->cmd_seen)
        return -1;
    for (guint i = wmem_array_get_count(col->recs); i-- > 0;) {
        const ica_rec_t *r = (const ica_rec_t *)wmem_array_index(col->recs, i);
        if (r->type != ICA_EV_FRAME || r->dir != col->dir)
            continue;
        if (!r->region_is_plain || r->region_src < REGION_CLEAR || !r->copy_len || r->tvb_off < 0 ||
            part->cmd_seen > r->buf_len)
            return -1;
        return r->wire_len - r->copy_len + sizeof(ica_cmd_ref_t) < part->cmd_seen ? (gint)i : -1;
    }
    return -1;
}

/* Record in as stored: its copies at *at in the store (advanced past
 * them); whole: the frame's bytes in this chunk's tvb stored too. */
static void final_rec(const ica_rec_t *in, gboolean whole, guint32 *at, ica_rec_t *out)
{
    *out = *in;
    out->copy_off = *at;
    *at += rec_store_len(in);
    if (whole) {
        *at += in->wire_len - in->copy_len;
        out->copy_len = in->wire_len;
        out->tvb_off = -1;
    }
}

/* What the core reported for this chunk, in one allocation: the chunk's
 * record with its packed event records, then the store (ica_frame_t).
 * *pos receives each record's position in the packed records. */
static ica_frame_t *store_records(const ica_frame_t *head, const ica_partial *part, ica_collect_t *col,
                                  tvbuff_t *tvb, guint32 *pos)
{
    guint n = wmem_array_get_count(col->recs);
    const ica_rec_t *recs = (const ica_rec_t *)wmem_array_get_raw(col->recs);
    gboolean has_partial = part->unit_seen || part->unit_total || part->cmd_seen || part->cmd_total;
    gsize pre = (has_partial ? sizeof(ica_partial_rec_t) : 0) + (col->kept ? col->buf->len : 0);
    gint whole = whole_frame(col, part);
    guint32 recs_len = 0, at = (guint32)pre;
    ica_rec_t r;
    for (guint i = 0; i < n; i++) {
        final_rec(&recs[i], (gint)i == whole, &at, &r);
        pos[i] = recs_len;
        recs_len += rec_packed_size(&r);
    }
    ica_frame_t *fd = (ica_frame_t *)wmem_alloc(wmem_file_scope(), sizeof *fd + recs_len + at);
    *fd = *head;
    fd->nrecs = n;
    fd->recs_len = recs_len;
    fd->buf_len = col->buf->len;
    fd->buf_decrypted = col->decrypted;
    fd->has_partial = has_partial;
    fd->has_kept = col->kept;
    guint8 *store = fd->data + recs_len;
    if (has_partial) {
        ica_partial_rec_t pr = { (guint32)part->unit_seen, (guint32)part->unit_total, (guint32)part->cmd_seen,
                                 (guint32)part->cmd_total };
        memcpy(store, &pr, sizeof pr);
    }
    if (col->kept && col->buf->len)    /* an empty buffer may have no data pointer */
        memcpy(store + (has_partial ? sizeof(ica_partial_rec_t) : 0), col->buf->data, col->buf->len);
    /* the copies, record by record; offsets relative to the store */
    at = (guint32)pre;
    for (guint i = 0; i < n; i++) {
        final_rec(&recs[i], (gint)i == whole, &at, &r);
        guint32 len = rec_store_len(&recs[i]);
        if (len)
            memcpy(store + r.copy_off, col->store->data + recs[i].copy_off, len);
        if ((gint)i == whole)
            tvb_memcpy(tvb, store + r.copy_off + len, recs[i].tvb_off, recs[i].wire_len - recs[i].copy_len);
        rec_pack(fd->data + pos[i], &r);
    }
    return fd;
}

/* Remember the chunk's last frame of its direction for the next chunk's
 * commands (collect_command), when its record alone rebuilds its WD bytes. */
static void note_tail(ica_session *s, const ica_frame_t *fd, const ica_collect_t *col, const guint32 *pos)
{
    for (guint i = fd->nrecs; i-- > 0;) {
        ica_rec_t r;
        rec_get(fd, pos[i], &r);
        if (r.type != ICA_EV_FRAME || r.dir != col->dir)
            continue;
        gboolean alone = r.region_is_plain && r.buf_off >= 0 &&
                         (r.region_src == REGION_KEPT ||
                          (r.region_src >= REGION_CLEAR && r.tvb_off < 0 && r.copy_len == r.wire_len));
        s->tail[col->dir].fd = alone ? fd : NULL;
        s->tail[col->dir].rec = pos[i];
        s->tail[col->dir].buf_len = r.buf_len;
        s->tail[col->dir].plain_off = *(const guint64 *)wmem_array_index(col->plain_offs, i);
        return;
    }
}

/* The partial state and the kept buffer of a stored chunk (ica_frame_t). */
static ica_partial_rec_t frame_partial(const ica_frame_t *fd)
{
    ica_partial_rec_t pr = { 0, 0, 0, 0 };
    if (fd->has_partial)
        memcpy(&pr, ica_frame_store(fd), sizeof pr);
    return pr;
}

static const guint8 *frame_kept(const ica_frame_t *fd)
{
    return fd->has_kept ? ica_frame_store(fd) + (fd->has_partial ? sizeof(ica_partial_rec_t) : 0) : NULL;
}

static ica_frame_t *first_pass(ica_session *s, enum ica_dir dir, tvbuff_t *tvb, packet_info *pinfo)
{
    ica_frame_t head;
    guint len = tvb_captured_length(tvb);
    memset(&head, 0, sizeof head);
    head.dir = (guint8)dir;
    if (!s->seen_chunk) {
        s->seen_chunk = TRUE;
        head.first_of_session = 1;
    }
    if (s->lost[dir]) {
        s->lost[dir] = 0;
        head.gap = 1;
    }

    ica_collect_t col;
    col.dir = (guint8)dir;
    col.seg_wire_off = s->st.d[dir].wire_off + ica_stream_pending(&s->st, dir);
    col.seg_tvb_off = 0;
    col.recs = wmem_array_new(pinfo->pool, sizeof(ica_rec_t));
    col.plain_offs = wmem_array_new(pinfo->pool, sizeof(guint64));
    col.buf = g_byte_array_new();
    col.store = g_byte_array_new();
    col.decrypted = FALSE;
    col.kept = FALSE;
    col.s = s;
    s->st.decrypt_disabled = !pref_decrypt;
    ica_stream_feed(&s->st, dir, tvb_get_ptr(tvb, 0, len), len, collect_event, &col);
    if (!pref_desegment && ica_stream_pending(&s->st, dir)) {
        head.not_reassembled = 1;
        ica_stream_lose(&s->st, dir);
    }
    ica_partial part;
    ica_stream_partial(&s->st, dir, &part);
    head.encryption = s->st.sum.encryption;
    head.compression = s->st.sum.compression[dir];
    guint32 *pos = (guint32 *)wmem_alloc(pinfo->pool, (wmem_array_get_count(col.recs) + 1) * sizeof(guint32));
    ica_frame_t *fd = store_records(&head, &part, &col, tvb, pos);
    note_tail(s, fd, &col, pos);
    g_byte_array_free(col.buf, TRUE);
    g_byte_array_free(col.store, TRUE);
    s->last[dir] = fd;
    s->last_num[dir] = pinfo->num;
    for (guint i = 0; i < fd->nrecs; i++) {
        ica_rec_t r;
        rec_get(fd, pos[i], &r);
        if (r.type == ICA_EV_FRAME && (r.flags & ICA_FR_COMPRESSED) && s->compressed_note_frame == 0)
            s->compressed_note_frame = pinfo->num;
    }
    if (s->st.sum.mid_session && s->mid_session_note_frame == 0 && fd->nrecs)
        s->mid_session_note_frame = pinfo->num;
    return fd;
}

/* ---- every pass: build the tree from the stored records ----------------- */

proto_tree *ica_add_protocol_item(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree, guint8 dir,
                                  proto_item **item)
{
    proto_item *ti = proto_tree_add_item(tree, proto_ica, tvb, 0, -1, ENC_NA);
    proto_tree *it = proto_item_add_subtree(ti, ett_ica);
    proto_item_set_generated(proto_tree_add_uint(it, hf_ica_direction, tvb, 0, 0, dir));
    if (item)
        *item = ti;
    return it;
}

/* len bytes at off of a record's wire unit (off + len <= wire_len). */
static void wire_memcpy(const ica_frame_t *fd, const ica_rec_t *r, tvbuff_t *tvb, guint8 *dst, guint off, guint len)
{
    if (off < r->copy_len) {
        guint n = MIN(len, r->copy_len - off);
        memcpy(dst, ica_frame_store(fd) + r->copy_off + off, n);
        dst += n;
        off += n;
        len -= n;
    }
    if (len)
        tvb_memcpy(tvb, dst, r->tvb_off + (off - r->copy_len), len);
}

/* A record's wire bytes: a subset of tvb, or (a unit that came partly in
 * earlier chunks) its stored bytes joined with those in tvb, as a new data
 * source. */
static tvbuff_t *wire_tvb(const ica_frame_t *fd, const ica_rec_t *r, tvbuff_t *tvb, packet_info *pinfo,
                          const char *source)
{
    if (!r->copy_len)
        return tvb_new_subset_length(tvb, r->tvb_off, r->wire_len);
    guint8 *b = (guint8 *)wmem_alloc(pinfo->pool, r->wire_len);
    wire_memcpy(fd, r, tvb, b, 0, r->wire_len);
    tvbuff_t *t = tvb_new_child_real_data(tvb, b, r->wire_len, r->wire_len);
    add_new_data_source(pinfo, t, source);
    return t;
}

/* A frame's WD bytes (with a high-throughput header stored ahead of them)
 * rebuilt from its wire bytes into its place in the chunk's WD buffer b:
 * clear, or decrypted again from the stored cipher state. */
static gboolean rebuild_region(const ica_frame_t *fd, const ica_rec_t *r, const ica_session *s, tvbuff_t *tvb,
                               guint8 *b)
{
    guint body = 2 + ((r->flags & ICA_FR_CRYPT_HDR) ? 1 : 0);
    guint start = (guint)r->buf_off, len = r->buf_len;
    if (r->ht_len && r->region_is_plain) {
        /* the payload starts with the high-throughput header, stored
         * just ahead of the WD bytes (collect_ht): rebuilt with them */
        if (!(r->ht_mark & HT_MARK_STORED) || start < r->ht_len)
            return FALSE;
        start -= r->ht_len;
        len += r->ht_len;
    }
    if (body + len > r->wire_len || (guint64)start + len > fd->buf_len)
        return FALSE;
    wire_memcpy(fd, r, tvb, b + start, body, len);
    if (r->region_src == REGION_BASIC) {
        ica_basic_state cs = { s->st.sum.session_key, r->cipher_prev };
        ica_basic_decrypt(&cs, b + start, len);
    }
    return TRUE;
}

/* The first part of a command held by reference (ica_cmd_ref_t): the end
 * of a frame's WD bytes in an earlier chunk's record, stored whole there. */
static gboolean ref_bytes(const ica_frame_t *fd, const ica_rec_t *r, const ica_session *s, packet_info *pinfo,
                          guint8 *dst)
{
    ica_cmd_ref_t ref;
    memcpy(&ref, ica_frame_store(fd) + r->copy_off, sizeof ref);
    if (!ref.fd || !rec_size_at(ref.fd, ref.rec))
        return FALSE;
    ica_rec_t fr;
    rec_get(ref.fd, ref.rec, &fr);
    const ica_rec_t *f = &fr;
    if (f->type != ICA_EV_FRAME)
        return FALSE;
    if (f->buf_off < 0 || (guint64)ref.off + r->copy_len > f->buf_len ||
        (guint64)f->buf_off + f->buf_len > ref.fd->buf_len)
        return FALSE;
    if (f->region_src == REGION_KEPT) {
        const guint8 *kept = frame_kept(ref.fd);
        if (!kept)
            return FALSE;
        memcpy(dst, kept + f->buf_off + ref.off, r->copy_len);
        return TRUE;
    }
    guint8 *b = (guint8 *)wmem_alloc0(pinfo->pool, ref.fd->buf_len);
    if (f->tvb_off >= 0 || !rebuild_region(ref.fd, f, s, NULL, b))     /* whole in its store: no tvb needed */
        return FALSE;
    memcpy(dst, b + f->buf_off + ref.off, r->copy_len);
    return TRUE;
}

/* A WD command's bytes (ica_rec_t): in the chunk's WD buffer, stored, or
 * both joined (packet scope); NULL when the buffer is not available. */
static const guint8 *cmd_bytes(const ica_frame_t *fd, const ica_rec_t *r, const ica_session *s, const guint8 *buf,
                               packet_info *pinfo)
{
    const guint8 *copy = ica_frame_store(fd) + r->copy_off;
    if (r->buf_off < 0)
        return copy;
    if (!buf || (guint64)r->buf_off + (r->buf_len - r->copy_len) > fd->buf_len)
        return NULL;
    if (!r->copy_len)
        return buf + r->buf_off;
    guint8 *b = (guint8 *)wmem_alloc(pinfo->pool, r->buf_len);
    if (r->copy_is_ref) {
        if (!ref_bytes(fd, r, s, pinfo, b))
            return NULL;
    } else {
        memcpy(b, copy, r->copy_len);
    }
    memcpy(b + r->copy_len, buf + r->buf_off, r->buf_len - r->copy_len);
    return b;
}

/* The virtual-channel writes of a chunk, for the tap. */
static guint16 tap_vc_writes(const ica_frame_t *fd, const ica_session *s, const guint8 *buf, packet_info *pinfo,
                             ica_tap_vc **out)
{
    guint16 n = 0;
    *out = NULL;
    guint32 pos = 0;
    for (guint i = 0; i < fd->nrecs; i++) {
        ica_rec_t rec;
        pos = rec_get(fd, pos, &rec);
        const ica_rec_t *r = &rec;
        if (r->type != ICA_EV_CMD || (r->cmd_flags & ICA_CMDF_INTERRUPTED))
            continue;       /* an interrupted part is counted once joined */
        const guint8 *c = cmd_bytes(fd, r, s, buf, pinfo);
        if (!c)
            continue;
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
        if (!*out)
            *out = wmem_alloc_array(pinfo->pool, ica_tap_vc, fd->nrecs);
        (*out)[n].channel = (guint16)ch;
        (*out)[n].bytes = bytes;
        n++;
    }
    return n;
}

/* The high-throughput estimates of a chunk, for the tap. */
static guint16 tap_ht_values(const ica_frame_t *fd, packet_info *pinfo, ica_tap_ht **out)
{
    guint16 n = 0;
    *out = NULL;
    guint32 pos = 0;
    for (guint i = 0; i < fd->nrecs; i++) {
        ica_rec_t rec;
        pos = rec_get(fd, pos, &rec);
        const ica_rec_t *r = &rec;
        if (r->type != ICA_EV_FRAME || !(r->ht_flags & (ICA_HT_ROUND_TRIP_ESTIMATE | ICA_HT_BANDWIDTH_ESTIMATE)))
            continue;
        if (!*out)
            *out = wmem_alloc_array(pinfo->pool, ica_tap_ht, fd->nrecs);
        (*out)[n].rtt_ms = (r->ht_flags & ICA_HT_ROUND_TRIP_ESTIMATE) ? r->ht_rtt_ms : ICA_TAP_HT_ABSENT;
        (*out)[n].bandwidth_bps = (r->ht_flags & ICA_HT_BANDWIDTH_ESTIMATE) ? ica_ht_bandwidth(r->ht_bw_raw)
                                                                             : ICA_TAP_HT_ABSENT;
        n++;
    }
    return n;
}

/* Whether the core lost the framing in this chunk (the ica.desync.* expert infos). */
static guint8 tap_desync(const ica_frame_t *fd)
{
    guint32 pos = 0;
    for (guint i = 0; i < fd->nrecs; i++) {
        ica_rec_t r;
        pos = rec_get(fd, pos, &r);
        if (r.type == ICA_EV_UNDECODED && (r.code == ICA_UNDEC_HANDSHAKE || r.code == ICA_UNDEC_FRAME_TOO_LONG))
            return 1;
    }
    return 0;
}

static void queue_tap(const ica_frame_t *fd, ica_session *s, tvbuff_t *tvb, const guint8 *buf, packet_info *pinfo)
{
    ica_tap_rec *rec = wmem_new0(pinfo->pool, ica_tap_rec);
    rec->session = s;
    rec->label = s->label;
    rec->transport = s->carrier;
    rec->sum = &s->st.sum;
    rec->dir = fd->dir;
    rec->first_of_session = fd->first_of_session;
    rec->wire_bytes = tvb_reported_length(tvb);
    ica_tap_vc *vc;
    rec->n_vc = tap_vc_writes(fd, s, buf, pinfo, &vc);
    rec->vc = vc;
    ica_tap_ht *ht;
    rec->n_ht = tap_ht_values(fd, pinfo, &ht);
    rec->ht = ht;
    rec->n_fact = ica_vc_tap_take(pinfo, &rec->fact);
    rec->gap = fd->gap;
    rec->desync = tap_desync(fd);
    citrix_tap_queue(ica_tap, pinfo, rec);
}

static void add_pending(proto_tree *it, tvbuff_t *tvb, packet_info *pinfo, const ica_frame_t *fdr)
{
    ica_partial_rec_t p = frame_partial(fdr), *fd = &p;
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
}

/* The unknown code is the first byte of the rest of its frame's WD bytes, when they are here. */
static void render_wd_stop(const ica_rec_t *r, tvbuff_t *dec, packet_info *pinfo, proto_tree *it,
                           wmem_strbuf_t *info)
{
    guint8 code = 0;
    if (r->buf_off >= 0 && dec) {
        code = tvb_get_uint8(dec, r->buf_off);
        proto_item *ui = proto_tree_add_item(it, hf_ica_undecoded, dec, r->buf_off, r->buf_len, ENC_NA);
        expert_add_info_format(pinfo, ui, &ei_ica_unknown_cmd,
                               "WD command 0x%02x has no known length rule; WD decoding resumes at the "
                               "next frame whose bytes parse as whole commands", code);
    }
    ica_info_add(info, wmem_strdup_printf(pinfo->pool, "unknown WD command 0x%02x", code));
}

/* Bytes the core could not decode, and why (ica_stream.h ICA_UNDEC_*). */
static void render_undecoded(const ica_frame_t *fd, const ica_rec_t *r, const ica_session *s, tvbuff_t *tvb,
                             packet_info *pinfo, proto_tree *it, wmem_strbuf_t *info)
{
    proto_item *ui = proto_tree_add_item(it, hf_ica_undecoded, wire_tvb(fd, r, tvb, pinfo, "Reassembled ICA"), 0, -1,
                                         ENC_NA);
    switch (r->code) {
    case ICA_UNDEC_HANDSHAKE:
        expert_add_info(pinfo, ui, &ei_ica_desync_handshake);
        ica_info_add(info, "handshake packet does not parse");
        break;
    case ICA_UNDEC_FRAME_TOO_LONG:
        expert_add_info_format(pinfo, ui, &ei_ica_desync_frame_len,
                               "PDRFRAME length %u is beyond the negotiated ICA buffer length %u (MaxICAPacketLength "
                               "%u): searching for the next plausible frame", r->frame_len, s->st.sum.ica_buffer_len,
                               MAX(s->st.sum.max_packet_len, s->st.sum.ht_max_packet));
        ica_info_add(info, "implausible PDRFRAME length");
        break;
    case ICA_UNDEC_RESYNC:
        expert_add_info(pinfo, ui, &ei_ica_desync_skipped);
        ica_info_add(info, "skipped (resynchronising)");
        break;
    default:
        expert_add_info(pinfo, ui, &ei_ica_undecoded);
        ica_info_add(info, "undecoded data");
        break;
    }
}

static void render_record(const ica_frame_t *fd, const ica_rec_t *r, ica_session *s, tvbuff_t *tvb,
                          const guint8 *buf, tvbuff_t *dec, packet_info *pinfo, proto_tree *it, wmem_strbuf_t *info)
{
    TRY {
        switch (r->type) {
        case ICA_EV_DETECT:
            proto_tree_add_item(it, hf_ica_detect, wire_tvb(fd, r, tvb, pinfo, "Reassembled ICA"), 0, -1, ENC_NA);
            ica_info_add(info, "Detect string");
            break;
        case ICA_EV_PADDING:
            expert_add_info(pinfo, proto_tree_add_item(it, hf_ica_padding, tvb, r->tvb_off, r->wire_len, ENC_NA),
                            &ei_ica_padding);
            break;
        case ICA_EV_UNDECODED:
            render_undecoded(fd, r, s, tvb, pinfo, it, info);
            break;
        case ICA_EV_RAW:
            ica_dissect_raw(wire_tvb(fd, r, tvb, pinfo, "Reassembled ICA handshake"), pinfo, it, info, r->flags);
            break;
        case ICA_EV_FRAME: {
            tvbuff_t *ft = wire_tvb(fd, r, tvb, pinfo, "Reassembled PDRFRAME");
            if (r->copy_len)
                proto_item_set_generated(proto_tree_add_uint(it, hf_ica_reassembled, ft, 0, 0, r->wire_len));
            ica_dissect_frame(ft, dec, pinfo, it, s, r, fd->compression, info);
            break;
        }
        case ICA_EV_CMD: {
            tvbuff_t *ct;
            if (r->buf_off >= 0 && !r->copy_len && dec) {
                ct = tvb_new_subset_length(dec, r->buf_off, r->buf_len);
            } else {
                const guint8 *c = cmd_bytes(fd, r, s, buf, pinfo);
                if (!c)
                    break;
                ct = tvb_new_child_real_data(tvb, c, r->buf_len, r->buf_len);
                add_new_data_source(pinfo, ct, "Reassembled WD command");
            }
            ica_dissect_command(ct, pinfo, it, s, r->dir, r->cmd_flags, info);
            break;
        }
        case ICA_EV_WD_STOP:
            render_wd_stop(r, dec, pinfo, it, info);
            break;
        }
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(tvb, pinfo, it, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
}

/* The chunk's WD buffer for display: regions rebuilt from the frames' wire
 * bytes (clear, or decrypted again from the stored cipher state), kept
 * regions (reducer output) copied. */
static const guint8 *chunk_buffer(const ica_frame_t *fd, const ica_session *s, tvbuff_t *tvb, packet_info *pinfo)
{
    if (!fd->buf_len)
        return NULL;
    const guint8 *kept = frame_kept(fd);
    guint8 *b = kept ? (guint8 *)wmem_memdup(pinfo->pool, kept, fd->buf_len)
                     : (guint8 *)wmem_alloc0(pinfo->pool, fd->buf_len);
    guint32 pos = 0;
    for (guint i = 0; i < fd->nrecs; i++) {
        ica_rec_t r;
        pos = rec_get(fd, pos, &r);
        if (r.type == ICA_EV_FRAME && r.buf_off >= 0 && r.region_src >= REGION_CLEAR)
            rebuild_region(fd, &r, s, tvb, b);
    }
    return b;
}

static void render_records(const ica_frame_t *fd, ica_session *s, tvbuff_t *tvb, const guint8 *buf,
                           packet_info *pinfo, proto_tree *it, wmem_strbuf_t *info)
{
    tvbuff_t *dec = NULL;
    if (buf) {
        dec = tvb_new_child_real_data(tvb, buf, fd->buf_len, fd->buf_len);
        add_new_data_source(pinfo, dec, fd->buf_decrypted ? "Decrypted ICA" : "ICA WD data");
    }
    guint32 pos = 0;
    for (guint i = 0; i < fd->nrecs; i++) {
        ica_rec_t r;
        pos = rec_get(fd, pos, &r);
        render_record(fd, &r, s, tvb, buf, dec, pinfo, it, info);
    }
}

int ica_dissect_chunk(ica_session *s, enum ica_dir dir, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                      guint32 key)
{
    /* The carriers (TCP, CGP, EDT, SOCKS) call this directly, not through a
     * dissector handle, so Wireshark's own check does not run: with ICA
     * disabled (--disable-protocol ica, Enabled Protocols) its bytes are
     * data and nothing reaches the core (no session state, no expander). */
    if (!proto_is_protocol_enabled(find_protocol_by_id(proto_ica))) {
        call_data_dissector(tvb, pinfo, tree);
        return tvb_captured_length(tvb);
    }
    /* for the same reason experts would name the carrier (CGP, EDT) */
    const char *outer = pinfo->current_proto;
    pinfo->current_proto = "ICA";
    ica_frame_t *fd = chunk_find(pinfo, key);
    gboolean unseen = FALSE;
    if (!fd) {
        if (PINFO_FD_VISITED(pinfo)) {
            /* Not seen on the first pass: decoding it now would feed the
             * stream out of order, so it is shown as data only. */
            fd = wmem_new0(pinfo->pool, ica_frame_t);
            fd->dir = (guint8)dir;
            unseen = TRUE;
        } else {
            fd = first_pass(s, dir, tvb, pinfo);
            chunk_add(pinfo, key, fd);
        }
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "ICA");
    proto_item *ti;
    proto_tree *it = ica_add_protocol_item(tvb, pinfo, tree, fd->dir, &ti);
    if (unseen)
        proto_tree_add_expert(it, pinfo, &ei_ica_undecoded, tvb, 0, -1);
    proto_item_set_generated(proto_tree_add_uint(it, hf_ica_encryption, tvb, 0, 0, fd->encryption));
    proto_item_set_generated(proto_tree_add_uint(it, hf_ica_compression, tvb, 0, 0, fd->compression));

    wmem_strbuf_t *info = wmem_strbuf_new(pinfo->pool, "");
    if (fd->gap)
        expert_add_info(pinfo, ti, &ei_ica_gap);
    if (fd->not_reassembled)
        expert_add_info(pinfo, ti, &ei_ica_not_reassembled);
    if (s->mid_session_note_frame == pinfo->num)
        expert_add_info(pinfo, ti, &ei_ica_mid_session);
    const guint8 *buf = chunk_buffer(fd, s, tvb, pinfo);
    render_records(fd, s, tvb, buf, pinfo, it, info);
    add_pending(it, tvb, pinfo, fd);
    if (wmem_strbuf_get_len(info) == 0) {
        if (fd->nrecs == 0)
            wmem_strbuf_append_printf(info, "[continuation, %u bytes]", tvb_reported_length(tvb));
        else
            wmem_strbuf_append(info, "PDRFRAME (WD command continues)");
    }
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", wmem_strbuf_get_str(info));
    queue_tap(fd, s, tvb, buf, pinfo);
    pinfo->current_proto = outer;
    return tvb_captured_length(tvb);
}

void
ica_register_chunk_fields(int proto, expert_module_t *expert)
{
    static hf_register_info hf[] = {
        { &hf_ica_direction, { "Direction", "ica.direction", FT_UINT8, BASE_DEC, VALS(direction_vals), 0x0, NULL, HFILL } },
        { &hf_ica_encryption, { "Encryption", "ica.encryption", FT_UINT8, BASE_DEC, VALS(encryption_vals), 0x0, "Session encryption as known at this frame", HFILL } },
        { &hf_ica_compression, { "Compression", "ica.compression", FT_UINT8, BASE_DEC, VALS(compression_vals), 0x0, "Reducer/PD compression of this direction as known at this frame", HFILL } },
        { &hf_ica_detect, { "Detect string", "ica.detect", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_padding, { "Padding", "ica.padding", FT_BYTES, BASE_NONE, NULL, 0x0, "Trailing zero bytes after a short handshake message (ignored)", HFILL } },
        { &hf_ica_undecoded, { "Undecoded data", "ica.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_reassembled, { "Reassembled from several segments", "ica.reassembled_length", FT_UINT32, BASE_DEC, NULL, 0x0, "Length of a unit whose bytes span TCP segments", HFILL } },
        { &hf_ica_pending_unit_seen, { "Incomplete unit, bytes seen", "ica.pending.unit_seen", FT_UINT32, BASE_DEC, NULL, 0x0, "Bytes of a detect string, handshake packet or PDRFRAME frame still waiting for the rest", HFILL } },
        { &hf_ica_pending_unit_length, { "Incomplete unit, claimed length", "ica.pending.unit_length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pending_cmd_seen, { "Incomplete WD command, bytes seen", "ica.pending.cmd_seen", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_pending_cmd_length, { "Incomplete WD command, claimed length", "ica.pending.cmd_length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
    };
    static int *ett[] = {
        &ett_ica,
    };
    static ei_register_info ei[] = {
        { &ei_ica_padding, { "ica.padding.expert", PI_PROTOCOL, PI_NOTE, "Trailing zero padding after a short handshake message ignored", EXPFILL } },
        { &ei_ica_unknown_cmd, { "ica.cmd.unknown", PI_UNDECODED, PI_WARN, "Unknown WD command; WD decoding resumes at the next frame whose bytes parse as whole commands", EXPFILL } },
        { &ei_ica_desync_handshake, { "ica.desync.handshake", PI_MALFORMED, PI_WARN, "Handshake packet does not parse: searching for PDRFRAME frames", EXPFILL } },
        { &ei_ica_desync_frame_len, { "ica.desync.frame_length", PI_MALFORMED, PI_WARN, "PDRFRAME length beyond the negotiated ICA buffer length: searching for the next plausible frame", EXPFILL } },
        { &ei_ica_desync_skipped, { "ica.desync.skipped", PI_MALFORMED, PI_WARN, "Bytes skipped while searching for the next plausible PDRFRAME frame", EXPFILL } },
        { &ei_ica_mid_session, { "ica.mid_session", PI_SEQUENCE, PI_NOTE, "Capture starts in the middle of an ICA session: no handshake, no key", EXPFILL } },
        { &ei_ica_gap, { "ica.gap", PI_SEQUENCE, PI_WARN, "Bytes missing (capture gap or snapshot length): this direction resumes at the next plausible PDRFRAME frame", EXPFILL } },
        { &ei_ica_pending, { "ica.pending", PI_REASSEMBLE, PI_CHAT, "Incomplete ICA unit waiting for more bytes", EXPFILL } },
        { &ei_ica_not_reassembled, { "ica.not_reassembled", PI_REASSEMBLE, PI_WARN, "A unit spans TCP segments and reassembly is off: it is not decoded, the direction resumes at the next plausible frame", EXPFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));
    register_init_routine(chunk_index_init);
}
