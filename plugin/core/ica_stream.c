/* ica_stream.c - incremental ICA stream decoder (see ica_stream.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "ica_stream.h"
#include "ica_wd.h"
#include "le_bytes.h"

const uint8_t ica_detect_string[ICA_DETECT_LEN] = { 0x7f, 0x7f, 'I', 'C', 'A', 0x00 };

#define EXPAND_MAX 65536u      /* reducer output bound per frame */
#define TRIAL_MAX_BYTES 65536u /* wire bytes kept for replay during a key trial */

/* Encrypted frames seen while the key is searched (after the anchor), kept
 * to be decrypted once a key is accepted (bounded: ICA_KEYFIND_MAX_FRAMES
 * frames, TRIAL_MAX_BYTES bytes). */
struct ica_keytrial {
    ica_keyfind kf;
    uint8_t *buf;               /* wire copies, back to back */
    size_t len, cap;
    uint32_t n;
    uint32_t end[ICA_KEYFIND_MAX_FRAMES];
    uint64_t off[ICA_KEYFIND_MAX_FRAMES];
    uint8_t prev[ICA_KEYFIND_MAX_FRAMES];  /* chain state before each frame */
};

/* Virtual writes cut short by INTERRUPT_VIRTUAL_WRITE, one per channel,
 * waiting for RESUME_VIRTUAL_WRITE (ica_ht.h).  buf holds the command so
 * far (code, length, channel, data); total is its full size. */
struct ica_ivw {
    struct {
        uint8_t used, channel;
        uint8_t *buf;
        size_t len, cap, total;
    } slot[ICA_MAX_INTERRUPTED];
};

#define HT_INFER_FRAMES 8       /* undecided frames before the classic layout is assumed */

enum { CRYPT_MODE_HDR, CRYPT_MODE_CLEAR, CRYPT_MODE_PERM };

/* ---- handshake module layouts (ica_stream.h), read once for the core and the dissector */

int ica_module_c2h_parse(const uint8_t *m, size_t len, ica_module_head *out)
{
    memset(out, 0, sizeof *out);
    if (len < ICA_MC2H_LEN)
        return 0;
    out->byte_count = le16(m + ICA_MC2H_BYTE_COUNT);
    out->count = m[ICA_MC2H_COUNT];
    out->mclass = m[ICA_MC2H_CLASS];
    out->version_low = m[ICA_MC2H_VERSION_L];
    out->version_high = m[ICA_MC2H_VERSION_H];
    return 1;
}

int ica_module_h2c_parse(const uint8_t *m, size_t len, ica_module_head *out)
{
    memset(out, 0, sizeof *out);
    if (len < ICA_MH2C_LEN)
        return 0;
    out->byte_count = le16(m + ICA_MH2C_BYTE_COUNT);
    out->count = m[ICA_MH2C_COUNT];
    out->mclass = m[ICA_MH2C_CLASS];
    out->version_low = m[ICA_MH2C_VERSION_L];
    out->version_high = m[ICA_MH2C_VERSION_H];
    out->version = m[ICA_MH2C_VERSION];
    return 1;
}

/* A string offset inside [lo, len): 0 = absent. */
static ica_str_ref str_ref(const uint8_t *m, size_t field, size_t lo, size_t len)
{
    ica_str_ref r = { (uint16_t)field, le16(m + field), ICA_STR_ABSENT };
    if (r.value != 0)
        r.state = r.value >= lo && r.value < len ? ICA_STR_AT : ICA_STR_BAD;
    return r;
}

/* The later-version UI_C2H offsets FixedLength covers; returns their end. */
static uint16_t ui_v5_parse(const uint8_t *m, ica_ui_c2h *out, size_t len)
{
    static const struct { uint16_t end, field; uint8_t str; } later[] = {
        { ICA_UI_V5_LEN, ICA_UI_O_LAUNCHER, ICA_UI_LAUNCHER },
        { ICA_UI_V5_LEN, ICA_UI_O_VERSION, ICA_UI_VERSION },
        { ICA_UI_V7_LEN, ICA_UI_O_LAUNCH_REFERENCE, ICA_UI_LAUNCH_REFERENCE },
    };
    uint16_t end = ICA_UI_V4_LEN;
    for (size_t i = 0; i < sizeof later / sizeof later[0] && out->fixed >= later[i].end; i++) {
        out->str[later[i].str] = str_ref(m, later[i].field, out->fixed, len);
        end = later[i].end;
    }
    if (out->fixed >= ICA_UI_V8_LEN)
        end = ICA_UI_V8_LEN;
    return end;
}

int ica_ui_c2h_parse(const uint8_t *m, size_t len, ica_ui_c2h *out)
{
    memset(out, 0, sizeof *out);
    if (len < ICA_UI_V1_LEN)
        return 0;
    out->enc_level = m[ICA_UI_ENCRYPTION_LEVEL];
    out->seed = m[ICA_UI_ENCRYPTION_SEED];
    out->fixed = ICA_UI_V1_LEN;
    out->has_v2 = len >= ICA_UI_V2_LEN;
    out->has_v3 = len >= ICA_UI_V3_LEN;
    out->has_v4 = len >= ICA_UI_V4_LEN;
    if (out->has_v2) {
        out->client_build = le16(m + ICA_UI_CLIENT_BUILD);
        out->fixed = le16(m + ICA_UI_FIXED_LENGTH);
    }
    if (out->has_v4)
        out->encoding = le16(m + ICA_UI_ENCODING_TYPE);
    out->fixed_ok = out->fixed >= ICA_UI_V1_LEN && out->fixed <= len;
    out->v5_end = ICA_UI_V4_LEN;
    /* the strings count only where FixedLength is sane: they live after it */
    size_t lo = out->fixed_ok ? out->fixed : len;
    for (unsigned i = ICA_UI_DOMAIN; i <= ICA_UI_INITIAL_PROGRAM; i++)
        out->str[i] = str_ref(m, ICA_UI_O_DOMAIN + 2 * i, lo, len);
    if (out->has_v2) {
        out->str[ICA_UI_CLOUD_NAME] = str_ref(m, ICA_UI_O_CLOUD_NAME, lo, len);
        out->str[ICA_UI_CLIENT_NAME] = str_ref(m, ICA_UI_O_CLIENT_NAME, lo, len);
    }
    if (out->has_v3)
        out->str[ICA_UI_CLIENT_LICENSE] = str_ref(m, ICA_UI_O_CLIENT_LICENSE, lo, len);
    if (out->has_v4)
        out->str[ICA_UI_IME_FILE_NAME] = str_ref(m, ICA_UI_O_IME_FILE_NAME, lo, len);
    if (out->fixed_ok)
        out->v5_end = ui_v5_parse(m, out, len);
    return 1;
}

int ica_wd_c2h_parse(const uint8_t *m, size_t len, ica_wd_c2h *out)
{
    memset(out, 0, sizeof *out);
    if (len < ICA_WDC2H_V1_LEN)
        return 0;
    out->product_id = le16(m + ICA_WDC2H_PRODUCT_ID);
    out->tm_count = le16(m + ICA_WDC2H_TEXT_MODE_COUNT);
    out->tm_off = le16(m + ICA_WDC2H_TEXT_MODE_OFFSET);
    while (out->tm_n < out->tm_count && out->tm_n < ICA_TEXT_MODE_MAX &&
           (size_t)out->tm_off + ICA_TEXT_MODE_LEN * (out->tm_n + 1u) <= len)
        out->tm_n++;
    out->has_vcbind = len >= ICA_WDC2H_VCBIND_END;
    out->has_reducer = len >= ICA_WDC2H_REDUCER_END;
    out->has_caplist = len >= ICA_WDC2H_CAPLIST_END;
    if (out->has_vcbind) {
        out->vc_count = le16(m + ICA_WDC2H_VCBIND_COUNT);
        out->vc_off = le16(m + ICA_WDC2H_VCBIND_OFFSET);
        while (out->vc_n < out->vc_count && (size_t)out->vc_off + ICA_VCBIND_LEN * (out->vc_n + 1u) <= len)
            out->vc_n++;
    }
    if (out->has_caplist) {
        out->cap_len = le16(m + ICA_WDC2H_CAPLIST_LEN);
        out->cap_off = le16(m + ICA_WDC2H_CAPLIST_OFFSET);
        out->caplist_ok = out->cap_len && out->cap_off >= ICA_MC2H_LEN && out->cap_off <= len &&
                          out->cap_len <= len - out->cap_off;
    }
    return 1;
}

void ica_vcbind_get(const uint8_t *m, const ica_wd_c2h *wd, unsigned i, char name[ICA_VC_NAME_LEN],
                    uint16_t *channel)
{
    const uint8_t *b = m + wd->vc_off + ICA_VCBIND_LEN * i;
    memcpy(name, b, ICA_VC_NAME_LEN - 1);
    name[ICA_VC_NAME_LEN - 1] = '\0';
    for (int k = ICA_VC_NAME_LEN - 2; k >= 0 && (name[k] == ' ' || name[k] == '\0'); k--)
        name[k] = '\0';
    *channel = le16(b + ICA_VCBIND_CHANNEL);
}

int ica_wd_h2c_parse(const uint8_t *m, size_t len, uint8_t version, ica_wd_h2c *out)
{
    memset(out, 0, sizeof *out);
    if (len < ICA_WDH2C_V1_LEN)
        return 0;
    out->buffer_len = le16(m + ICA_WDH2C_BUFFER_LENGTH);
    ica_str_ref app = str_ref(m, ICA_WDH2C_APP_SERVER_OFFSET, 0, len);
    out->app_off = app.value;
    out->app_state = app.state;
    out->has_wdflag = len >= ICA_WDH2C_WDFLAG_END;
    out->has_reducer = len >= ICA_WDH2C_REDUCER_END;
    out->has_caplist = len >= ICA_WDH2C_CAPLIST_END;
    out->has_code_page = version >= ICA_WDH2C_CODE_PAGE_VERSION && len >= ICA_WDH2C_CODE_PAGE_END;
    if (out->has_reducer) {
        out->pow2_c2h = m[ICA_WDH2C_C2H_POW2];
        out->pow2_h2c = m[ICA_WDH2C_H2C_POW2];
        out->reducer_level = le16(m + ICA_WDH2C_REDUCER_LEVEL);
    }
    if (out->has_caplist) {
        out->cap_len = le16(m + ICA_WDH2C_CAPLIST_LEN);
        out->cap_off = le16(m + ICA_WDH2C_CAPLIST_OFFSET);
        out->caplist_ok = out->cap_len && out->cap_off >= ICA_MH2C_LEN && out->cap_off <= len &&
                          out->cap_len <= len - out->cap_off;
    }
    return 1;
}

int ica_pd_parse(const uint8_t *m, size_t len, size_t header, ica_pd_module *out)
{
    memset(out, 0, sizeof *out);
    if (len < header + ICA_PD_CLASS_LEN)
        return 0;
    out->pdclass = m[header];
    out->data = (uint16_t)(header + ICA_PD_CLASS_LEN);
    if (header == ICA_MC2H_LEN && out->pdclass == ICA_PDCLASS_ENCRYPT && len > out->data) {
        out->has_enc_level = 1;
        out->enc_level = m[out->data];
    }
    return 1;
}

static void *libc_realloc(void *actx, void *ptr, size_t size)
{
    (void)actx;
    return realloc(ptr, size);
}

static int reserve(ica_stream *st, uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 256;
    while (ncap < need)
        ncap *= 2;
    uint8_t *nb = st->realloc_fn(st->actx, *buf, ncap);
    if (!nb) {
        st->alloc_failed = 1;
        return -1;
    }
    *buf = nb;
    *cap = ncap;
    return 0;
}

static void libc_free(void *actx, void *ptr)
{
    (void)actx;
    free(ptr);
}

/* The V3 expander of a direction stops for good: its memory (history,
 * hash table, coders) goes at once when the allocator can free. */
static void v3_stop(ica_stream *st, ica_dir_state *d, int reason)
{
    if (!d->v3_error)
        d->v3_error = (uint8_t)reason;
    if (d->v3 && (st->free_fn || st->realloc_fn == libc_realloc)) {
        ica_v3_free(d->v3, st->free_fn ? st->free_fn : libc_free);
        (st->free_fn ? st->free_fn : libc_free)(st->actx, d->v3);
        d->v3 = NULL;
    }
}

static uint8_t *fixed_buffer(ica_stream *st, uint8_t **buf, size_t size)
{
    if (!*buf) {
        *buf = st->realloc_fn(st->actx, NULL, size);
        if (!*buf)
            st->alloc_failed = 1;
    }
    return *buf;
}

void ica_stream_init(ica_stream *st, enum ica_phase start, ica_realloc_fn realloc_fn, void *actx)
{
    memset(st, 0, sizeof *st);
    st->realloc_fn = realloc_fn ? realloc_fn : libc_realloc;
    st->actx = actx;
    for (int i = 0; i < 2; i++) {
        st->d[i].phase = (uint8_t)start;
        st->d[i].last_module_count = -1;
    }
    st->sum.mid_session = start == ICA_PHASE_SYNC;
}

void ica_stream_set_key(ica_stream *st, uint8_t key)
{
    ica_summary *sum = &st->sum;
    if (sum->have_key)
        return;
    sum->session_key = key;
    sum->have_key = 1;
    sum->key_source = ICA_KEY_MANUAL;
    ica_basic_init(&st->d[0].cipher, key);
    ica_basic_init(&st->d[1].cipher, key);
}

void ica_stream_free(ica_stream *st)
{
    if (st->realloc_fn != libc_realloc)
        return;
    for (int i = 0; i < 2; i++) {
        if (st->d[i].trial)
            free(st->d[i].trial->buf);
        free(st->d[i].trial);
        for (int k = 0; st->d[i].ivw && k < ICA_MAX_INTERRUPTED; k++)
            free(st->d[i].ivw->slot[k].buf);
        free(st->d[i].ivw);
        free(st->d[i].pend);
        free(st->d[i].cmd);
        free(st->d[i].work);
        free(st->d[i].expanded);
        free(st->d[i].hist);
        if (st->d[i].v3)
            ica_v3_free(st->d[i].v3, libc_free);
        free(st->d[i].v3);
    }
    free(st->sum.vc_count);
}

void ica_stream_end(ica_stream *st)
{
    for (int i = 0; i < 2; i++) {
        ica_dir_state *d = &st->d[i];
        v3_stop(st, d, ICA_V3_ERR_ENDED);
        if (d->expanded && (st->free_fn || st->realloc_fn == libc_realloc)) {
            (st->free_fn ? st->free_fn : libc_free)(st->actx, d->expanded);
            d->expanded = NULL;
        }
    }
}

void ica_stream_lose(ica_stream *st, enum ica_dir dir)
{
    ica_dir_state *d = &st->d[dir];
    d->wire_off += d->pend_len;
    st->sum.undecoded_bytes[dir] += d->pend_len;
    d->pend_len = 0;
    d->cmd_len = 0;
    if (d->phase == ICA_PHASE_FRAMED || d->phase == ICA_PHASE_SYNC) {
        d->phase = ICA_PHASE_SYNC;
        d->resync = 1;
        d->sync_reason = ICA_UNDEC_RESYNC;
        d->wd_stopped = 1;      /* resumes at a frame whose bytes parse as whole commands */
        d->expander_ok = 0;     /* the reducer history is lost for good */
        v3_stop(st, d, ICA_V3_ERR_LOST);
    } else {
        d->phase = ICA_PHASE_LOST;
    }
}

size_t ica_stream_pending(const ica_stream *st, enum ica_dir dir)
{
    return st->d[dir].pend_len;
}

void ica_stream_partial(const ica_stream *st, enum ica_dir dir, ica_partial *out)
{
    const ica_dir_state *d = &st->d[dir];
    const uint8_t *p = d->pend;
    size_t n = d->pend_len;
    memset(out, 0, sizeof *out);
    out->unit_seen = n;
    if (n) {
        if (d->phase == ICA_PHASE_DETECT)
            out->unit_total = ICA_DETECT_LEN;
        else if (d->phase == ICA_PHASE_RAW && n >= 3)
            out->unit_total = 3 + (size_t)le16(p + 1);
        else if (d->phase == ICA_PHASE_FRAMED && n >= 2)
            out->unit_total = 2 + (size_t)(le16(p) & ICA_FRAME_LEN_MASK);
    }
    out->cmd_seen = d->cmd_len;
    if (d->cmd_len) {
        size_t total, hdr;
        ica_cmd_cut(d->cmd, d->cmd_len, &total, &hdr);
        out->cmd_total = total;
    }
}

/* ---- probing ------------------------------------------------------------ */

static int frames_cover(const uint8_t *data, size_t len)
{
    size_t pos = 0;
    int n = 0;
    while (pos + 2 <= len) {
        size_t fl = le16(data + pos) & ICA_FRAME_LEN_MASK;
        if (fl == 0)
            return 0;
        pos += 2 + fl;
        n++;
    }
    return n > 0 && pos == len;
}

/* A capability list exactly filling len bytes (§5.6), moreData 0 or 1,
 * its first block right after the head. */
static int caplist_ok(const uint8_t *c, size_t len)
{
    ica_caplist cl;
    ica_caplist_parse(c, len, &cl);
    return cl.stop == ICA_CAPLIST_COMPLETE && cl.more <= 1 && cl.first == ICA_CAPLIST_HEAD_LEN && cl.stop_off == len;
}

static int name_ok(const uint8_t *n, size_t size)
{
    size_t i = 0;
    while (i < size && n[i] >= 0x20 && n[i] < 0x7f)
        i++;
    while (i < size && n[i] == 0)
        i++;
    return i == size;
}

/* Strict checks for a raw handshake packet at the start of a stream: the
 * heuristic must not take other protocols' traffic. */
static int raw_packet_ok(const uint8_t *p, size_t len)
{
    if (len < ICA_RAW_HEAD_LEN)
        return 0;
    size_t blen = le16(p + 1);
    if (len < ICA_RAW_HEAD_LEN + blen)
        return 0;
    const uint8_t *m = p + ICA_RAW_HEAD_LEN;
    ica_module_head h;
    switch (p[0]) {
    case ICA_CMD_INIT_REQUEST:      /* with a capability list (level 7 and later) */
        return blen >= ICA_INIT_REQUEST_CAPLIST + ICA_CAPLIST_HEAD_LEN && blen <= ICA_INIT_REQUEST_MAX &&
               m[ICA_INIT_REQUEST_LEVEL] >= ICA_INIT_REQUEST_CAPS_LEVEL &&
               m[ICA_INIT_REQUEST_LEVEL] <= ICA_INIT_REQUEST_MAX_LEVEL &&
               caplist_ok(m + ICA_INIT_REQUEST_CAPLIST, blen - ICA_INIT_REQUEST_CAPLIST);
    case ICA_CMD_INIT_RESPONSE:     /* MODULE_C2H whose ByteCount equals the WD length */
        return ica_module_c2h_parse(m, blen, &h) && h.byte_count == blen && h.mclass <= ICA_MODULE_CLASS_MAX &&
               h.version_low <= h.version_high && name_ok(m + ICA_MC2H_NAME, ICA_MC2H_NAME_LEN) &&
               name_ok(m + ICA_MC2H_HOST_NAME, ICA_MC2H_HOST_NAME_LEN);
    case ICA_CMD_INIT_CONNECT:      /* MODULE_H2C, agreed version within the range */
        return ica_module_h2c_parse(m, blen, &h) && h.byte_count == blen && h.mclass <= ICA_MODULE_CLASS_MAX &&
               h.version_low <= h.version && h.version <= h.version_high;
    default:
        return 0;
    }
}

enum ica_probe ica_probe(const uint8_t *data, size_t len)
{
    if (len == 0)
        return ICA_PROBE_NO;
    size_t n = len < ICA_DETECT_LEN ? len : ICA_DETECT_LEN;
    if (memcmp(data, ica_detect_string, n) == 0 && (len >= 4 || len == n))
        return len >= 4 ? ICA_PROBE_DETECT : ICA_PROBE_NO;
    if (raw_packet_ok(data, len))
        return ICA_PROBE_HANDSHAKE;
    if (frames_cover(data, len))
        return ICA_PROBE_FRAMES;
    return ICA_PROBE_NO;
}

/* ---- strings and names -------------------------------------------------- */

size_t ica_string_to_utf8(const uint8_t *data, size_t end, size_t off, int utf16, char *out, size_t out_size)
{
    size_t o = 0;
    if (out_size == 0)
        return 0;
    while (off < end) {
        uint32_t cp;
        if (utf16) {
            if (off + 2 > end)
                break;
            cp = le16(data + off);
            off += 2;
            if (cp >= 0xd800 && cp <= 0xdfff)
                cp = '?';       /* surrogates: not worth pairing for display names */
        } else {
            cp = data[off++];
            if (cp >= 0x80)
                cp = '?';       /* code page unknown here */
        }
        if (cp == 0)
            break;
        uint8_t enc[3];
        size_t el;
        if (cp < 0x80) {
            enc[0] = (uint8_t)cp;
            el = 1;
        } else if (cp < 0x800) {
            enc[0] = (uint8_t)(0xc0 | (cp >> 6));
            enc[1] = (uint8_t)(0x80 | (cp & 0x3f));
            el = 2;
        } else {
            enc[0] = (uint8_t)(0xe0 | (cp >> 12));
            enc[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            enc[2] = (uint8_t)(0x80 | (cp & 0x3f));
            el = 3;
        }
        if (o + el + 1 > out_size)
            break;
        memcpy(out + o, enc, el);
        o += el;
    }
    out[o] = '\0';
    return o;
}

/* The legacy fixed numbering (vrtlclss.h VIRTUALCLASS, ica.md §9) shown with
 * the channel names a VcBind table carries (ica.h VIRTUAL_*: Virtual_ThinWire
 * is "CTXTW  ", Virtual_Clipboard "CTXCLIP"...), trailing blanks removed as
 * for bound names, so one filter matches both kinds of session.  User1-3 and
 * Reserved1/2 have no CTX name in any source and keep the enum's. */
static const char *const legacy_vc[] = {
    "CTXSCRN", "CTXLPT1", "CTXLPT2", "CTXRES3", "CTXCPM", "CTXCOM1", "CTXCOM2", "CTXRES4", "CTXCCM", "CTXTW",
    "CTXCDM", "CTXPASS", "User1", "User2", "User3", "Reserved1", "Reserved2", "CTXCLIP", "CTXMM", "CTXD3D"
};

const char *ica_vc_name(const ica_summary *sum, unsigned channel, int *from_table)
{
    if (from_table)
        *from_table = 0;
    if (channel < ICA_MAX_VC && sum->vc_bound[channel]) {
        if (from_table)
            *from_table = 1;
        return sum->vc_name[channel];
    }
    if (channel < sizeof legacy_vc / sizeof legacy_vc[0])
        return legacy_vc[channel];
    return NULL;
}

/* ---- handshake state ---------------------------------------------------- */

/* capListLength/oCapList: WD_C2H v8 at 82/84, WD_H2C v8 at 32/34 (ica.md §5.3, §5.4) */
/* HIGH_THROUGHPUT block (IcaCaps.h): CAP_HEAD, u32 supportMask, u16 MaxICAPacketLength, u16 LineLoading */
#define HT_CAP_SUPPORT_MASK_OFF ICA_CAP_HEAD_LEN
#define HT_CAP_MAX_PACKET_OFF (ICA_CAP_HEAD_LEN + 4)

/* HIGH_THROUGHPUT (cap 16) in a host or client capability list (ica_ht.h). */
static void ht_learn(ica_summary *sum, const uint8_t *list, size_t len, int host)
{
    const uint8_t *b;
    size_t bl;
    if (!ica_caplist_find(list, len, ICA_CAP_HIGH_THROUGHPUT, &b, &bl))
        return;
    if (host) {
        sum->ht_host_offered = 1;
        return;
    }
    sum->ht_client_listed = 1;
    sum->ht_client_mask = bl >= HT_CAP_SUPPORT_MASK_OFF + 4 ? le32(b + HT_CAP_SUPPORT_MASK_OFF) : 0;
    sum->ht_max_packet = bl >= HT_CAP_MAX_PACKET_OFF + 2 ? le16(b + HT_CAP_MAX_PACKET_OFF) : 0;
}

/* H5's rule (ica_ht.h): both sides list the capability and the client's
 * negotiated supportMask is 0.  With a non-zero mask the choice of other
 * clients is not public: left to inference. */
static void ht_decide(ica_summary *sum)
{
    if (!sum->seen_connect || sum->ht_state != ICA_HT_UNKNOWN)
        return;
    if (!sum->ht_host_offered || !sum->ht_client_listed)
        sum->ht_state = ICA_HT_OFF;
    else if (sum->ht_client_mask == 0)
        sum->ht_state = ICA_HT_ON;
}

static void learn_ui(ica_summary *sum, const uint8_t *m, size_t len)
{
    ica_ui_c2h ui;
    if (!ica_ui_c2h_parse(m, len, &ui) || !ui.has_v2)
        return;
    sum->client_build = ui.client_build;
    sum->have_client_build = 1;
    const ica_str_ref *name_ref = &ui.str[ICA_UI_CLIENT_NAME];
    if (!ui.fixed_ok || name_ref->state != ICA_STR_AT)
        return;
    /* Only the name's own bytes are descrambled (no copy of the whole part). */
    uint8_t name[2 * ICA_CLIENT_NAME_MAX];
    const uint8_t *var = m + ui.fixed;
    size_t vlen = len - ui.fixed, start = name_ref->value - ui.fixed, n = 0;
    for (; start + n < vlen && n < sizeof name; n++)
        name[n] = ui.enc_level == 1 ? ica_ui_descrambled_byte(var, start + n, ui.seed) : var[start + n];
    ica_string_to_utf8(name, n, 0, ui.encoding == 1, sum->client_name, sizeof sum->client_name);
    sum->have_client_name = 1;
}

static void learn_wd_c2h(ica_summary *sum, const uint8_t *m, size_t len)
{
    ica_wd_c2h wd;
    if (!ica_wd_c2h_parse(m, len, &wd))
        return;
    sum->client_product_id = wd.product_id;
    sum->have_product_id = 1;
    for (unsigned i = 0; i < wd.vc_n; i++) {
        char name[ICA_VC_NAME_LEN];
        uint16_t ch;
        ica_vcbind_get(m, &wd, i, name, &ch);
        if (ch >= ICA_MAX_VC)
            continue;
        memcpy(sum->vc_name[ch], name, ICA_VC_NAME_LEN);
        sum->vc_bound[ch] = 1;
    }
    if (wd.caplist_ok)
        ht_learn(sum, m + wd.cap_off, wd.cap_len, 0);
}

static int name_starts(const uint8_t *field, size_t size, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n > size)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = field[i];
        if (c >= 'a' && c <= 'z')
            c = (uint8_t)(c - 'a' + 'A');
        if (c != (uint8_t)prefix[i])
            return 0;
    }
    return 1;
}

/* Basic is PDCRYPT1; the SecureICA PDs are pdc0/40/56/128 (ica.md §5.3
 * PDCLASS); the module or host module name tells them apart, the
 * EncryptionLevel byte (1 = Basic) where the name is not conclusive. */
static void learn_encrypt_pd(ica_summary *sum, const uint8_t *m, const ica_pd_module *pd)
{
    const uint8_t *name = m + ICA_MC2H_NAME, *host = m + ICA_MC2H_HOST_NAME;
    int basic = name_starts(name, ICA_MC2H_NAME_LEN, "PDCRYPT") || name_starts(host, ICA_MC2H_HOST_NAME_LEN, "PDCRYPT");
    int rc5 = !basic && ((name_starts(name, ICA_MC2H_NAME_LEN, "PDC") && name[3] >= '0' && name[3] <= '9') ||
                         (name_starts(host, ICA_MC2H_HOST_NAME_LEN, "PDC") && host[3] >= '0' && host[3] <= '9'));
    if (pd->has_enc_level) {
        if (sum->client_enc_level == 0)
            sum->client_enc_level = pd->enc_level;
        if (!basic && !rc5) {
            basic = pd->enc_level == 1;
            rc5 = pd->enc_level > 1;
        }
    }
    sum->offered_basic |= (uint8_t)basic;
    sum->offered_rc5 |= (uint8_t)rc5;
}

static void learn_init_response(ica_summary *sum, const uint8_t *m, size_t len)
{
    ica_module_head h;
    ica_pd_module pd;
    if (!ica_module_c2h_parse(m, len, &h))
        return;
    switch (h.mclass) {
    case ICA_MODULE_UI:
        learn_ui(sum, m, len);
        break;
    case ICA_MODULE_WD:
        learn_wd_c2h(sum, m, len);
        break;
    case ICA_MODULE_PD:
        if (ica_pd_parse(m, len, ICA_MC2H_LEN, &pd) && pd.pdclass == ICA_PDCLASS_ENCRYPT)
            learn_encrypt_pd(sum, m, &pd);
        break;
    }
}

/* WD_H2C: the buffer size, the reducer (version 6+) and the capability list (version 8+). */
static void learn_wd_h2c(ica_summary *sum, const uint8_t *m, size_t len, uint8_t version)
{
    ica_wd_h2c wd;
    const uint8_t *ht;
    size_t bl;
    sum->wd_version = version;
    if (!ica_wd_h2c_parse(m, len, version, &wd))
        return;
    sum->ica_buffer_len = wd.buffer_len;
    if (version >= 6 && wd.has_reducer) {
        sum->pow2_agreed[ICA_C2S] = wd.pow2_c2h;
        sum->pow2_agreed[ICA_S2C] = wd.pow2_h2c;
        sum->reducer_level = wd.reducer_level;
    }
    if (version < 8 || !wd.caplist_ok)
        return;
    ht_learn(sum, m + wd.cap_off, wd.cap_len, 1);
    /* MaxICAPacketLength bounds PDRFRAME lengths (frame_limit): taken only
     * from a list that exactly fills its place */
    if (caplist_ok(m + wd.cap_off, wd.cap_len) &&
        ica_caplist_find(m + wd.cap_off, wd.cap_len, ICA_CAP_HIGH_THROUGHPUT, &ht, &bl) &&
        bl >= HT_CAP_MAX_PACKET_OFF + 2)
        sum->max_packet_len = le16(ht + HT_CAP_MAX_PACKET_OFF);
}

/* Returns the module count (remaining modules) or -1. */
static int learn_init_connect(ica_summary *sum, const uint8_t *m, size_t len)
{
    ica_module_head h;
    ica_pd_module pd;
    if (!ica_module_h2c_parse(m, len, &h))
        return -1;
    sum->seen_connect = 1;
    if (h.mclass == ICA_MODULE_WD) {
        learn_wd_h2c(sum, m, len, h.version);
    } else if (h.mclass == ICA_MODULE_PD && ica_pd_parse(m, len, ICA_MH2C_LEN, &pd)) {
        if (pd.pdclass == ICA_PDCLASS_FRAME)
            sum->pdrframe_version = h.version;
        else if (pd.pdclass == ICA_PDCLASS_ENCRYPT)
            sum->pd_encrypt_bound = 1;
        else if (pd.pdclass == ICA_PDCLASS_COMPRESS)
            sum->pd_compress_bound = 1;
    }
    return h.count;
}

static void enter_framed(ica_stream *st, enum ica_dir dir)
{
    ica_dir_state *d = &st->d[dir];
    ica_summary *sum = &st->sum;
    d->phase = ICA_PHASE_FRAMED;
    ht_decide(sum);
    /* Without INIT_CONNECT we cannot know what was bound: assume the
     * classic PDCRYPT1 stack, whose header byte makes the guess visible. */
    int encrypt = sum->pd_encrypt_bound || !sum->seen_connect;
    d->crypt_mode = encrypt ? CRYPT_MODE_HDR : CRYPT_MODE_CLEAR;
    if (!encrypt)
        sum->encryption = ICA_ENC_NONE;
    else if (sum->offered_rc5 && !sum->offered_basic)
        sum->encryption = ICA_ENC_RC5;
    if (sum->pd_compress_bound)
        sum->compression[dir] = ICA_COMP_PDCOMP;
    else if (sum->pow2_agreed[dir] == 0)
        sum->compression[dir] = ICA_COMP_NONE;
    else if (sum->reducer_level == 1 || sum->reducer_level == 0) {
        /* ReducerVersion 0 with a history size: the client compresses with the
         * level-1 algorithm from the history size alone (ica-modern.md §4, RO init) */
        sum->compression[dir] = ICA_COMP_L1;
        uint8_t pow2 = sum->pow2_agreed[dir];
        if (pow2 <= ICA_REDUCER_MAX_POW2 && fixed_buffer(st, &d->hist, (size_t)1 << pow2) &&
            fixed_buffer(st, &d->expanded, EXPAND_MAX))
            d->expander_ok = ica_expander_init(&d->expander, pow2, d->hist) == 0;
        if (!d->expander_ok)
            sum->compression[dir] = ICA_COMP_UNKNOWN;
    } else if (sum->reducer_level == 2)
        sum->compression[dir] = ICA_COMP_L2;
    else if (sum->reducer_level == 3 || sum->reducer_level == 4)
        sum->compression[dir] = ICA_COMP_V3;
    else
        sum->compression[dir] = ICA_COMP_UNKNOWN;
}

/* ---- WD commands -------------------------------------------------------- */

static const ica_vc_count *vc_count_get(const ica_summary *sum, unsigned ch)
{
    if (ch > ICA_MAX_VC)
        ch = ICA_MAX_VC;
    return sum->vc_slot[ch] ? &sum->vc_count[sum->vc_slot[ch] - 1] : NULL;
}

uint64_t ica_vc_bytes(const ica_summary *sum, enum ica_dir dir, unsigned channel)
{
    const ica_vc_count *v = vc_count_get(sum, channel);
    return v ? v->bytes[dir] : 0;
}

uint32_t ica_vc_writes(const ica_summary *sum, enum ica_dir dir, unsigned channel)
{
    const ica_vc_count *v = vc_count_get(sum, channel);
    return v ? v->writes[dir] : 0;
}

/* The counters of a channel, added on its first write (NULL when memory fails). */
static ica_vc_count *vc_count_add(ica_stream *st, unsigned ch)
{
    ica_summary *sum = &st->sum;
    if (sum->vc_slot[ch])
        return &sum->vc_count[sum->vc_slot[ch] - 1];
    if (sum->n_vc_count == sum->vc_count_cap) {
        unsigned cap = sum->vc_count_cap ? sum->vc_count_cap * 2u : 4u;
        if (cap > ICA_MAX_VC + 1)
            cap = ICA_MAX_VC + 1;
        ica_vc_count *nv = st->realloc_fn(st->actx, sum->vc_count, cap * sizeof *nv);
        if (!nv)
            return NULL;
        sum->vc_count = nv;
        sum->vc_count_cap = (uint8_t)cap;
    }
    ica_vc_count *v = &sum->vc_count[sum->n_vc_count++];
    memset(v, 0, sizeof *v);
    sum->vc_slot[ch] = sum->n_vc_count;
    return v;
}

static void count_command(ica_stream *st, enum ica_dir dir, const uint8_t *c, size_t len)
{
    ica_summary *sum = &st->sum;
    if (c[0] < ICA_CMD_TABLE_SIZE)
        sum->cmd_count[dir][c[0]]++;
    unsigned ch;
    size_t payload;
    switch (c[0]) {
    case ICA_CMD_VIRTUAL_WRITE0:
        ch = c[1];
        payload = 1;
        break;
    case ICA_CMD_VIRTUAL_WRITE1:
        if (len < 3)
            return;
        ch = c[2];
        payload = len - 3;
        break;
    case ICA_CMD_VIRTUAL_WRITE2:
        if (len < 4)
            return;
        ch = c[3];
        payload = len - 4;
        break;
    default:
        return;
    }
    if (ch > ICA_MAX_VC)
        ch = ICA_MAX_VC;
    ica_vc_count *v = vc_count_add(st, ch);
    if (v) {
        v->bytes[dir] += payload;
        v->writes[dir]++;
    }
}

/* Every event starts zeroed, with no PDCRYPT1 header seen. */
static ica_event new_event(enum ica_event_type type, enum ica_dir dir)
{
    ica_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (uint8_t)type;
    ev.dir = (uint8_t)dir;
    ev.crypt_hdr = -1;
    return ev;
}

static ica_event wire_event(enum ica_event_type type, enum ica_dir dir, const uint8_t *p, size_t len,
                            uint64_t off)
{
    ica_event ev = new_event(type, dir);
    ev.wire = p;
    ev.wire_len = (uint32_t)len;
    ev.wire_off = off;
    return ev;
}

static void emit_cmd_flags(ica_stream *st, enum ica_dir dir, const uint8_t *c, size_t len, uint64_t off,
                           uint8_t cmd_flags, int count, ica_event_cb cb, void *ctx)
{
    ica_event ev = new_event(ICA_EV_CMD, dir);
    ev.plain = c;
    ev.plain_len = (uint32_t)len;
    ev.plain_off = off;
    ev.code = c[0];
    ev.cmd_flags = cmd_flags;
    if (count)
        count_command(st, dir, c, len);
    cb(ctx, &ev);
}

/* Offset of the channel byte of a virtual write, 0 for other commands. */
static size_t vw_channel_offset(uint8_t code)
{
    switch (code) {
    case ICA_CMD_VIRTUAL_WRITE0: return 1;
    case ICA_CMD_VIRTUAL_WRITE1: return 2;
    case ICA_CMD_VIRTUAL_WRITE2: return 3;
    default: return 0;
    }
}

static struct ica_ivw *ivw_get(ica_stream *st, ica_dir_state *d)
{
    if (!d->ivw) {
        d->ivw = st->realloc_fn(st->actx, NULL, sizeof *d->ivw);
        if (!d->ivw) {
            st->alloc_failed = 1;
            return NULL;
        }
        memset(d->ivw, 0, sizeof *d->ivw);
    }
    return d->ivw;
}

/* INTERRUPT_VIRTUAL_WRITE: the command in progress is put aside for its
 * RESUME_VIRTUAL_WRITE, and this frame starts a new command (H5
 * WdDispatcher.AlertInterrupt). */
static void wd_interrupt(ica_stream *st, enum ica_dir dir, ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    if (!d->cmd_len || d->wd_stopped)
        return;
    size_t total, hdr, choff = vw_channel_offset(d->cmd[0]);
    ica_cmd_cut(d->cmd, d->cmd_len, &total, &hdr);
    uint8_t flags = ICA_CMDF_INTERRUPTED;
    struct ica_ivw *iv = choff && total && d->cmd_len > choff ? ivw_get(st, d) : NULL;
    int k = -1;
    for (int i = 0; iv && i < ICA_MAX_INTERRUPTED; i++)
        if ((iv->slot[i].used && iv->slot[i].channel == d->cmd[choff]) || (k < 0 && !iv->slot[i].used))
            k = i;
    if (k >= 0 && reserve(st, &iv->slot[k].buf, &iv->slot[k].cap, d->cmd_len) == 0) {
        memcpy(iv->slot[k].buf, d->cmd, d->cmd_len);
        iv->slot[k].len = d->cmd_len;
        iv->slot[k].total = total;
        iv->slot[k].channel = d->cmd[choff];
        iv->slot[k].used = 1;
    } else {
        flags |= ICA_CMDF_NOT_RESUMABLE;
    }
    emit_cmd_flags(st, dir, d->cmd, d->cmd_len, d->plain_off, flags, 0, cb, ctx);
    d->plain_off += d->cmd_len;
    d->cmd_len = 0;
}

/* RESUME_VIRTUAL_WRITE `43 len(u16) channel rest...`: join the rest to the
 * interrupted write of that channel; the whole write is reported once
 * complete (ICA_CMDF_JOINED). */
static void wd_resume(ica_stream *st, enum ica_dir dir, const uint8_t *c, size_t len, uint64_t off,
                      ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    struct ica_ivw *iv = d->ivw;
    int k = -1;
    for (int i = 0; iv && len >= 4 && i < ICA_MAX_INTERRUPTED; i++)
        if (iv->slot[i].used && iv->slot[i].channel == c[3])
            k = i;
    if (k < 0) {
        emit_cmd_flags(st, dir, c, len, off, ICA_CMDF_RESUME_ORPHAN, 1, cb, ctx);
        return;
    }
    size_t rest = len - 4, room = iv->slot[k].total - iv->slot[k].len;
    uint8_t flags = rest < room ? ICA_CMDF_RESUME_PARTIAL : rest > room ? ICA_CMDF_RESUME_OVERRUN : 0;
    emit_cmd_flags(st, dir, c, len, off, flags, 1, cb, ctx);
    size_t take = rest < room ? rest : room;
    if (reserve(st, &iv->slot[k].buf, &iv->slot[k].cap, iv->slot[k].len + take) < 0) {
        iv->slot[k].used = 0;
        return;
    }
    memcpy(iv->slot[k].buf + iv->slot[k].len, c + 4, take);
    iv->slot[k].len += take;
    if (iv->slot[k].len == iv->slot[k].total) {
        emit_cmd_flags(st, dir, iv->slot[k].buf, iv->slot[k].len, off, ICA_CMDF_JOINED, 1, cb, ctx);
        iv->slot[k].used = 0;
    }
}

static void emit_cmd(ica_stream *st, enum ica_dir dir, const uint8_t *c, size_t len, uint64_t off,
                     ica_event_cb cb, void *ctx)
{
    if (c[0] == ICA_CMD_RESUME_VIRTUAL_WRITE)
        wd_resume(st, dir, c, len, off, cb, ctx);
    else
        emit_cmd_flags(st, dir, c, len, off, 0, 1, cb, ctx);
}

static void wd_stop(ica_stream *st, enum ica_dir dir, uint64_t off, ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    ica_event ev = new_event(ICA_EV_WD_STOP, dir);
    ev.plain_off = off;
    d->wd_stopped = 1;
    d->cmd_len = 0;
    cb(ctx, &ev);
}

/* Cut commands from view; returns bytes consumed (complete commands). */
static size_t wd_cut(ica_stream *st, enum ica_dir dir, const uint8_t *view, size_t len, uint64_t base,
                     ica_event_cb cb, void *ctx)
{
    size_t pos = 0;
    while (pos < len) {
        size_t total, hdr;
        enum ica_cut r = ica_cmd_cut(view + pos, len - pos, &total, &hdr);
        if (r == ICA_CUT_NEED_MORE)
            break;
        if (r == ICA_CUT_UNKNOWN) {
            wd_stop(st, dir, base + pos, cb, ctx);
            return len;
        }
        emit_cmd(st, dir, view + pos, total, base + pos, cb, ctx);
        pos += total;
    }
    return pos;
}

static void wd_feed(ica_stream *st, enum ica_dir dir, const uint8_t *data, size_t len,
                    ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    uint64_t end_off = d->plain_off + d->cmd_len + len;
    st->sum.plain_bytes[dir] += len;
    if (d->wd_stopped)
        return;
    const uint8_t *view = data;
    size_t vlen = len;
    if (d->cmd_len) {
        /* Complete the pending command first, copying no more than it needs. */
        size_t total, hdr;
        enum ica_cut r;
        while ((r = ica_cmd_cut(d->cmd, d->cmd_len, &total, &hdr)) == ICA_CUT_NEED_MORE && len) {
            size_t want = total ? total - d->cmd_len : 1;
            if (want > len)
                want = len;
            if (reserve(st, &d->cmd, &d->cmd_cap, d->cmd_len + want) < 0) {
                wd_stop(st, dir, d->plain_off, cb, ctx);
                d->plain_off = end_off;
                return;
            }
            memcpy(d->cmd + d->cmd_len, data, want);
            d->cmd_len += want;
            data += want;
            len -= want;
        }
        if (r == ICA_CUT_UNKNOWN) {
            wd_stop(st, dir, d->plain_off, cb, ctx);
            d->plain_off = end_off;
            return;
        }
        if (r != ICA_CUT_OK)
            return;             /* still incomplete: all of data went into it */
        emit_cmd(st, dir, d->cmd, d->cmd_len, d->plain_off, cb, ctx);
        d->plain_off += d->cmd_len;
        d->cmd_len = 0;
        view = data;
        vlen = len;
    }
    size_t used = wd_cut(st, dir, view, vlen, d->plain_off, cb, ctx);
    if (d->wd_stopped) {
        d->plain_off = end_off;
        return;
    }
    d->plain_off += used;
    if (used < vlen) {
        if (reserve(st, &d->cmd, &d->cmd_cap, vlen - used) < 0) {
            wd_stop(st, dir, d->plain_off, cb, ctx);
            d->plain_off = end_off;
            return;
        }
        memcpy(d->cmd, view + used, vlen - used);
        d->cmd_len = vlen - used;
    }
}

/* ---- frames ------------------------------------------------------------- */

static void handle_frame(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t total,
                         uint16_t flen, uint16_t prio, uint64_t wire_off, ica_event_cb cb, void *ctx);

/* A V3 packet whose chunk headers fit: they cover it exactly, or the walk
 * reaches a compressed chunk (whose size only the expander knows). */
static int v3_fits(const uint8_t *p, size_t len)
{
    ica_v3_chunk chunks[64];
    int complete = 0;
    int n = ica_v3_parse(p, len, chunks, 64, &complete);
    return n > 0 && (complete || chunks[n - 1].compressed);
}

/* Handshake not captured: a frame that fits only with the header (whose
 * unnamed low bits are clear) or only without it decides; evidence, not
 * proof (ica-modern.md §2).  fits: whole WD commands for an uncompressed
 * direction, a V3 packet for a V3 one -- the latter also for a V3 session
 * whose client did not ask for the header the way the HTML5 client does
 * (the real Win32 session of captures/edt-citrixudp.pcap sends supportMask
 * 0x1F and uses the header both ways: an inference from that capture). */
static void ht_infer(ica_stream *st, const uint8_t *p, size_t len, int (*fits)(const uint8_t *, size_t))
{
    ica_summary *sum = &st->sum;
    ica_ht_header h;
    size_t n = len ? ica_ht_parse(p, len, &h) : 0;
    int with = n && !(p[0] & ICA_HT_UNNAMED_BITS) && fits(p + n, len - n);
    int without = fits(p, len);
    if (with && !without)
        sum->ht_state = ICA_HT_INFERRED_ON;
    else if (without && !with)
        sum->ht_state = ICA_HT_INFERRED_OFF;
    else if (++sum->ht_infer_tries >= HT_INFER_FRAMES)
        sum->ht_state = ICA_HT_INFERRED_OFF;
}

/* The high-throughput header at the start of a frame's WD bytes (before the
 * expander); 0 when it is expected but the frame is too short for it. */
static int ht_strip(ica_stream *st, enum ica_dir dir, const uint8_t **plain, size_t *plen, ica_event *ev)
{
    ica_summary *sum = &st->sum;
    if (sum->ht_state == ICA_HT_UNKNOWN && sum->compression[dir] == ICA_COMP_NONE && *plen
        && !st->d[dir].cmd_len && !st->d[dir].wd_stopped)
        ht_infer(st, *plain, *plen, ica_cmds_exact);
    else if (sum->ht_state == ICA_HT_UNKNOWN && sum->compression[dir] == ICA_COMP_V3)
        ht_infer(st, *plain, *plen, v3_fits);
    if (sum->ht_state != ICA_HT_ON && sum->ht_state != ICA_HT_INFERRED_ON)
        return 1;
    ica_ht_header h;
    size_t n = ica_ht_parse(*plain, *plen, &h);
    if (!n) {
        ev->ht_short = 1;
        return 0;
    }
    ev->ht_len = h.len;
    ev->ht_flags = h.flags;
    ev->ht_inferred = sum->ht_state == ICA_HT_INFERRED_ON;
    ev->ht_rtt_ms = h.rtt_ms;
    ev->ht_bw_raw = h.bw_raw;
    ev->ht_bw = h.bw_bytes_per_s;
    *plain += n;
    *plen -= n;
    return 1;
}

static void trial_drop(ica_dir_state *d)
{
    if (d->trial) {
        d->trial->n = 0;
        d->trial->len = 0;
    }
}

/* Decrypt the last `count` stored frames now that the key is known: the
 * chain restarts from its state before the first of them. */
static void trial_replay(ica_stream *st, enum ica_dir dir, unsigned count, uint8_t prev_now,
                         ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    struct ica_keytrial *kt = d->trial;
    uint32_t first = count < kt->n ? kt->n - count : 0;
    ica_basic_init(&d->cipher, st->sum.session_key);
    d->cipher.prev = first < kt->n ? kt->prev[first] : prev_now;
    d->chain_known = 1;
    st->replaying = 1;
    for (uint32_t i = first; i < kt->n; i++) {
        size_t start = i ? kt->end[i - 1] : 0;
        const uint8_t *f = kt->buf + start;
        uint16_t raw = le16(f);
        handle_frame(st, dir, f, kt->end[i] - start, raw & ICA_FRAME_LEN_MASK,
                     (uint16_t)(raw >> ICA_FRAME_PRIO_SHIFT), kt->off[i], cb, ctx);
    }
    st->replaying = 0;
    trial_drop(d);
}

static void trial_keep(ica_stream *st, struct ica_keytrial *kt, const uint8_t *p, size_t total,
                       uint64_t off, uint8_t prev)
{
    if (kt->n >= ICA_KEYFIND_MAX_FRAMES || kt->len + total > TRIAL_MAX_BYTES ||
        reserve(st, &kt->buf, &kt->cap, kt->len + total) < 0) {
        kt->kf.result = ICA_KEYFIND_FAILED;     /* cannot replay: give up rather than show half */
        kt->n = 0;
        return;
    }
    memcpy(kt->buf + kt->len, p, total);
    kt->len += total;
    kt->off[kt->n] = off;
    kt->prev[kt->n] = prev;
    kt->end[kt->n++] = (uint32_t)kt->len;
}

/* The key is known (the other direction recovered it, or it was given by
 * hand) but this direction's chain is not: replay the frames the key has
 * parsed, else let this frame prime the chain.  Returns 1 when this frame
 * can be decrypted. */
static int chain_from_trial(ica_stream *st, enum ica_dir dir, const uint8_t *ct, size_t clen,
                            ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    struct ica_keytrial *kt = d->trial;
    /* the key was recovered in the other direction: this one's cipher
     * needs it as well as its chain byte */
    d->cipher.key = st->sum.session_key;
    if (kt && kt->kf.have_prev) {
        unsigned run = ica_keyfind_run(&kt->kf, st->sum.session_key, st->sum.ht_state == ICA_HT_INFERRED_ON ||
                                       st->sum.ht_state == ICA_HT_ON);
        if (run && kt->n) {
            trial_replay(st, dir, run, kt->kf.prev, cb, ctx);
        } else {
            trial_drop(d);
            d->cipher.prev = kt->kf.prev;
            d->chain_known = 1;
        }
        return 1;
    }
    if (clen) {
        d->cipher.prev = ct[clen - 1];
        d->chain_known = 1;
    }
    return 0;
}

/* An encrypted frame while the key or the chain is unknown (ica_keyfind.h).
 * Returns 1 when this frame can now be decrypted. */
/* The recovered key reads the frames as reducer V3 packets: both
 * directions are V3, without the history the capture does not hold. */
static void v3_midsession(ica_stream *st)
{
    for (int i = 0; i < 2; i++) {
        st->sum.compression[i] = ICA_COMP_V3;
        v3_stop(st, &st->d[i], ICA_V3_ERR_NO_HISTORY);
    }
}

static int key_trial(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t total, uint64_t wire_off,
                     const uint8_t *ct, size_t clen, int wd_data, uint32_t *flags, ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    ica_summary *sum = &st->sum;
    if (sum->have_key)
        return chain_from_trial(st, dir, ct, clen, cb, ctx);
    if (!wd_data && d->trial && d->trial->kf.have_prev && clen) {
        /* CRYPT_OFF/PERM block: not WD commands, but it moves the chain on */
        /* frames before it can no longer be replayed with a known chain */
        d->trial->kf.prev = ct[clen - 1];
        trial_drop(d);
    }
    if (st->keyfind_disabled || !wd_data || clen == 0)
        return 0;
    if (!d->trial) {
        d->trial = st->realloc_fn(st->actx, NULL, sizeof *d->trial);
        if (!d->trial) {
            st->alloc_failed = 1;
            return 0;
        }
        memset(d->trial, 0, sizeof *d->trial);
        /* the layouts still possible: with or without the high-throughput header */
        uint8_t layouts = sum->ht_state == ICA_HT_ON || sum->ht_state == ICA_HT_INFERRED_ON ? ICA_KEYFIND_HT
                          : sum->ht_state == ICA_HT_UNKNOWN ? ICA_KEYFIND_PLAIN | ICA_KEYFIND_HT
                          : ICA_KEYFIND_PLAIN;
        /* without the negotiation the session may be reducer V3 too */
        if (!sum->seen_connect)
            layouts |= (uint8_t)((layouts & ICA_KEYFIND_PLAIN ? ICA_KEYFIND_V3 : 0) |
                                 (layouts & ICA_KEYFIND_HT ? ICA_KEYFIND_V3_HT : 0));
        ica_keyfind_init(&d->trial->kf, layouts);
    }
    struct ica_keytrial *kt = d->trial;
    uint8_t prev_before = kt->kf.prev;
    int had_anchor = kt->kf.have_prev;
    int k = ica_keyfind_frame(&kt->kf, ct, clen);
    if (k >= 0) {
        sum->session_key = (uint8_t)k;
        sum->have_key = 1;
        sum->key_source = ICA_KEY_RECOVERED;
        sum->encryption = ICA_ENC_BASIC;
        if (sum->ht_state == ICA_HT_UNKNOWN)
            sum->ht_state = kt->kf.result_ht ? ICA_HT_INFERRED_ON : ICA_HT_INFERRED_OFF;
        if (kt->kf.result_v3)
            v3_midsession(st);
        *flags |= ICA_FR_KEY_RECOVERED;
        /* the run includes this frame, which is decrypted by the caller */
        trial_replay(st, dir, ica_keyfind_run(&kt->kf, (uint8_t)k, kt->kf.result_layout) - 1, prev_before, cb, ctx);
        /* the other direction's frames seen so far are decrypted now too
         * (its events come during this direction's feed: ev.dir tells) */
        if (st->d[!dir].trial && !st->d[!dir].chain_known)
            chain_from_trial(st, (enum ica_dir)!dir, NULL, 0, cb, ctx);
        return 1;
    }
    if (k == ICA_KEYFIND_PENDING && had_anchor)
        trial_keep(st, kt, p, total, wire_off, prev_before);
    else if (k == ICA_KEYFIND_FAILED)
        trial_drop(d);
    return 0;
}

/* What handle_frame works out about one frame's payload. */
typedef struct {
    const uint8_t *body;    /* payload after the PDCRYPT1 header byte */
    size_t blen;
    int encrypted;
    int wd_data;            /* the payload is meant to carry WD bytes */
    const uint8_t *plain;   /* payload in the clear (decrypted), NULL when not available */
    size_t plain_len;
} frame_work;

/* The PDCRYPT1 header byte (when this direction has one) and what it
 * changes: key exchange, CRYPT_OFF/PERM (ica.md §6). */
static void frame_crypt_header(ica_stream *st, enum ica_dir dir, ica_event *ev, frame_work *w)
{
    ica_dir_state *d = &st->d[dir];
    ica_summary *sum = &st->sum;
    if (sum->encryption == ICA_ENC_RC5) {
        ev->flags |= ICA_FR_ENCRYPTED | ICA_FR_OPAQUE;
        w->wd_data = 0;
        return;
    }
    if (d->crypt_mode == CRYPT_MODE_PERM) {
        w->encrypted = 1;
        return;
    }
    if (d->crypt_mode != CRYPT_MODE_HDR)
        return;
    if (w->blen == 0) {
        w->wd_data = 0;
        return;
    }
    ev->flags |= ICA_FR_CRYPT_HDR;
    ev->crypt_hdr = w->body[0];
    w->body++;
    w->blen--;
    switch (ev->crypt_hdr) {
    case ICA_CRYPT_NOT_ENCRYPTED:
        break;
    case ICA_CRYPT_ENCRYPTED:
        w->encrypted = 1;
        break;
    case ICA_CRYPT_PUBLICKEY:
        ev->flags |= ICA_FR_CONTROL;
        w->wd_data = 0;
        if (sum->encryption == ICA_ENC_UNKNOWN)
            sum->encryption = ICA_ENC_BASIC;
        break;
    case ICA_CRYPT_SESSIONKEY:
        ev->flags |= ICA_FR_CONTROL;
        w->wd_data = 0;
        if (w->blen >= 2) {
            sum->session_key = w->body[1];
            sum->have_key = 1;
            sum->key_source = ICA_KEY_EXCHANGE;
            sum->encryption = ICA_ENC_BASIC;
            for (int i = 0; i < 2; i++) {
                ica_basic_init(&st->d[i].cipher, w->body[1]);
                st->d[i].chain_known = 1;
            }
        }
        break;
    case ICA_CRYPT_OFF:
    case ICA_CRYPT_PERM:
        ev->flags |= ICA_FR_CONTROL;
        w->encrypted = 1;
        w->wd_data = 0;
        d->crypt_mode = ev->crypt_hdr == ICA_CRYPT_OFF ? CRYPT_MODE_CLEAR : CRYPT_MODE_PERM;
        break;
    default:
        ev->flags |= ICA_FR_BAD_HDR;
        w->wd_data = 0;
        break;
    }
}

/* An encrypted payload: decrypted in the running Basic chain, or left
 * encrypted (no key yet: key recovery is tried; state lost; decryption
 * off), keeping the chain consistent either way. */
static void frame_decrypt(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t total, uint64_t wire_off,
                          int resync_frame, ica_event *ev, frame_work *w, ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    ica_summary *sum = &st->sum;
    ev->flags |= ICA_FR_ENCRYPTED;
    if (st->replaying)
        ev->flags |= ICA_FR_REPLAY;
    if ((!sum->have_key || !d->chain_known) &&
        !key_trial(st, dir, p, total, wire_off, w->body, w->blen, w->wd_data, &ev->flags, cb, ctx)) {
        ev->flags |= sum->have_key ? ICA_FR_NO_CHAIN : ICA_FR_NO_KEY;
        w->wd_data = 0;
    } else if (resync_frame) {
        /* the ciphertext byte before this frame was lost: its first
         * byte cannot be decrypted; the state after it is its last byte */
        ica_basic_decrypt_skip(&d->cipher, w->body, w->blen);
        ev->flags |= ICA_FR_RESYNC;
        w->wd_data = 0;
    } else if (st->decrypt_disabled) {
        /* the cipher state must still advance for a consistent view */
        ica_basic_decrypt_skip(&d->cipher, w->body, w->blen);
        w->wd_data = 0;
    } else if (reserve(st, &d->work, &d->work_cap, w->blen ? w->blen : 1) < 0) {
        w->wd_data = 0;
    } else {
        if (w->blen)
            memcpy(d->work, w->body, w->blen);
        ev->cipher_prev = d->cipher.prev;
        ica_basic_decrypt(&d->cipher, d->work, w->blen);
        ev->flags |= ICA_FR_DECRYPTED;
        ev->decrypted = d->work;
        ev->decrypted_len = (uint32_t)w->blen;
        w->plain = d->work;
        w->plain_len = w->blen;
    }
}

/* A V3 session picked up mid-session: what copy chunks carry is shown
 * (when its bytes are whole WD commands), compressed chunks are not. */
static int v3_copies(ica_stream *st, ica_dir_state *d, ica_event *ev, frame_work *w)
{
    size_t n;
    int complete;
    ev->v3_error = ICA_V3_ERR_NO_HISTORY;
    if (w->plain_len > (EXPAND_MAX - 16) / 3 || !fixed_buffer(st, &d->expanded, EXPAND_MAX) ||
        ica_v3_copies(w->plain, w->plain_len, d->expanded, &n, &complete) != 0 || !ica_cmds_exact(d->expanded, n))
        return 0;
    if (n == 0 && !complete)
        return 0;       /* compressed chunks only: the frame keeps its V3 packet, shown chunk by chunk */
    ev->flags |= ICA_FR_EXPANDED | (complete ? 0 : ICA_FR_V3_PARTIAL);
    w->plain = d->expanded;
    w->plain_len = n;
    return 1;
}

/* Reducer V3/V4 (ica_v3.h): the expander is made on the direction's first
 * V3 frame with the negotiated history size. */
static int v3_expand(ica_stream *st, enum ica_dir dir, ica_event *ev, frame_work *w)
{
    ica_dir_state *d = &st->d[dir];
    if (!d->v3 && !d->v3_error) {
        d->v3 = st->realloc_fn(st->actx, NULL, sizeof *d->v3);
        if (!d->v3) {
            st->alloc_failed = 1;
            d->v3_error = ICA_V3_ERR_NOMEM;
        } else if (ica_v3_init(d->v3, st->sum.pow2_agreed[dir],
                               dir == ICA_S2C ? ICA_V3_DEFAULT_CODERS_S2C : ICA_V3_DEFAULT_CODERS_C2S,
                               st->realloc_fn, st->actx) != 0) {
            ev->flags |= ICA_FR_V3_FAILED;
            v3_stop(st, d, d->v3->error);
        }
    }
    if (d->v3_error == ICA_V3_ERR_NO_HISTORY)
        return v3_copies(st, d, ev, w);
    if (!d->v3_error) {
        const uint8_t *out;
        size_t n;
        if (ica_v3_expand(d->v3, w->plain, w->plain_len, &out, &n) == 0) {
            ev->flags |= ICA_FR_EXPANDED;
            w->plain = out;
            w->plain_len = n;
            return 1;
        }
        ev->flags |= ICA_FR_V3_FAILED;
        v3_stop(st, d, d->v3->error);
    }
    ev->v3_error = d->v3_error;
    return 0;
}

/* The reducer (ica.md §7): level 1 expanded, other formats marked. */
static void frame_expand(ica_stream *st, enum ica_dir dir, ica_event *ev, frame_work *w)
{
    ica_dir_state *d = &st->d[dir];
    switch (st->sum.compression[dir]) {
    case ICA_COMP_NONE:
        break;
    case ICA_COMP_L1:
        ev->flags |= ICA_FR_COMPRESSED;
        if (d->expander_ok) {
            long n = ica_expand_l1(&d->expander, w->plain, w->plain_len, d->expanded, EXPAND_MAX);
            if (n >= 0) {
                ev->flags |= ICA_FR_EXPANDED;
                w->plain = d->expanded;
                w->plain_len = (size_t)n;
                break;
            }
            d->expander_ok = 0;     /* history is lost for good */
        }
        ev->flags |= ICA_FR_UNDECODABLE;
        w->wd_data = 0;
        break;
    case ICA_COMP_V3:
        ev->flags |= ICA_FR_COMPRESSED | ICA_FR_V3;
        if (v3_expand(st, dir, ev, w))
            break;
        ev->flags |= ICA_FR_UNDECODABLE;
        w->wd_data = 0;
        break;
    default:
        ev->flags |= ICA_FR_COMPRESSED | ICA_FR_UNDECODABLE;
        w->wd_data = 0;
        break;
    }
}

static void handle_frame(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t total,
                         uint16_t flen, uint16_t prio, uint64_t wire_off, ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    ica_summary *sum = &st->sum;
    ica_event ev = wire_event(ICA_EV_FRAME, dir, p, total, wire_off);
    ev.frame_len = flen;
    ev.flags = prio ? ICA_FR_PRIO_BITS : 0;
    frame_work w = { p + 2, flen, 0, 1, NULL, 0 };
    int resync_frame = d->resync;
    d->resync = 0;

    frame_crypt_header(st, dir, &ev, &w);
    if (w.encrypted) {
        frame_decrypt(st, dir, p, total, wire_off, resync_frame, &ev, &w, cb, ctx);
    } else if (!(ev.flags & (ICA_FR_OPAQUE | ICA_FR_BAD_HDR))) {
        ev.decrypted = w.body;
        ev.decrypted_len = (uint32_t)w.blen;
        w.plain = w.body;
        w.plain_len = w.blen;
    }

    if (w.wd_data && w.plain && !ht_strip(st, dir, &w.plain, &w.plain_len, &ev))
        w.wd_data = 0;
    if (w.wd_data && w.plain)
        frame_expand(st, dir, &ev, &w);
    if (w.wd_data && w.plain && d->wd_stopped && w.plain_len && ica_cmds_exact(w.plain, w.plain_len)) {
        d->wd_stopped = 0;
        d->cmd_len = 0;
        ev.flags |= ICA_FR_WD_RESUMED;
    }
    if (w.wd_data && w.plain && !d->wd_stopped) {
        ev.plain = w.plain;
        ev.plain_len = (uint32_t)w.plain_len;
        ev.plain_off = d->plain_off + d->cmd_len;
    }
    if (!ev.plain && !(ev.flags & ICA_FR_CONTROL) && w.blen)
        sum->undecoded_bytes[dir] += w.blen;
    cb(ctx, &ev);
    if (ev.ht_flags & ICA_HT_INTERRUPT_VIRTUAL_WRITE)
        wd_interrupt(st, dir, cb, ctx);
    if (ev.plain)
        wd_feed(st, dir, ev.plain, ev.plain_len, cb, ctx);
}

/* ---- per-direction byte stream ------------------------------------------ */

static void emit_simple(enum ica_event_type type, enum ica_dir dir, const uint8_t *p, size_t len,
                        uint64_t off, ica_event_cb cb, void *ctx)
{
    ica_event ev = wire_event(type, dir, p, len, off);
    cb(ctx, &ev);
}

static void emit_raw(enum ica_dir dir, const uint8_t *p, size_t len, uint64_t off, uint16_t flags,
                     ica_event_cb cb, void *ctx)
{
    ica_event ev = wire_event(ICA_EV_RAW, dir, p, len, off);
    ev.flags = flags;
    ev.code = p[0];
    cb(ctx, &ev);
}

static int all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i])
            return 0;
    return len > 0;
}

/* ---- desync: plausibility and resync ------------------------------------ */

/* The longest PDRFRAME length the negotiation allows, 0 = no bound known. */
static size_t frame_limit(const ica_summary *sum)
{
    if (!sum->ica_buffer_len)
        return 0;
    /* the most permissive of ICABufferLength and the MaxICAPacketLength of
     * either side's HIGH_THROUGHPUT capability: a desync must not be
     * reported for a frame one side allowed */
    size_t lim = sum->ica_buffer_len;
    if (sum->max_packet_len > lim)
        lim = sum->max_packet_len;
    if (sum->ht_max_packet > lim)
        lim = sum->ht_max_packet;
    return lim + ICA_FRAME_SLACK;
}

/* The priority bits are masked whatever the PDRFRAME version (ica-modern.md §4). */
static uint16_t frame_len_at(const uint8_t *p)
{
    return (uint16_t)(le16(p) & ICA_FRAME_LEN_MASK);
}

static int crypt_hdr_ok(uint8_t h)
{
    return h == ICA_CRYPT_NOT_ENCRYPTED || h == ICA_CRYPT_ENCRYPTED || h == ICA_CRYPT_PUBLICKEY ||
           h == ICA_CRYPT_SESSIONKEY || h == ICA_CRYPT_OFF || h == ICA_CRYPT_PERM;
}

/* Do frames start at p: ICA_SYNC_FRAMES plausible ones in a row, or
 * plausible ones exactly covering the rem bytes? */
static int chain_ok(const ica_summary *sum, const ica_dir_state *d, const uint8_t *p, size_t rem)
{
    size_t lim = frame_limit(sum), j = 0;
    unsigned n = 0;
    while (j + 2 <= rem) {
        size_t fl = frame_len_at(p + j);
        if (fl == 0 || (lim && fl > lim))
            return 0;
        if (d->crypt_mode == CRYPT_MODE_HDR && j + 2 < rem && !crypt_hdr_ok(p[j + 2]))
            return 0;
        j += 2 + fl;
        if (j > rem)
            return 0;
        if (++n >= ICA_SYNC_FRAMES)
            return 1;
    }
    return n > 0 && j == rem;
}

/* First offset of view where frames plausibly start again, or -1. */
static long sync_point(const ica_summary *sum, const ica_dir_state *d, const uint8_t *p, size_t rem)
{
    for (size_t i = 0; i + 2 <= rem; i++)
        if (chain_ok(sum, d, p + i, rem - i))
            return (long)i;
    return -1;
}

static void emit_undecoded(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t len, uint64_t off,
                           uint8_t reason, uint16_t frame_len, ica_event_cb cb, void *ctx)
{
    ica_event ev = wire_event(ICA_EV_UNDECODED, dir, p, len, off);
    ev.code = reason;
    ev.frame_len = frame_len;
    st->sum.undecoded_bytes[dir] += len;
    cb(ctx, &ev);
}

/* Lost sync inside the stream: search for the next plausible frame. */
static void start_resync(ica_dir_state *d, uint8_t reason)
{
    d->phase = ICA_PHASE_SYNC;
    d->resync = 1;
    d->sync_reason = reason;
    d->wd_stopped = 1;
    d->cmd_len = 0;
}

/* ICA_PHASE_SYNC after lost or skipped bytes: returns bytes consumed, or
 * -1 to wait for more. */
static long resync(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t rem, uint64_t off,
                   ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    long i = sync_point(&st->sum, d, p, rem);
    if (i < 0) {
        /* Wait while the bytes could still hold the start of a chain; skip
         * what cannot (bounded: at most a few frames are kept). */
        size_t lim = frame_limit(&st->sum);
        size_t tail = lim ? ICA_SYNC_FRAMES * (lim + 2) : 8192;
        if (rem <= tail)
            return -1;
        emit_undecoded(st, dir, p, rem - tail, off, d->sync_reason, 0, cb, ctx);
        d->sync_reason = ICA_UNDEC_RESYNC;
        return (long)(rem - tail);
    }
    if (i > 0) {
        emit_undecoded(st, dir, p, (size_t)i, off, d->sync_reason, 0, cb, ctx);
        d->sync_reason = ICA_UNDEC_RESYNC;
        /* the byte before a frame is the last ciphertext byte of the previous one */
        d->cipher.prev = p[i - 1];
        d->resync = 0;
    }
    d->phase = ICA_PHASE_FRAMED;
    return i;
}

/* One unit of each phase, at p (rem bytes, stream offset off): each step
 * returns the bytes it consumed (0 when it only changed the phase), or
 * STEP_WAIT when the unit is not complete yet. */
#define STEP_WAIT (-1L)

static long step_detect(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t rem, uint64_t off,
                        ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    size_t n = rem < ICA_DETECT_LEN ? rem : ICA_DETECT_LEN;
    if (memcmp(p, ica_detect_string, n) == 0) {
        if (n < ICA_DETECT_LEN)
            return STEP_WAIT;
        emit_simple(ICA_EV_DETECT, dir, p, ICA_DETECT_LEN, off, cb, ctx);
        d->seen_detect = 1;
        return ICA_DETECT_LEN;
    }
    if (d->seen_detect || raw_packet_ok(p, rem) || (rem < 3 + 36 && p[0] <= 2)) {
        d->phase = ICA_PHASE_RAW;
        return 0;
    }
    /* Text before the detect string (the client treats it as TTY output). */
    size_t skip = 1;
    while (skip < rem && p[skip] != ica_detect_string[0])
        skip++;
    emit_simple(ICA_EV_UNDECODED, dir, p, skip, off, cb, ctx);
    st->sum.undecoded_bytes[dir] += skip;
    return (long)skip;
}

/* One raw WD handshake packet: type, u16 length, body (ica.md §4). */
static long step_raw(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t rem, uint64_t off,
                     int *padded_msg, ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    ica_summary *sum = &st->sum;
    if (rem < 3)
        return STEP_WAIT;
    uint8_t type = p[0];
    if (type != 0x00 && type != 0x01 && type != 0x02 && type != 0x04) {
        /* not a handshake packet: say so here, then look for frames
         * (the handshake may be over) */
        emit_undecoded(st, dir, p, 1, off, ICA_UNDEC_HANDSHAKE, 0, cb, ctx);
        enter_framed(st, dir);
        start_resync(d, ICA_UNDEC_RESYNC);
        return 1;
    }
    size_t total = 3 + (size_t)le16(p + 1);
    if (rem < total)
        return STEP_WAIT;
    int count = -1;
    uint16_t flags = 0;
    if (type == 0x00 && total > 3) {
        sum->init_request_level = p[3];
        if (p[3] > 6)
            ht_learn(sum, p + 4, total - 4, 1);
    }
    else if (type == 0x01)
        learn_init_response(sum, p + 3, total - 3);
    else if (type == 0x02)
        count = learn_init_connect(sum, p + 3, total - 3);
    if ((type == 0x01 || type == 0x02) && total >= 3 + 3) {
        if (d->last_module_count >= 0 && p[5] >= d->last_module_count)
            flags |= ICA_RAW_COUNT_NOT_DOWN;
        d->last_module_count = p[5];
    }
    if (++d->raw_packets > ICA_MAX_RAW_PACKETS)
        flags |= ICA_RAW_TOO_MANY;
    emit_raw(dir, p, total, off, flags, cb, ctx);
    if (flags & ICA_RAW_TOO_MANY) {
        d->phase = ICA_PHASE_LOST;
    } else if (type == 0x04 && dir == ICA_C2S) {
        enter_framed(st, dir);
        *padded_msg = 1;
    } else if (type == 0x02 && count == 0 && dir == ICA_S2C) {
        enter_framed(st, dir);
    }
    return (long)total;
}

/* One PDRFRAME frame: u16 length (priority in the top bits), body. */
static long step_framed(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t rem, uint64_t off,
                        int *padded_msg, ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    if (rem < 2)
        return STEP_WAIT;
    /* H5 masks the priority bits on every receive, whatever the
     * agreed PDRFRAME version (ica-modern.md §4). */
    uint16_t raw = le16(p);
    uint16_t flen = raw & ICA_FRAME_LEN_MASK, prio = (uint16_t)(raw >> ICA_FRAME_PRIO_SHIFT);
    size_t total = 2 + (size_t)flen, lim = frame_limit(&st->sum);
    if (lim && flen > lim) {
        /* a stray or lost byte, not a frame: never wait for it */
        emit_undecoded(st, dir, p, 2, off, ICA_UNDEC_FRAME_TOO_LONG, flen, cb, ctx);
        start_resync(d, ICA_UNDEC_RESYNC);
        return 2;
    }
    if (rem < total)
        return STEP_WAIT;
    handle_frame(st, dir, p, total, flen, prio, off, cb, ctx);
    *padded_msg = flen >= 1 && (p[2] == ICA_CRYPT_PUBLICKEY || p[2] == ICA_CRYPT_SESSIONKEY) &&
                  d->crypt_mode == CRYPT_MODE_HDR;
    return (long)total;
}

/* Framing lost: the rest of the bytes are undecoded. */
static long step_lost(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t rem, uint64_t off,
                      ica_event_cb cb, void *ctx)
{
    emit_simple(ICA_EV_UNDECODED, dir, p, rem, off, cb, ctx);
    st->sum.undecoded_bytes[dir] += rem;
    return (long)rem;
}

/* Looking for PDRFRAME alignment (mid-session start, or after lost bytes). */
static long step_sync(ica_stream *st, enum ica_dir dir, const uint8_t *p, size_t rem, uint64_t off,
                      ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    if (d->resync || d->sync_reason)
        return resync(st, dir, p, rem, off, cb, ctx);
    if (frames_cover(p, rem)) {
        d->phase = ICA_PHASE_FRAMED;
        d->crypt_mode = CRYPT_MODE_HDR;
        return 0;
    }
    /* not aligned here: wait for a chunk that is */
    return step_lost(st, dir, p, rem, off, cb, ctx);
}

/* Process complete units of view; returns bytes consumed. */
static size_t process(ica_stream *st, enum ica_dir dir, const uint8_t *view, size_t vlen,
                      ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    size_t pos = 0;
    while (pos < vlen) {
        const uint8_t *p = view + pos;
        size_t rem = vlen - pos;
        uint64_t off = d->wire_off + pos;
        int padded_msg = 0;
        long n;
        if (st->alloc_failed)
            d->phase = ICA_PHASE_LOST;
        switch (d->phase) {
        case ICA_PHASE_DETECT:
            n = step_detect(st, dir, p, rem, off, cb, ctx);
            break;
        case ICA_PHASE_RAW:
            n = step_raw(st, dir, p, rem, off, &padded_msg, cb, ctx);
            break;
        case ICA_PHASE_FRAMED:
            n = step_framed(st, dir, p, rem, off, &padded_msg, cb, ctx);
            break;
        case ICA_PHASE_SYNC:
            n = step_sync(st, dir, p, rem, off, cb, ctx);
            break;
        default:
            n = step_lost(st, dir, p, rem, off, cb, ctx);
            break;
        }
        if (n < 0)
            return pos;
        pos += (size_t)n;
        if (padded_msg && all_zero(view + pos, vlen - pos)) {
            emit_simple(ICA_EV_PADDING, dir, view + pos, vlen - pos, d->wire_off + pos, cb, ctx);
            pos = vlen;
        }
    }
    return pos;
}

static void release(ica_stream *st, uint8_t **buf, size_t *cap)
{
    st->free_fn(st->actx, *buf);
    *buf = NULL;
    *cap = 0;
}

/* Between feeds only the partial unit and the partial command matter. */
static void release_idle(ica_stream *st, ica_dir_state *d)
{
    if (!st->free_fn)
        return;
    if (d->work)
        release(st, &d->work, &d->work_cap);
    if (d->pend && !d->pend_len)
        release(st, &d->pend, &d->pend_cap);
    if (d->cmd && !d->cmd_len)
        release(st, &d->cmd, &d->cmd_cap);
}

void ica_stream_feed(ica_stream *st, enum ica_dir dir, const uint8_t *data, size_t len,
                     ica_event_cb cb, void *ctx)
{
    ica_dir_state *d = &st->d[dir];
    if (len == 0)
        return;
    const uint8_t *view = data;
    size_t vlen = len;
    if (d->pend_len) {
        if (reserve(st, &d->pend, &d->pend_cap, d->pend_len + len) < 0) {
            d->phase = ICA_PHASE_LOST;
            d->pend_len = 0;
        } else {
            memcpy(d->pend + d->pend_len, data, len);
            d->pend_len += len;
            view = d->pend;
            vlen = d->pend_len;
        }
    }
    size_t used = process(st, dir, view, vlen, cb, ctx);
    d->wire_off += used;
    size_t left = vlen - used;
    if (left == 0) {
        d->pend_len = 0;
    } else if (view == d->pend) {
        memmove(d->pend, d->pend + used, left);
        d->pend_len = left;
    } else if (reserve(st, &d->pend, &d->pend_cap, left) == 0) {
        memcpy(d->pend, view + used, left);
        d->pend_len = left;
    } else {
        d->phase = ICA_PHASE_LOST;
        d->pend_len = 0;
        d->wire_off += left;
    }
    release_idle(st, d);
}
