/* Basic cipher and UI descrambling against the bytes of the reference
 * capture (ica.md §6.3, §5.3 frame 12). */
#include "unit.h"
#include "ica_basic.h"

static void test_reference_first_bytes(void)
{
    ica_basic_state st;
    uint8_t c2s[] = { 0x0a };           /* frame 45 after the 01 header */
    uint8_t s2c[] = { 0x30 };           /* frame 41 first byte */
    ica_basic_init(&st, 0xf4);
    CHECK_EQ_INT(st.prev, 0xf7);
    ica_basic_decrypt(&st, c2s, 1);
    CHECK_EQ_INT(c2s[0], 0x09);         /* REDISPLAY */
    CHECK_EQ_INT(st.prev, 0x0a);
    ica_basic_init(&st, 0xf4);
    ica_basic_decrypt(&st, s2c, 1);
    CHECK_EQ_INT(s2c[0], 0x33);         /* SET_GRAPHICS */
}

/* Chaining across calls equals one call over the concatenation. */
static void test_chained_across_frames(void)
{
    uint8_t plain[300], whole[300], parts[300];
    ica_basic_state a, b;
    for (int i = 0; i < 300; i++)
        plain[i] = (uint8_t)(i * 7 + 3);
    memcpy(whole, plain, sizeof whole);
    ica_basic_init(&a, 0x5a);
    ica_basic_encrypt(&a, whole, sizeof whole);
    CHECK(memcmp(whole, plain, sizeof plain) != 0);
    memcpy(parts, whole, sizeof parts);
    ica_basic_init(&b, 0x5a);
    ica_basic_decrypt(&b, parts, 1);
    ica_basic_decrypt(&b, parts + 1, 0);
    ica_basic_decrypt(&b, parts + 1, 150);
    ica_basic_decrypt(&b, parts + 151, 149);
    CHECK_EQ_MEM(parts, plain, sizeof plain);
    CHECK_EQ_INT(b.prev, whole[299]);
}

static void test_ui_descramble_reference(void)
{
    uint8_t v[] = { 0x8c, 0x70, 0xfc, 0x00, 0x95, 0x69, 0xfe, 0x02, 0x9b, 0x67, 0x9b, 0x67 };
    const uint8_t spike[] = { 's', 0, 'p', 0, 'i', 0, 'k', 0, 'e', 0, 0, 0 };
    for (size_t i = 0; i < sizeof v; i++)
        CHECK_EQ_INT(ica_ui_descrambled_byte(v, i, 0xfc), spike[i]);
    ica_ui_descramble(v, sizeof v, 0xfc);
    CHECK_EQ_MEM(v, spike, sizeof spike);
    ica_ui_scramble(v, sizeof v, 0xfc);
    CHECK_EQ_INT(v[0], 0x8c);
    CHECK_EQ_INT(v[11], 0x67);
    ica_ui_descramble(NULL, 0, 1);      /* empty is a no-op */
    uint8_t one[] = { 0x43 ^ 'x' };
    ica_ui_descramble(one, 1, 0);
    CHECK_EQ_INT(one[0], 'x');
}

int main(void)
{
    test_reference_first_bytes();
    test_chained_across_frames();
    test_ui_descramble_reference();
    return unit_report();
}
