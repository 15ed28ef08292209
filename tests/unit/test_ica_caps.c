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

/* Every layout the table holds: packed from offset 4, and the block sizes
 * the sources give (IcaCaps.h structures summed by hand; 16, 64 and 29 also
 * the sizes the HTML5 client writes for CHANNEL_MONITORING, TIME_ZONE and
 * WANSCALER_SUPPORT). */
static void test_cap_layouts(void)
{
    static const struct { uint16_t sig; unsigned full, min, n; } want[] = {
        { ICA_CAP_SEAMLESS, 8, 8, 1 }, { ICA_CAP_INTELLIMOUSE, 6, 6, 1 },
        { ICA_CAP_CHANNEL_MONITORING, 16, 16, 5 }, { ICA_CAP_REDRAW, 6, 6, 1 },
        { ICA_CAP_TIME_ZONE, 64, 64, 25 }, { ICA_CAP_COOKIE, 15, 7, 6 },
        { ICA_CAP_SERVER_VERSION, 10, 10, 3 }, { ICA_CAP_KEYBOARD_XKEYSYM, 5, 5, 1 },
        { ICA_CAP_CGP_PACKET_OVERHEAD, 14, 14, 3 }, { ICA_CAP_HIGH_THROUGHPUT, 12, 12, 3 },
        { ICA_CAP_SSL_PACKET_OVERHEAD, 6, 6, 1 }, { ICA_CAP_WD_CREDENTIAL_PASSING, 5, 5, 1 },
        { ICA_CAP_MAX_VIDEO, 9, 9, 2 }, { ICA_CAP_EUKS, 8, 8, 2 }, { ICA_CAP_MOUSE_BUTTON_SWAP, 5, 5, 1 },
        { ICA_CAP_CLIENT_TS_LICENSE_INFO, 12, 12, 1 }, { ICA_CAP_FARM_NAME, 10, 10, 3 },
        { ICA_CAP_DRIVE_MAPPING_ACCELERATION, 8, 8, 2 }, { ICA_CAP_INPUT_LOCALE, 8, 8, 1 },
        { ICA_CAP_LICENSED_FEATURES, 8, 8, 1 }, { ICA_CAP_CODEPAGE_UTF8, 6, 6, 1 },
        { ICA_CAP_WANSCALER_SUPPORT, 29, 29, 10 }, { ICA_CAP_DYNAMIC_VIRTUAL_CHANNELS, 8, 8, 2 },
        { ICA_CAP_EARLY_AUTHENTICATION, 6, 6, 1 }, { ICA_CAP_VIRTUAL_MAXIMUM, 6, 6, 1 },
        { ICA_CAP_CLIENT_SELFLOOP_CHECK, 12, 12, 3 }, { ICA_CAP_RTP_AUDIO_ICA, 8, 8, 2 },
        { ICA_CAP_SYSTEM_FLOW_CONTROL, 6, 6, 1 }, { ICA_CAP_DYNAMIC_TIME_ZONE, 68, 68, 27 },
        { ICA_CAP_BUFFER_RESIZE, 8, 8, 4 }, { ICA_CAP_NSAP_SUPPORTED, 34, 34, 12 },
    };
    CHECK_EQ_INT(ica_cap_layout_count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const ica_cap_layout *l = ica_cap_layout_find(want[i].sig);
        CHECK(l != NULL);
        if (!l)
            continue;
        CHECK_EQ_INT(l->nfields, want[i].n);
        CHECK_EQ_INT(ica_cap_layout_min(l), want[i].min);
        unsigned end = ICA_CAP_HEAD_LEN;
        for (unsigned k = 0; k < l->nfields; k++) {
            CHECK_EQ_INT(l->field[k].off, end);      /* packed, in wire order */
            end += l->field[k].size;
        }
        CHECK_EQ_INT(end, want[i].full);
    }
    /* every field name unique (they become ica.cap.<layout>.<field>), every layout name too */
    for (size_t i = 0; i < ica_cap_layout_count; i++) {
        const ica_cap_layout *l = &ica_cap_layouts[i];
        for (size_t j = i + 1; j < ica_cap_layout_count; j++)
            CHECK(strcmp(l->abbrev, ica_cap_layouts[j].abbrev) != 0 && l->sig != ica_cap_layouts[j].sig);
        for (unsigned k = 0; k < l->nfields; k++)
            for (unsigned m = k + 1; m < l->nfields; m++)
                CHECK(strcmp(l->field[k].abbrev, l->field[m].abbrev) != 0);
    }
    /* no layout: rendered by the dissector itself, head-only, or named without a layout */
    static const uint16_t none[] = { ICA_CAP_MTU, ICA_CAP_REDUCERS_SUPPORTED, ICA_CAP_PACKET_PRIORITY,
                                     ICA_CAP_LONG_UNICODE_USERNAME, ICA_CAP_EXTENDED_TERMINATE,
                                     ICA_CAP_MULTI_STREAM_ICA, ICA_CAP_WATERMARK, 24, ICA_CAP_FILE_STREAMING };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        CHECK(ica_cap_layout_find(none[i]) == NULL);
}

/* How much of a layout a block holds: short bodies, versions, trailing bytes. */
static void test_cap_layout_fit(void)
{
    const ica_cap_layout *cookie = ica_cap_layout_find(ICA_CAP_COOKIE);
    ica_cap_fit fit;
    ica_cap_layout_fit(cookie, 6, &fit);                /* less than version 1 */
    CHECK_EQ_INT(fit.short_body, 1);
    CHECK_EQ_INT(fit.n, 0);
    CHECK_EQ_INT(fit.end, ICA_CAP_HEAD_LEN);
    ica_cap_layout_fit(cookie, 7, &fit);                /* version 1: Version, MaxCookieSize */
    CHECK_EQ_INT(fit.short_body, 0);
    CHECK_EQ_INT(fit.n, 2);
    CHECK_EQ_INT(fit.end, 7);
    ica_cap_layout_fit(cookie, 10, &fit);               /* ACRTimeout, one byte of ACRUIFlags */
    CHECK_EQ_INT(fit.n, 3);
    CHECK_EQ_INT(fit.end, 9);
    ica_cap_layout_fit(cookie, 15, &fit);               /* version 2 */
    CHECK_EQ_INT(fit.n, 6);
    CHECK_EQ_INT(fit.end, 15);
    const ica_cap_layout *tz = ica_cap_layout_find(ICA_CAP_TIME_ZONE);
    ica_cap_layout_fit(tz, 64 + 12, &fit);              /* the HTML5 client's form: a name follows */
    CHECK_EQ_INT(fit.n, 25);
    CHECK_EQ_INT(fit.end, 64);
    ica_cap_layout_fit(tz, 63, &fit);
    CHECK_EQ_INT(fit.short_body, 1);
}

static size_t field_off(const ica_cap_layout *l, const char *abbrev)
{
    for (unsigned k = 0; k < l->nfields; k++)
        if (strcmp(l->field[k].abbrev, abbrev) == 0)
            return l->field[k].off;
    return 0;
}

/* TIME_ZONE names at oStandardName / oDaylightName, from the block's start. */
static void test_time_zone_names(void)
{
    const ica_cap_layout *tz = ica_cap_layout_find(ICA_CAP_TIME_ZONE);
    CHECK_EQ_INT(field_off(tz, "o_standard_name"), ICA_CAP_TZ_O_STANDARD_NAME);
    CHECK_EQ_INT(field_off(tz, "o_daylight_name"), ICA_CAP_TZ_O_DAYLIGHT_NAME);
    CHECK_EQ_INT(field_off(tz, "encoding_type"), ICA_CAP_TZ_ENCODING_TYPE);
    CHECK_EQ_INT(ica_cap_layout_min(tz), ICA_CAP_TZ_FIXED);
    uint8_t b[80] = { 0 };
    ica_cap_tz_names n;
    CHECK_EQ_INT(ica_cap_time_zone_names(b, ICA_CAP_TZ_FIXED - 1, &n), 0);
    b[ICA_CAP_TZ_O_STANDARD_NAME] = 64;
    b[ICA_CAP_TZ_ENCODING_TYPE] = 1;                 /* UTF-16LE */
    memcpy(b + 64, "U\0T\0C\0\0\0", 8);
    CHECK_EQ_INT(ica_cap_time_zone_names(b, 72, &n), 1);
    CHECK_EQ_INT(n.utf16, 1);
    CHECK_EQ_INT(n.standard.state, ICA_CAPSTR_AT);
    CHECK_EQ_INT(n.standard.off, 64);
    CHECK_EQ_INT(n.standard.len, 8);                 /* terminator included */
    CHECK_EQ_INT(n.daylight.state, ICA_CAPSTR_ABSENT);
    ica_cap_time_zone_names(b, 69, &n);              /* cut: "U T" and one byte */
    CHECK_EQ_INT(n.standard.len, 5);
    b[ICA_CAP_TZ_ENCODING_TYPE] = 0;                 /* ANSI: "U" then NUL */
    ica_cap_time_zone_names(b, 72, &n);
    CHECK_EQ_INT(n.standard.len, 2);
    b[ICA_CAP_TZ_O_DAYLIGHT_NAME] = 72;              /* at the block's end */
    ica_cap_time_zone_names(b, 72, &n);
    CHECK_EQ_INT(n.daylight.state, ICA_CAPSTR_BAD);
    b[ICA_CAP_TZ_O_DAYLIGHT_NAME] = 40;              /* inside the fixed part */
    ica_cap_time_zone_names(b, 72, &n);
    CHECK_EQ_INT(n.daylight.state, ICA_CAPSTR_BAD);
}

/* DYNAMIC_VIRTUAL_CHANNELS: Count DVC_BIND entries from Offset, chained by ByteCount. */
static void test_dvc_binds(void)
{
    const ica_cap_layout *dvc = ica_cap_layout_find(ICA_CAP_DYNAMIC_VIRTUAL_CHANNELS);
    CHECK_EQ_INT(field_off(dvc, "count"), ICA_CAP_DVC_COUNT);
    CHECK_EQ_INT(field_off(dvc, "offset"), ICA_CAP_DVC_OFFSET);
    CHECK_EQ_INT(ica_cap_layout_min(dvc), ICA_CAP_DVC_FIXED);
    uint8_t b[8 + 22 + 14] = { 44, 0, 31, 0, 2, 0, 8, 0,
                               22, 0, 'D', 'V', 'C', 0, 0, 0, 0, 0, 8, 0, 14, 0, 'C', 0, 'a', 0, 'm', 0, 0, 0,
                               14, 0, 'G', 'F', 'X', 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    ica_dvc_binds d;
    CHECK_EQ_INT(ica_cap_dvc_binds(b, ICA_CAP_DVC_FIXED - 1, &d), 0);
    CHECK_EQ_INT(ica_cap_dvc_binds(b, sizeof b, &d), 1);
    CHECK_EQ_INT(d.stop, ICA_DVC_COMPLETE);
    CHECK_EQ_INT(d.n, 2);
    CHECK_EQ_INT(d.bind[0].off, 8);
    CHECK_EQ_INT(d.bind[0].friendly_ok, 1);
    CHECK_EQ_INT(d.bind[0].o_friendly, 14);
    CHECK_EQ_INT(d.bind[1].off, 30);
    CHECK_EQ_INT(d.bind[1].friendly_ok, 0);
    CHECK_EQ_INT(d.stop_off, sizeof b);
    ica_cap_dvc_binds(b, sizeof b - 1, &d);          /* the second entry cut */
    CHECK_EQ_INT(d.stop, ICA_DVC_TRUNCATED);
    CHECK_EQ_INT(d.n, 1);
    b[8] = 200;                                      /* ByteCount beyond the block */
    ica_cap_dvc_binds(b, sizeof b, &d);
    CHECK_EQ_INT(d.stop, ICA_DVC_BAD_ENTRY);
    CHECK_EQ_INT(d.n, 0);
    CHECK_EQ_INT(d.stop_off, 8);
    b[8] = 22;
    b[20] = 16;                                      /* oFriendlyName + cb past the entry */
    ica_cap_dvc_binds(b, sizeof b, &d);
    CHECK_EQ_INT(d.bind[0].friendly_ok, 0);
    b[6] = 4;                                        /* Offset inside the fixed part */
    ica_cap_dvc_binds(b, sizeof b, &d);
    CHECK_EQ_INT(d.stop, ICA_DVC_OUTSIDE);
    b[4] = 0;                                        /* Count 0: nothing to read */
    ica_cap_dvc_binds(b, sizeof b, &d);
    CHECK_EQ_INT(d.stop, ICA_DVC_COMPLETE);
    CHECK_EQ_INT(d.n, 0);
}

int main(void)
{
    test_dvc_binds();
    test_time_zone_names();
    test_cap_layouts();
    test_cap_layout_fit();
    test_packet_priority();
    test_caplist_find();
    test_caplist_parse();
    return unit_report();
}
