/* ccha_classify.c - see include/ccha_classify.h.  No libwireshark here. */
#include "ccha_classify.h"
#include <stdlib.h>
#include <string.h>

/* ---- carrier ----------------------------------------------------------- */

static bool is_tls(const uint8_t *p, size_t len)
{
    if (len < 5)
        return false;
    /* handshake, change_cipher_spec, alert, application_data */
    if (p[0] != 0x16 && p[0] != 0x14 && p[0] != 0x15 && p[0] != 0x17)
        return false;
    if (p[1] != 0x03 || p[2] > 0x04)
        return false;
    unsigned rec = (unsigned)p[3] << 8 | p[4];
    return rec >= 1 && rec <= CCHA_TLS_MAX_RECORD;
}

static bool is_jrmi(const uint8_t *p, size_t len)
{
    return len >= 7 && memcmp(p, "JRMI", 4) == 0 && p[4] == 0x00 && (p[5] == 0x01 || p[5] == 0x02) &&
           (p[6] == 0x4B || p[6] == 0x4C || p[6] == 0x4D);
}

static bool is_java_ser(const uint8_t *p, size_t len)
{
    return len >= 4 && p[0] == 0xAC && p[1] == 0xED && p[2] == 0x00 && p[3] == 0x05;
}

/* u24 LE payload length, sequence 0, protocol version 10, then a printable
 * NUL-terminated server version inside the announced payload. */
static bool is_mysql_greeting(const uint8_t *p, size_t len)
{
    if (len < 7)
        return false;
    size_t plen = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16;
    if (p[3] != 0x00 || p[4] != 0x0A || plen < 3 || plen > CCHA_MYSQL_MAX_GREETING)
        return false;
    size_t end = 4 + plen < len ? 4 + plen : len;
    size_t i;
    for (i = 5; i < end && p[i] != 0; i++) {
        if (p[i] < 0x20 || p[i] > 0x7E)
            return false;
    }
    return i < end && i > 5;
}

static bool is_http(const uint8_t *p, size_t len)
{
    static const char *const starts[] = {
        "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "HTTP/1.",
    };
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        size_t n = strlen(starts[i]);
        if (len >= n && memcmp(p, starts[i], n) == 0)
            return true;
    }
    return false;
}

ccha_carrier_t ccha_classify(const uint8_t *p, size_t len)
{
    if (!p || len == 0)
        return CCHA_CARRIER_UNKNOWN;
    if (is_tls(p, len))
        return CCHA_CARRIER_TLS;
    if (is_jrmi(p, len))
        return CCHA_CARRIER_RMI;
    if (is_java_ser(p, len))
        return CCHA_CARRIER_JAVA_SER;
    if (is_mysql_greeting(p, len))
        return CCHA_CARRIER_MYSQL;
    if (is_http(p, len))
        return CCHA_CARRIER_HTTP;
    return CCHA_CARRIER_UNKNOWN;
}

/* Is p[0..len) the start of `sig` (a shorter p matches a prefix)? */
static bool starts_like(const uint8_t *p, size_t len, const char *sig, size_t siglen)
{
    return len < siglen && memcmp(p, sig, len) == 0;
}

static bool could_be_tls(const uint8_t *p, size_t len)
{
    if (len >= 5)
        return false;
    if (p[0] != 0x16 && p[0] != 0x14 && p[0] != 0x15 && p[0] != 0x17)
        return false;
    return (len < 2 || p[1] == 0x03) && (len < 3 || p[2] <= 0x04) && (len < 4 || p[3] <= (CCHA_TLS_MAX_RECORD >> 8));
}

static bool could_be_jrmi(const uint8_t *p, size_t len)
{
    if (len >= 7)
        return false;
    if (memcmp(p, "JRMI\x00", len < 5 ? len : 5) != 0)
        return false;
    return len < 6 || p[5] == 0x01 || p[5] == 0x02;
}

static bool could_be_mysql_greeting(const uint8_t *p, size_t len)
{
    if (len >= 2 && p[1] > 0x10)
        return false;     /* length above CCHA_MYSQL_MAX_GREETING */
    if (len >= 3) {
        size_t plen = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16;
        if (plen < 3 || plen > CCHA_MYSQL_MAX_GREETING || len >= 4 + plen)
            return false;
    }
    if ((len >= 4 && p[3] != 0x00) || (len >= 5 && p[4] != 0x0A))
        return false;
    for (size_t i = 5; i < len; i++) {
        if (p[i] < 0x20 || p[i] > 0x7E)
            return false;  /* a NUL here would already have classified */
    }
    return true;
}

static bool could_be_http(const uint8_t *p, size_t len)
{
    static const char *const starts[] = {
        "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "HTTP/1.",
    };
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        if (starts_like(p, len, starts[i], strlen(starts[i])))
            return true;
    }
    return false;
}

bool ccha_classify_needs_more(const uint8_t *p, size_t len)
{
    if (!p || len == 0 || len >= CCHA_CLASSIFY_WINDOW || ccha_classify(p, len) != CCHA_CARRIER_UNKNOWN)
        return false;
    return could_be_tls(p, len) || could_be_jrmi(p, len) || starts_like(p, len, "\xAC\xED\x00\x05", 4) ||
           could_be_mysql_greeting(p, len) || could_be_http(p, len);
}

const char *ccha_carrier_name(ccha_carrier_t carrier)
{
    switch (carrier) {
    case CCHA_CARRIER_TLS:      return "TLS";
    case CCHA_CARRIER_RMI:      return "Java RMI";
    case CCHA_CARRIER_JAVA_SER: return "Java serialization";
    case CCHA_CARRIER_MYSQL:    return "MySQL";
    case CCHA_CARRIER_HTTP:     return "HTTP";
    default:                    return "opaque";
    }
}

/* ---- inferred length prefixes ------------------------------------------ */

unsigned ccha_lp_width(ccha_lp_t lp)
{
    return lp < CCHA_LP_U16BE_EXCL ? 4 : 2;
}

bool ccha_lp_big_endian(ccha_lp_t lp)
{
    return lp <= CCHA_LP_U32BE_INCL || lp == CCHA_LP_U16BE_EXCL || lp == CCHA_LP_U16BE_INCL;
}

bool ccha_lp_includes_prefix(ccha_lp_t lp)
{
    return (lp & 1) != 0;
}

const char *ccha_lp_name(ccha_lp_t lp)
{
    static const char *const names[CCHA_LP_COUNT] = {
        "u32 big-endian, prefix not counted", "u32 big-endian, prefix counted",
        "u32 little-endian, prefix not counted", "u32 little-endian, prefix counted",
        "u16 big-endian, prefix not counted", "u16 big-endian, prefix counted",
        "u16 little-endian, prefix not counted", "u16 little-endian, prefix counted",
    };
    return lp < CCHA_LP_COUNT ? names[lp] : "none";
}

void ccha_lp_init(ccha_lp_state_t *st)
{
    st->alive = 0;
    st->run = 0;
    st->confirmed = CCHA_LP_NONE;
}

size_t ccha_lp_record_len(ccha_lp_t lp, const uint8_t *p, size_t len)
{
    if (lp >= CCHA_LP_COUNT)
        return 0;
    unsigned w = ccha_lp_width(lp);
    if (len < w)
        return 0;
    uint64_t v = 0;
    for (unsigned i = 0; i < w; i++)
        v = ccha_lp_big_endian(lp) ? v << 8 | p[i] : v | (uint64_t)p[i] << (8 * i);
    uint64_t total = ccha_lp_includes_prefix(lp) ? v : v + w;
    if (total <= w || total > len)
        return 0;
    return (size_t)total;
}

unsigned ccha_lp_fits(const uint8_t *p, size_t len)
{
    unsigned mask = 0;
    if (!p)
        return 0;
    for (unsigned lp = 0; lp < CCHA_LP_COUNT; lp++) {
        size_t off = 0;
        while (off < len) {
            size_t rec = ccha_lp_record_len((ccha_lp_t)lp, p + off, len - off);
            if (rec == 0)
                break;
            off += rec;          /* rec > 0: the walk always advances */
        }
        if (len > 0 && off == len)
            mask |= 1u << lp;
    }
    return mask;
}

static ccha_lp_t lowest_candidate(unsigned mask)
{
    for (unsigned lp = 0; lp < CCHA_LP_COUNT; lp++) {
        if (mask & (1u << lp))
            return (ccha_lp_t)lp;
    }
    return CCHA_LP_NONE;
}

ccha_lp_t ccha_lp_update(ccha_lp_state_t *st, const uint8_t *p, size_t len)
{
    unsigned fits = ccha_lp_fits(p, len);
    if (st->confirmed != CCHA_LP_NONE) {
        if (fits & (1u << st->confirmed))
            return (ccha_lp_t)st->confirmed;
        st->confirmed = CCHA_LP_NONE;   /* broken: start a new run here */
        st->run = 0;
    }
    if (st->run > 0 && (st->alive & fits)) {
        st->alive &= fits;
        if (st->run < 255)
            st->run++;
    } else {
        st->alive = (uint8_t)fits;
        st->run = fits ? 1 : 0;
    }
    if (st->run >= CCHA_LP_CONFIRM) {
        st->confirmed = lowest_candidate(st->alive);
        return (ccha_lp_t)st->confirmed;
    }
    return CCHA_LP_NONE;
}

/* ---- timing ------------------------------------------------------------ */

void ccha_median_init(ccha_median_t *m)
{
    memset(m, 0, sizeof *m);
}

void ccha_median_add(ccha_median_t *m, int64_t v)
{
    m->ring[m->next] = v;
    m->next = (m->next + 1) % CCHA_MEDIAN_WINDOW;
    if (m->count < CCHA_MEDIAN_WINDOW)
        m->count++;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

bool ccha_median_of(int64_t *v, size_t n, int64_t *out)
{
    if (n == 0)
        return false;
    qsort(v, n, sizeof *v, cmp_i64);
    if (n % 2)
        *out = v[n / 2];
    else   /* halves first: no overflow for large values */
        *out = v[n / 2 - 1] / 2 + v[n / 2] / 2 + ((v[n / 2 - 1] % 2 + v[n / 2] % 2) / 2);
    return true;
}

bool ccha_median_get(const ccha_median_t *m, int64_t *out)
{
    int64_t tmp[CCHA_MEDIAN_WINDOW];
    memcpy(tmp, m->ring, sizeof tmp);
    return ccha_median_of(tmp, m->count, out);
}

int64_t ccha_gap_threshold(const ccha_gap_cfg_t *cfg, int64_t median_ns)
{
    int64_t t;
    if (cfg->factor && median_ns > INT64_MAX / (int64_t)cfg->factor)
        t = INT64_MAX;           /* would overflow: nothing exceeds it */
    else
        t = (int64_t)cfg->factor * median_ns;
    return t > cfg->floor_ns ? t : cfg->floor_ns;
}

void ccha_dir_init(ccha_dir_t *d)
{
    memset(d, 0, sizeof *d);
    ccha_median_init(&d->median);
    ccha_lp_init(&d->lp);
}

void ccha_dir_segment(ccha_dir_t *d, int64_t ts_ns, bool psh, const ccha_gap_cfg_t *cfg, ccha_msg_t *out)
{
    memset(out, 0, sizeof *out);
    if (d->have_last && !d->last_psh) {
        /* continuation of an unfinished message */
        d->last_psh = psh;
        out->index = d->messages;
        return;
    }
    out->new_message = true;
    out->index = ++d->messages;
    if (d->have_last) {
        out->has_interval = true;
        out->interval_ns = ts_ns - d->last_start_ns;
        out->has_median = ccha_median_get(&d->median, &out->median_ns);
        if (d->median.count >= CCHA_GAP_MIN_INTERVALS) {
            out->judged = true;
            out->threshold_ns = ccha_gap_threshold(cfg, out->median_ns);
            out->gap = out->interval_ns > out->threshold_ns;
            if (out->gap)
                d->gaps++;
        }
        if (out->interval_ns > d->max_interval_ns)
            d->max_interval_ns = out->interval_ns;
        ccha_median_add(&d->median, out->interval_ns);
    }
    d->have_last = true;
    d->last_psh = psh;
    d->last_start_ns = ts_ns;
}
