/* ccha_classify.h - epan-free logic for the TCP 2014 ("Command Center HA")
 * dissector.  The HA framing is undocumented, so nothing here knows a Citrix
 * message: it only
 *   - names the carrier from the first payload bytes of a direction, using
 *     the published signatures of TLS, Java RMI (JRMP), Java serialization,
 *     the MySQL server greeting and HTTP;
 *   - infers record boundaries when consecutive messages are tiled exactly by
 *     a u16/u32 length prefix (either byte order, prefix counted or not);
 *   - keeps per-direction message timing: interval since the previous
 *     message, a running median, and a gap test against a threshold.
 */
#ifndef CITRIX_CCHA_CLASSIFY_H
#define CITRIX_CCHA_CLASSIFY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CCHA_CARRIER_UNKNOWN = 0,   /* nothing recognised (opaque) */
    CCHA_CARRIER_TLS,
    CCHA_CARRIER_RMI,           /* JRMP stream header "JRMI" */
    CCHA_CARRIER_JAVA_SER,      /* serialization stream header ac ed 00 05 */
    CCHA_CARRIER_MYSQL,         /* MySQL/MariaDB server greeting */
    CCHA_CARRIER_HTTP,
    CCHA_CARRIER_COUNT
} ccha_carrier_t;

/* Largest TLS record the classifier accepts: 2^14 plaintext + 2048 expansion
 * (RFC 5246 section 6.2.3). */
#define CCHA_TLS_MAX_RECORD 18432
/* A server greeting is a few dozen bytes; anything past this is not one. */
#define CCHA_MYSQL_MAX_GREETING 4096

/* Classification is decided within this many first bytes of a direction. */
#define CCHA_CLASSIFY_WINDOW 64

ccha_carrier_t ccha_classify(const uint8_t *p, size_t len);
/* True when p (fewer than CCHA_CLASSIFY_WINDOW bytes, no carrier yet) is
 * the start of a possible signature: wait for more bytes before deciding.
 * Bounded: never true at CCHA_CLASSIFY_WINDOW bytes or more. */
bool ccha_classify_needs_more(const uint8_t *p, size_t len);
const char *ccha_carrier_name(ccha_carrier_t carrier);

/* ---- inferred length prefixes ------------------------------------------ */

/* A candidate framing: prefix width and byte order, and whether the prefix
 * value counts the prefix itself.  Index order is the preference order when
 * several candidates fit (wider and big-endian first, "excludes" first). */
typedef enum {
    CCHA_LP_U32BE_EXCL = 0, CCHA_LP_U32BE_INCL,
    CCHA_LP_U32LE_EXCL, CCHA_LP_U32LE_INCL,
    CCHA_LP_U16BE_EXCL, CCHA_LP_U16BE_INCL,
    CCHA_LP_U16LE_EXCL, CCHA_LP_U16LE_INCL,
    CCHA_LP_COUNT,
    CCHA_LP_NONE = 0xff
} ccha_lp_t;

/* Consecutive messages that must fit before boundaries are shown. */
#define CCHA_LP_CONFIRM 3

typedef struct {
    uint8_t alive;      /* bitmask of candidates fitting the current run */
    uint8_t run;        /* messages in the current run (saturates) */
    uint8_t confirmed;  /* ccha_lp_t in effect, or CCHA_LP_NONE */
} ccha_lp_state_t;

void ccha_lp_init(ccha_lp_state_t *st);
unsigned ccha_lp_width(ccha_lp_t lp);
bool ccha_lp_big_endian(ccha_lp_t lp);
bool ccha_lp_includes_prefix(ccha_lp_t lp);
const char *ccha_lp_name(ccha_lp_t lp);
/* Bitmask of candidates whose records tile p[0..len) exactly, every record
 * having a non-empty body. */
unsigned ccha_lp_fits(const uint8_t *p, size_t len);
/* Length of the record starting at p (prefix included), or 0 if it does not
 * fit in len bytes or has an empty body. */
size_t ccha_lp_record_len(ccha_lp_t lp, const uint8_t *p, size_t len);
/* Feed one message; returns the framing in effect for it (CCHA_LP_NONE until
 * CCHA_LP_CONFIRM consecutive messages fit one candidate). */
ccha_lp_t ccha_lp_update(ccha_lp_state_t *st, const uint8_t *p, size_t len);

/* ---- timing ------------------------------------------------------------ */

#define CCHA_MEDIAN_WINDOW 63      /* running median over the last N intervals */
#define CCHA_GAP_MIN_INTERVALS 3   /* intervals seen before gaps are judged */

typedef struct {
    int64_t ring[CCHA_MEDIAN_WINDOW];
    unsigned count;
    unsigned next;
} ccha_median_t;

void ccha_median_init(ccha_median_t *m);
void ccha_median_add(ccha_median_t *m, int64_t v);
/* Median of the window (mean of the two middle values, rounded down, for an
 * even count); false when empty. */
bool ccha_median_get(const ccha_median_t *m, int64_t *out);
/* Median of an arbitrary array (sorts it in place); false when n == 0. */
bool ccha_median_of(int64_t *v, size_t n, int64_t *out);

typedef struct {
    unsigned factor;        /* gap when interval > factor x median ... */
    int64_t floor_ns;       /* ... and > this absolute floor */
} ccha_gap_cfg_t;

int64_t ccha_gap_threshold(const ccha_gap_cfg_t *cfg, int64_t median_ns);

/* One direction of a link. */
typedef struct {
    uint32_t messages;
    bool have_last;
    bool last_psh;
    int64_t last_start_ns;
    int64_t max_interval_ns;
    uint32_t gaps;
    ccha_median_t median;
    ccha_lp_state_t lp;
} ccha_dir_t;

typedef struct {
    bool new_message;       /* false: continues a message not yet ended by PSH */
    uint32_t index;         /* 1-based message number in this direction */
    bool has_interval;
    int64_t interval_ns;    /* since the start of the previous message */
    bool has_median;
    int64_t median_ns;      /* running median of the previous intervals */
    bool judged;            /* enough intervals to judge a gap */
    int64_t threshold_ns;
    bool gap;
} ccha_msg_t;

void ccha_dir_init(ccha_dir_t *d);
/* A data segment at time ts_ns; psh = the segment had PSH set.  A segment
 * starts a new message unless the previous data segment of the direction
 * lacked PSH. */
void ccha_dir_segment(ccha_dir_t *d, int64_t ts_ns, bool psh, const ccha_gap_cfg_t *cfg, ccha_msg_t *out);

#endif
