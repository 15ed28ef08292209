/* vc_cdm: CTXCDM message sizes from cdmwire's packed layouts (vc.md §4),
 * DOS date/time words, FINDSTRUCT fitting. */
#include "unit.h"
#include "vc_cdm.h"

#define SIZE(buf, n, want_cut, want_total) do { \
        uint32_t _t; \
        CHECK_EQ_INT(vc_cdm_size((buf), (n), &_t), (want_cut)); \
        if ((want_cut) == VC_CUT_OK) CHECK_EQ_INT(_t, (want_total)); \
    } while (0)

int main(void)
{
    /* OPEN, MpxId 1, PathNameSize 6, AccessMode 0, "C:\a.b", then the next message */
    static const uint8_t open[] = { 1, 1, 6, 0, 0, 0, 'C', ':', '\\', 'a', '.', 'b', 2, 2 };
    SIZE(open, sizeof open, VC_CUT_OK, 12);
    SIZE(open, 6, VC_CUT_OK, 12);               /* the size is known from the fixed part */
    SIZE(open, 5, VC_CUT_NEED_HEADER, 0);
    SIZE(open, 0, VC_CUT_NEED_HEADER, 0);
    /* OPEN_REPLY: 6 bytes */
    static const uint8_t open_reply[] = { 129, 1, 7, 0, 0, 0 };
    SIZE(open_reply, sizeof open_reply, VC_CUT_OK, 6);
    /* CLOSE 4, READ 10 */
    static const uint8_t close_[] = { 2, 3, 7, 0 };
    SIZE(close_, sizeof close_, VC_CUT_OK, 4);
    static const uint8_t read[] = { 3, 2, 7, 0, 0, 0, 0, 0, 0, 2 };
    SIZE(read, sizeof read, VC_CUT_OK, 10);
    /* READ_REPLY: 12 + ReturnSize (u16 at 8) */
    static const uint8_t read_reply[] = { 131, 2, 7, 0, 0, 0, 0, 0, 3, 0, 0, 0, 'x', 'y', 'z' };
    SIZE(read_reply, sizeof read_reply, VC_CUT_OK, 15);
    SIZE(read_reply, 11, VC_CUT_NEED_HEADER, 0);
    /* WRITE: 10 + WriteSize (u16 at 8); WRITE_REPLY 8 */
    static const uint8_t write[] = { 4, 4, 7, 0, 0, 0, 0, 0, 0x00, 0x01 };
    SIZE(write, sizeof write, VC_CUT_OK, 10 + 256);
    static const uint8_t write_reply[] = { 132, 4, 7, 0, 0, 1, 0, 0 };
    SIZE(write_reply, sizeof write_reply, VC_CUT_OK, 8);
    /* FINDFIRST_REPLY: 9 + BytesReturned (u16 at 4) */
    static const uint8_t ff_reply[] = { 133, 5, 9, 0, 20, 0, 0, 0, 1 };
    SIZE(ff_reply, sizeof ff_reply, VC_CUT_OK, 29);
    /* RENAME: 6 + old + new */
    static const uint8_t rename[] = { 13, 6, 3, 0, 4, 0 };
    SIZE(rename, sizeof rename, VC_CUT_OK, 13);
    /* the longest: RENAME with two 0xFFFF names */
    static const uint8_t rename_max[] = { 13, 6, 0xFF, 0xFF, 0xFF, 0xFF };
    SIZE(rename_max, sizeof rename_max, VC_CUT_OK, CDM_MAX_MESSAGE);
    /* CONNECT 18, CONNECT_REPLY 10, FINDFIRSTINDEX 9 + path */
    static uint8_t connect[18] = { 23, 0, 18, 0, 1, 0, 4, 0 };
    SIZE(connect, sizeof connect, VC_CUT_OK, 18);
    SIZE(connect, 17, VC_CUT_NEED_HEADER, 0);
    static const uint8_t connect_reply[] = { 151, 0, 0, 0, 1, 0, 10, 0, 3, 0 };
    SIZE(connect_reply, sizeof connect_reply, VC_CUT_OK, 10);
    static const uint8_t ffi[] = { 24, 1, 3, 0, 0, 4, 0, 0, 10 };
    SIZE(ffi, sizeof ffi, VC_CUT_OK, 12);
    /* FILELOCK_REPLY: the 6-byte structure, not cdmwire's sizeof_ 16 */
    static const uint8_t lock_reply[] = { 146, 1, 7, 0, 0, 0 };
    SIZE(lock_reply, sizeof lock_reply, VC_CUT_OK, 6);
    /* no size: VOLUMEINFO_REPLY (version-dependent), reserved 130/135/152/16, unknown 64, 200 */
    static const uint8_t vol_reply[] = { 150, 1, 0, 0 };
    SIZE(vol_reply, sizeof vol_reply, VC_CUT_REST, 0);
    static const uint8_t reserved[] = { 130, 135, 152, 16, 64, 200 };
    for (unsigned i = 0; i < sizeof reserved; i++)
        SIZE(&reserved[i], 1, VC_CUT_REST, 0);
    CHECK(vc_cdm_layout_of(CDM_NOTIFYCACHE_REQUEST + CDM_REPLY) != NULL);   /* NOTIFYCACHE (144) */
    CHECK(vc_cdm_layout_of(CDM_NOTIFYCACHE_REQUEST) == NULL);
    /* through a rule: the channel's bound applies */
    static const vc_len_rule rule = { VC_LEN_MEASURE, 0, 0, 0, 0, 100, vc_cdm_size };
    uint32_t t;
    CHECK_EQ_INT(vc_msg_size(&rule, write, sizeof write, &t), VC_CUT_TOO_LONG);
    CHECK_EQ_INT(t, 266);

    /* VOLUMEINFO_REPLY variants */
    uint8_t vol[40] = { 150, 1 };
    CHECK_EQ_INT(vc_cdm_volumeinfo_version(vol, 20), 1);
    CHECK_EQ_INT(vc_cdm_volumeinfo_version(vol, 24), 2);
    vol[24] = 5;
    CHECK_EQ_INT(vc_cdm_volumeinfo_version(vol, 33), 3);
    CHECK_EQ_INT(vc_cdm_volumeinfo_version(vol, 34), 0);
    CHECK_EQ_INT(vc_cdm_volumeinfo_version(vol, 21), 0);

    /* DOS date 2001-09-09 = (21 << 9) | (9 << 5) | 9; time 01:46:40 = (1 << 11) | (46 << 5) | 20 */
    vc_cdm_datetime dt;
    vc_cdm_dos_date((21 << 9) | (9 << 5) | 9, &dt);
    vc_cdm_dos_time((1 << 11) | (46 << 5) | 20, &dt);
    CHECK_EQ_INT(dt.year, 2001);
    CHECK_EQ_INT(dt.month, 9);
    CHECK_EQ_INT(dt.day, 9);
    CHECK_EQ_INT(dt.hour, 1);
    CHECK_EQ_INT(dt.minute, 46);
    CHECK_EQ_INT(dt.second, 40);
    CHECK(vc_cdm_datetime_valid(&dt));
    vc_cdm_dos_date(0, &dt);                    /* month 0 */
    CHECK(!vc_cdm_datetime_valid(&dt));

    /* FINDSTRUCT_LONG entries: 12 + short name (2) + long name (5), then one cut short */
    static const uint8_t find[] = { 0, 0, 0, 0, 1, 0, 0, 0, 0x20, 0, 2, 5, 'a', 'b', 'l', 'o', 'n', 'g', '!',
                                    0, 0, 0, 0, 1, 0, 0, 0, 0x20, 0, 2, 5, 'c' };
    size_t used;
    CHECK_EQ_INT(vc_cdm_find_fit(find, sizeof find, 2, 1, &used), 1);
    CHECK_EQ_INT(used, 19);
    CHECK_EQ_INT(vc_cdm_find_fit(find, 19, 1, 1, &used), 1);
    CHECK_EQ_INT(used, 19);
    /* the same bytes read as short FINDSTRUCTs (11 + NameSize at byte 10): 13, then 11 + 1 */
    CHECK_EQ_INT(vc_cdm_find_fit(find, sizeof find, 2, 0, &used), 2);
    CHECK_EQ_INT(used, 25);
    CHECK_EQ_INT(vc_cdm_find_fit(find, 5, 1, 0, &used), 0);
    CHECK_EQ_INT(used, 0);
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed != 0;
}
