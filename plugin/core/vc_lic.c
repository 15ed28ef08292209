/* vc_lic.c - walk of the MS-RDPELE licensing PDUs CTXLIC carries (layouts
 * in include/vc_lic.h).  Epan-free.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vc_lic.h"
#include "le_bytes.h"

typedef struct {
    const uint8_t *b;
    uint32_t len, off;
    lic_msg *m;
} walk;

/* FALSE once the walk stopped (a problem recorded). */
static int fail(walk *w, uint8_t status)
{
    if (w->m->status == LIC_OK || w->m->status == LIC_SIZE_MISMATCH)
        w->m->status = status;
    w->m->err_off = w->off;
    return 0;
}

static int add(walk *w, uint8_t role, uint8_t kind, uint32_t len)
{
    if (w->m->n >= LIC_MAX_PARTS)
        return fail(w, LIC_TOO_MANY);
    if (len > w->len - w->off)
        return fail(w, LIC_TRUNCATED);
    lic_part *p = &w->m->part[w->m->n++];
    p->role = role;
    p->kind = kind;
    p->off = w->off;
    p->len = len;
    p->blob_type = kind == LIC_PART_BLOB ? le16(w->b + w->off) : 0;
    p->value = kind == LIC_PART_U32 ? le32(w->b + w->off) : 0;
    w->off += len;
    return 1;
}

static int fixed(walk *w, uint8_t role, uint32_t len) { return add(w, role, LIC_PART_FIXED, len); }
static int u32(walk *w, uint8_t role) { return add(w, role, LIC_PART_U32, 4); }

static int blob(walk *w, uint8_t role)
{
    if (w->len - w->off < 4)
        return fail(w, LIC_TRUNCATED);
    return add(w, role, LIC_PART_BLOB, 4u + le16(w->b + w->off + 2));
}

static int counted(walk *w, uint8_t role)
{
    if (w->len - w->off < 4)
        return fail(w, LIC_TRUNCATED);
    uint32_t n = le32(w->b + w->off);
    if (n > w->len - w->off - 4)
        return fail(w, LIC_TRUNCATED);
    return add(w, role, LIC_PART_COUNTED, 4 + n);
}

static int license_request(walk *w)
{
    if (!fixed(w, LIC_SERVER_RANDOM, LIC_RANDOM) || !u32(w, LIC_PRODUCT_VERSION) || !counted(w, LIC_COMPANY_NAME) ||
        !counted(w, LIC_PRODUCT_ID) || !blob(w, LIC_KEY_EXCHANGE_LIST) || !blob(w, LIC_SERVER_CERTIFICATE) ||
        !u32(w, LIC_SCOPE_COUNT))
        return 0;
    uint32_t scopes = w->m->part[w->m->n - 1].value;
    for (uint32_t i = 0; i < scopes; i++)
        if (!blob(w, LIC_SCOPE))
            return 0;
    return 1;
}

static int client_start(walk *w)
{
    return u32(w, LIC_KEY_EXCHANGE_ALG) && u32(w, LIC_PLATFORM_ID) && fixed(w, LIC_CLIENT_RANDOM, LIC_RANDOM) &&
           blob(w, LIC_PREMASTER_SECRET);
}

static int body(walk *w, uint8_t type)
{
    switch (type) {
    case LIC_REQUEST:
        return license_request(w);
    case LIC_PLATFORM_CHALLENGE:
        return u32(w, LIC_CONNECT_FLAGS) && blob(w, LIC_CHALLENGE) && fixed(w, LIC_MAC_DATA, LIC_MAC);
    case LIC_NEW_LICENSE:
    case LIC_UPGRADE_LICENSE:
        return blob(w, LIC_LICENSE) && fixed(w, LIC_MAC_DATA, LIC_MAC);
    case LIC_LICENSE_INFO:
        return client_start(w) && blob(w, LIC_CLIENT_LICENSE) && blob(w, LIC_HWID) && fixed(w, LIC_MAC_DATA, LIC_MAC);
    case LIC_NEW_LICENSE_REQUEST:
        return client_start(w) && blob(w, LIC_USER_NAME) && blob(w, LIC_MACHINE_NAME);
    case LIC_PLATFORM_CHALLENGE_RESPONSE:
        return blob(w, LIC_CHALLENGE_RESPONSE) && blob(w, LIC_HWID) && fixed(w, LIC_MAC_DATA, LIC_MAC);
    case LIC_ERROR_ALERT:
        return u32(w, LIC_ERROR_CODE) && u32(w, LIC_STATE_TRANSITION) && blob(w, LIC_ERROR_INFO);
    default:
        return fail(w, LIC_UNKNOWN_TYPE);
    }
}

int lic_parse(const uint8_t *buf, size_t len, lic_msg *m)
{
    walk w = { buf, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len, LIC_PREAMBLE, m };
    m->n = 0;
    m->status = LIC_OK;
    m->err_off = 0;
    if (len < LIC_PREAMBLE) {
        m->msg_type = m->flags = 0;
        m->size = 0;
        return m->status = LIC_SHORT;
    }
    m->msg_type = buf[0];
    m->flags = buf[1];
    m->size = le16(buf + 2);
    /* the walk stays inside what wMsgSize claims when that is shorter */
    if (m->size != len) {
        m->status = LIC_SIZE_MISMATCH;
        if (m->size >= LIC_PREAMBLE && m->size < w.len)
            w.len = m->size;
    }
    if (body(&w, m->msg_type) && w.off < w.len && m->status == LIC_OK) {
        m->status = LIC_TRAILING;
        m->err_off = w.off;
    }
    return m->status;
}

int lic_parse_cert(const uint8_t *buf, size_t len, lic_cert_chain *c)
{
    c->version = c->count = c->n = 0;
    c->status = LIC_OK;
    c->err_off = 0;
    if (len < 4)
        return c->status = LIC_SHORT;
    c->version = le32(buf);
    if ((c->version & LIC_CERT_VERSION_MASK) != LIC_CERT_X509)
        return c->status;
    if (len < 8)
        return c->status = LIC_SHORT;
    c->count = le32(buf + 4);
    size_t off = 8;
    for (uint32_t i = 0; i < c->count; i++) {
        if (c->n >= LIC_MAX_CERTS) {
            c->err_off = (uint32_t)off;
            return c->status = LIC_TOO_MANY;
        }
        if (len - off < 4 || le32(buf + off) > len - off - 4) {
            c->err_off = (uint32_t)off;
            return c->status = LIC_TRUNCATED;
        }
        c->off[c->n] = (uint32_t)off;
        c->len[c->n++] = le32(buf + off);
        off += 4 + (size_t)le32(buf + off);
    }
    return c->status;    /* what follows the chain is its padding (MS-RDPBCGR) */
}

/* One DER TLV at buf[*off] below end: its tag and content; FALSE when it does
 * not fit (definite lengths of up to 4 bytes only, as DER has). */
static int der_tlv(const uint8_t *buf, size_t end, size_t *off, uint8_t *tag, size_t *cstart, size_t *clen)
{
    size_t o = *off;
    if (end - o < 2)
        return 0;
    *tag = buf[o++];
    size_t n = buf[o++];
    if (n & 0x80) {
        unsigned k = n & 0x7F;
        if (k == 0 || k > 4 || end - o < k)
            return 0;
        for (n = 0; k--; )
            n = n << 8 | buf[o++];
    }
    if (n > end - o)
        return 0;
    *cstart = o;
    *clen = n;
    *off = o + n;
    return 1;
}

/* Step into the TLV at *off with tag want: *off becomes its content, *end its end. */
static int der_enter(const uint8_t *buf, size_t *end, size_t *off, uint8_t want)
{
    uint8_t tag;
    size_t cs, cl, o = *off;
    if (!der_tlv(buf, *end, &o, &tag, &cs, &cl) || tag != want)
        return 0;
    *off = cs;
    *end = cs + cl;
    return 1;
}

static int der_skip(const uint8_t *buf, size_t end, size_t *off, uint8_t want)
{
    uint8_t tag;
    size_t cs, cl;
    return der_tlv(buf, end, off, &tag, &cs, &cl) && tag == want;
}

int lic_parse_signed_certs(const uint8_t *buf, size_t len, lic_cert_chain *c)
{
    size_t off = 0, end = len;
    c->version = c->count = c->n = 0;
    c->status = LIC_OK;
    c->err_off = 0;
    /* ContentInfo { contentType OID, [0] SignedData { version, digestAlgorithms SET,
     * encapContentInfo SEQUENCE, [0] IMPLICIT certificates ... } } (RFC 5652) */
    if (!der_enter(buf, &end, &off, 0x30) || !der_skip(buf, end, &off, 0x06) || !der_enter(buf, &end, &off, 0xA0) ||
        !der_enter(buf, &end, &off, 0x30) || !der_skip(buf, end, &off, 0x02) || !der_skip(buf, end, &off, 0x31) ||
        !der_skip(buf, end, &off, 0x30)) {
        c->err_off = (uint32_t)off;
        return c->status = LIC_TRUNCATED;
    }
    if (off >= end || buf[off] != 0xA0)
        return c->status;                       /* no certificates */
    der_enter(buf, &end, &off, 0xA0);
    while (off < end) {
        uint8_t tag;
        size_t cs, cl, start = off;
        if (!der_tlv(buf, end, &off, &tag, &cs, &cl)) {
            c->err_off = (uint32_t)start;
            return c->status = LIC_TRUNCATED;
        }
        if (c->n >= LIC_MAX_CERTS) {
            c->err_off = (uint32_t)start;
            return c->status = LIC_TOO_MANY;
        }
        c->off[c->n] = (uint32_t)start;
        c->len[c->n++] = (uint32_t)(off - start);
        c->count++;
    }
    return c->status;
}
