/* ica_v3.c - ICA reducer V3/V4 expander (ica-modern.md §6).  Epan-free.
 *
 * Written from the public HTML5 client (V3Expander: the container;
 * V3Coder: coders, history, string matching, ThinWire parser; V3Reducer:
 * how a sender initialises; the expander factory: levels 3 and 4 share the
 * format).  Wire format of one V3 packet (the payload of one PDRFRAME frame,
 * after Basic decryption and the high-throughput header):
 *
 *   [chunk data, first chunk first] ... [chunk headers, first chunk LAST]
 *
 * Headers are read backwards from the end of the packet, data forwards from
 * the start.  A header is a byte (bit 0 compressed, bit 1 completed, bits
 * 2-7 channel) followed (backwards) by a length in 7-bit groups, low group
 * first, 0x80 = another group follows.  Channel 0x3F is the base channel (WD
 * bytes as they are), 0x3D the ThinWire special channel (output as virtual
 * channel 9), and the byte 0xF8 (channel 0x3E, no flags) an escape: then a
 * parameter count, a command and its parameters.  Copy chunks carry their
 * bytes; their length is shifted left by one and the low bit asks the
 * receiver to run the bytes through the compressor logic (no output) so
 * that its history, hash table and coder statistics stay in step with the
 * sender's.  Compressed chunks announce how many bytes they make; their data
 * size is only known after expanding them.  Every chunk on a channel other
 * than the base channel comes out as a PACKET_VIRTUAL_WRITE (0x2F/0x30/0x31,
 * the count including the channel byte).
 *
 * Compressed data is a little-endian bit stream read LSB first.  Each byte
 * is looked up by its context (the three bytes before it) in a hash table
 * over the history: on a context hit one bit says whether a string (a copy
 * from the history, its length in an Elias-gamma-like code) follows; other
 * bytes are coded by one of several adaptive coders (9 frequency bands, a
 * Huffman code per band recalculated on a countdown, move-to-lower-band
 * value ranking).  On the ThinWire channel a parser of the ThinWire command
 * stream picks the coder for each byte.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ica_v3.h"

#include <stdlib.h>
#include <string.h>

#define NR_OF_BANDS 9
#define MAX_CODER_SIZE 860          /* history given up per extra coder (V3Coder) */
#define INITIAL_RECALC_COUNTDOWN 50
#define RECALC_COUNTDOWN_LIMIT 500
#define FORCE_WRAP_DISTANCE 2048
#define MAX_VIRTUAL_WRITE 65536     /* V3Expander's fixed maximum */
#define HIST_START 4                /* bytes 0-3 of the history are a zero area */

struct ica_v3_coder {
    uint8_t value_of_index[256];
    uint8_t index_of_value[256];
    uint8_t decoding[256];          /* band | code bits << 4, by the next 8 input bits */
    uint8_t enc_bits[NR_OF_BANDS];  /* code length per band (compressor logic) */
    uint8_t next_victim[NR_OF_BANDS];
    uint32_t band_count[NR_OF_BANDS];
    int recalc, next_recalc;
};

const char *ica_v3_reason_str(int err)
{
    static const char *const text[ICA_V3_ERR_COUNT] = {
        "no error",
        "history size refused",
        "out of memory",
        "chunk header runs into the data",
        "chunk length encoding too long",
        "copy chunk longer than the packet",
        "compressed chunk uses more bytes than the packet holds",
        "escape parameters run past the header",
        "define-coders command repeated or without its parameter",
        "more coders than the history can hold",
        "assign-coder command without its parameters",
        "coder number beyond the defined count",
        "ThinWire channel coders beyond the defined count",
        "compressed data before the coders were defined",
        "compressed data on a channel with no coder (undefined decoder)",
        "chunk would run past the end of the history",
        "string length encoding too long",
        "string match reaches past the history",
        "chunk makes a different number of bytes than announced",
        "ThinWire parser level not supported",
        "unknown ThinWire command",
        "unknown ThinWire object or bitmap type",
        "ThinWire object length does not match its content",
        "chunk of more than 65,535 bytes",
        "packet expands to more than the history size",
        "chunks do not cover the packet",
        "expansion stopped by an earlier error",
        "bytes of this direction were lost: the history is out of step",
        "capture started mid-session: compressed chunks need history it does not hold",
        "session had ended: its history was freed",
    };
    return err >= 0 && err < ICA_V3_ERR_COUNT ? text[err] : "unknown error";
}

/* ---- fixed tables, as formulas ----------------------------------------- */

static unsigned band_start(unsigned band) { return band ? 1u << (band - 1) : 0; }
static unsigned band_extra(unsigned band) { return band ? band - 1 : 0; }

static unsigned index_band(unsigned index)
{
    unsigned band = 0;
    while (index) {
        band++;
        index >>= 1;
    }
    return band;
}

/* The next victim within a band cycles through the band's indices. */
static uint8_t next_victim(unsigned index)
{
    if (index == 0)
        return 0;
    unsigned start = 1u << (index_band(index) - 1);
    return (uint8_t)(index + 1 < 2 * start ? index + 1 : start);
}

static unsigned trailing_zeros(uint32_t v)
{
    unsigned n = 0;
    while (!(v & 1) && n < 32) {
        v >>= 1;
        n++;
    }
    return n;
}

/* Bits of the compressor's code for a string length 1..127: i zeros, a one,
 * i more bits, where 2^i <= length. */
static unsigned string_code_bits(uint32_t length)
{
    return 2 * (index_band(length) - 1) + 1;
}

/* ---- coders ------------------------------------------------------------ */

typedef struct {
    uint32_t freq;
    int parent, next;
    uint8_t code;
} huff_node;

static void list_insert(huff_node *n, int *low, int *high, int node)
{
    uint32_t f = n[node].freq;
    if (f <= n[*low].freq) {
        n[node].next = *low;
        *low = node;
    } else if (f >= n[*high].freq) {
        n[*high].next = node;
        *high = node;
    } else {
        int prev = *low, at = n[*low].next;
        while (at >= 0 && f > n[at].freq) {
            prev = at;
            at = n[at].next;
        }
        n[prev].next = node;
        n[node].next = at;
    }
    n[node].parent = -1;
}

/* Rebuild the band codes from the band counts (the same tie-breaking as the
 * sender: equal frequencies go before the list, or after its end), then
 * halve the counts and set the next countdown. */
static void make_codes(ica_v3_coder *c)
{
    huff_node n[NR_OF_BANDS * 2 + 2];
    memset(n, 0, sizeof n);
    for (unsigned i = 0; i < sizeof n / sizeof n[0]; i++)
        n[i].parent = n[i].next = -1;
    int low = 0, high = 0, next_free = 1;
    n[0].freq = c->band_count[0];
    for (unsigned band = 1; band < NR_OF_BANDS; band++) {
        n[next_free].freq = c->band_count[band];
        list_insert(n, &low, &high, next_free++);
    }
    for (unsigned merge = 2; merge < NR_OF_BANDS; merge++) {
        int first = low, second = n[low].next;
        low = n[second].next;
        n[first].parent = n[second].parent = next_free;
        n[first].code = 0;
        n[second].code = 1;
        n[next_free].freq = n[first].freq + n[second].freq;
        list_insert(n, &low, &high, next_free++);
    }
    n[low].parent = -1;
    n[low].code = 0;
    n[high].parent = -1;
    n[high].code = 1;

    memset(c->decoding, 0, sizeof c->decoding);
    for (unsigned band = 0; band < NR_OF_BANDS; band++) {
        unsigned code = 0, bits = 0;
        int at = (int)band;
        do {
            code = (code << 1) | n[at].code;
            at = n[at].parent;
            bits++;
        } while (at >= 0 && bits < 16);
        c->enc_bits[band] = (uint8_t)bits;
        if (bits <= 8)
            for (unsigned j = code; j < 256; j += 1u << bits)
                c->decoding[j] = (uint8_t)(band | (bits << 4));
    }
    for (unsigned band = 0; band < NR_OF_BANDS; band++)
        c->band_count[band] = ((c->band_count[band] >> 1) + 1) & 0xffff;
    c->recalc = c->next_recalc;
    if (c->next_recalc < RECALC_COUNTDOWN_LIMIT) {
        c->next_recalc = (c->next_recalc * 3) >> 1;
        if (c->next_recalc > RECALC_COUNTDOWN_LIMIT)
            c->next_recalc = RECALC_COUNTDOWN_LIMIT;
    }
}

static void coder_init(ica_v3_coder *c)
{
    for (unsigned i = 0; i < 256; i++)
        c->index_of_value[i] = c->value_of_index[i] = (uint8_t)i;
    for (unsigned band = 0; band < NR_OF_BANDS; band++) {
        c->next_victim[band] = (uint8_t)(band ? band_start(band - 1) : 0);
        c->band_count[band] = band ? 1u << (band - 1) : 1;
    }
    c->next_recalc = INITIAL_RECALC_COUNTDOWN;
    make_codes(c);
}

/* After a byte was coded in a band: count it and swap it with the next
 * victim of the band below, so frequent values climb to short codes. */
static inline void coder_update(ica_v3_coder *c, unsigned band, unsigned index, uint8_t value)
{
    c->band_count[band]++;
    unsigned victim = c->next_victim[band];
    c->next_victim[band] = next_victim(victim);
    uint8_t victim_value = c->value_of_index[victim];
    c->index_of_value[victim_value] = (uint8_t)index;
    c->index_of_value[value] = (uint8_t)victim;
    c->value_of_index[victim] = value;
    c->value_of_index[index] = victim_value;
}

/* ---- set-up -------------------------------------------------------------- */

static void *libc_realloc(void *actx, void *ptr, size_t size)
{
    (void)actx;
    return realloc(ptr, size);
}

static void libc_free(void *actx, void *ptr)
{
    (void)actx;
    free(ptr);
}

static void *v3_alloc(ica_v3 *x, void *ptr, size_t size)
{
    return x->realloc_fn(x->actx, ptr, size);
}

/* ---- memory -------------------------------------------------------------
 *
 * What the sender's compressor keeps, the expander keeps too (the string
 * matching reads it): a history of 2^pow2 bytes, a hash table of 2^(pow2-3)
 * entries over it, and the coders.  Held in full from the start they cost
 * 1.5 times the history and more (the 32-bit hash table is half the
 * history) whatever the session sends; here they cost what the session
 * has used:
 *
 * - nothing is allocated before the first chunk that needs the compressor
 *   state (state_ready): a direction of copy chunks without the recompress
 *   bit never allocates any;
 * - the history is allocated as it fills (hist_reserve; bytes not yet
 *   allocated read as the zeros they are on the sender's side);
 * - a hash entry (the sender's: the context's check bits, the byte that
 *   followed the context, and its position) is written exactly when that
 *   byte is written to the history at that position, so until the history
 *   wraps and overwrites bytes the check bits and the byte can be read back
 *   from the history: the table holds position + 1 only (0: the entry was
 *   never written), packed in as many bits as the whole history needs
 *   (pow2: 72 KiB for 2^18 against 128 KiB for the sender's table; sized
 *   to the history allocated so far and widened as it grew, the table
 *   was rewritten entry by entry at each doubling, 2^(pow2-3) entries
 *   however little the history held: 16% of tshark's time on 1,000
 *   copies of the real session, bench/edt.md);
 * - at the first wrap (nothing overwritten yet) the table becomes the
 *   sender's 32-bit one (hash_wrap), since from then on the history no
 *   longer holds what older entries carry;
 * - a coder is allocated when it is first used (its state until then is
 *   the initial one).
 */

#define HIST_FIRST 4096             /* first history allocation */

static size_t pos_bytes(const ica_v3 *x)
{
    return (((size_t)x->hash_mask + 1) * x->pow2 + 7) / 8 + 4;    /* + 4: the last entry's 32-bit window */
}

/* Packed entry h, pow2 bits wide (little-endian bit order, so any host
 * reads the same). */
static inline uint32_t pos_get(const ica_v3 *x, uint32_t h)
{
    uint32_t bit = h * x->pow2;
    const uint8_t *p = x->pos + (bit >> 3);
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (w >> (bit & 7)) & ((1u << x->pow2) - 1);
}

static inline void pos_put(ica_v3 *x, uint32_t h, uint32_t v)
{
    uint32_t bit = h * x->pow2;
    uint8_t *p = x->pos + (bit >> 3);
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    unsigned shift = bit & 7;
    w = (w & ~(((1u << x->pow2) - 1) << shift)) | v << shift;
    p[0] = (uint8_t)w;
    p[1] = (uint8_t)(w >> 8);
    p[2] = (uint8_t)(w >> 16);
    p[3] = (uint8_t)(w >> 24);
}

/* The sender's entry h: check bits | byte << 24 | position. */
static inline uint32_t hash_get(const ica_v3 *x, uint32_t h)
{
    if (x->hash)
        return x->hash[h];
    uint32_t v = pos_get(x, h);
    if (!v)
        return 0;
    uint32_t at = HIST_START - 1 + v;   /* >= HIST_START, below hist_cap: it was written */
    uint32_t key = (uint32_t)x->hist[at - 1] << 24 | (uint32_t)x->hist[at - 2] << 16 | (uint32_t)x->hist[at - 3] << 8;
    return (key & x->check_mask) | (uint32_t)x->hist[at] << 24 | (v - 1);
}

/* Ask the cache for entry h before it is read.  With many sessions open at
 * once their tables are out of the cache, and the load of an entry is most
 * of the expander's time (bench/edt.md).  Only recompress() can ask early:
 * the bytes a copy chunk runs through the compressor logic are known
 * ahead, while an expanded byte's context is known only just before its
 * lookup (asking then, before the coder's statistics were updated, made no
 * difference). */
static inline void hash_prefetch(const ica_v3 *x, uint32_t h)
{
    const void *at = x->hash ? (const void *)&x->hash[h] : (const void *)(x->pos + ((h * x->pow2) >> 3));
#if defined(__GNUC__) && defined(__x86_64__)
    /* not __builtin_prefetch: GCC 12's dead code elimination drops it here
     * (-O1 and up; the built objects had none).  x86-64 only: every x86-64
     * has the instruction (SSE), while Debian's i386 does not assume SSE. */
    __asm__ volatile("prefetcht0 %0" : : "m"(*(const uint8_t *)at));
#elif defined(__GNUC__)
    __builtin_prefetch(at);
#else
    (void)at;
#endif
}

/* Store entry h; its position is the head's, and the history gets its byte
 * at that position before anything reads the entry back. */
static inline void hash_put(ica_v3 *x, uint32_t h, uint32_t info)
{
    if (x->hash)
        x->hash[h] = info;
    else
        pos_put(x, h, (info & x->hist_mask) + 1);
}

uint32_t ica_v3_hash_entry(const ica_v3 *x, uint32_t h)
{
    return h <= x->hash_mask && (x->hash || x->pos) ? hash_get(x, h) : 0;
}

/* A history byte at a match position; beyond what is allocated the
 * history is still zero. */
static uint8_t hist_at(const ica_v3 *x, uint32_t i)
{
    return i < x->hist_cap ? x->hist[i] : 0;
}

/* The history allocated up to `need` bytes (need <= hist_alloc). */
static int hist_reserve(ica_v3 *x, uint32_t need)
{
    if (need <= x->hist_cap)
        return 0;
    uint32_t cap = x->hist_cap ? x->hist_cap : HIST_FIRST;
    while (cap < need)
        cap *= 2;
    if (cap > x->hist_alloc)
        cap = x->hist_alloc;
    uint8_t *h = v3_alloc(x, x->hist, cap);
    if (!h)
        return ICA_V3_ERR_NOMEM;
    memset(h + x->hist_cap, 0, cap - x->hist_cap);
    x->hist = h;
    x->hist_cap = cap;
    return 0;
}

/* The first chunk that needs the compressor state allocates it. */
static int state_ready(ica_v3 *x)
{
    if (x->hist_cap)
        return 0;
    size_t n = pos_bytes(x);
    x->pos = v3_alloc(x, NULL, n);
    if (!x->pos)
        return ICA_V3_ERR_NOMEM;
    memset(x->pos, 0, n);
    return hist_reserve(x, HIST_FIRST < x->hist_alloc ? HIST_FIRST : x->hist_alloc);
}

/* The head goes back to the start of the history.  The first time it does
 * after bytes were written, the hash table becomes the 32-bit one while
 * the history still holds what every entry carries. */
static int hist_wrap(ica_v3 *x)
{
    if (x->head != HIST_START && !x->hash) {
        size_t n = (size_t)x->hash_mask + 1;
        uint32_t *t = v3_alloc(x, NULL, n * sizeof(uint32_t));
        if (!t)
            return ICA_V3_ERR_NOMEM;
        for (uint32_t h = 0; h < n; h++)
            t[h] = hash_get(x, h);
        x->hash = t;
        /* no free function here: shrunk to a byte, freed by ica_v3_free */
        uint8_t *p = v3_alloc(x, x->pos, 1);
        if (p)
            x->pos = p;
    }
    if (x->head != HIST_START)
        x->wraps++;
    x->head = HIST_START;
    return 0;
}

/* Coder i (i < ncoders), made on its first use. */
static inline ica_v3_coder *coder_get(ica_v3 *x, unsigned i)
{
    ica_v3_coder *c = x->coders[i];
    if (!c) {
        c = v3_alloc(x, NULL, sizeof *c);
        if (!c)
            return NULL;
        coder_init(c);
        x->coders[i] = c;
        x->coders_made++;
    }
    return c;
}

int ica_v3_init(ica_v3 *x, unsigned pow2, unsigned default_coders, ica_v3_realloc_fn realloc_fn, void *actx)
{
    memset(x, 0, sizeof *x);
    x->realloc_fn = realloc_fn ? realloc_fn : libc_realloc;
    x->actx = actx;
    x->string_len = -1;
    if (pow2 < ICA_V3_MIN_POW2 || pow2 > ICA_V3_MAX_POW2)
        return x->error = ICA_V3_ERR_POW2;
    uint32_t size = 1u << pow2;
    x->pow2 = (uint8_t)pow2;
    x->hist_alloc = size + 8;       /* a match index can reach 2^pow2 + 3 */
    x->hist_len = size - HIST_START;
    x->hist_mask = size - 1;
    x->head = HIST_START;
    unsigned hash_pow = pow2 - 3;
    x->hash_mask = (1u << hash_pow) - 1;
    x->hash_shift = (uint8_t)((32 - hash_pow) | 1);
    x->check_mask = ((1u << 24) - 1) ^ x->hist_mask;
    x->default_coders = default_coders;
    return 0;
}

size_t ica_v3_memory(const ica_v3 *x)
{
    return x->hist_cap + (x->pos && !x->hash ? pos_bytes(x) : 0) +
           (x->hash ? ((size_t)x->hash_mask + 1) * sizeof(uint32_t) : 0) +
           x->coders_made * sizeof(ica_v3_coder) + (x->coders ? x->ncoders * sizeof(ica_v3_coder *) : 0) +
           x->out_cap;
}

void ica_v3_free(ica_v3 *x, ica_v3_free_fn free_fn)
{
    if (!free_fn && x->realloc_fn == libc_realloc)
        free_fn = libc_free;
    if (free_fn) {
        for (unsigned i = 0; x->coders && i < x->ncoders; i++)
            if (x->coders[i])
                free_fn(x->actx, x->coders[i]);
        void *bufs[5] = { x->hist, x->pos, x->hash, x->coders, x->out };
        for (unsigned i = 0; i < 5; i++)
            if (bufs[i])
                free_fn(x->actx, bufs[i]);
    }
    x->out_len = x->out_cap = 0;
    x->hist_cap = 0;
    x->hist = x->out = x->pos = NULL;
    x->hash = NULL;
    x->coders = NULL;
    x->coders_made = 0;
}

/* Escape command 0: the sender's coder count.  Coders beyond the default
 * take their memory from the history, as the sender's do, so the wrap point
 * moves with them. */
static int define_coders(ica_v3 *x, unsigned count)
{
    if (count > x->default_coders) {
        uint32_t extra = (count - x->default_coders) * MAX_CODER_SIZE;
        if (extra >= x->hist_len / 2)
            return ICA_V3_ERR_CODER_COUNT;
        x->hist_len -= extra;
    }
    if (count) {
        x->coders = v3_alloc(x, NULL, count * sizeof(ica_v3_coder *));
        if (!x->coders)
            return ICA_V3_ERR_NOMEM;
        memset(x->coders, 0, count * sizeof(ica_v3_coder *));
    }
    x->ncoders = count;
    x->defined = 1;
    return 0;
}

/* ---- bit reader over one compressed chunk ------------------------------ */

static uint32_t load16(const ica_v3 *x, uint32_t pos)
{
    return pos <= x->in_hi ? (uint32_t)x->in[pos] | (uint32_t)x->in[pos + 1] << 8 : 0;
}

static void refill(ica_v3 *x)
{
    if (x->nbits <= 16) {
        x->bits |= load16(x, x->in_pos) << x->nbits;
        x->in_pos += 2;
        x->nbits += 16;
    }
}

static void drop(ica_v3 *x, unsigned n)
{
    x->bits >>= n;
    x->nbits -= (int)n;
}

static void fault(ica_v3 *x, int err)
{
    if (!x->fault)
        x->fault = err;
}

/* A string length: a short code (tz zeros, a one, tz bits) or, when the
 * next 7 bits are zero, 7-bit groups of a long length first. */
static int32_t string_length(ica_v3 *x)
{
    uint32_t bottom = x->bits & 0x7f, length = 0;
    unsigned shift = 0;
    while (bottom == 0) {
        drop(x, 7);
        length |= (x->bits & 0x7f) << shift;
        drop(x, 7);
        shift += 7;
        if (shift >= 21) {
            fault(x, ICA_V3_ERR_STRING_LENGTH);
            return -1;
        }
        refill(x);
        bottom = x->bits & 0x7f;
    }
    unsigned tz = trailing_zeros(bottom);
    drop(x, tz + 1);
    length |= ((1u << tz) | (x->bits & ((1u << tz) - 1))) << shift;
    drop(x, tz);
    refill(x);
    if (length > MAX_VIRTUAL_WRITE) {
        fault(x, ICA_V3_ERR_STRING_LENGTH);
        return -1;
    }
    return (int32_t)length;
}

static inline uint8_t copy_from_match(ica_v3 *x)
{
    if (x->match >= HIST_START + x->hist_len) {
        fault(x, ICA_V3_ERR_STRING_PAST);
        return 0;
    }
    uint8_t b = hist_at(x, x->match++);
    x->hist[x->head++] = b;
    return b;
}

/* The hash of a context: the three bytes before, newest first. */
static inline uint32_t key_hash(const ica_v3 *x, uint32_t key)
{
    return ((key >> 8) ^ (key >> x->hash_shift)) & x->hash_mask;
}

static inline uint32_t context_hash(const ica_v3 *x, uint32_t *key)
{
    *key = (uint32_t)x->hist[x->head - 1] << 24 | (uint32_t)x->hist[x->head - 2] << 16 |
           (uint32_t)x->hist[x->head - 3] << 8;
    return key_hash(x, *key);
}

/* Make one byte with coder `coder` for unmatched bytes. */
static uint8_t expand_byte(ica_v3 *x, unsigned coder)
{
    if (x->fault)
        return 0;
    if (x->remaining <= 0) {
        fault(x, ICA_V3_ERR_TERMINATION);
        return 0;
    }
    x->remaining--;
    if (x->string_len > 0) {
        x->string_len--;
        return copy_from_match(x);
    }
    int32_t hash_index = -1;
    uint32_t new_info = 0;
    if (x->string_len == 0) {
        x->string_len = -1;     /* a string just ended: this byte is coded, not hashed */
    } else {
        uint32_t key, h = context_hash(x, &key);
        uint32_t info = hash_get(x, h);
        new_info = (key & x->check_mask) | (x->head - HIST_START);
        if (((info ^ new_info) & x->check_mask) == 0) {
            uint32_t no_string = x->bits & 1;
            drop(x, 1);
            if (!no_string) {
                x->match = HIST_START + (info & x->hist_mask);
                uint8_t b = (uint8_t)(info >> 24);
                hash_put(x, h, new_info | (uint32_t)b << 24);
                if (hist_at(x, x->match) != b) {
                    /* a one-byte match: the byte kept in the hash entry */
                    x->hist[x->head++] = b;
                    refill(x);
                    return b;
                }
                int32_t length = string_length(x);
                if (length < 0)
                    return 0;
                x->string_len = length - 1;
                return copy_from_match(x);
            }
        }
        hash_index = (int32_t)h;
    }
    if (coder >= x->ncoders) {
        fault(x, ICA_V3_ERR_CODER_RANGE);
        return 0;
    }
    ica_v3_coder *c = coder_get(x, coder);
    if (!c) {
        fault(x, ICA_V3_ERR_NOMEM);
        return 0;
    }
    uint8_t dec = c->decoding[x->bits & 0xff];
    unsigned band = dec & 0x0f, extra = band_extra(band);
    drop(x, dec >> 4);
    unsigned index = (band_start(band) | (x->bits & ((1u << extra) - 1))) & 0xff;
    drop(x, extra);
    uint8_t b = c->value_of_index[index];
    if (hash_index >= 0)
        hash_put(x, (uint32_t)hash_index, new_info | (uint32_t)b << 24);
    if (x->nbits <= 16) {
        refill(x);
        if (c->recalc-- == 0)
            make_codes(c);
    }
    coder_update(c, band, index, b);
    x->hist[x->head++] = b;
    return b;
}

static void expand_bytes(ica_v3 *x, unsigned coder, int64_t n)
{
    while (n-- > 0 && !x->fault)
        expand_byte(x, coder);
}

/* ---- the ThinWire parser: which coder for which byte -------------------- */

/* Coder numbers the parser uses (V3Coder's parser states). */
enum {
    T_COMMAND = 0, T_GLYPH_HANDLE_LOW = 1, T_BITMAP_ENCODING = 2, T_FIRST_BYTE_OF_PIXEL = 3,
    T_START_CLIP_RECTANGLE = 4, T_OBJECT = 5, T_BITMAP_ENCODING_EXTRA = 8, T_HANDLE_HIGH = 9,
    T_SIGNED_XY = 10, T_SIGNED_XY_EXTRA = 11, T_UNSIGNED_XY = 12, T_UNSIGNED_XY_EXTRA = 13,
    T_COLOR_0 = 14, T_COLOR_1 = 15, T_COLOR_2 = 16, T_NUMBER = 16, T_CONTROL = 17,
    T_SMALL_NUMBER = 18, T_HANDLE_LOW = 19
};

/* ThinWire (TW2) commands and object types */
enum {
    TW_INIT = 0x90, TW_SET_MOUSE_POINTER, TW_HIDE_MOUSE_POINTER, TW_NULL_CLIP_REGION,
    TW_SIMPLE_CLIP_REGION, TW_COMPLEX_CLIP_REGION, TW_NEW_SOLID_BRUSH, TW_NEW_PATTERN_BRUSH,
    TW_CHANGE_TEXT_MODE, TW_CHANGE_TEXT_COLOR, TW_CHANGE_TEXT_BACKGROUND_COLOR, TW_CHANGE_PALETTE,
    TW_SOLID_FILL, TW_SOLID_FILL_NEW_COLOR, TW_SOLID_FILL_NO_CLIPPING, TW_SOLID_FILL_NEW_COLOR_NO_CLIPPING,
    TW_PARTIAL_BITBLT_TRICK, TW_BITBLT_TRICK, TW_SCR_TO_SCR_BLT, TW_BITBLT, TW_TEXTOUT, TW_DRAW_PATH,
    TW_CACHE_NEW_OBJECT, TW_CACHE_NEW_OBJECT_INCOMPLETE, TW_CACHE_EXTEND_OBJECT,
    TW_CACHE_EXTEND_OBJECT_INCOMPLETE, TW_CACHE_WRITE_DISK_OBJECTS, TW_CACHE_WRITE_DISK_COOKIES,
    TW_CACHE_READ_DISK_OBJECT, TW_CACHE_PURGE_MEMORY_CACHE, TW_START_STOPWATCH, TW_STOP_STOPWATCH,
    TW_CACHE_RECOVERY_MARKER, TW_SAVE_SCREEN_BITS, TW_RESTORE_AND_FREE_SCREEN_BITS, TW_FREE_SCREEN_BITS,
    TW_CREATE_SURFACE, TW_DELETE_SURFACE, TW_CHANGE_SURFACE, TW_BITBLT_SPEEDBROWSE,
    TW_CREATE_SPEEDBROWSE_IMAGE, TW_DELETE_SPEEDBROWSE_IMAGE, TW_ASSOCIATE_SPEEDBROWSE_DATA_CHUNK,
    TW_ACTIVATE_THINWIRE_REDUCER, TW_RESTORE_MOUSE_POINTER, TW_STRETCHIMAGE_SPEEDBROWSE, TW_END_OF_FRAME
};
enum { TW_1BPP = 1, TW_4BPP, TW_8BPP, TW_15BPP, TW_24BPP };
enum { OBJ_BITMAP = 1, OBJ_GLYPH, OBJ_RGB_PALETTE, OBJ_INDEX_PALETTE, OBJ_COMPLEX_REGION, OBJ_STRIP, OBJ_SEGMENT };
#define CODEC_NULL 0
#define CODEC_JPEG_LOSSY 3
#define INITIAL_PHOTO_WEIGHTING (-10)

/* Coded run lengths of bitmap encodings: raw length << 8 | run length;
 * 0xFF in either byte = a big number follows. */
static const uint16_t length_decode[64] = {
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0008, 0x0009, 0x000A, 0x000B,
    0x000C, 0x000D, 0x000E, 0x000F, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016, 0x00FF,
    0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0105, 0x0106, 0x0107, 0x0108, 0x0109, 0x010A, 0x01FF,
    0x0200, 0x0201, 0x0202, 0x0203, 0x0204, 0x02FF,
    0x0300, 0x0400, 0x0500, 0x0600, 0x0700, 0x0800, 0x0900, 0x0A00, 0x0B00, 0x0C00, 0x0D00, 0xFF00,
    0x0301, 0x0401, 0x0501, 0x0601, 0x0701, 0xFF01,
    0x0302, 0x0402, 0xFF02,
    0xFFFF
};

static void tw_error(ica_v3 *x, int err) { fault(x, err); }

static uint8_t eb(ica_v3 *x, unsigned state) { return expand_byte(x, state); }

static void handle(ica_v3 *x)
{
    eb(x, T_HANDLE_LOW);
    eb(x, T_HANDLE_HIGH);
}

static void color(ica_v3 *x)
{
    static const uint8_t types[3] = { T_COLOR_0, T_COLOR_1, T_COLOR_2 };
    for (unsigned i = 0; i < x->tw_color_bytes && i < 3; i++)
        eb(x, types[i]);
}

/* Coordinates: the top two bits of the first byte give the size (1, 2, 4
 * or 8 bytes).  Returns the bytes used. */
static int64_t coord(ica_v3 *x, unsigned first, unsigned more)
{
    static const uint8_t sizes[4] = { 1, 2, 4, 8 };
    unsigned further = sizes[eb(x, first) >> 6] - 1u;
    expand_bytes(x, more, further);
    return 1 + further;
}

static int64_t int_xy(ica_v3 *x) { return coord(x, T_SIGNED_XY, T_SIGNED_XY_EXTRA); }
static int64_t uint_xy(ica_v3 *x) { return coord(x, T_UNSIGNED_XY, T_UNSIGNED_XY_EXTRA); }

/* A 7-bit group number, at most 5 bytes.  *used counts the bytes. */
static uint32_t tw_uint(ica_v3 *x, unsigned state, int64_t *used)
{
    uint32_t b = eb(x, state), value = b & 0x7f;
    unsigned shift = 0;
    int64_t n = 1;
    while ((b & 0x80) && !x->fault) {
        shift += 7;
        b = eb(x, T_SMALL_NUMBER);
        n++;
        value |= (b & 0x7f) << shift;
        if (shift == 28)
            break;
    }
    if (used)
        *used = n;
    return value;
}

static uint32_t tw_u16(ica_v3 *x, unsigned s0, unsigned s1)
{
    uint32_t lo = eb(x, s0);
    uint32_t hi = eb(x, s1);
    return lo | hi << 8;
}

/* A bitmap run length beyond the table: 1, 3 or 7 bytes. */
static uint32_t big_number(ica_v3 *x, int64_t *local)
{
    uint32_t n = eb(x, T_BITMAP_ENCODING_EXTRA);
    *local -= 1;
    if (n == 255) {
        n = tw_u16(x, T_NUMBER, T_NUMBER);
        *local -= 2;
        if (n == 0xffff) {
            n = tw_u16(x, T_NUMBER, T_NUMBER);
            n |= tw_u16(x, T_NUMBER, T_NUMBER) << 16;
            *local -= 4;
        }
    }
    return n;
}

/* The part of the current object this chunk holds; ends the command when
 * the object is complete. */
static int64_t take_local(ica_v3 *x)
{
    int64_t local = x->tw_len < x->remaining ? x->tw_len : x->remaining;
    x->tw_len -= local;
    if (x->tw_len <= 0)
        x->tw_cmd = 0;
    return local;
}

static void tw_general(ica_v3 *x)
{
    int64_t local = take_local(x);
    if (local > 0)
        expand_bytes(x, T_OBJECT, local);
    else if (local < 0)
        tw_error(x, ICA_V3_ERR_TW_PARSE);
}

static void tw_textout(ica_v3 *x)
{
    int64_t local = take_local(x);
    while (local >= 2 && !x->fault) {
        local -= 2;
        eb(x, T_GLYPH_HANDLE_LOW);
        eb(x, T_HANDLE_HIGH);
    }
    if (local != 0)
        tw_error(x, ICA_V3_ERR_TW_PARSE);
}

static void tw_complex_region(ica_v3 *x)
{
    int64_t local = take_local(x);
    while (local > 0 && !x->fault) {
        local -= coord(x, T_START_CLIP_RECTANGLE, T_SIGNED_XY_EXTRA);
        local -= uint_xy(x);
    }
    if (local != 0)
        tw_error(x, ICA_V3_ERR_TW_PARSE);
}

/* One bitmap encoding byte: returns the raw pixel count it announces (0
 * for two-colour sections). */
static int64_t bitmap_encoding(ica_v3 *x, int64_t *local)
{
    uint8_t enc = eb(x, T_BITMAP_ENCODING);
    *local -= 1;
    uint16_t info = length_decode[enc & 0x3f];
    uint32_t run = info & 0xff, raw = info >> 8;
    if ((run | raw) == 0xff) {
        if (raw == 0xff)
            raw = big_number(x, local);
        if (run == 0xff)
            run = big_number(x, local);
    }
    return (enc & 0x40) ? (int64_t)raw : 0;
}

/* One raw pixel of a 15/16 or 24 bpp bitmap: returns the bytes it used and
 * moves the photographic weighting (which picks the pixel coding). */
static int64_t pixel(ica_v3 *x, int deep, int differencing, int32_t *photo)
{
    uint8_t code = eb(x, T_FIRST_BYTE_OF_PIXEL);
    if (!deep) {
        if (!(code & 0x80)) {
            *photo += differencing ? 1 : -1;
            return 1;
        }
        eb(x, T_COLOR_1);
        *photo += differencing ? -1 : 1;
        return 2;
    }
    if (!differencing) {
        if (!(code & 0x80)) {
            *photo -= 1;
            return 1;
        }
        eb(x, T_COLOR_0);
        eb(x, T_COLOR_1);
        eb(x, T_COLOR_2);
        *photo += 1;
        return 4;
    }
    if (!(code & 0x80)) {
        eb(x, T_COLOR_1);
        *photo += 1;
        return 2;
    }
    if (!(code & 0x40)) {
        *photo += 2;
        return 1;
    }
    if (!(code & 0x20)) {
        eb(x, T_COLOR_1);
        eb(x, T_COLOR_2);
        *photo -= 1;
        return 3;
    }
    eb(x, T_COLOR_0);
    eb(x, T_COLOR_1);
    eb(x, T_COLOR_2);
    *photo -= 2;
    return 4;
}

/* One raw pixel of a bitmap of type `bpp`: an 8 bpp pixel is one byte and
 * leaves the weighting alone. */
static inline int64_t raw_pixel(ica_v3 *x, unsigned bpp, int differencing, int32_t *photo)
{
    if (bpp == TW_8BPP) {
        eb(x, T_FIRST_BYTE_OF_PIXEL);
        return 1;
    }
    return pixel(x, bpp == TW_24BPP, differencing, photo);
}

/* A bitmap without a codec: raw pixels only. */
static void tw_bitmap_plain(ica_v3 *x, unsigned bpp, int64_t *local)
{
    if (bpp == TW_8BPP) {
        expand_bytes(x, T_FIRST_BYTE_OF_PIXEL, *local);
        *local = 0;         /* a fault stops the chunk: no parse error on top */
        return;
    }
    unsigned pixel_size = bpp == TW_24BPP ? 3 : 2;
    while (*local >= pixel_size && !x->fault) {
        eb(x, T_FIRST_BYTE_OF_PIXEL);
        eb(x, T_COLOR_1);
        if (bpp == TW_24BPP)
            eb(x, T_COLOR_2);
        *local -= pixel_size;
    }
}

/* 8, 15/16 and 24 bpp bitmaps: encoding bytes announce runs of raw pixels.
 * A run the chunk cuts goes on in the next one (tw_sublen), in the deep
 * formats with the pixel coding it started with (tw_photo_carry). */
static void tw_bitmap(ica_v3 *x, unsigned bpp)
{
    int32_t photo = x->tw_photo, photo_test = x->tw_photo;
    int64_t local = take_local(x), raw = 0;
    if (local <= 0)
        goto done;
    if (x->tw_codec == CODEC_NULL) {
        tw_bitmap_plain(x, bpp, &local);
        goto done;
    }
    int resume = x->tw_state == T_FIRST_BYTE_OF_PIXEL;
    if (resume) {
        photo_test = x->tw_photo_carry;     /* no change of mode inside a run */
        raw = x->tw_sublen;
    }
    do {
        if (!resume)
            raw = bitmap_encoding(x, &local);
        resume = 0;
        if (raw > 0) {
            int differencing = photo_test > 0;
            while (raw > 0 && local > 0 && !x->fault) {
                local -= raw_pixel(x, bpp, differencing, &photo);
                raw--;
            }
            if (raw > 0) {
                x->tw_photo_carry = differencing ? 1 : -1;
                x->tw_sublen = raw;
                x->tw_state = T_FIRST_BYTE_OF_PIXEL;
                goto done;
            }
        }
        photo_test = photo;
    } while (local > 0 && !x->fault);
    x->tw_state = T_BITMAP_ENCODING;
done:
    x->tw_photo = photo;
    if (local != 0)
        tw_error(x, ICA_V3_ERR_TW_PARSE);
}

static void tw_continue(ica_v3 *x)
{
    switch (x->tw_cmd) {
    case TW_TEXTOUT:
        tw_textout(x);
        return;
    case TW_CACHE_WRITE_DISK_OBJECTS:
    case TW_CACHE_PURGE_MEMORY_CACHE:
        tw_general(x);
        return;
    case TW_CACHE_NEW_OBJECT:
    case TW_CACHE_NEW_OBJECT_INCOMPLETE:
    case TW_CACHE_EXTEND_OBJECT:
    case TW_CACHE_EXTEND_OBJECT_INCOMPLETE:
        break;
    default:
        return;
    }
    if (x->light_objects) {
        tw_general(x);
        return;
    }
    if (x->tw_obj == OBJ_BITMAP) {
        switch (x->tw_bmp) {
        case TW_1BPP:
        case TW_4BPP:
            tw_general(x);
            break;
        case TW_8BPP:
        case TW_15BPP:
            tw_bitmap(x, x->tw_bmp);
            break;
        case TW_24BPP:
            if (x->tw_codec == CODEC_JPEG_LOSSY)
                tw_general(x);
            else
                tw_bitmap(x, TW_24BPP);
            break;
        }
        return;
    }
    switch (x->tw_obj) {
    case OBJ_GLYPH:
    case OBJ_RGB_PALETTE:
    case OBJ_STRIP:
    case OBJ_INDEX_PALETTE:
    case OBJ_SEGMENT:
        tw_general(x);
        break;
    case OBJ_COMPLEX_REGION:
        tw_complex_region(x);
        break;
    }
}

/* A cache object command: its length, then (new objects) its type and
 * for bitmaps the bitmap type and codec, and the start of its content. */
static void tw_object(ica_v3 *x, uint8_t cmd)
{
    /* the sender's length is a signed 32-bit value: a negative one ends in
     * a parse error, as in the HTML5 client */
    int64_t len = (int64_t)(tw_uint(x, T_NUMBER, NULL) ^ 0x80000000u) - 0x80000000;
    x->tw_len = len;
    x->tw_cmd = cmd;
    if (x->light_objects) {
        tw_general(x);
        return;
    }
    if (cmd == TW_CACHE_NEW_OBJECT || cmd == TW_CACHE_NEW_OBJECT_INCOMPLETE) {
        x->tw_obj = eb(x, T_CONTROL);
        x->tw_sublen = 0;
        x->tw_len = --len;
        if (x->tw_obj == OBJ_BITMAP) {
            uint8_t type = eb(x, T_CONTROL);
            x->tw_len = --len;
            x->tw_codec = type >> 4;
            x->tw_bmp = type & 0x0f;
            switch (x->tw_bmp) {
            case TW_1BPP:
            case TW_4BPP:
                break;
            case TW_24BPP:
                if (x->tw_codec == CODEC_JPEG_LOSSY)
                    break;
                /* fall through */
            case TW_8BPP:
            case TW_15BPP:
                x->tw_len -= uint_xy(x);
                x->tw_state = T_BITMAP_ENCODING;
                if (x->tw_bmp != TW_8BPP)
                    x->tw_photo = INITIAL_PHOTO_WEIGHTING;
                break;
            default:
                tw_error(x, ICA_V3_ERR_TW_OBJECT);
                return;
            }
        } else if (x->tw_obj == OBJ_COMPLEX_REGION) {
            int64_t used;
            x->tw_len -= uint_xy(x);
            tw_uint(x, T_NUMBER, &used);   /* rectangle count */
            x->tw_len -= used;
        } else if (x->tw_obj < OBJ_GLYPH || x->tw_obj > OBJ_SEGMENT) {
            tw_error(x, ICA_V3_ERR_TW_OBJECT);
            return;
        }
    }
    tw_continue(x);
}

static void tw_bitblt(ica_v3 *x)
{
    static const uint8_t special[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    uint8_t rop = eb(x, T_CONTROL);
    if (!(special[rop >> 4] & special[rop & 15])) {     /* the ROP uses a source */
        uint8_t control = eb(x, T_CONTROL);
        if (control & 0x04) {
            tw_u16(x, T_NUMBER, T_SMALL_NUMBER);    /* from a remote surface */
        } else {
            if (control & 0x01)
                handle(x);
            handle(x);
        }
        if (control & 0x02) {
            uint_xy(x);
            uint_xy(x);
        }
        int_xy(x);
    } else {
        int_xy(x);
        uint_xy(x);
    }
}

static void tw_draw_path(ica_v3 *x)
{
    uint8_t control = eb(x, T_CONTROL);
    if (control & 0x10)
        color(x);
    if (control & 0x08)
        eb(x, T_NUMBER);
    int_xy(x);
    if (!(control & 0x80)) {
        handle(x);
        return;
    }
    if ((control & 0x07) == 0) {        /* strips */
        unsigned count = eb(x, T_NUMBER) + 1u;
        while (count-- && !x->fault) {
            eb(x, T_NUMBER);        /* angle */
            unsigned strips = eb(x, T_NUMBER) + 1u;
            while (strips-- && !x->fault)
                if ((eb(x, T_NUMBER) & 0x3f) == 0)
                    tw_uint(x, T_NUMBER, NULL);
        }
    } else if ((control & 0x07) == 1) { /* segments */
        uint32_t count = tw_u16(x, T_NUMBER, T_SMALL_NUMBER) + 1;
        for (uint32_t i = 0; i < count && !x->fault; i++) {
            int_xy(x);
            int_xy(x);
        }
    }
}

static void tw_init(ica_v3 *x)
{
    uint8_t version = eb(x, T_CONTROL);
    expand_bytes(x, T_NUMBER, 4);       /* session id */
    uint8_t depth = eb(x, T_CONTROL);
    uint_xy(x);                         /* screen resolution */
    tw_uint(x, T_SMALL_NUMBER, NULL);   /* cache power */
    tw_uint(x, T_SMALL_NUMBER, NULL);   /* handle power */
    tw_uint(x, T_NUMBER, NULL);         /* maximum object length */
    tw_uint(x, T_NUMBER, NULL);         /* minimum disk object length */
    tw_uint(x, T_NUMBER, NULL);         /* initial seed */
    if (version >= 3) {
        uint32_t caps = tw_u16(x, T_NUMBER, T_NUMBER);
        tw_u16(x, T_NUMBER, T_NUMBER);  /* capability list offset (assumed to follow) */
        expand_bytes(x, T_NUMBER, caps);
    }
    x->tw_color_bytes = depth == TW_24BPP ? 3 : depth == TW_15BPP ? 2 : 1;
}

/* One ThinWire command (its code already made). */
static void tw_command(ica_v3 *x, uint8_t cmd)
{
    switch (cmd) {
    case TW_INIT:
        tw_init(x);
        break;
    case TW_ACTIVATE_THINWIRE_REDUCER:
        expand_bytes(x, T_CONTROL, 16);     /* activation string */
        x->tw_level = eb(x, T_CONTROL);
        /* The HTML5 client knows levels 0 and 1 and stops on others.  The
         * real server of captures/edt-citrixudp.pcap asks for level 2;
         * parsing it with the level-1 rules makes every ThinWire chunk of
         * that session end exactly (an inference from the capture). */
        if (x->tw_level > 2)
            tw_error(x, ICA_V3_ERR_TW_LEVEL);
        break;
    case TW_SET_MOUSE_POINTER: {
        uint8_t flags = eb(x, T_CONTROL);
        uint_xy(x);
        if (!(flags & 0x01)) {
            if (eb(x, T_CONTROL) & 0x01)
                handle(x);
            handle(x);
        }
        handle(x);
        break;
    }
    case TW_HIDE_MOUSE_POINTER:
    case TW_NULL_CLIP_REGION:
    case TW_CHANGE_TEXT_MODE:
    case TW_RESTORE_MOUSE_POINTER:
        break;
    case TW_SIMPLE_CLIP_REGION:
        int_xy(x);
        uint_xy(x);
        break;
    case TW_COMPLEX_CLIP_REGION:
        int_xy(x);
        handle(x);
        break;
    case TW_NEW_SOLID_BRUSH:
    case TW_CHANGE_TEXT_COLOR:
    case TW_CHANGE_TEXT_BACKGROUND_COLOR:
        color(x);
        break;
    case TW_NEW_PATTERN_BRUSH: {
        uint8_t control = eb(x, T_CONTROL);
        if (control & 0x01)
            handle(x);
        handle(x);
        if (control & 0x02)
            uint_xy(x);
        break;
    }
    case TW_CHANGE_PALETTE:
        eb(x, T_NUMBER);
        handle(x);
        break;
    case TW_SOLID_FILL_NEW_COLOR:
    case TW_SOLID_FILL_NEW_COLOR_NO_CLIPPING:
        color(x);
        /* fall through */
    case TW_SOLID_FILL:
    case TW_SOLID_FILL_NO_CLIPPING:
        int_xy(x);
        uint_xy(x);
        break;
    case TW_PARTIAL_BITBLT_TRICK:
        int_xy(x);
        uint_xy(x);
        /* fall through */
    case TW_BITBLT_TRICK:
        handle(x);
        int_xy(x);
        break;
    case TW_SCR_TO_SCR_BLT:
        eb(x, T_CONTROL);
        int_xy(x);
        uint_xy(x);
        int_xy(x);
        break;
    case TW_BITBLT:
        tw_bitblt(x);
        break;
    case TW_TEXTOUT: {
        int_xy(x);
        uint_xy(x);
        unsigned glyphs = eb(x, T_SMALL_NUMBER) + 1u;
        int_xy(x);
        x->tw_cmd = TW_TEXTOUT;
        x->tw_len = 2 * (int64_t)glyphs;
        tw_textout(x);
        break;
    }
    case TW_DRAW_PATH:
        tw_draw_path(x);
        break;
    case TW_CACHE_NEW_OBJECT:
    case TW_CACHE_NEW_OBJECT_INCOMPLETE:
    case TW_CACHE_EXTEND_OBJECT:
    case TW_CACHE_EXTEND_OBJECT_INCOMPLETE:
        tw_object(x, cmd);
        break;
    case TW_CACHE_WRITE_DISK_OBJECTS:
        x->tw_len = 10 * (int64_t)eb(x, T_SMALL_NUMBER);
        x->tw_cmd = cmd;
        tw_general(x);
        break;
    case TW_CACHE_READ_DISK_OBJECT:
        tw_uint(x, T_NUMBER, NULL);
        expand_bytes(x, T_NUMBER, 8);
        break;
    case TW_CACHE_PURGE_MEMORY_CACHE:
        /* a bit count rounded up to bytes (the HTML5 client divides in
         * floating point; the count of bytes is meant) */
        x->tw_len = ((int64_t)tw_uint(x, T_NUMBER, NULL) + 7) / 8;
        x->tw_cmd = cmd;
        tw_general(x);
        break;
    case TW_START_STOPWATCH:
    case TW_STOP_STOPWATCH:
        tw_u16(x, T_NUMBER, T_SMALL_NUMBER);
        break;
    case TW_CACHE_RECOVERY_MARKER:
        expand_bytes(x, T_NUMBER, 20);
        break;
    case TW_SAVE_SCREEN_BITS:
        eb(x, T_SMALL_NUMBER);
        int_xy(x);
        uint_xy(x);
        break;
    case TW_RESTORE_AND_FREE_SCREEN_BITS:
    case TW_FREE_SCREEN_BITS:
        eb(x, T_SMALL_NUMBER);
        break;
    case TW_CREATE_SURFACE:
        tw_uint(x, T_NUMBER, NULL);
        uint_xy(x);
        break;
    case TW_DELETE_SURFACE:
    case TW_CHANGE_SURFACE:
        tw_uint(x, T_NUMBER, NULL);
        break;
    case TW_BITBLT_SPEEDBROWSE:
        expand_bytes(x, T_NUMBER, 4);
        int_xy(x);
        int_xy(x);
        uint_xy(x);
        break;
    case TW_CREATE_SPEEDBROWSE_IMAGE:
        expand_bytes(x, T_NUMBER, 4);
        eb(x, T_CONTROL);
        expand_bytes(x, T_NUMBER, 4);
        eb(x, T_CONTROL);
        break;
    case TW_DELETE_SPEEDBROWSE_IMAGE:
        expand_bytes(x, T_NUMBER, 4);
        break;
    case TW_ASSOCIATE_SPEEDBROWSE_DATA_CHUNK:
        expand_bytes(x, T_NUMBER, 8);
        break;
    case TW_STRETCHIMAGE_SPEEDBROWSE:
        expand_bytes(x, T_NUMBER, 4);
        eb(x, T_CONTROL);
        for (unsigned i = 0; i < 3; i++) {  /* clip, destination, source */
            int_xy(x);
            uint_xy(x);
        }
        break;
    case TW_END_OF_FRAME:
        eb(x, T_CONTROL);
        break;
    default:
        tw_error(x, ICA_V3_ERR_TW_COMMAND);
        break;
    }
}

static void expand_thinwire(ica_v3 *x)
{
    if (x->tw_cmd)
        tw_continue(x);     /* an object or text run carried over from the last chunk */
    while (x->remaining > 0 && !x->fault)
        tw_command(x, eb(x, T_COMMAND));
}

/* ---- the compressor logic, for copy chunks with the low length bit ------ */

/* Bits the sender spends on a string length (only the count matters: it
 * decides when the sender's coder countdown runs). */
static int string_bits(int nbits, uint32_t length)
{
    while (length >= 128) {
        nbits += 14;
        if (nbits >= 16)
            nbits -= 16;
        length >>= 7;
    }
    nbits += (int)string_code_bits(length);
    return nbits >= 16 ? nbits - 16 : nbits;
}

/* How many bytes ahead recompress() asks for a hash entry (hash_prefetch):
 * far enough for a load from memory to arrive, near enough that the entry
 * is still in the cache when read. */
#define PREFETCH_AHEAD 8

/* Run `len` raw bytes through the sender's compressor with its output
 * dropped: history, hash table and coder statistics change exactly as the
 * sender's did (V3Coder's ReducerV3 with no output buffer). */
static int recompress(ica_v3 *x, unsigned coder, const uint8_t *in, uint32_t len)
{
    int err = state_ready(x);
    if (err)
        return err;
    uint32_t end = HIST_START + x->hist_len;
    uint32_t to_end = end - x->head;
    if (to_end <= FORCE_WRAP_DISTANCE) {
        if ((err = hist_wrap(x)) != 0)
            return err;
    } else if (len > to_end) {
        len = to_end;       /* the sender truncates a job that would wrap */
    }
    if (len > end - x->head)
        len = end - x->head;    /* only a history smaller than a chunk gets here */
    if (len == 0)
        return 0;
    if ((err = hist_reserve(x, x->head + len)) != 0)
        return err;
    ica_v3_coder *c = coder_get(x, coder);
    if (!c)
        return ICA_V3_ERR_NOMEM;
    enum { NEXT, UNMATCHED, STRING } state = NEXT;
    uint32_t pos = 0, start_match = 0;
    int nbits = 0, in_string = 0;
    uint8_t b = in[0];
    if (x->in_string) {
        /* a string left open by the last chunk may continue */
        nbits = 1;
        if (x->match < end && hist_at(x, x->match) == b) {
            start_match = x->match;
            state = STRING;
        } else {
            state = UNMATCHED;
        }
    }
    for (;;) {
        if (state == STRING) {
            pos++;
            x->match++;
            x->hist[x->head++] = b;
            if (pos == len) {
                in_string = 1;
                break;
            }
            b = in[pos];
            if (x->match >= end || hist_at(x, x->match) != b) {
                nbits = string_bits(nbits, x->match - start_match);
                state = UNMATCHED;
            }
            continue;
        }
        if (state == NEXT) {
            b = in[pos];
            if (pos + PREFETCH_AHEAD < len) {
                const uint8_t *q = in + pos + PREFETCH_AHEAD;
                hash_prefetch(x, key_hash(x, (uint32_t)q[-1] << 24 | (uint32_t)q[-2] << 16 | (uint32_t)q[-3] << 8));
            }
            uint32_t key, h = context_hash(x, &key);
            uint32_t info = hash_get(x, h);
            uint32_t new_info = (key & x->check_mask) | (uint32_t)b << 24 | (x->head - HIST_START);
            hash_put(x, h, new_info);
            if (((info ^ new_info) & x->check_mask) == 0) {
                nbits++;            /* the string / no-string bit */
                if ((info >> 24) == b) {
                    x->match = HIST_START + (info & x->hist_mask);
                    if (hist_at(x, x->match) == b) {
                        start_match = x->match;
                        state = STRING;
                        continue;
                    }
                    /* a one-byte match */
                    pos++;
                    x->hist[x->head++] = b;
                    if (nbits >= 16)
                        nbits -= 16;
                    if (pos >= len)
                        break;
                    continue;
                }
            }
        }
        /* an unmatched byte: coded with the coder */
        x->hist[x->head++] = b;
        unsigned index = c->index_of_value[b], band = index_band(index);
        nbits += c->enc_bits[band] + (int)band_extra(band);
        if (nbits >= 16) {
            nbits -= 16;
            if (c->recalc-- == 0)
                make_codes(c);
        }
        coder_update(c, band, index, b);
        pos++;
        if (pos >= len)
            break;
        state = NEXT;
    }
    x->in_string = (uint8_t)in_string;
    x->string_len = in_string ? 0 : -1;
    return 0;
}

/* ---- the container ------------------------------------------------------- */

static int out_put(ica_v3 *x, const uint8_t *p, uint32_t n, uint32_t limit)
{
    if (n > limit - x->out_len)
        return ICA_V3_ERR_OUTPUT;
    if (x->out_len + n > x->out_cap) {
        uint32_t cap = x->out_cap ? x->out_cap : 4096;
        while (cap < x->out_len + n)
            cap *= 2;
        if (cap > limit)
            cap = limit;
        uint8_t *o = v3_alloc(x, x->out, cap);
        if (!o)
            return ICA_V3_ERR_NOMEM;
        x->out = o;
        x->out_cap = cap;
    }
    if (n)
        memcpy(x->out + x->out_len, p, n);
    x->out_len += n;
    return 0;
}

static size_t write_header_to(uint8_t *h, unsigned channel, uint32_t n);

/* The PACKET_VIRTUAL_WRITE a virtual-channel chunk becomes. */
static int out_write_header(ica_v3 *x, unsigned channel, uint32_t n, uint32_t limit)
{
    uint8_t h[4];
    if (n + 1 >= 0x10000)       /* the count includes the channel byte */
        return ICA_V3_ERR_TOO_MUCH;
    return out_put(x, h, (uint32_t)write_header_to(h, channel, n), limit);
}

/* Read one chunk header backwards: *top is the count of bytes before it
 * (exclusive end); data starts at `floor`. */
static int read_header(const uint8_t *pkt, size_t floor, size_t *top, ica_v3_chunk *c)
{
    size_t end = *top;
    uint8_t first = pkt[--*top];
    memset(c, 0, sizeof *c);
    c->channel = first >> 2;
    c->completion = (first >> 1) & 1;
    c->compressed = first & 1;
    if (first == ICA_V3_ESCAPE) {
        if (*top < floor + 2)
            return ICA_V3_ERR_ESCAPE_PARAMS;
        c->is_command = 1;
        c->nparams = pkt[--*top];
        c->command = pkt[*top - 1];
        if (*top < floor + 1 + (size_t)c->nparams)
            return ICA_V3_ERR_ESCAPE_PARAMS;
        *top -= 1 + (size_t)c->nparams;
        c->params_off = (uint32_t)*top;
    } else {
        uint32_t length = 0;
        unsigned shift = 0;
        uint8_t b;
        do {
            if (shift >= 21)
                return ICA_V3_ERR_LENGTH;
            if (*top <= floor)
                return ICA_V3_ERR_HEADER;
            b = pkt[--*top];
            /* 7-bit groups; the HTML5 reader ORs later groups in unmasked,
             * which only differs for lengths of 2^14 and more */
            length |= (uint32_t)(b & 0x7f) << shift;
            shift += 7;
        } while (b & 0x80);
        if (c->compressed) {
            c->out_len = length;
        } else {
            c->add_to_history = length & 1;
            c->data_len = c->out_len = length >> 1;
        }
    }
    c->hdr_off = (uint32_t)*top;
    c->hdr_len = (uint32_t)(end - *top);
    return 0;
}

int ica_v3_parse(const uint8_t *pkt, size_t len, ica_v3_chunk *chunks, int max, int *complete)
{
    size_t data = 0, top = len;
    int count = 0;
    *complete = 0;
    while (top > data) {
        if (count >= max)
            return -1;
        ica_v3_chunk *c = &chunks[count];
        if (read_header(pkt, data, &top, c))
            return -1;
        c->data_off = (uint32_t)data;
        count++;
        if (c->compressed) {
            c->data_len = 0;
            return count;   /* its data size is known only to the expander */
        }
        if (!c->is_command) {
            if (c->data_len > top - data)
                return -1;
            data += c->data_len;
        }
    }
    *complete = top == data;
    return count;
}

static int escape_command(ica_v3 *x, const uint8_t *pkt, const ica_v3_chunk *c)
{
    /* parameters follow the command byte, backwards */
    const uint8_t *p = pkt + c->params_off + c->nparams;
#define PARAM(i) (p[-1 - (int)(i)])
    x->escapes++;
    switch (c->command) {
    case ICA_V3_CMD_DEFINE_CODERS:
        if (c->nparams < 1 || x->defined)
            return ICA_V3_ERR_DEFINE;
        return define_coders(x, PARAM(0));
    case ICA_V3_CMD_ASSIGN_CODER:
        if (c->nparams < 2 || PARAM(0) >= 64)
            return ICA_V3_ERR_ASSIGN;
        if (!x->defined || PARAM(1) >= x->ncoders)
            return ICA_V3_ERR_CODER_RANGE;
        x->chan_coder[PARAM(0)] = (uint8_t)(PARAM(1) + 1);
        return 0;
    case ICA_V3_CMD_INIT_TW:
        if (c->nparams < 3)
            return ICA_V3_ERR_ESCAPE_PARAMS;
        if (!x->defined || (unsigned)PARAM(0) + PARAM(1) > x->ncoders)
            return ICA_V3_ERR_TW_INIT;
        x->tw_base = PARAM(0);
        x->tw_count = PARAM(1);
        x->chan_coder[ICA_V3_SPECIAL_TW] = (uint8_t)(PARAM(0) + 1);
        return 0;
    case ICA_V3_CMD_LIGHT_OBJECTS:
        x->light_objects = 1;
        return 0;
    case ICA_V3_CMD_HEAVY_OBJECTS:
        x->light_objects = 0;
        return 0;
    default:
        return 0;           /* unknown commands are skipped, as the HTML5 client does */
    }
#undef PARAM
}

/* Expand one compressed chunk whose data starts at `start`; *used gets its
 * size. */
static int expand_chunk(ica_v3 *x, const uint8_t *pkt, size_t len, size_t start, const ica_v3_chunk *c,
                        uint32_t *used, uint32_t *head_start)
{
    if (!x->defined)
        return ICA_V3_ERR_NOT_DEFINED;
    if (!x->chan_coder[c->channel])
        return ICA_V3_ERR_UNDEFINED_CODER;
    int err = state_ready(x);
    if (err)
        return err;
    uint32_t to_end = HIST_START + x->hist_len - x->head;
    if (to_end <= FORCE_WRAP_DISTANCE && (err = hist_wrap(x)) != 0)   /* the sender wrapped here too */
        return err;
    if (c->out_len > HIST_START + x->hist_len - x->head)
        return ICA_V3_ERR_WRAP;
    if (c->out_len > MAX_VIRTUAL_WRITE)
        return ICA_V3_ERR_TOO_MUCH;
    if ((err = hist_reserve(x, x->head + c->out_len)) != 0)
        return err;
    *head_start = x->head;

    /* the bit reader may look at two bytes short of the packet end */
    x->in = pkt;
    x->in_hi = len >= 3 ? (uint32_t)len - 3 : 0;
    x->in_pos = (uint32_t)start;
    x->bits = load16(x, x->in_pos);
    x->bits |= load16(x, x->in_pos + 2) << 16;
    x->in_pos += 4;
    x->nbits = 32;
    x->remaining = (int32_t)c->out_len;
    x->fault = 0;
    if (x->string_len != -1) {
        /* the last chunk ended in a string: one bit says whether it goes on */
        uint32_t stop = x->bits & 1;
        drop(x, 1);
        if (stop)
            x->string_len = 0;
        else
            x->string_len = string_length(x);
    }
    if (!x->fault) {
        if (c->channel == ICA_V3_SPECIAL_TW)
            expand_thinwire(x);
        else
            expand_bytes(x, x->chan_coder[c->channel] - 1u, c->out_len);
    }
    x->in_string = x->string_len != -1;
    if (x->fault)
        return x->fault;
    if (x->remaining != 0 || x->head - *head_start != c->out_len)
        return ICA_V3_ERR_TERMINATION;
    *used = (x->in_pos - (uint32_t)start) - (uint32_t)((x->nbits & 0xff) >> 3);
    return 0;
}

static int expand_packet(ica_v3 *x, const uint8_t *pkt, size_t len)
{
    size_t start = 0, top = len;
    uint32_t limit = x->hist_mask + 1 + 4 * (uint32_t)len + 16;
    /* the HTML5 client stops when fewer than three bytes are left; a
     * packet that leaves any is refused below */
    while (top >= start + 3) {
        ica_v3_chunk c;
        int err = read_header(pkt, start, &top, &c);
        if (err)
            return err;
        if (c.is_command) {
            if ((err = escape_command(x, pkt, &c)) != 0)
                return err;
            continue;
        }
        unsigned channel = c.channel;
        if (c.compressed) {
            uint32_t used = 0, head_start = 0;
            if ((err = expand_chunk(x, pkt, len, start, &c, &used, &head_start)) != 0)
                return err;
            if (used > top - start)
                return ICA_V3_ERR_CONSUMED;
            start += used;
            x->chunks_compressed++;
            if (channel == ICA_V3_SPECIAL_TW)
                channel = 9;    /* ThinWire's own virtual channel */
            if (channel != ICA_V3_BASE_CHANNEL && (err = out_write_header(x, channel, c.out_len, limit)) != 0)
                return err;
            if ((err = out_put(x, x->hist + head_start, c.out_len, limit)) != 0)
                return err;
            continue;
        }
        if (c.data_len > top - start)
            return ICA_V3_ERR_COPY_PAST;
        if (channel != ICA_V3_BASE_CHANNEL && (err = out_write_header(x, channel, c.data_len, limit)) != 0)
            return err;
        if ((err = out_put(x, pkt + start, c.data_len, limit)) != 0)
            return err;
        if (c.add_to_history) {
            if (!x->defined)
                return ICA_V3_ERR_NOT_DEFINED;
            if (!x->chan_coder[channel] || x->chan_coder[channel] - 1u >= x->ncoders)
                return ICA_V3_ERR_UNDEFINED_CODER;
            if ((err = recompress(x, x->chan_coder[channel] - 1u, pkt + start, c.data_len)) != 0)
                return err;
            x->chunks_recompressed++;
        }
        x->chunks_copied++;
        start += c.data_len;
    }
    return top == start ? 0 : ICA_V3_ERR_COVER;
}

/* A virtual-write header as out_write_header makes it, into a buffer. */
static size_t write_header_to(uint8_t *h, unsigned channel, uint32_t n)
{
    uint32_t count = n + 1;
    if (count == 1) {
        h[0] = 0x2f;
        h[1] = (uint8_t)channel;
        return 2;
    }
    if (count < 0x100) {
        h[0] = 0x30;
        h[1] = (uint8_t)count;
        h[2] = (uint8_t)channel;
        return 3;
    }
    h[0] = 0x31;
    h[1] = (uint8_t)count;
    h[2] = (uint8_t)(count >> 8);
    h[3] = (uint8_t)channel;
    return 4;
}

int ica_v3_copies(const uint8_t *pkt, size_t len, uint8_t *out, size_t *out_len, int *complete)
{
    size_t start = 0, top = len, n = 0;
    *out_len = 0;
    *complete = 0;
    while (top >= start + 3) {
        ica_v3_chunk c;
        int err = read_header(pkt, start, &top, &c);
        if (err)
            return err;
        if (c.is_command)
            continue;
        if (c.compressed)
            return 0;
        if (c.data_len > top - start)
            return ICA_V3_ERR_COPY_PAST;
        if (c.data_len + 1 >= 0x10000)
            return ICA_V3_ERR_TOO_MUCH;
        if (c.channel != ICA_V3_BASE_CHANNEL)
            n += write_header_to(out + n, c.channel, c.data_len);
        memcpy(out + n, pkt + start, c.data_len);
        n += c.data_len;
        start += c.data_len;
        *out_len = n;
    }
    if (top != start)
        return ICA_V3_ERR_COVER;
    *complete = 1;
    return 0;
}

int ica_v3_expand(ica_v3 *x, const uint8_t *pkt, size_t len, const uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (x->error)
        return ICA_V3_ERR_STOPPED;
    x->out_len = 0;
    x->packets++;
    int err = expand_packet(x, pkt, len);
    if (err) {
        x->error = err;
        return err;
    }
    *out = x->out;
    *out_len = x->out_len;
    return 0;
}
