/* Unit tests for the epan-free TCP 2014 core: carrier signatures, inferred
 * length prefixes, running median and gap judgement. */
#include "unit.h"
#include "ccha_classify.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__})
#define C(s) ((const uint8_t *)(s))

static void test_carriers(void)
{
    /* first bytes of each direction in captures/ccha-*.pcap */
    CHECK_EQ_INT(ccha_classify(B(0x16, 0x03, 0x01, 0x01, 0x24, 0x01), 6), CCHA_CARRIER_TLS);
    CHECK_EQ_INT(ccha_classify(B(0x16, 0x03, 0x03, 0x00, 0x7a, 0x02), 6), CCHA_CARRIER_TLS);
    CHECK_EQ_INT(ccha_classify(B(0x17, 0x03, 0x03, 0x00, 0x35), 5), CCHA_CARRIER_TLS);
    CHECK_EQ_INT(ccha_classify(B(0x15, 0x03, 0x03, 0x00, 0x02), 5), CCHA_CARRIER_TLS);
    CHECK_EQ_INT(ccha_classify(B(0x16, 0x03, 0x05, 0x00, 0x10), 5), CCHA_CARRIER_UNKNOWN);  /* version */
    CHECK_EQ_INT(ccha_classify(B(0x16, 0x03, 0x03, 0x48, 0x01), 5), CCHA_CARRIER_UNKNOWN);  /* 18433 */
    CHECK_EQ_INT(ccha_classify(B(0x16, 0x03, 0x03, 0x48, 0x00), 5), CCHA_CARRIER_TLS);      /* 18432 */
    CHECK_EQ_INT(ccha_classify(B(0x16, 0x03, 0x03, 0x00, 0x00), 5), CCHA_CARRIER_UNKNOWN);  /* empty */
    CHECK_EQ_INT(ccha_classify(B(0x16, 0x03, 0x03, 0x00), 4), CCHA_CARRIER_UNKNOWN);        /* short */

    CHECK_EQ_INT(ccha_classify(B(0x4a, 0x52, 0x4d, 0x49, 0x00, 0x02, 0x4b), 7), CCHA_CARRIER_RMI);
    CHECK_EQ_INT(ccha_classify(B(0x4a, 0x52, 0x4d, 0x49, 0x00, 0x01, 0x4c), 7), CCHA_CARRIER_RMI);
    CHECK_EQ_INT(ccha_classify(B(0x4a, 0x52, 0x4d, 0x49, 0x00, 0x03, 0x4b), 7), CCHA_CARRIER_UNKNOWN);
    CHECK_EQ_INT(ccha_classify(B(0x4a, 0x52, 0x4d, 0x49, 0x00, 0x02, 0x4e), 7), CCHA_CARRIER_UNKNOWN);
    CHECK_EQ_INT(ccha_classify(B(0x4a, 0x52, 0x4d, 0x49, 0x00, 0x02), 6), CCHA_CARRIER_UNKNOWN);
    /* the registry's ProtocolAck alone is too weak to name a carrier */
    CHECK_EQ_INT(ccha_classify(B(0x4e, 0x00, 0x09, 0x31), 4), CCHA_CARRIER_UNKNOWN);

    CHECK_EQ_INT(ccha_classify(B(0xac, 0xed, 0x00, 0x05), 4), CCHA_CARRIER_JAVA_SER);
    CHECK_EQ_INT(ccha_classify(B(0xac, 0xed, 0x00, 0x04), 4), CCHA_CARRIER_UNKNOWN);
    CHECK_EQ_INT(ccha_classify(B(0xac, 0xed, 0x00), 3), CCHA_CARRIER_UNKNOWN);

    /* MariaDB 10.11 greeting from ccha-mysql.pcap (first 16 bytes, payload 0x64) */
    const uint8_t greet[] = {0x64, 0x00, 0x00, 0x00, 0x0a, '5', '.', '5', '.', '5', '-', '1', '0', 0x00, 0x01, 0x02};
    CHECK_EQ_INT(ccha_classify(greet, sizeof greet), CCHA_CARRIER_MYSQL);
    CHECK_EQ_INT(ccha_classify(greet, 10), CCHA_CARRIER_UNKNOWN);                 /* no NUL yet */
    CHECK_EQ_INT(ccha_classify(B(0x64, 0x00, 0x00, 0x01, 0x0a, '5', 0), 7), CCHA_CARRIER_UNKNOWN); /* seq 1 */
    CHECK_EQ_INT(ccha_classify(B(0x64, 0x00, 0x00, 0x00, 0x09, '5', 0), 7), CCHA_CARRIER_UNKNOWN); /* proto 9 */
    CHECK_EQ_INT(ccha_classify(B(0x64, 0x00, 0x00, 0x00, 0x0a, 0x00, 0), 7), CCHA_CARRIER_UNKNOWN); /* empty */
    CHECK_EQ_INT(ccha_classify(B(0x64, 0x00, 0x00, 0x00, 0x0a, 0x07, 0), 7), CCHA_CARRIER_UNKNOWN); /* ctrl */
    CHECK_EQ_INT(ccha_classify(B(0x01, 0x10, 0x00, 0x00, 0x0a, '5', 0), 7), CCHA_CARRIER_UNKNOWN); /* 4097 */
    /* NUL must lie inside the announced payload */
    CHECK_EQ_INT(ccha_classify(B(0x03, 0x00, 0x00, 0x00, 0x0a, '5', '6', 0), 8), CCHA_CARRIER_UNKNOWN);

    CHECK_EQ_INT(ccha_classify(C("GET /index.html HTTP/1.1\r\n"), 26), CCHA_CARRIER_HTTP);
    CHECK_EQ_INT(ccha_classify(C("HTTP/1.0 200 OK\r\n"), 17), CCHA_CARRIER_HTTP);
    CHECK_EQ_INT(ccha_classify(C("OPTIONS * HTTP/1.1"), 18), CCHA_CARRIER_HTTP);
    CHECK_EQ_INT(ccha_classify(C("GETX / HTTP/1.1"), 15), CCHA_CARRIER_UNKNOWN);
    CHECK_EQ_INT(ccha_classify(C("GET"), 3), CCHA_CARRIER_UNKNOWN);
    CHECK_EQ_INT(ccha_classify(C("HTTP/2"), 6), CCHA_CARRIER_UNKNOWN);

    CHECK_EQ_INT(ccha_classify(NULL, 0), CCHA_CARRIER_UNKNOWN);
    CHECK_EQ_INT(ccha_classify(B(0xc7, 0x5a, 0xfc, 0xba), 4), CCHA_CARRIER_UNKNOWN);
    CHECK_EQ_STR(ccha_carrier_name(CCHA_CARRIER_UNKNOWN), "opaque");
    CHECK_EQ_STR(ccha_carrier_name(CCHA_CARRIER_JAVA_SER), "Java serialization");
}

static void test_needs_more(void)
{
    /* JRMI header one byte at a time: wait until all 7 bytes are there */
    const uint8_t jrmi[] = {0x4a, 0x52, 0x4d, 0x49, 0x00, 0x02, 0x4b};
    for (size_t n = 1; n < sizeof jrmi; n++)
        CHECK(ccha_classify_needs_more(jrmi, n));
    CHECK(!ccha_classify_needs_more(jrmi, sizeof jrmi));           /* decided: RMI */
    CHECK(!ccha_classify_needs_more(B(0x4a, 0x52, 0x4d, 0x49, 0x00, 0x03), 6));
    CHECK(!ccha_classify_needs_more(B(0x4a, 0x53), 2));
    /* TLS */
    CHECK(ccha_classify_needs_more(B(0x16), 1));
    CHECK(ccha_classify_needs_more(B(0x16, 0x03, 0x03, 0x48), 4));
    CHECK(!ccha_classify_needs_more(B(0x16, 0x03, 0x03, 0x49), 4));   /* > 18432 */
    CHECK(!ccha_classify_needs_more(B(0x16, 0x44), 2));   /* nor a MySQL length <= 4096 */
    /* Java serialization */
    CHECK(ccha_classify_needs_more(B(0xac, 0xed, 0x00), 3));
    CHECK(!ccha_classify_needs_more(B(0xac, 0xee), 2));
    /* MySQL greeting split inside the version string */
    const uint8_t greet[] = {0x64, 0x00, 0x00, 0x00, 0x0a, '5', '.', '5', 0x00};
    for (size_t n = 1; n < sizeof greet; n++)
        CHECK(ccha_classify_needs_more(greet, n));
    CHECK(!ccha_classify_needs_more(greet, sizeof greet));
    CHECK(!ccha_classify_needs_more(B(0x64, 0x11), 2));                /* length > 4096 */
    CHECK(!ccha_classify_needs_more(B(0x64, 0x00, 0x00, 0x01), 4));    /* sequence 1 */
    CHECK(!ccha_classify_needs_more(B(0x03, 0x00, 0x00, 0x00, 0x0a, '5', '6'), 7));  /* payload ended, no NUL */
    /* HTTP */
    CHECK(ccha_classify_needs_more(C("OPTIO"), 5));
    CHECK(ccha_classify_needs_more(C("HTTP/"), 5));
    CHECK(!ccha_classify_needs_more(C("GETX"), 4));
    /* opaque bytes decide at once; the window bounds any wait */
    CHECK(!ccha_classify_needs_more(B(0xc7, 0x5a), 2));
    CHECK(!ccha_classify_needs_more(NULL, 0));
    uint8_t longgreet[CCHA_CLASSIFY_WINDOW];
    memset(longgreet, 'a', sizeof longgreet);
    memcpy(longgreet, "\x00\x10\x00\x00\x0a", 5);
    CHECK(ccha_classify_needs_more(longgreet, CCHA_CLASSIFY_WINDOW - 1));
    CHECK(!ccha_classify_needs_more(longgreet, CCHA_CLASSIFY_WINDOW));
}

static void test_length_prefix(void)
{
    /* heartbeat record from ccha-heartbeat.pcap: 00000006 "beat 1" */
    const uint8_t beat[] = {0, 0, 0, 6, 'b', 'e', 'a', 't', ' ', '1'};
    CHECK_EQ_INT(ccha_lp_fits(beat, sizeof beat), 1u << CCHA_LP_U32BE_EXCL);
    CHECK_EQ_INT(ccha_lp_record_len(CCHA_LP_U32BE_EXCL, beat, sizeof beat), 10);
    CHECK_EQ_INT(ccha_lp_record_len(CCHA_LP_U32BE_EXCL, beat, 9), 0);     /* truncated */
    /* two u16-LE records in one write (ccha-lenprefix.pcap frame 6) */
    const uint8_t two[] = {0x0b, 0, 'b', 'r', 'a', 'v', 'o', '-', 'b', 'r', 'a', 'v', 'o', 0x01, 0x00, 'c'};
    CHECK_EQ_INT(ccha_lp_fits(two, sizeof two), 1u << CCHA_LP_U16LE_EXCL);
    CHECK_EQ_INT(ccha_lp_record_len(CCHA_LP_U16LE_EXCL, two, sizeof two), 13);
    CHECK_EQ_INT(ccha_lp_record_len(CCHA_LP_U16LE_EXCL, two + 13, 3), 3);
    /* prefix counting itself, u16 BE */
    const uint8_t incl[] = {0, 5, 'a', 'b', 'c', 0, 3, 'z'};
    CHECK_EQ_INT(ccha_lp_fits(incl, sizeof incl), 1u << CCHA_LP_U16BE_INCL);
    /* empty bodies never count as records */
    CHECK_EQ_INT(ccha_lp_fits(B(0, 0, 0, 0), 4), 0);
    CHECK_EQ_INT(ccha_lp_fits(B(0, 2, 0, 2), 4), 1u << CCHA_LP_U16BE_EXCL);  /* body 00 02 */
    /* random bytes (ccha-opaque.pcap first write starts c7 5a fc ba) */
    CHECK_EQ_INT(ccha_lp_fits(B(0xc7, 0x5a, 0xfc, 0xba, 0x50, 0xc4), 6), 0);
    CHECK_EQ_INT(ccha_lp_fits(NULL, 0), 0);
    CHECK_EQ_INT(ccha_lp_record_len(CCHA_LP_NONE, beat, sizeof beat), 0);
    /* u32 value that overflows size_t arithmetic must not wrap */
    CHECK_EQ_INT(ccha_lp_fits(B(0xff, 0xff, 0xff, 0xff, 1), 5), 0);
    CHECK_EQ_INT(ccha_lp_width(CCHA_LP_U16LE_INCL), 2);
    CHECK_EQ_INT(ccha_lp_width(CCHA_LP_U32LE_EXCL), 4);
    CHECK(ccha_lp_big_endian(CCHA_LP_U16BE_INCL));
    CHECK(!ccha_lp_big_endian(CCHA_LP_U32LE_INCL));
    CHECK_EQ_STR(ccha_lp_name(CCHA_LP_U16LE_EXCL), "u16 little-endian, prefix not counted");

    /* confirmation needs CCHA_LP_CONFIRM consecutive fitting messages */
    ccha_lp_state_t st;
    ccha_lp_init(&st);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_U32BE_EXCL);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_U32BE_EXCL);
    /* a misfit breaks the run; three more fits re-confirm */
    CHECK_EQ_INT(ccha_lp_update(&st, B(0xc7, 0x5a, 0xfc), 3), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_U32BE_EXCL);
    /* different framings in a row never confirm */
    ccha_lp_init(&st);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, two, sizeof two), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, beat, sizeof beat), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, incl, sizeof incl), CCHA_LP_NONE);
    /* the counted-prefix variant is tried as well */
    const uint8_t dual[] = {0, 4, 0, 0};
    CHECK_EQ_INT(ccha_lp_fits(dual, 4), 1u << CCHA_LP_U16BE_INCL);
    ccha_lp_init(&st);
    for (int i = 0; i < 2; i++)
        CHECK_EQ_INT(ccha_lp_update(&st, dual, 4), CCHA_LP_NONE);
    CHECK_EQ_INT(ccha_lp_update(&st, dual, 4), CCHA_LP_U16BE_INCL);
}

static void test_median(void)
{
    ccha_median_t m;
    int64_t v;
    ccha_median_init(&m);
    CHECK(!ccha_median_get(&m, &v));
    ccha_median_add(&m, 30);
    CHECK(ccha_median_get(&m, &v));
    CHECK_EQ_INT(v, 30);
    ccha_median_add(&m, 10);
    CHECK(ccha_median_get(&m, &v));
    CHECK_EQ_INT(v, 20);
    ccha_median_add(&m, 1000);
    CHECK(ccha_median_get(&m, &v));
    CHECK_EQ_INT(v, 30);
    ccha_median_add(&m, 11);
    CHECK(ccha_median_get(&m, &v));
    CHECK_EQ_INT(v, 20);   /* (11 + 30) / 2 rounded down */
    /* the window forgets: after 63 values of 5 the old ones are gone */
    for (int i = 0; i < CCHA_MEDIAN_WINDOW; i++)
        ccha_median_add(&m, 5);
    CHECK_EQ_INT(m.count, CCHA_MEDIAN_WINDOW);
    CHECK(ccha_median_get(&m, &v));
    CHECK_EQ_INT(v, 5);
    int64_t big[] = {INT64_MAX, INT64_MAX - 2};
    CHECK(ccha_median_of(big, 2, &v));
    CHECK_EQ_INT(v, INT64_MAX - 1);
    CHECK(!ccha_median_of(big, 0, &v));
}

static void test_gap(void)
{
    const ccha_gap_cfg_t cfg = {3, 2000000000};   /* 3 x median, floor 2 s */
    CHECK_EQ_INT(ccha_gap_threshold(&cfg, 200000000), 2000000000);
    CHECK_EQ_INT(ccha_gap_threshold(&cfg, 1000000000), 3000000000);
    CHECK_EQ_INT(ccha_gap_threshold(&cfg, INT64_MAX / 2), INT64_MAX);

    ccha_dir_t d;
    ccha_msg_t r;
    const int64_t ms = 1000000;
    ccha_dir_init(&d);
    ccha_dir_segment(&d, 0, true, &cfg, &r);
    CHECK(r.new_message);
    CHECK_EQ_INT(r.index, 1);
    CHECK(!r.has_interval);
    ccha_dir_segment(&d, 200 * ms, true, &cfg, &r);
    CHECK_EQ_INT(r.index, 2);
    CHECK(r.has_interval);
    CHECK_EQ_INT(r.interval_ns, 200 * ms);
    CHECK(!r.has_median);
    ccha_dir_segment(&d, 400 * ms, true, &cfg, &r);
    CHECK(r.has_median);
    CHECK_EQ_INT(r.median_ns, 200 * ms);
    CHECK(!r.judged);                       /* only 1 previous interval */
    ccha_dir_segment(&d, 600 * ms, true, &cfg, &r);
    CHECK(!r.judged);                       /* 2 previous intervals */
    /* 3 previous intervals: judged; 2.1 s exceeds the 2 s floor */
    ccha_dir_segment(&d, 2700 * ms, true, &cfg, &r);
    CHECK(r.judged);
    CHECK_EQ_INT(r.threshold_ns, 2000 * ms);
    CHECK_EQ_INT(r.interval_ns, 2100 * ms);
    CHECK(r.gap);
    CHECK_EQ_INT(d.gaps, 1);
    CHECK_EQ_INT(d.max_interval_ns, 2100 * ms);
    /* exactly the threshold is not a gap */
    ccha_dir_segment(&d, 4700 * ms, true, &cfg, &r);
    CHECK_EQ_INT(r.median_ns, 200 * ms);
    CHECK(!r.gap);
    /* segment without PSH: the next one continues the same message */
    ccha_dir_segment(&d, 4900 * ms, false, &cfg, &r);
    CHECK(r.new_message);
    CHECK_EQ_INT(r.index, 7);
    ccha_dir_segment(&d, 9900 * ms, true, &cfg, &r);
    CHECK(!r.new_message);
    CHECK_EQ_INT(r.index, 7);
    CHECK(!r.has_interval);
    CHECK(!r.gap);
    ccha_dir_segment(&d, 10000 * ms, true, &cfg, &r);
    CHECK(r.new_message);
    CHECK_EQ_INT(r.index, 8);
    CHECK_EQ_INT(r.interval_ns, 5100 * ms);
    CHECK(r.gap);
    CHECK_EQ_INT(d.messages, 8);
    CHECK_EQ_INT(d.gaps, 2);
}

int main(void)
{
    test_carriers();
    test_needs_more();
    test_length_prefix();
    test_median();
    test_gap();
    return unit_report();
}
