/* Unit tests for the reducer V3/V4 expander (ica_v3.c).
 *
 * The real session: tests/data/v3/edt-citrixudp-ica.txt holds the ICA
 * bytes of every UDT data packet of captures/edt-citrixudp.pcap (made by
 * tools/captures/edt_to_tcp.py; the CGP layer removed, nothing else).  They
 * go through the ICA pipeline (ica_stream: PDRFRAME, Basic decryption, the
 * high-throughput header, then this expander), and every expanded frame is
 * compared with the independent check data
 * tests/data/v3/edt-citrixudp-expanded.json; the V3 packets are then
 * expanded again by the core alone.  Then hostile input.
 */
#include <stdlib.h>
#include "ica_stream.h"
#include "ica_v3.h"
#include "unit.h"
#include "test_ica_v3_ref.c"    /* the oracle for test_differential */

#define MAX_FRAMES 512

typedef struct {
    unsigned frame;
    int dir;
    uint8_t *bytes;
    size_t len;
} item;

static char *read_file(const char *name, size_t *len)
{
    char path[4096];
    const char *here = __FILE__;
    const char *slash = strrchr(here, '/');
    snprintf(path, sizeof path, "%.*s/../data/v3/%s", (int)(slash - here), here, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        unit_failed++;
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    buf[n] = 0;
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static uint8_t *from_hex(const char *p, size_t n, size_t *len)
{
    uint8_t *b = malloc(n / 2 + 1);
    for (size_t i = 0; i + 1 < n + 1 && i / 2 < n / 2; i += 2) {
        unsigned v;
        sscanf(p + i, "%2x", &v);
        b[i / 2] = (uint8_t)v;
    }
    *len = n / 2;
    return b;
}

static int dir_of(const char *p) { return strncmp(p, "s2c", 3) == 0 ? ICA_S2C : ICA_C2S; }

/* "frame dir hex" lines, '#' comments */
static int load_input(item *items, int max)
{
    char *text = read_file("edt-citrixudp-ica.txt", NULL);
    int n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line && n < max; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char dir[4] = "";
        int hexoff = 0;
        if (sscanf(line, "%u %3s %n", &items[n].frame, dir, &hexoff) != 2)
            continue;
        items[n].dir = dir_of(dir);
        items[n].bytes = from_hex(line + hexoff, strlen(line + hexoff), &items[n].len);
        n++;
    }
    free(text);
    return n;
}

/* The check data's frames: {"frame": N, "direction": "s2c", ..., "expanded_hex": "..."} */
static int load_expected(item *items, int max)
{
    char *text = read_file("edt-citrixudp-expanded.json", NULL);
    int n = 0;
    for (char *p = text ? strstr(text, "\"frame\":") : NULL; p && n < max; p = strstr(p, "\"frame\":")) {
        items[n].frame = (unsigned)strtoul(p + 8, NULL, 10);
        char *d = strstr(p, "\"direction\":");
        char *h = strstr(p, "\"expanded_hex\":");
        if (!d || !h)
            break;
        d = strchr(d + 12, '"');
        h = strchr(h + 15, '"');
        char *e = strchr(h + 1, '"');
        items[n].dir = dir_of(d + 1);
        items[n].bytes = from_hex(h + 1, (size_t)(e - h - 1), &items[n].len);
        n++;
        p = e;
    }
    free(text);
    return n;
}

/* ---- the pipeline over the real session ---------------------------------- */

typedef struct {
    unsigned frame;             /* the packet being fed */
    item got[MAX_FRAMES];       /* expanded WD bytes of V3 frames */
    item packets[MAX_FRAMES];   /* the V3 packets themselves */
    int ngot;
    int failed;
    int frames_per_packet_max;
    unsigned last_frame[2];
    int count_in_packet;
    unsigned cmds[2];           /* WD commands decoded from V3 frames */
    int in_v3[2];
    /* where each fed packet starts in its direction's stream: frames
     * replayed after a key recovery are reported later than they came */
    uint64_t fed[2];
    int npk;
    struct { int dir; uint64_t start; unsigned frame; } pk[MAX_FRAMES];
} run_ctx;

static void on_event(void *vctx, const ica_event *ev);

static void feed(run_ctx *r, ica_stream *st, const item *in)
{
    r->frame = in->frame;
    if (r->npk < MAX_FRAMES) {
        r->pk[r->npk].dir = in->dir;
        r->pk[r->npk].start = r->fed[in->dir];
        r->pk[r->npk++].frame = in->frame;
    }
    r->fed[in->dir] += in->len;
    ica_stream_feed(st, (enum ica_dir)in->dir, in->bytes, in->len, on_event, r);
}

/* The packet a frame event's first byte came in. */
static unsigned frame_of(const run_ctx *r, int dir, uint64_t off)
{
    unsigned frame = r->frame;
    for (int i = 0; i < r->npk; i++)
        if (r->pk[i].dir == dir && r->pk[i].start <= off)
            frame = r->pk[i].frame;
    return frame;
}

static void on_event(void *vctx, const ica_event *ev)
{
    run_ctx *r = vctx;
    if (ev->type == ICA_EV_CMD && r->in_v3[ev->dir])
        r->cmds[ev->dir]++;
    if (ev->type == ICA_EV_FRAME)
        r->in_v3[ev->dir] = (ev->flags & ICA_FR_V3) != 0;
    if (ev->type != ICA_EV_FRAME || !(ev->flags & ICA_FR_V3) || r->ngot >= MAX_FRAMES)
        return;
    if (ev->flags & ICA_FR_V3_FAILED) {
        fprintf(stderr, "frame %u: V3 expansion failed: %s\n", r->frame, ica_v3_reason_str(ev->v3_error));
        r->failed++;
    }
    item *g = &r->got[r->ngot], *pk = &r->packets[r->ngot];
    g->frame = pk->frame = frame_of(r, ev->dir, ev->wire_off);
    g->dir = pk->dir = ev->dir;
    g->len = ev->plain ? ev->plain_len : 0;
    g->bytes = malloc(g->len + 1);
    if (g->len)
        memcpy(g->bytes, ev->plain, g->len);
    pk->len = ev->decrypted_len - ev->ht_len;
    pk->bytes = malloc(pk->len + 1);
    memcpy(pk->bytes, ev->decrypted + ev->ht_len, pk->len);
    r->ngot++;
}

static const item *find(const item *items, int n, unsigned frame, int dir)
{
    for (int i = 0; i < n; i++)
        if (items[i].frame == frame && items[i].dir == dir)
            return &items[i];
    return NULL;
}

/* Every expected frame came out of the expander with exactly its bytes;
 * returns the bytes per direction. */
static void compare(const item *exp, int nexp, const item *got, int ngot, size_t bytes[2])
{
    int matched = 0;
    bytes[0] = bytes[1] = 0;
    for (int i = 0; i < nexp; i++) {
        const item *g = find(got, ngot, exp[i].frame, exp[i].dir);
        if (!g || g->len != exp[i].len || memcmp(g->bytes, exp[i].bytes, g->len) != 0) {
            fprintf(stderr, "frame %u %s: expanded bytes differ (%zu, expected %zu)\n", exp[i].frame,
                    exp[i].dir == ICA_S2C ? "s2c" : "c2s", g ? g->len : 0, exp[i].len);
            continue;
        }
        matched++;
        bytes[g->dir] += g->len;
    }
    CHECK_EQ_INT(matched, nexp);
}

/* With ICA_V3_SEED_DIR set: the V3 packets of each direction as inputs of
 * fuzz/fuzz_ica_v3.c's expander mode (tools/robust/fuzz_v3_seeds.py). */
static void write_fuzz_seeds(const item *packets, int n)
{
    const char *dir = getenv("ICA_V3_SEED_DIR");
    if (!dir)
        return;
    for (int d = 0; d < 2; d++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/v3-packets-%s", dir, d == ICA_S2C ? "s2c" : "c2s");
        FILE *f = fopen(path, "wb");
        if (!f)
            continue;
        /* mode byte (odd: expander), then 2^18 / 2^16 and the direction's default coders */
        uint8_t head[2] = { 1, (uint8_t)(d == ICA_S2C ? 0x80 | (18 - 10) : 16 - 10) };
        fwrite(head, 1, 2, f);
        for (int i = 0; i < n; i++) {
            if (packets[i].dir != d)
                continue;
            uint8_t len[2] = { (uint8_t)packets[i].len, (uint8_t)(packets[i].len >> 8) };
            fwrite(len, 1, 2, f);
            fwrite(packets[i].bytes, 1, packets[i].len, f);
        }
        fclose(f);
    }
}

/* A ThinWire chunk of the real session cut in half: its header announces
 * half the bytes, so its last command stops in the middle. */
static void test_thinwire_cut(const item *packets, int n)
{
    ica_v3 x;
    const uint8_t *out;
    size_t len;
    int cut = 0;
    ica_v3_init(&x, 18, ICA_V3_DEFAULT_CODERS_S2C, NULL, NULL);
    for (int i = 0; i < n && !cut; i++) {
        if (packets[i].dir != ICA_S2C)
            continue;
        ica_v3_chunk c[64];
        int complete;
        int k = ica_v3_parse(packets[i].bytes, packets[i].len, c, 64, &complete);
        const ica_v3_chunk *tw = k > 0 ? &c[k - 1] : NULL;
        if (tw && tw->compressed && tw->channel == ICA_V3_SPECIAL_TW && tw->hdr_len == 2 && tw->out_len >= 8) {
            uint8_t *p = malloc(packets[i].len);
            memcpy(p, packets[i].bytes, packets[i].len);
            p[tw->hdr_off] = (uint8_t)(tw->out_len / 2 + 1);
            CHECK_EQ_INT(ica_v3_expand(&x, p, packets[i].len, &out, &len), ICA_V3_ERR_TERMINATION);
            free(p);
            cut = 1;
        } else {
            CHECK_EQ_INT(ica_v3_expand(&x, packets[i].bytes, packets[i].len, &out, &len), 0);
        }
    }
    CHECK(cut);
    ica_v3_free(&x, NULL);
}

/* The real session picked up mid-session (from input packet `first` on):
 * the Basic key is recovered from the V3 packets, both directions are V3
 * without history, and every frame made of copy chunks only shows exactly
 * the check data's bytes. */
static void test_midsession(const item *input, int nin, const item *expected, int nexp, uint8_t full_key)
{
    static run_ctx r;
    memset(&r, 0, sizeof r);
    int first = 40;
    ica_stream st;
    ica_stream_init(&st, ICA_PHASE_SYNC, NULL, NULL);
    for (int i = first; i < nin; i++)
        feed(&r, &st, &input[i]);
    CHECK_EQ_INT(st.sum.have_key, 1);
    CHECK_EQ_INT(st.sum.key_source, ICA_KEY_RECOVERED);
    CHECK_EQ_INT(st.sum.session_key, full_key);
    CHECK_EQ_INT(st.sum.compression[ICA_S2C], ICA_COMP_V3);
    CHECK_EQ_INT(st.sum.compression[ICA_C2S], ICA_COMP_V3);
    CHECK_EQ_INT(st.d[ICA_S2C].v3_error, ICA_V3_ERR_NO_HISTORY);
    CHECK_EQ_INT(st.d[ICA_C2S].v3_error, ICA_V3_ERR_NO_HISTORY);
    int shown = 0, same = 0;
    for (int i = 0; i < r.ngot; i++) {
        int complete = 0;
        size_t n;
        uint8_t *out = malloc(3 * r.packets[i].len + 16);
        if (ica_v3_copies(r.packets[i].bytes, r.packets[i].len, out, &n, &complete) == 0 && complete) {
            const item *e = find(expected, nexp, r.got[i].frame, r.got[i].dir);
            shown++;
            if (e && r.got[i].len == e->len && memcmp(r.got[i].bytes, e->bytes, e->len) == 0)
                same++;
            else
                fprintf(stderr, "mid-session frame %u: %zu bytes shown, check data %zu\n", r.got[i].frame,
                        r.got[i].len, e ? e->len : 0);
        }
        free(out);
    }
    printf("mid-session from packet %d: %d V3 frames, %d of them copy chunks only, %d equal to the check data\n",
           first, r.ngot, shown, same);
    CHECK(shown > 10);
    CHECK_EQ_INT(same, shown);
    ica_stream_free(&st);
}

/* The carrier ends the session halfway (ica_stream_end): both expanders and
 * expansion buffers are freed; the V3 frames fed later are not expanded
 * (ICA_V3_ERR_ENDED) and allocate no expander again. */
typedef struct {
    int expanded, ended, other;
} end_count;

static void on_end_event(void *vctx, const ica_event *ev)
{
    end_count *c = vctx;
    if (ev->type != ICA_EV_FRAME || !(ev->flags & ICA_FR_V3))
        return;
    if (ev->flags & ICA_FR_EXPANDED)
        c->expanded++;
    else if (ev->v3_error == ICA_V3_ERR_ENDED)
        c->ended++;
    else
        c->other++;
}

static void test_ended(const item *input, int nin, int nexp)
{
    end_count c = { 0, 0, 0 };
    ica_stream st;
    ica_stream_init(&st, ICA_PHASE_DETECT, NULL, NULL);
    int half = nin / 2;
    for (int i = 0; i < nin; i++) {
        if (i == half) {
            CHECK(st.d[ICA_S2C].v3 != NULL && st.d[ICA_C2S].v3 != NULL);
            CHECK(c.expanded > 0);
            CHECK_EQ_INT(c.ended, 0);
            ica_stream_end(&st);
            for (int d = 0; d < 2; d++) {
                CHECK(st.d[d].v3 == NULL);
                CHECK(st.d[d].expanded == NULL);
                CHECK_EQ_INT(st.d[d].v3_error, ICA_V3_ERR_ENDED);
            }
        }
        ica_stream_feed(&st, (enum ica_dir)input[i].dir, input[i].bytes, input[i].len, on_end_event, &c);
    }
    printf("ended at packet %d: %d V3 frames expanded before, %d not expanded after\n", half, c.expanded, c.ended);
    CHECK(c.ended > 0);
    CHECK_EQ_INT(c.other, 0);
    CHECK_EQ_INT(c.expanded + c.ended, nexp);
    CHECK(st.d[ICA_S2C].v3 == NULL && st.d[ICA_C2S].v3 == NULL);
    CHECK_EQ_INT(strcmp(ica_v3_reason_str(ICA_V3_ERR_ENDED), "session had ended: its history was freed"), 0);
    ica_stream_free(&st);
}

static void test_real_session(void)
{
    static item input[MAX_FRAMES], expected[MAX_FRAMES];
    static run_ctx r;
    int nin = load_input(input, MAX_FRAMES);
    int nexp = load_expected(expected, MAX_FRAMES);
    CHECK_EQ_INT(nin, 133);
    CHECK_EQ_INT(nexp, 123);

    ica_stream st;
    ica_stream_init(&st, ICA_PHASE_DETECT, NULL, NULL);
    for (int i = 0; i < nin; i++)
        feed(&r, &st, &input[i]);
    CHECK_EQ_INT(st.sum.reducer_level, 3);
    CHECK_EQ_INT(st.sum.pow2_agreed[ICA_S2C], 18);
    CHECK_EQ_INT(st.sum.pow2_agreed[ICA_C2S], 16);
    CHECK_EQ_INT(st.sum.compression[ICA_S2C], ICA_COMP_V3);
    CHECK_EQ_INT(st.sum.compression[ICA_C2S], ICA_COMP_V3);
    CHECK_EQ_INT(r.failed, 0);
    CHECK_EQ_INT(r.ngot, nexp);

    size_t bytes[2];
    compare(expected, nexp, r.got, r.ngot, bytes);
    CHECK_EQ_INT(bytes[ICA_S2C], 24516);
    CHECK_EQ_INT(bytes[ICA_C2S], 6907);
    /* WD commands the pipeline decoded from the expanded bytes: those of
     * the check data (ica-modern.md §6; 0x40 with its inferred u16 length) */
    CHECK_EQ_INT(r.cmds[ICA_S2C], 125);
    CHECK_EQ_INT(r.cmds[ICA_C2S], 55);
    CHECK_EQ_INT(st.d[ICA_S2C].v3_error, 0);
    CHECK_EQ_INT(st.d[ICA_C2S].v3_error, 0);

    /* the same packets through the core alone, with its statistics */
    ica_v3 x[2];
    for (int d = 0; d < 2; d++)
        CHECK_EQ_INT(ica_v3_init(&x[d], st.sum.pow2_agreed[d],
                                 d == ICA_S2C ? ICA_V3_DEFAULT_CODERS_S2C : ICA_V3_DEFAULT_CODERS_C2S, NULL, NULL), 0);
    static item again[MAX_FRAMES];
    int nagain = 0;
    for (int i = 0; i < r.ngot; i++) {
        const uint8_t *out;
        size_t n;
        ica_v3 *e = &x[r.packets[i].dir];
        CHECK_EQ_INT(ica_v3_expand(e, r.packets[i].bytes, r.packets[i].len, &out, &n), 0);
        again[nagain] = r.packets[i];
        again[nagain].bytes = malloc(n + 1);
        memcpy(again[nagain].bytes, out, n);
        again[nagain++].len = n;
    }
    compare(expected, nexp, again, nagain, bytes);
    CHECK_EQ_INT(bytes[ICA_S2C], 24516);
    CHECK_EQ_INT(bytes[ICA_C2S], 6907);
    /* what the session used (ica-modern.md §6, "seen in the real capture") */
    CHECK_EQ_INT(x[ICA_S2C].ncoders, 32);
    CHECK_EQ_INT(x[ICA_C2S].ncoders, 4);
    CHECK_EQ_INT(x[ICA_S2C].escapes, 9);
    CHECK_EQ_INT(x[ICA_C2S].escapes, 7);
    for (int d = 1; d >= 0; d--)
        printf("%s: memory %zu bytes (history %u of %u, coders made %u of %u, hash %s)\n", d ? "s2c" : "c2s",
               ica_v3_memory(&x[d]), x[d].hist_cap, x[d].hist_alloc, x[d].coders_made, x[d].ncoders,
               x[d].hash ? "32-bit" : "positions");
    CHECK_EQ_INT(x[ICA_S2C].tw_level, 2);
    CHECK(x[ICA_S2C].chunks_compressed > 0);
    CHECK(x[ICA_S2C].chunks_recompressed + x[ICA_C2S].chunks_recompressed > 0);
    printf("s2c: %u packets, %u compressed, %u copied (%u run through the compressor), %u escapes\n",
           x[1].packets, x[1].chunks_compressed, x[1].chunks_copied, x[1].chunks_recompressed, x[1].escapes);
    printf("c2s: %u packets, %u compressed, %u copied (%u run through the compressor), %u escapes\n",
           x[0].packets, x[0].chunks_compressed, x[0].chunks_copied, x[0].chunks_recompressed, x[0].escapes);
    for (int d = 0; d < 2; d++)
        ica_v3_free(&x[d], NULL);
    test_thinwire_cut(r.packets, r.ngot);
    write_fuzz_seeds(r.packets, r.ngot);
    CHECK_EQ_INT(st.sum.key_source, ICA_KEY_EXCHANGE);
    test_midsession(input, nin, expected, nexp, st.sum.session_key);
    test_ended(input, nin, nexp);

    ica_stream_free(&st);
}

/* ---- container and hostile input --------------------------------------- */

/* A packet from chunks: data in order, then every chunk's header bytes
 * (given in reading order) reversed, the first chunk's at the end. */
typedef struct {
    uint8_t data[512], hdr[256];
    size_t ndata, nhdr;
} builder;

static void b_hdr(builder *b, const uint8_t *h, size_t n)
{
    memcpy(b->hdr + b->nhdr, h, n);
    b->nhdr += n;
}

static void b_define(builder *b, uint8_t count) { b_hdr(b, (const uint8_t[]){ 0xf8, 1, 0, count }, 4); }
static void b_assign(builder *b, uint8_t ch, uint8_t coder) { b_hdr(b, (const uint8_t[]){ 0xf8, 2, 1, ch, coder }, 5); }

static void b_copy(builder *b, uint8_t ch, const char *text, int recompress)
{
    size_t n = strlen(text);
    uint32_t len = (uint32_t)n << 1 | (recompress ? 1 : 0);
    b_hdr(b, (const uint8_t[]){ (uint8_t)(ch << 2 | 2) }, 1);
    do {
        uint8_t g = len & 0x7f;
        len >>= 7;
        b_hdr(b, (const uint8_t[]){ (uint8_t)(g | (len ? 0x80 : 0)) }, 1);
    } while (len);
    memcpy(b->data + b->ndata, text, n);
    b->ndata += n;
}

/* a compressed chunk header announcing `make` bytes, and its data */
static void b_compressed(builder *b, uint8_t ch, uint8_t make, const uint8_t *data, size_t n)
{
    b_hdr(b, (const uint8_t[]){ (uint8_t)(ch << 2 | 3), make }, 2);
    memcpy(b->data + b->ndata, data, n);
    b->ndata += n;
}

static size_t b_packet(const builder *b, uint8_t *out)
{
    memcpy(out, b->data, b->ndata);
    for (size_t i = 0; i < b->nhdr; i++)
        out[b->ndata + i] = b->hdr[b->nhdr - 1 - i];
    return b->ndata + b->nhdr;
}

static int expand_one(ica_v3 *x, const builder *b, const uint8_t **out, size_t *n)
{
    uint8_t pkt[1024];
    size_t len = b_packet(b, pkt);
    return ica_v3_expand(x, pkt, len, out, n);
}

static void test_container(void)
{
    ica_v3 x;
    const uint8_t *out;
    size_t n;
    CHECK_EQ_INT(ica_v3_init(&x, 16, ICA_V3_DEFAULT_CODERS_C2S, NULL, NULL), 0);
    builder b = { .ndata = 0 };
    b_define(&b, 4);
    b_assign(&b, 0x3f, 1);
    b_assign(&b, 12, 1);
    b_copy(&b, 0x3f, "\x09", 1);                    /* a base-channel byte, through the compressor */
    b_copy(&b, 13, "", 0);                          /* an empty write: PACKET_VIRTUAL_WRITE0, channel only */
    b_copy(&b, 12, "LICENSE", 1);                   /* a virtual write on channel 12 */
    CHECK_EQ_INT(expand_one(&x, &b, &out, &n), 0);
    const uint8_t want[] = { 0x09, 0x2f, 13, 0x30, 8, 12, 'L', 'I', 'C', 'E', 'N', 'S', 'E' };
    CHECK_EQ_INT(n, sizeof want);
    CHECK_EQ_MEM(out, want, sizeof want);
    CHECK_EQ_INT(x.ncoders, 4);
    CHECK_EQ_INT(x.chunks_recompressed, 2);
    /* a copy of 300 bytes: two length groups, VIRTUAL_WRITE2 */
    char big[301];
    memset(big, 'z', 300);
    big[300] = 0;
    builder b2 = { .ndata = 0 };
    b_copy(&b2, 21, big, 0);
    CHECK_EQ_INT(expand_one(&x, &b2, &out, &n), 0);
    CHECK_EQ_INT(n, 304);
    CHECK(out[0] == 0x31 && out[1] == (301 & 0xff) && out[2] == (301 >> 8) && out[3] == 21);
    ica_v3_free(&x, NULL);

    /* the header walk alone (no expansion) */
    ica_v3_chunk c[8];
    int complete;
    const uint8_t one[] = { 'H', 'E', 'L', 'L', 'O', 0x0b, 0xfe };
    CHECK_EQ_INT(ica_v3_parse(one, sizeof one, c, 8, &complete), 1);
    CHECK_EQ_INT(complete, 1);
    CHECK_EQ_INT(c[0].channel, ICA_V3_BASE_CHANNEL);
    CHECK_EQ_INT(c[0].completion, 1);
    CHECK_EQ_INT(c[0].add_to_history, 1);
    CHECK_EQ_INT(c[0].data_len, 5);
    CHECK_EQ_INT(c[0].hdr_off, 5);
    CHECK_EQ_INT(c[0].hdr_len, 2);
    const uint8_t two[] = { 'A', 'B', 0x04, 0x24, 0x07, 0x01, 0x01, 0xf8 };
    CHECK_EQ_INT(ica_v3_parse(two, sizeof two, c, 8, &complete), 2);
    CHECK_EQ_INT(c[0].is_command, 1);
    CHECK_EQ_INT(c[0].command, 1);
    CHECK_EQ_INT(c[0].params_off, 4);
    CHECK_EQ_INT(c[1].channel, 9);
    CHECK_EQ_INT(c[1].data_len, 2);
    /* a compressed chunk ends the walk: its size is known only after expanding */
    const uint8_t comp[] = { 'x', 'y', 'z', 0x01, 0x81, 0x25 };
    CHECK_EQ_INT(ica_v3_parse(comp, sizeof comp, c, 8, &complete), 1);
    CHECK_EQ_INT(complete, 0);
    CHECK_EQ_INT(c[0].compressed, 1);
    CHECK_EQ_INT(c[0].out_len, 129);
    const uint8_t gap[] = { 'x', 'y', 0x02, 0xfe };     /* covers 1 of 2 data bytes */
    CHECK(ica_v3_parse(gap, sizeof gap, c, 8, &complete) < 0 || !complete);
    CHECK_EQ_INT(ica_v3_parse(two, sizeof two, c, 1, &complete), -1);
}

/* One hostile packet to a fresh expander: the error it gives. */
static int hostile(const builder *b, unsigned pow2)
{
    ica_v3 x;
    const uint8_t *out;
    size_t n;
    int err = ica_v3_init(&x, pow2, ICA_V3_DEFAULT_CODERS_S2C, NULL, NULL);
    if (!err) {
        err = expand_one(&x, b, &out, &n);
        /* the direction stays stopped, keeping the first reason */
        CHECK_EQ_INT(ica_v3_expand(&x, (const uint8_t *)"\x09\x02\xfe", 3, &out, &n), err ? ICA_V3_ERR_STOPPED : 0);
        if (err)
            CHECK_EQ_INT(x.error, err);
    }
    ica_v3_free(&x, NULL);
    return err;
}

static void test_hostile(void)
{
    builder b = { .ndata = 0 };
    /* a copy chunk longer than the packet */
    b_copy(&b, 12, "AB", 0);
    b.hdr[1] = 0x20;                        /* 16 bytes announced */
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_COPY_PAST);
    /* escape parameter count past the header */
    b = (builder){ .ndata = 0 };
    b_hdr(&b, (const uint8_t[]){ 0xf8, 9, 0 }, 3);
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_ESCAPE_PARAMS);
    /* a length in more than three groups, and one running into the data */
    const uint8_t longlen[] = { 0x80, 0x80, 0x80, 0x80, 0xfe };
    ica_v3 x;
    const uint8_t *out;
    size_t n;
    ica_v3_init(&x, 16, 4, NULL, NULL);
    CHECK_EQ_INT(ica_v3_expand(&x, longlen, sizeof longlen, &out, &n), ICA_V3_ERR_LENGTH);
    ica_v3_free(&x, NULL);
    ica_v3_init(&x, 16, 4, NULL, NULL);
    CHECK_EQ_INT(ica_v3_expand(&x, longlen + 2, 3, &out, &n), ICA_V3_ERR_HEADER);
    ica_v3_free(&x, NULL);
    /* coder numbers beyond the defined count */
    b = (builder){ .ndata = 0 };
    b_define(&b, 4);
    b_assign(&b, 12, 7);
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_CODER_RANGE);
    b = (builder){ .ndata = 0 };
    b_define(&b, 32);
    b_hdr(&b, (const uint8_t[]){ 0xf8, 3, 2, 20, 20, 1 }, 6);   /* ThinWire coders 20..39 of 32 */
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_TW_INIT);
    /* more coders than the history holds, defining twice, assigning before defining */
    b = (builder){ .ndata = 0 };
    b_define(&b, 255);
    CHECK_EQ_INT(hostile(&b, 12), ICA_V3_ERR_CODER_COUNT);
    b = (builder){ .ndata = 0 };
    b_define(&b, 4);
    b_define(&b, 4);
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_DEFINE);
    b = (builder){ .ndata = 0 };
    b_assign(&b, 12, 0);
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_CODER_RANGE);
    /* undefined decoders: compressed data before any coder, on a channel without one */
    const uint8_t bits[] = { 0x55, 0xaa, 0x55, 0xaa };
    b = (builder){ .ndata = 0 };
    b_compressed(&b, 12, 4, bits, sizeof bits);
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_NOT_DEFINED);
    b = (builder){ .ndata = 0 };
    b_define(&b, 4);
    b_compressed(&b, 12, 4, bits, sizeof bits);
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_UNDEFINED_CODER);
    b = (builder){ .ndata = 0 };
    b_define(&b, 4);
    b_copy(&b, 12, "abc", 1);               /* through the compressor without a coder */
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_UNDEFINED_CODER);
    /* a compressed chunk using more bytes than the packet has */
    b = (builder){ .ndata = 0 };
    b_define(&b, 4);
    b_assign(&b, 12, 1);
    const uint8_t ones[] = { 0xff, 0xff };
    b_compressed(&b, 12, 6, ones, 1);
    CHECK_EQ_INT(hostile(&b, 16), ICA_V3_ERR_CONSUMED);
    /* bytes left that no chunk covers */
    b = (builder){ .ndata = 0 };
    b_copy(&b, 12, "abc", 0);
    b.data[b.ndata++] = 'x';
    b.data[b.ndata++] = 'y';
    b.data[b.ndata++] = 'z';
    CHECK(hostile(&b, 16) != 0);
    /* history sizes from the negotiation */
    CHECK_EQ_INT(hostile(&b, 0), ICA_V3_ERR_POW2);
    CHECK_EQ_INT(hostile(&b, 23), ICA_V3_ERR_POW2);
    CHECK_EQ_INT(hostile(&b, 255), ICA_V3_ERR_POW2);
    for (int e = 0; e <= ICA_V3_ERR_COUNT; e++)
        CHECK(ica_v3_reason_str(e) != NULL);
}

/* ---- the compact state against the oracle -------------------------------- */

/* Random streams that the expander accepts, for small histories that wrap
 * often: copy chunks of text-like bytes (run through the compressor logic
 * or not), escape commands, and compressed chunks of random bits.  A
 * compressed chunk is made valid by expanding it first on a copy of the
 * oracle with far more data than it needs: the bits it read are its data
 * (what follows them does not change what it makes).  Each packet goes to
 * the oracle (test_ica_v3_ref.c: the expander before its memory work) and
 * to ica_v3; their results, outputs, histories and hash tables must be the
 * same after every packet.  Then corrupted copies of the streams: the same
 * errors at the same packets. */

typedef struct {
    uint64_t s;
} rng;

static uint32_t rnd(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t rnd_to(rng *r, uint32_t n) { return n ? rnd(r) % n : 0; }

typedef struct {
    uint8_t *data, *hdr;
    size_t nd, nh, cap;
} pbuf;

static void pb_reset(pbuf *b)
{
    if (!b->data) {
        b->cap = 1 << 20;
        b->data = malloc(b->cap);
        b->hdr = malloc(4096);
    }
    b->nd = b->nh = 0;
}

static void pb_hdr(pbuf *b, const uint8_t *h, size_t n)
{
    memcpy(b->hdr + b->nh, h, n);
    b->nh += n;
}

static void pb_len(pbuf *b, uint32_t len)
{
    do {
        uint8_t g = len & 0x7f;
        len >>= 7;
        g |= len ? 0x80 : 0;
        pb_hdr(b, &g, 1);
    } while (len);
}

static size_t pb_packet(const pbuf *b, uint8_t *out)
{
    memcpy(out, b->data, b->nd);
    for (size_t i = 0; i < b->nh; i++)
        out[b->nd + i] = b->hdr[b->nh - 1 - i];
    return b->nd + b->nh;
}

/* text-like bytes: words that repeat, now and then a random byte */
static void gen_text(rng *r, uint8_t *p, size_t n)
{
    static const char *const words[] = { "the ", "window ", "CTXTW ", "\\x00\\x00\\x00\\x00", "license ", "ab",
                                         "\\xff\\xfe", "printer ", "clipboard ", "aaaaaaaaaaaaaaaa", "0123456789" };
    size_t i = 0;
    while (i < n) {
        if (rnd_to(r, 8) == 0) {
            p[i++] = (uint8_t)rnd(r);
            continue;
        }
        const char *w = words[rnd_to(r, sizeof words / sizeof words[0])];
        size_t wl = w[0] ? strlen(w) : 4;
        for (size_t k = 0; k < wl && i < n; k++)
            p[i++] = (uint8_t)w[k];
    }
}

typedef struct {
    uint8_t *bytes;
    size_t len;
} pkt_t;

#define DIFF_PACKETS 400

/* Both expanders agree on everything after a packet. */
static int same_state(const ica_v3 *x, const ref_v3 *ref)
{
    int same = x->head == ref->head && x->match == ref->match && x->string_len == ref->string_len &&
               x->in_string == ref->in_string && x->hist_len == ref->hist_len && x->error == ref->error;
    if (ref->error)
        return same;    /* a chunk stopped halfway: a hash entry may lack its history byte, never read again */
    for (uint32_t i = 0; same && i < ref->hist_alloc; i++)
        same = (i < x->hist_cap ? x->hist[i] : 0) == ref->hist[i];
    for (uint32_t h = 0; same && h <= ref->hash_mask; h++)
        same = ica_v3_hash_entry(x, h) == ref->hash[h];
    for (unsigned i = 0; same && i < ref->ncoders; i++) {
        ref_v3_coder init;
        const void *c = x->coders[i];
        if (!c) {       /* not made yet: the initial state */
            memset(&init, 0, sizeof init);
            for (unsigned k = 0; k < 256; k++)
                init.index_of_value[k] = init.value_of_index[k] = (uint8_t)k;
            for (unsigned band = 0; band < NR_OF_BANDS; band++) {
                init.next_victim[band] = (uint8_t)(band ? band_start(band - 1) : 0);
                init.band_count[band] = band ? 1u << (band - 1) : 1;
            }
            init.next_recalc = INITIAL_RECALC_COUNTDOWN;
            make_codes(&init);
            c = &init;
        }
        const ref_v3_coder *a = c, *e = &ref->coders[i];   /* the same layout; padding left out */
        same = memcmp(a->value_of_index, e->value_of_index, 256) == 0 &&
               memcmp(a->index_of_value, e->index_of_value, 256) == 0 && memcmp(a->decoding, e->decoding, 256) == 0 &&
               memcmp(a->enc_bits, e->enc_bits, sizeof a->enc_bits) == 0 &&
               memcmp(a->next_victim, e->next_victim, sizeof a->next_victim) == 0 &&
               memcmp(a->band_count, e->band_count, sizeof a->band_count) == 0 && a->recalc == e->recalc &&
               a->next_recalc == e->next_recalc;
    }
    return same;
}

/* One stream: returns its packets (*npk) and how many were checked. */
static int diff_stream(rng *r, unsigned pow2, unsigned defaults, pkt_t *pk, int *npk, unsigned long *bytes_out)
{
    static pbuf b;
    static uint8_t trial[1 << 21];
    ref_v3 ref, probe;
    ica_v3 x;
    int checked = 0;
    ref_v3_init(&ref, pow2, defaults, NULL, NULL);
    CHECK_EQ_INT(ica_v3_init(&x, pow2, defaults, NULL, NULL), 0);
    CHECK_EQ_INT(ica_v3_memory(&x), 0);
    unsigned ncoders = 1 + rnd_to(r, defaults + 4);     /* more than the default shorten the history */
    while (ncoders > defaults && (ncoders - defaults) * MAX_CODER_SIZE >= ((1u << pow2) - HIST_START) / 2)
        ncoders--;
    uint8_t chans[6] = { 0x3f, 1, 2, 12, 21, 30 };
    *npk = 0;
    for (int n = 0; n < DIFF_PACKETS; n++) {
        pb_reset(&b);
        if (n == 0) {
            pb_hdr(&b, (const uint8_t[]){ 0xf8, 1, 0, (uint8_t)ncoders }, 4);
            for (unsigned i = 0; i < 6; i++)
                pb_hdr(&b, (const uint8_t[]){ 0xf8, 2, 1, chans[i], (uint8_t)rnd_to(r, ncoders) }, 5);
        }
        int nchunks = 1 + (int)rnd_to(r, 4), ncomp = 0;
        for (int k = 0; k < nchunks; k++) {
            uint8_t ch = chans[rnd_to(r, 6)];
            unsigned kind = rnd_to(r, 10);
            if (kind == 0) {        /* another coder for a channel */
                pb_hdr(&b, (const uint8_t[]){ 0xf8, 2, 1, ch, (uint8_t)rnd_to(r, ncoders) }, 5);
                continue;
            }
            if (kind <= 4) {        /* copy chunk, mostly through the compressor logic */
                uint32_t len = 1 + (rnd_to(r, 8) == 0 ? rnd_to(r, 6000) : rnd_to(r, 400));  /* (an empty copy last in a packet leaves its 2 header bytes: the container refuses that) */
                gen_text(r, b.data + b.nd, len);
                b.nd += len;
                pb_hdr(&b, (const uint8_t[]){ (uint8_t)(ch << 2 | 2) }, 1);
                pb_len(&b, len << 1 | (rnd_to(r, 5) != 0));
                continue;
            }
            /* compressed: a random bit string, cut to what the expander reads */
            uint32_t make = 1 + (rnd_to(r, 6) == 0 ? rnd_to(r, 3000) : rnd_to(r, 200));
            if (make > (1u << pow2) / 3)
                make = 1 + rnd_to(r, (1u << pow2) / 3);
            int ok = 0;
            for (int attempt = 0; attempt < 8 && !ok; attempt++) {
                size_t room = 8 * (size_t)make + 64, nd0 = b.nd, nh0 = b.nh;
                unsigned sparse = rnd_to(r, 3);
                for (size_t i = 0; i < room; i++) {
                    uint8_t v = (uint8_t)rnd(r);
                    b.data[nd0 + i] = sparse == 1 ? v & (uint8_t)rnd(r) & (uint8_t)rnd(r) : sparse == 2 ? v | (uint8_t)rnd(r) : v;
                }
                b.nd += room;
                pb_hdr(&b, (const uint8_t[]){ (uint8_t)(ch << 2 | 3) }, 1);
                pb_len(&b, make);
                size_t tl = pb_packet(&b, trial);
                const uint8_t *o;
                size_t on;
                ref_v3_clone(&probe, &ref);
                ref_v3_expand(&probe, trial, tl, &o, &on);
                ref_v3_free(&probe, NULL);
                b.nd = nd0;
                if (ref_nused > ncomp) {
                    b.nd += ref_used[ncomp];
                    ok = 1;
                    ncomp++;
                } else {
                    b.nh = nh0;
                }
            }
        }
        pkt_t *p = &pk[(*npk)++];
        p->bytes = malloc(b.nd + b.nh);
        p->len = pb_packet(&b, p->bytes);
        const uint8_t *o1, *o2;
        size_t n1, n2;
        int e1 = ref_v3_expand(&ref, p->bytes, p->len, &o1, &n1);
        int e2 = ica_v3_expand(&x, p->bytes, p->len, &o2, &n2);
        if (e1 != e2 || n1 != n2 || (n1 && memcmp(o1, o2, n1) != 0) || !same_state(&x, &ref)) {
            fprintf(stderr, "pow2 %u, packet %d: oracle %d (%zu bytes), compact %d (%zu bytes)%s\n", pow2, n, e1, n1,
                    e2, n2, same_state(&x, &ref) ? "" : ", states differ");
            unit_failed++;
            break;
        }
        checked++;
        *bytes_out += n1;
        if (e1) {
            printf("  pow2 %u: stream stopped at packet %d: %s\n", pow2, n, ica_v3_reason_str(e1));
            break;
        }
    }
    ref_v3_free(&ref, NULL);
    ica_v3_free(&x, NULL);
    return checked;
}

/* The same packets with bytes changed: the same result at every packet. */
static int diff_corrupt(rng *r, unsigned pow2, unsigned defaults, const pkt_t *pk, int npk)
{
    ref_v3 ref;
    ica_v3 x;
    int at = (int)rnd_to(r, (uint32_t)npk), errors = 0;
    ref_v3_init(&ref, pow2, defaults, NULL, NULL);
    ica_v3_init(&x, pow2, defaults, NULL, NULL);
    for (int n = 0; n < npk; n++) {
        uint8_t *p = malloc(pk[n].len + 1);
        memcpy(p, pk[n].bytes, pk[n].len);
        for (int k = 0; n >= at && pk[n].len && k < 1 + (int)rnd_to(r, 3); k++)
            p[rnd_to(r, (uint32_t)pk[n].len)] ^= (uint8_t)(1 + rnd_to(r, 255));
        const uint8_t *o1, *o2;
        size_t n1, n2;
        int e1 = ref_v3_expand(&ref, p, pk[n].len, &o1, &n1);
        int e2 = ica_v3_expand(&x, p, pk[n].len, &o2, &n2);
        free(p);
        if (e1 != e2 || n1 != n2 || (n1 && memcmp(o1, o2, n1) != 0) || !same_state(&x, &ref)) {
            fprintf(stderr, "corrupted from packet %d, pow2 %u, packet %d: oracle %d, compact %d\n", at, pow2, n, e1, e2);
            unit_failed++;
            break;
        }
        if (e1 && e1 != ICA_V3_ERR_STOPPED)
            errors++;
    }
    ref_v3_free(&ref, NULL);
    ica_v3_free(&x, NULL);
    return errors;
}

static void test_differential(void)
{
    static pkt_t pk[DIFF_PACKETS];
    static const unsigned pow2s[] = { 10, 11, 12, 13, 14, 16 };
    rng r = { 0x5eed0f1ca5ULL };
    unsigned long bytes = 0;
    int streams = 0, packets = 0, corrupt_errors = 0;
    unsigned wraps = 0;
    for (int round = 0; round < 3; round++) {
        for (unsigned i = 0; i < sizeof pow2s / sizeof pow2s[0]; i++) {
            unsigned defaults = rnd_to(&r, 2) ? ICA_V3_DEFAULT_CODERS_S2C : ICA_V3_DEFAULT_CODERS_C2S;
            int npk = 0;
            unsigned long before = ref_stat_wraps;
            packets += diff_stream(&r, pow2s[i], defaults, pk, &npk, &bytes);
            wraps += (unsigned)(ref_stat_wraps - before);
            streams++;
            for (int k = 0; k < 4; k++)
                corrupt_errors += diff_corrupt(&r, pow2s[i], defaults, pk, npk);
            for (int k = 0; k < npk; k++)
                free(pk[k].bytes);
        }
    }
    printf("differential: %d streams, %d packets, %lu bytes expanded alike; oracle took %lu strings, %lu one-byte "
           "matches (%lu in the compressor logic), %u wraps; corrupted copies: %d errors alike\n",
           streams, packets, bytes, ref_stat_strings, ref_stat_onebyte, ref_stat_re_onebyte, wraps, corrupt_errors);
    CHECK(packets > streams * DIFF_PACKETS / 2);
    CHECK(ref_stat_onebyte > 0);
    CHECK(ref_stat_re_onebyte > 0);
    CHECK(wraps > 100);
    CHECK(corrupt_errors > 0);
}

int main(void)
{
    test_container();
    test_hostile();
    test_real_session();
    test_differential();
    return unit_report();
}
