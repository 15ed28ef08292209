/* cgp.c - CGP (Session Reliability) record, extension, command and
 * capability parsers (cgp.md §3-§8, §11), epan-free.
 *
 * Each parser reads one layout once and reports offsets and values; the
 * dissector renders them.  A parser stops at the first length or count that
 * points past its buffer and says CGP_SHORT: the caller shows the rest as
 * truncated.  No parser loops over a wire count without also checking the
 * buffer, so a count of 32767 over 10 bytes costs at most 10 steps.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "cgp.h"
#include "le_bytes.h"

const uint8_t cgp_signature[CGP_SIGNATURE_LEN] = { 0x1a, 'C', 'G', 'P', '/', '0', '1' };

static const char *const cmd_names[] = {
    NULL, "BIND_REQUEST", "BIND_RESPONSE", "FINISH_REQUEST", "FINISH_RESPONSE", "NOP",
    "CHANNEL_OPEN_REQUEST", "CHANNEL_OPEN_RESPONSE", "CHANNEL_CLOSE", "DATA",
    "DATA_REALTIME", "DATA_REALTIME_WITH_ACK"
};

const char *cgp_cmd_name(unsigned cmd)
{
    return cmd < sizeof cmd_names / sizeof cmd_names[0] ? cmd_names[cmd] : NULL;
}

/* Cursor over one buffer: every read checks the end and latches the first failure. */
typedef struct {
    const uint8_t *p;
    size_t len, off;
    enum cgp_status st;
} cur;

static int need(cur *c, size_t n)
{
    if (c->st != CGP_OK)
        return 0;
    if (c->off > c->len || c->len - c->off < n) {
        c->st = CGP_SHORT;
        return 0;
    }
    return 1;
}
static uint8_t rd8(cur *c) { if (!need(c, 1)) return 0; return c->p[c->off++]; }
static uint16_t rd16(cur *c) { if (!need(c, 2)) return 0; uint16_t v = le16(c->p + c->off); c->off += 2; return v; }
static uint32_t rd32(cur *c) { if (!need(c, 4)) return 0; uint32_t v = le32(c->p + c->off); c->off += 4; return v; }
static void rdvl(cur *c, cgp_vl *v)
{
    memset(v, 0, sizeof *v);
    v->off = (uint32_t)c->off;
    if (c->st != CGP_OK)
        return;
    enum cgp_status s = cgp_varlen(c->p, c->len, c->off, v);
    if (s != CGP_OK)
        c->st = s;
    else
        c->off += v->len;
}
/* Skip n bytes that must be present; returns their offset. */
static uint32_t skip(cur *c, size_t n)
{
    uint32_t at = (uint32_t)c->off;
    if (need(c, n))
        c->off += n;
    return at;
}

enum cgp_status cgp_varlen(const uint8_t *p, size_t len, size_t off, cgp_vl *v)
{
    memset(v, 0, sizeof *v);
    v->off = (uint32_t)off;
    if (off >= len)
        return CGP_SHORT;
    uint8_t b0 = p[off];
    if (b0 < 0x80) {
        v->len = 1;
        v->value = b0;
        return CGP_OK;
    }
    if (off + 1 >= len)
        return CGP_SHORT;
    /* value = (b0 & 0x7f) | (b1 << 7): with all 8 bits of b1 the maximum is
     * 0x7fff, the limit cgp.md §4 gives (it also says H5's encoder masks b1
     * with 0x7f, which would stop at 16383: the decoder rule is what counts). */
    uint8_t b1 = p[off + 1];
    v->len = 2;
    v->value = (uint16_t)((b0 & 0x7f) | (b1 << 7));
    v->nonminimal = v->value < 0x80;
    return CGP_OK;
}

enum cgp_status cgp_pdu_len(const uint8_t *p, size_t avail, uint32_t *total)
{
    cgp_vl v;
    enum cgp_status s = cgp_varlen(p, avail, 0, &v);
    *total = s == CGP_OK ? v.len + (uint32_t)v.value : 0;
    return s;
}

uint32_t cgp_unit_len(const uint8_t *p, size_t avail)
{
    if (avail == 0 || ((p[0] == 0x1a || p[0] >= 0x80) && avail < 2))
        return 0;
    if (p[0] == cgp_signature[0] && p[1] == cgp_signature[1])
        return CGP_SIGNATURE_LEN;
    return p[0] < 0x80 ? 1u + p[0] : 2u + ((p[0] & 0x7fu) | ((uint32_t)p[1] << 7));
}

/* The pending unit of j takes the first bytes of p[0..len). */
static size_t join_head(cgp_join *j, const uint8_t *p, size_t len, cgp_join_split *o)
{
    o->head_at = j->have;
    if (!len)
        return 0;
    if (!j->need) {             /* one byte known: the second tells the length */
        j->first[1] = p[0];
        j->need = cgp_unit_len(j->first, 2);
    }
    size_t take = j->need - j->have < len ? j->need - j->have : len;
    o->head_len = (uint32_t)take;
    j->have += (uint32_t)take;
    if (j->have == j->need) {
        o->head_done = 1;
        j->have = j->need = 0;
    }
    return take;
}

void cgp_join_message(cgp_join *j, const uint8_t *p, size_t len, cgp_join_split *o)
{
    memset(o, 0, sizeof *o);
    size_t off = j->have ? join_head(j, p, len, o) : 0;
    if (j->have) {              /* the whole message continues the pending unit */
        o->tail_off = (uint32_t)len;
        return;
    }
    for (;;) {
        uint32_t n = cgp_unit_len(p + off, len - off);
        if (!n || n > len - off)
            break;
        off += n;
    }
    o->tail_off = (uint32_t)off;
    if (off < len) {
        j->have = (uint32_t)(len - off);
        j->first[0] = p[off];
        j->first[1] = len - off > 1 ? p[off + 1] : 0;
        j->need = cgp_unit_len(p + off, len - off);
    }
}

int cgp_flag_set(const cgp_record *r, unsigned index)
{
    unsigned byte = index / 7, bit = index % 7;
    return byte < r->n_flag_bytes && (r->flag_bytes[byte] >> bit) & 1;
}

/* Highest extension index set, or -1. */
static int highest_flag(const cgp_record *r)
{
    for (int i = r->n_flag_bytes * 7 - 1; i >= 0; i--)
        if (cgp_flag_set(r, (unsigned)i))
            return i;
    return -1;
}

static void read_flag_bytes(cur *c, cgp_record *r)
{
    r->flags_off = (uint32_t)c->off;
    for (;;) {
        if (r->n_flag_bytes == CGP_MAX_FLAG_BYTES) {
            r->flag_bytes_unterminated = 1;
            return;
        }
        uint8_t b = rd8(c);
        if (c->st != CGP_OK)
            return;
        r->flag_bytes[r->n_flag_bytes++] = b;
        if (!(b & 0x80))
            return;
    }
}

/* Extension data in index order (§5).  Without EXT_LENGTH only the
 * reliability extension has a known size; anything else hides the payload. */
static void read_extensions(cur *c, cgp_record *r, size_t end)
{
    size_t ext_end = end;
    if (cgp_flag_set(r, CGP_EXT_LENGTH)) {
        r->has_ext_len = 1;
        rdvl(c, &r->ext_len);
        if (c->st != CGP_OK)
            return;
        if (r->ext_len.value > end - c->off) {
            c->st = CGP_SHORT;
            return;
        }
        ext_end = c->off + r->ext_len.value;
    }
    int top = highest_flag(r);
    for (int i = 1; i <= top && c->st == CGP_OK; i++) {
        if (!cgp_flag_set(r, (unsigned)i))
            continue;
        if (i == CGP_EXT_RELIABILITY) {
            r->has_reliability = 1;
            r->reliability_off = (uint32_t)c->off;
            r->rel_flags = rd8(c);
            if (r->rel_flags & CGP_REL_ACK) {
                r->has_ack = 1;
                rdvl(c, &r->ack_delta);
            }
            continue;
        }
        if (i == CGP_EXT_MONITORING) {
            r->has_monitoring = 1;
            r->monitoring_off = (uint32_t)c->off;
            rd8(c);
        }
        /* The rest of this extension's layout is unknown: what follows up
         * to EXT_LENGTH's end is undecoded, or the payload is lost. */
        if (c->st != CGP_OK)
            return;
        r->undecoded_off = (uint32_t)c->off;
        if (r->has_ext_len) {
            r->undecoded_len = (uint32_t)(ext_end - c->off);
            c->off = ext_end;
        } else {
            r->ext_undecodable = 1;
        }
        return;
    }
    if (c->st == CGP_OK && r->has_ext_len && c->off != ext_end) {
        r->ext_len_mismatch = 1;
        if (c->off < ext_end)
            c->off = ext_end;
    }
    if (c->st == CGP_OK && c->off > end)
        c->st = CGP_SHORT;
}

void cgp_parse_record(const uint8_t *p, size_t len, cgp_record *r)
{
    memset(r, 0, sizeof *r);
    cur c = { p, len, 0, CGP_OK };
    rdvl(&c, &r->length);
    if (c.st != CGP_OK) {
        r->status = c.st;
        return;
    }
    r->total = r->length.len + (uint32_t)r->length.value;
    if (r->length.value < 1) {
        r->status = CGP_BAD;
        return;
    }
    /* Everything below reads within the record only. */
    size_t end = r->total;
    if (end > len) {
        c.len = len;
        r->status = CGP_SHORT;
    } else {
        c.len = end;
    }
    r->cmd = rd8(&c);
    if (r->cmd == CGP_DATA_REALTIME || r->cmd == CGP_DATA_REALTIME_WITH_ACK) {
        r->tracked = 1;
        if (r->cmd == CGP_DATA_REALTIME_WITH_ACK) {
            r->has_ack = 1;
            rdvl(&c, &r->ack_delta);
        }
    } else {
        r->has_flag_bytes = 1;
        if (r->cmd == CGP_BIND_REQUEST || r->cmd == CGP_BIND_RESPONSE) {
            /* one flag byte that must be 00 (§5): not read as extensions */
            r->flags_off = (uint32_t)c.off;
            r->flag_bytes[0] = rd8(&c);
            r->n_flag_bytes = c.st == CGP_OK;
            r->bind_flag_not_zero = r->flag_bytes[0] != 0;
        } else {
            read_flag_bytes(&c, r);
            if (c.st == CGP_OK && !r->flag_bytes_unterminated)
                read_extensions(&c, r, c.len);
            else if (c.st == CGP_OK)
                r->ext_undecodable = 1;
            r->tracked = r->has_reliability && (r->rel_flags & CGP_REL_TRACK);
        }
    }
    if (r->ext_undecodable && c.st == CGP_OK)
        r->undecoded_off = (uint32_t)c.off;
    r->header_complete = c.st == CGP_OK && !r->ext_undecodable;
    r->payload_off = (uint32_t)(c.off < c.len ? c.off : c.len);
    r->payload_len = (uint32_t)(c.len - r->payload_off);
    if (r->status == CGP_OK)
        r->status = c.st;
}

void cgp_parse_bind(const uint8_t *p, size_t len, cgp_bind *b)
{
    memset(b, 0, sizeof *b);
    cur c = { p, len, 0, CGP_OK };
    b->reserved = rd16(&c);
    rdvl(&c, &b->num_caps);
    b->caps_off = (uint32_t)c.off;
    b->status = c.st;
}

void cgp_parse_cap(const uint8_t *p, size_t len, size_t off, cgp_cap *k)
{
    memset(k, 0, sizeof *k);
    cur c = { p, len, off, CGP_OK };
    k->off = (uint32_t)off;
    rdvl(&c, &k->blk_len);
    k->total = k->blk_len.len + (uint32_t)k->blk_len.value;
    if (c.st == CGP_OK && k->blk_len.value < 6) {
        k->status = CGP_BAD;
        return;
    }
    /* A block longer than the buffer: its header and the bytes present are
     * still shown, the status says it is cut. */
    size_t end = c.off + k->blk_len.value;
    int cut = c.st == CGP_OK && end > len;
    if (c.st == CGP_OK && !cut)
        c.len = end;
    k->service_id = rd16(&c);
    k->cap_id = rd16(&c);
    k->reserved = rd16(&c);
    k->body_off = (uint32_t)c.off;
    k->body_len = c.st == CGP_OK ? (uint32_t)(c.len - c.off) : 0;
    k->status = c.st != CGP_OK ? c.st : cut ? CGP_SHORT : CGP_OK;
}

void cgp_parse_service(const uint8_t *p, size_t len, size_t off, cgp_service *s)
{
    memset(s, 0, sizeof *s);
    cur c = { p, len, off, CGP_OK };
    s->off = (uint32_t)off;
    rdvl(&c, &s->blk_len);
    s->total = s->blk_len.len + (uint32_t)s->blk_len.value;
    size_t end = c.off + s->blk_len.value;
    int cut = c.st == CGP_OK && end > len;
    if (c.st == CGP_OK && !cut)
        c.len = end;            /* the entry's fields stay inside its block */
    s->service_id = rd16(&c);
    s->version = rd8(&c);
    s->reserved = rd16(&c);
    rdvl(&c, &s->name_len);
    s->name_off = skip(&c, s->name_len.value);
    s->status = c.st != CGP_OK ? c.st : cut ? CGP_SHORT : CGP_OK;
}

void cgp_parse_endpoint(const uint8_t *p, size_t len, cgp_endpoint *e)
{
    memset(e, 0, sizeof *e);
    cur c = { p, len, 0, CGP_OK };
    e->type = rd8(&c);
    rdvl(&c, &e->addr_len);
    e->addr_off = skip(&c, e->addr_len.value);
    e->status = c.st;
}

void cgp_parse_sr(const uint8_t *p, size_t len, cgp_sr *s)
{
    memset(s, 0, sizeof *s);
    cur c = { p, len, 0, CGP_OK };
    s->pref_version = rd8(&c);
    s->min_version = rd8(&c);
    s->c2s_algo = rd8(&c);
    rdvl(&c, &s->c2s_len);
    s->c2s_off = skip(&c, s->c2s_len.value);
    s->s2c_algo = rd8(&c);
    rdvl(&c, &s->s2c_len);
    s->s2c_off = skip(&c, s->s2c_len.value);
    s->next_msg_off = (uint32_t)c.off;
    s->next_msg = rd32(&c);
    s->reconnect_flags = rd8(&c);
    s->ticket_version = rd8(&c);
    rdvl(&c, &s->ticket_len);
    s->ticket_off = skip(&c, s->ticket_len.value);
    rdvl(&c, &s->n_open);
    s->open_off = (uint32_t)c.off;
    s->status = c.st;
}

void cgp_parse_sec_ticket(const uint8_t *p, size_t len, cgp_sec_ticket *t)
{
    memset(t, 0, sizeof *t);
    cur c = { p, len, 0, CGP_OK };
    t->type = rd8(&c);
    rdvl(&c, &t->ticket_len);
    t->ticket_off = skip(&c, t->ticket_len.value);
    t->status = c.st;
}

void cgp_parse_keepalive(const uint8_t *p, size_t len, cgp_keepalive *k)
{
    memset(k, 0, sizeof *k);
    cur c = { p, len, 0, CGP_OK };
    k->c2s_ms = rd32(&c);
    k->s2c_ms = rd32(&c);
    k->status = c.st;
}

void cgp_parse_relparams(const uint8_t *p, size_t len, cgp_relparams *r)
{
    memset(r, 0, sizeof *r);
    cur c = { p, len, 0, CGP_OK };
    r->version = rd8(&c);
    r->timeout_s = rd16(&c);
    r->ui_flags = rd16(&c);
    r->dimming_pct = rd16(&c);
    r->tcp_timeout = rd16(&c);
    r->status = c.st;
}

void cgp_parse_open_req(const uint8_t *p, size_t len, cgp_open_req *o)
{
    memset(o, 0, sizeof *o);
    cur c = { p, len, 0, CGP_OK };
    o->service_id = rd16(&c);
    rdvl(&c, &o->channel);
    o->framing = rd8(&c);
    o->priority = rd8(&c);
    o->reserved = rd16(&c);
    rdvl(&c, &o->params_len);
    o->params_off = skip(&c, o->params_len.value);
    o->status = c.st;
}

void cgp_parse_tcpproxy(const uint8_t *p, size_t len, cgp_tcpproxy *t)
{
    memset(t, 0, sizeof *t);
    cur c = { p, len, 0, CGP_OK };
    t->version = rd8(&c);
    rdvl(&c, &t->target_len);
    t->target_off = skip(&c, t->target_len.value);
    t->protocol_off = (uint32_t)c.off;
    t->protocol = rd16(&c);
    t->status = c.st;
}

void cgp_parse_open_resp(const uint8_t *p, size_t len, cgp_open_resp *o)
{
    memset(o, 0, sizeof *o);
    cur c = { p, len, 0, CGP_OK };
    rdvl(&c, &o->channel);
    o->status_code = rd16(&c);
    o->service_status = rd16(&c);
    o->reserved = rd16(&c);
    rdvl(&c, &o->params_len);
    o->params_off = skip(&c, o->params_len.value);
    o->status = c.st;
}

void cgp_parse_close(const uint8_t *p, size_t len, cgp_close *k)
{
    memset(k, 0, sizeof *k);
    cur c = { p, len, 0, CGP_OK };
    rdvl(&c, &k->channel);
    k->reserved = rd16(&c);
    k->status_code = rd16(&c);
    k->service_status = rd16(&c);
    k->status = c.st;
}

void cgp_parse_finish(const uint8_t *p, size_t len, cgp_finish *f)
{
    memset(f, 0, sizeof *f);
    cur c = { p, len, 0, CGP_OK };
    f->close_type = rd8(&c);
    f->reserved = rd8(&c);
    f->status = c.st;
}

void cgp_parse_data(const uint8_t *p, size_t len, cgp_data *d)
{
    memset(d, 0, sizeof *d);
    cur c = { p, len, 0, CGP_OK };
    d->flags = rd8(&c);
    rdvl(&c, &d->channel);
    d->data_off = (uint32_t)(c.off < len ? c.off : len);
    d->data_len = (uint32_t)(len - d->data_off);
    d->status = c.st;
}

int cgp_probe_bind(const uint8_t *p, size_t len, unsigned want_cmd)
{
    if (len < CGP_SIGNATURE_LEN || memcmp(p, cgp_signature, CGP_SIGNATURE_LEN) != 0)
        return 0;
    cgp_vl l, n;
    size_t off = CGP_SIGNATURE_LEN;
    if (cgp_varlen(p, len, off, &l) != CGP_OK || l.value < 4)
        return 0;
    off += l.len;
    if (len - off < 4 || p[off] != want_cmd || p[off + 1] != 0 || p[off + 2] != 0 || p[off + 3] != 0)
        return 0;
    off += 4;
    if (cgp_varlen(p, len, off, &n) != CGP_OK || n.value < 1 || n.value > 32)
        return 0;
    /* the caps count must lie inside the record */
    return off + n.len <= CGP_SIGNATURE_LEN + l.len + (size_t)l.value;
}

static int is_digit(uint8_t b) { return b >= '0' && b <= '9'; }

int cgp_parse_sta(const uint8_t *s, size_t len, cgp_sta *out)
{
    memset(out, 0, sizeof *out);
    if (len < 4 || s[0] != ';')
        return 0;
    size_t i = 1;
    while (i < len && is_digit(s[i]))
        i++;
    if (i == 1 || i >= len || s[i] != ';')
        return 0;
    out->version_off = 1;
    out->version_len = (uint32_t)(i - 1);
    size_t id = ++i;
    while (i < len && s[i] != ';') {
        if (s[i] < 0x21 || s[i] > 0x7e)
            return 0;
        i++;
    }
    if (i >= len || i - id > 16)    /* STA_ID is 0-16 characters (§11) */
        return 0;
    out->id_off = (uint32_t)id;
    out->id_len = (uint32_t)(i - id);
    size_t t = ++i;
    for (; i < len; i++)
        if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ';')
            return 0;
    if (i == t)
        return 0;
    out->ticket_off = (uint32_t)t;
    out->ticket_len = (uint32_t)(i - t);
    return 1;
}

void cgp_parse_socks_connect(const uint8_t *p, size_t len, cgp_socks_connect *k)
{
    memset(k, 0, sizeof *k);
    cur c = { p, len, 0, CGP_OK };
    if (rd8(&c) != 5 && c.st == CGP_OK)
        c.st = CGP_BAD;
    k->cmd = rd8(&c);
    rd8(&c);                    /* reserved */
    k->atyp = rd8(&c);
    if (c.st == CGP_OK && k->atyp != 3)
        c.st = CGP_BAD;
    size_t n = rd8(&c);
    k->domain_off = skip(&c, n);
    k->domain_len = (uint32_t)n;
    if (need(&c, 2)) {
        k->port = (uint16_t)((p[c.off] << 8) | p[c.off + 1]);
        c.off += 2;
    }
    k->total = (uint32_t)c.off;
    k->status = c.st;
}

size_t cgp_socks_greeting_len(const uint8_t *p, size_t len)
{
    if (len < 2 || p[0] != 5 || p[1] == 0 || len < 2u + p[1])
        return 0;
    return 2u + p[1];
}

size_t cgp_socks_reply_len(const uint8_t *p, size_t len)
{
    if (len < 4 || p[0] != 5 || p[2] != 0)
        return 0;
    size_t addr;
    switch (p[3]) {
    case 1: addr = 4; break;
    case 4: addr = 16; break;
    case 3:
        if (len < 5)
            return 0;
        addr = 1u + p[4];
        break;
    default: return 0;
    }
    return len >= 4 + addr + 2 ? 4 + addr + 2 : 0;
}
