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
    unsigned cmds[2];
} run_ctx;

static void on_event(void *vctx, const ica_event *ev)
{
    run_ctx *r = vctx;
    if (ev->type == ICA_EV_CMD)
        r->cmds[ev->dir]++;
    if (ev->type != ICA_EV_FRAME || !(ev->flags & ICA_FR_V3) || r->ngot >= MAX_FRAMES)
        return;
    if (ev->flags & ICA_FR_V3_FAILED) {
        fprintf(stderr, "frame %u: V3 expansion failed: %s\n", r->frame, ica_v3_reason_str(ev->v3_error));
        r->failed++;
    }
    item *g = &r->got[r->ngot], *pk = &r->packets[r->ngot];
    g->frame = pk->frame = r->frame;
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
    for (int i = 0; i < nin; i++) {
        r.frame = input[i].frame;
        ica_stream_feed(&st, (enum ica_dir)input[i].dir, input[i].bytes, input[i].len, on_event, &r);
    }
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
    /* WD commands the pipeline decoded from the expanded bytes (and the
     * handshake's, which are not counted as events) */
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
    CHECK_EQ_INT(x[ICA_S2C].tw_level, 2);
    CHECK(x[ICA_S2C].chunks_compressed > 0);
    CHECK(x[ICA_S2C].chunks_recompressed + x[ICA_C2S].chunks_recompressed > 0);
    printf("s2c: %u packets, %u compressed, %u copied (%u run through the compressor), %u escapes\n",
           x[1].packets, x[1].chunks_compressed, x[1].chunks_copied, x[1].chunks_recompressed, x[1].escapes);
    printf("c2s: %u packets, %u compressed, %u copied (%u run through the compressor), %u escapes\n",
           x[0].packets, x[0].chunks_compressed, x[0].chunks_copied, x[0].chunks_recompressed, x[0].escapes);
    for (int d = 0; d < 2; d++)
        ica_v3_free(&x[d], NULL);

    ica_stream_free(&st);
}

int main(void)
{
    test_real_session();
    return unit_report();
}
