/* Basic key recovery (ica_keyfind.h) on synthetic encrypted WD streams:
 * the right key is found only after enough frames, never a wrong one, a
 * trial that starts inside a command restarts, and random bytes give up. */
#include <stdlib.h>
#include "unit.h"
#include "ica_keyfind.h"
#include "ica_basic.h"

/* Encrypt frames of plaintext with key k; the cipher starts mid-stream
 * (as if `skip` bytes had gone before) and frames are fed to kf. */
static int run(ica_keyfind *kf, uint8_t k, const uint8_t *const *frames, const size_t *lens, int n,
               int *accepted_at)
{
    ica_basic_state enc;
    ica_basic_init(&enc, k);
    uint8_t junk[37];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 7 + 3);
    ica_basic_encrypt(&enc, junk, sizeof junk);      /* the part never captured */
    ica_keyfind_init(kf, ICA_KEYFIND_PLAIN | ICA_KEYFIND_HT);
    int r = ICA_KEYFIND_PENDING;
    *accepted_at = -1;
    for (int i = 0; i < n; i++) {
        uint8_t buf[256];
        memcpy(buf, frames[i], lens[i]);
        ica_basic_encrypt(&enc, buf, lens[i]);
        r = ica_keyfind_frame(kf, buf, lens[i]);
        if (r >= 0) {
            *accepted_at = i;
            break;
        }
    }
    return r;
}

static void test_finds_the_key(void)
{
    /* client-style traffic: MOUSE0, SET_LED, REDISPLAY, VIRTUAL_WRITE1 */
    static const uint8_t f0[] = { 0x0d, 1, 0, 2, 0, 1 };                       /* anchor */
    static const uint8_t f1[] = { 0x0d, 5, 0, 6, 0, 1, 0x0d, 7, 0, 8, 0, 2 };
    static const uint8_t f2[] = { 0x30, 0x04, 0x0c, 0xaa, 0xbb, 0xcc };
    static const uint8_t f3[] = { 0x09, 0x0d, 9, 0, 9, 0, 4 };
    static const uint8_t f4[] = { 0x1c, 1, 0, 2, 0, 0x37, 0x01 };
    static const uint8_t f5[] = { 0x0a, 0x1e, 0x0a, 0x9e };
    const uint8_t *const fr[] = { f0, f1, f2, f3, f4, f5, f1, f2, f3, f4 };
    const size_t ln[] = { sizeof f0, sizeof f1, sizeof f2, sizeof f3, sizeof f4, sizeof f5,
                          sizeof f1, sizeof f2, sizeof f3, sizeof f4 };
    ica_keyfind kf;
    int at;
    const uint8_t keys[] = { 0xf4, 0x00, 0x42, 0xa7, 0xff };
    for (size_t i = 0; i < sizeof keys; i++) {
        int r = run(&kf, keys[i], fr, ln, 10, &at);
        CHECK_EQ_INT(r, keys[i]);
        /* never before the anchor + ICA_KEYFIND_MIN_FRAMES frames */
        CHECK(at >= ICA_KEYFIND_MIN_FRAMES);
        CHECK(ica_keyfind_run(&kf, keys[i], 0) >= ICA_KEYFIND_MIN_FRAMES);
        CHECK_EQ_INT(kf.result_ht, 0);
    }
}

/* The trial's first frame starts inside a VIRTUAL_WRITE2: every key may die
 * (or survive by chance); either way the result is the right key or none. */
static void test_restart_inside_a_command(void)
{
    static const uint8_t a[] = { 0x0d, 1, 0, 2, 0, 1 };
    static const uint8_t b[] = { 0x31, 0x40, 0x00, 0x09, 1, 2, 3, 4 };         /* 64-byte write begins */
    uint8_t tail[61];
    for (size_t i = 0; i < sizeof tail; i++)
        tail[i] = (uint8_t)(0x3d + i);                 /* bytes that are no commands of their own */
    static const uint8_t c[] = { 0x1c, 1, 0, 2, 0 };
    static const uint8_t d[] = { 0x09 };
    static const uint8_t e[] = { 0x37, 0x02, 0x0d, 1, 1, 1, 1, 1 };
    /* anchor a, then the trial starts at b's tail (we drop b from the feed by
     * encrypting it but not feeding it: emulated by putting it in the anchor) */
    uint8_t anchor[sizeof a + sizeof b];
    memcpy(anchor, a, sizeof a);
    memcpy(anchor + sizeof a, b, sizeof b);
    const uint8_t *const fr[] = { anchor, tail, c, d, e, c, d, e, c };
    const size_t ln[] = { sizeof anchor, sizeof tail, sizeof c, sizeof d, sizeof e, sizeof c, sizeof d,
                          sizeof e, sizeof c };
    ica_keyfind kf;
    int at;
    int r = run(&kf, 0x5c, fr, ln, 9, &at);
    /* the first tested frame is the tail of a command that began in the
     * anchor: the right key dies there, restarts, and is still found */
    CHECK_EQ_INT(r, 0x5c);
    CHECK(ica_keyfind_run(&kf, 0x5c, 0) < (unsigned)at + 1);
}

static void test_random_bytes_give_up(void)
{
    uint8_t frames[ICA_KEYFIND_MAX_FRAMES + 4][40];
    unsigned rnd = 12345;
    ica_keyfind kf;
    ica_keyfind_init(&kf, ICA_KEYFIND_PLAIN | ICA_KEYFIND_HT);
    int r = ICA_KEYFIND_PENDING;
    for (int i = 0; i < ICA_KEYFIND_MAX_FRAMES + 4; i++) {
        for (int j = 0; j < 40; j++) {
            rnd = rnd * 1103515245u + 12345u;
            frames[i][j] = (uint8_t)(rnd >> 16);
        }
        r = ica_keyfind_frame(&kf, frames[i], 40);
        CHECK(r < 0);
    }
    CHECK_EQ_INT(r, ICA_KEYFIND_FAILED);
    CHECK_EQ_INT(ica_keyfind_frame(&kf, frames[0], 0), ICA_KEYFIND_FAILED);
}

/* Frames with the high-throughput header: the key and the layout are found. */
static void test_finds_the_key_with_ht_header(void)
{
    static const uint8_t f0[] = { 0x00, 0x0d, 1, 0, 2, 0, 1 };                        /* anchor */
    static const uint8_t f1[] = { 0x18, 0x00, 0x64, 0x2a, 0x00, 0x0d, 5, 0, 6, 0, 1 };  /* bw + rtt */
    static const uint8_t f2[] = { 0x08, 0x23, 0x00, 0x30, 0x04, 0x0c, 0xaa, 0xbb, 0xcc };
    static const uint8_t f3[] = { 0x20, 0x09, 0x0d, 9, 0, 9, 0, 4 };
    static const uint8_t f4[] = { 0x00, 0x1c, 1, 0, 2, 0, 0x37, 0x01 };
    static const uint8_t f5[] = { 0x40, 0x0a, 0x1e, 0x0a, 0x9e };
    const uint8_t *const fr[] = { f0, f1, f2, f3, f4, f5, f1, f2, f3, f4 };
    const size_t ln[] = { sizeof f0, sizeof f1, sizeof f2, sizeof f3, sizeof f4, sizeof f5,
                          sizeof f1, sizeof f2, sizeof f3, sizeof f4 };
    ica_keyfind kf;
    int at;
    CHECK_EQ_INT(run(&kf, 0x6d, fr, ln, 10, &at), 0x6d);
    CHECK_EQ_INT(kf.result_ht, 1);
    CHECK(ica_keyfind_run(&kf, 0x6d, 1) >= ICA_KEYFIND_MIN_FRAMES);
}

int main(void)
{
    test_finds_the_key();
    test_restart_inside_a_command();
    test_finds_the_key_with_ht_header();
    test_random_bytes_give_up();
    return unit_report();
}
