/* Capability lists and PACKET_PRIORITY (ica_caps.h, ica-modern.md §4): the
 * priorities are read at the capability's start + PriorityOffset. */
#include "unit.h"
#include "ica_caps.h"

static void test_packet_priority(void)
{
    ica_cap_priority cp;
    /* offset 12: one pad byte after the fixed fields, then 3 priorities */
    const uint8_t padded[] = { 15, 0, 5, 0, 12, 0, 0, 0, 3, 0, 1, 0xee, 2, 1, 0 };
    CHECK_EQ_INT(ica_cap_packet_priority(padded, sizeof padded, &cp), 1);
    CHECK_EQ_INT(cp.offset, 12);
    CHECK_EQ_INT(cp.count, 3);
    CHECK_EQ_INT(cp.use_lowest, 1);
    CHECK_EQ_INT(cp.in_block, 1);
    CHECK_EQ_INT(padded[cp.offset], 2);             /* not the pad byte at the fixed +11 */
    /* offset 11: right after the fixed fields */
    const uint8_t packed[] = { 13, 0, 5, 0, 11, 0, 0, 0, 2, 0, 0, 3, 0 };
    CHECK_EQ_INT(ica_cap_packet_priority(packed, sizeof packed, &cp), 1);
    CHECK_EQ_INT(cp.in_block, 1);
    CHECK_EQ_INT(packed[cp.offset], 3);
    /* an offset or count past the block is flagged, never read */
    uint8_t lying[sizeof padded];
    memcpy(lying, padded, sizeof padded);
    lying[4] = 0xff;
    lying[7] = 0xff;                                /* offset 0xff0000ff */
    CHECK_EQ_INT(ica_cap_packet_priority(lying, sizeof lying, &cp), 1);
    CHECK_EQ_INT(cp.in_block, 0);
    memcpy(lying, padded, sizeof padded);
    lying[8] = 4;                                   /* 4 entries, 3 present */
    CHECK_EQ_INT(ica_cap_packet_priority(lying, sizeof lying, &cp), 1);
    CHECK_EQ_INT(cp.in_block, 0);
    memcpy(lying, padded, sizeof padded);
    lying[4] = 2;                                   /* inside the fixed fields */
    CHECK_EQ_INT(ica_cap_packet_priority(lying, sizeof lying, &cp), 1);
    CHECK_EQ_INT(cp.in_block, 0);
    /* the client's form: the head alone */
    const uint8_t head[] = { 4, 0, 5, 0 };
    CHECK_EQ_INT(ica_cap_packet_priority(head, sizeof head, &cp), 0);
}

static void test_caplist_find(void)
{
    const uint8_t list[] = { 0, 2, 4, 0, 4, 0, 5, 0, 6, 0, 2, 0, 3, 0 };
    const uint8_t *b;
    size_t bl;
    CHECK(ica_caplist_find(list, sizeof list, 2, &b, &bl));
    CHECK_EQ_INT(b - list, 8);
    CHECK_EQ_INT(bl, 6);
    CHECK(ica_caplist_find(list, sizeof list, 5, &b, &bl));
    CHECK_EQ_INT(bl, 4);
    CHECK(!ica_caplist_find(list, sizeof list, 16, &b, &bl));
    const uint8_t zero_len[] = { 0, 1, 4, 0, 0, 0, 16, 0 };
    CHECK(!ica_caplist_find(zero_len, sizeof zero_len, 16, &b, &bl));
    const uint8_t bad_first[] = { 0, 1, 0xff, 0xff, 4, 0, 16, 0 };
    CHECK(!ica_caplist_find(bad_first, sizeof bad_first, 16, &b, &bl));
}

/* One walk for the core and the dissector: blocks, and where and why it stops. */
static void test_caplist_parse(void)
{
    ica_caplist cl;
    const uint8_t list[] = { 1, 2, 4, 0, 4, 0, 5, 0, 6, 0, 2, 0, 3, 0 };
    ica_caplist_parse(list, sizeof list, &cl);
    CHECK_EQ_INT(cl.stop, ICA_CAPLIST_COMPLETE);
    CHECK_EQ_INT(cl.more, 1);
    CHECK_EQ_INT(cl.count, 2);
    CHECK_EQ_INT(cl.first, 4);
    CHECK_EQ_INT(cl.n, 2);
    CHECK_EQ_INT(cl.block[0].off, 4);
    CHECK_EQ_INT(cl.block[0].len, 4);
    CHECK_EQ_INT(cl.block[0].sig, 5);
    CHECK_EQ_INT(cl.block[1].off, 8);
    CHECK_EQ_INT(cl.block[1].len, 6);
    CHECK_EQ_INT(cl.block[1].sig, 2);
    CHECK_EQ_INT(cl.stop_off, sizeof list);
    ica_caplist_parse(list, 3, &cl);
    CHECK_EQ_INT(cl.stop, ICA_CAPLIST_SHORT);
    /* the second block's byteCount runs past the end */
    ica_caplist_parse(list, sizeof list - 1, &cl);
    CHECK_EQ_INT(cl.stop, ICA_CAPLIST_BAD_BLOCK);
    CHECK_EQ_INT(cl.n, 1);
    CHECK_EQ_INT(cl.stop_off, 8);
    CHECK_EQ_INT(cl.bad_len, 6);
    /* three blocks claimed, two present */
    uint8_t more[sizeof list];
    memcpy(more, list, sizeof list);
    more[1] = 3;
    ica_caplist_parse(more, sizeof more, &cl);
    CHECK_EQ_INT(cl.stop, ICA_CAPLIST_TRUNCATED);
    CHECK_EQ_INT(cl.n, 2);
    CHECK_EQ_INT(cl.stop_off, sizeof more);
    const uint8_t bad_first[] = { 0, 1, 0xff, 0xff, 4, 0, 16, 0 };
    ica_caplist_parse(bad_first, sizeof bad_first, &cl);
    CHECK_EQ_INT(cl.stop, ICA_CAPLIST_FIRST_OUTSIDE);
    CHECK_EQ_INT(cl.first, 0xffff);
    const uint8_t zero_len[] = { 0, 1, 4, 0, 0, 0, 16, 0 };
    ica_caplist_parse(zero_len, sizeof zero_len, &cl);
    CHECK_EQ_INT(cl.stop, ICA_CAPLIST_BAD_BLOCK);
    CHECK_EQ_INT(cl.n, 0);
    CHECK_EQ_INT(cl.bad_len, 0);
}

int main(void)
{
    test_packet_priority();
    test_caplist_find();
    test_caplist_parse();
    return unit_report();
}
