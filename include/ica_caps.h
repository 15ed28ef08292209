/* ica_caps.h - capability lists (ica.md §5.6) and the capability bodies.
 * Epan-free.
 *
 *   CapabilityList: u8 moreData, u8 blockCount, u16 offsetToFirstBlock, blocks
 *   CAP_HEAD:       u16 byteCount (head included), u16 signature, body
 *   Bodies: the CAP_* structures of Citrix IcaCaps.h (1998-2015), packed
 *     little-endian (the Citrix WD marshals them field by field, wdwire.h;
 *     the HTML5 client writes TIME_ZONE as the packed 64 bytes, its string
 *     offsets counting from the block's start); WANSCALER_SUPPORT (30) from
 *     the HTML5 client's WanscalerSupport reader (five u8 version + u32
 *     flags pairs).  ica_cap_layouts lists every fixed layout, one row per
 *     member, named after the header's member names; ids the header names
 *     without a layout (35 MULTI_STREAM_ICA, 39 WATERMARK, 998) and the
 *     head-only ones (1, 9, 11, 12, 28) have none.  TIME_ZONE's names are
 *     read at their offsets (ica_cap_time_zone_names); the string offsets
 *     of DYNAMIC_TIME_ZONE, CLIENT_SELFLOOP_CHECK and FARM_NAME are shown as
 *     numbers only (no source shows what they count from on the wire).
 *     DYNAMIC_VIRTUAL_CHANNELS points (Offset, from the block's start) at
 *     Count DVC_BIND entries, each "u16 ByteCount (the entry and its
 *     friendly name), char[8] StaticChannelName, u16 cbFriendlyName, u16
 *     oFriendlyName (from the entry's start, UTF-16)", one after the other
 *     (ica_cap_dvc_binds).
 *   PACKET_PRIORITY (5): u32 PriorityOffset, u16 ArrayLength, u8
 *     fUseLowestPriority; the ArrayLength priorities (one byte per channel)
 *     start at the capability's start + PriorityOffset (the HTML5 client's
 *     PacketPriority reader; IcaCaps.h structure), not right after the
 *     fixed fields.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_CAPS_H
#define CITRIX_ICA_CAPS_H
#include <stddef.h>
#include <stdint.h>

/* Capability ids (IcaCaps.h CAPABILITY_*; 30 from the HTML5 client) */
#define ICA_CAP_MTU 1
#define ICA_CAP_REDUCERS_SUPPORTED 2
#define ICA_CAP_SEAMLESS 3
#define ICA_CAP_INTELLIMOUSE 4
#define ICA_CAP_PACKET_PRIORITY 5
#define ICA_CAP_CHANNEL_MONITORING 6
#define ICA_CAP_REDRAW 7
#define ICA_CAP_TIME_ZONE 8
#define ICA_CAP_LONG_UNICODE_USERNAME 9
#define ICA_CAP_COOKIE 10
#define ICA_CAP_PRT_BW_CTRL 11
#define ICA_CAP_TW2_CACHE_FIX 12
#define ICA_CAP_SERVER_VERSION 13
#define ICA_CAP_KEYBOARD_XKEYSYM 14
#define ICA_CAP_CGP_PACKET_OVERHEAD 15
#define ICA_CAP_HIGH_THROUGHPUT 16
#define ICA_CAP_SSL_PACKET_OVERHEAD 17
#define ICA_CAP_WD_CREDENTIAL_PASSING 18
#define ICA_CAP_MAX_VIDEO 19
#define ICA_CAP_EUKS 20
#define ICA_CAP_MOUSE_BUTTON_SWAP 21
#define ICA_CAP_CLIENT_TS_LICENSE_INFO 22
#define ICA_CAP_FARM_NAME 23
#define ICA_CAP_DRIVE_MAPPING_ACCELERATION 25
#define ICA_CAP_INPUT_LOCALE 26
#define ICA_CAP_LICENSED_FEATURES 27
#define ICA_CAP_EXTENDED_TERMINATE 28
#define ICA_CAP_CODEPAGE_UTF8 29
#define ICA_CAP_WANSCALER_SUPPORT 30
#define ICA_CAP_DYNAMIC_VIRTUAL_CHANNELS 31
#define ICA_CAP_EARLY_AUTHENTICATION 32
#define ICA_CAP_VIRTUAL_MAXIMUM 33
#define ICA_CAP_CLIENT_SELFLOOP_CHECK 34
#define ICA_CAP_MULTI_STREAM_ICA 35
#define ICA_CAP_RTP_AUDIO_ICA 36
#define ICA_CAP_SYSTEM_FLOW_CONTROL 37
#define ICA_CAP_DYNAMIC_TIME_ZONE 38
#define ICA_CAP_WATERMARK 39
#define ICA_CAP_BUFFER_RESIZE 40
#define ICA_CAP_NSAP_SUPPORTED 41
#define ICA_CAP_FILE_STREAMING 998
#define ICA_CAP_CONGESTION_MONITORING 999
#define ICA_CAP_HEAD_LEN 4
#define ICA_CAPLIST_HEAD_LEN 4      /* u8 moreData, u8 blockCount, u16 offsetToFirstBlock */
#define ICA_CAPLIST_MAX 255         /* blockCount is one byte */

/* One walk of a capability list, for the stream core (what it learns) and
 * the dissector (what it shows). */
enum ica_caplist_stop {
    ICA_CAPLIST_COMPLETE,           /* all blockCount blocks read */
    ICA_CAPLIST_SHORT,              /* shorter than the list head: no list */
    ICA_CAPLIST_FIRST_OUTSIDE,      /* offsetToFirstBlock below the head or beyond the list */
    ICA_CAPLIST_BAD_BLOCK,          /* a block's byteCount below its head or beyond the list (at stop_off) */
    ICA_CAPLIST_TRUNCATED           /* the list ends before blockCount blocks (at stop_off) */
};
typedef struct {
    uint32_t off;                   /* from the list's start */
    uint16_t len;                   /* byteCount, head included */
    uint16_t sig;
} ica_cap_block;
typedef struct {
    uint8_t more, count;
    uint16_t first;
    uint8_t stop;                   /* enum ica_caplist_stop */
    uint8_t n;                      /* blocks read */
    uint16_t bad_len;               /* ICA_CAPLIST_BAD_BLOCK: that byteCount */
    uint32_t stop_off;              /* where reading stopped (the end of the last block when complete) */
    ica_cap_block block[ICA_CAPLIST_MAX];
} ica_caplist;

void ica_caplist_parse(const uint8_t *list, size_t len, ica_caplist *out);
/* PACKET_PRIORITY fixed fields, from the block's start */
#define ICA_CAP_PRIORITY_OFFSET 4           /* u32 PriorityOffset */
#define ICA_CAP_PRIORITY_ARRAY_LENGTH 8     /* u16 ArrayLength */
#define ICA_CAP_PRIORITY_USE_LOWEST 10      /* u8 fUseLowestPriority */
#define ICA_CAP_PRIORITY_FIXED (ICA_CAP_HEAD_LEN + 7)

/* Find capability `sig` in a capability list of len bytes; every block
 * length is checked against the list.  Returns 1 and the block (head
 * included) when found. */
int ica_caplist_find(const uint8_t *list, size_t len, uint16_t sig, const uint8_t **block, size_t *block_len);

typedef struct {
    uint32_t offset;        /* PriorityOffset, from the capability's start */
    uint16_t count;         /* ArrayLength */
    uint8_t use_lowest;     /* fUseLowestPriority */
    uint8_t in_block;       /* the priorities lie inside the block */
} ica_cap_priority;

/* PACKET_PRIORITY block (head included) of blen bytes.  Returns 0 when the
 * block is only the head and its fixed fields are absent (the client's
 * form), else 1 with *out filled; out->in_block says whether
 * block[offset .. offset+count) may be read. */
int ica_cap_packet_priority(const uint8_t *block, size_t blen, ica_cap_priority *out);

/* ---- capability bodies as tables (IcaCaps.h CAP_* members) ------------ */

enum ica_cap_kind {
    ICA_CAPF_UINT,                  /* unsigned, shown decimal */
    ICA_CAPF_HEX,                   /* a mask or flags word */
    ICA_CAPF_INT,                   /* LONG: signed */
    ICA_CAPF_BYTES                  /* an array the header gives no meaning per element */
};
/* Value names the dissector attaches (the values the header defines). */
enum ica_cap_vals {
    ICA_CAPV_NONE,
    ICA_CAPV_SERVER_FAMILY,         /* SERVER_FAMILY_* */
    ICA_CAPV_TZ_MODE,               /* TIME_ZONE_MODE_* */
    ICA_CAPV_TZ_ENCODING,           /* TIME_ZONE EncodingType: 0 ANSI, 1 Unicode */
    ICA_CAPV_DTZ_ENCODING,          /* DYNAMIC_TIME_ZONE EncodingType: 0 UTF-8, 1 UTF-16 */
    ICA_CAPV_MOUSE_SWAP             /* CAP_MOUSE_BUTTON_* */
};
typedef struct {
    const char *abbrev;             /* ica.cap.<layout abbrev>.<abbrev>; "" = ica.cap.<layout abbrev> */
    const char *name;               /* the IcaCaps.h member name */
    uint8_t off;                    /* from the block's start (CAP_HEAD included) */
    uint8_t size;                   /* 1, 2, 4, or the array's bytes */
    uint8_t kind;                   /* enum ica_cap_kind */
    uint8_t vals;                   /* enum ica_cap_vals */
} ica_cap_field;
typedef struct {
    uint16_t sig;
    const char *abbrev;             /* ica.cap.<abbrev> */
    uint8_t min_len;                /* block length (head included) of the fields every version has;
                                     * 0: all the fields (ica_cap_layout_min) */
    uint8_t nfields;
    const ica_cap_field *field;     /* in wire order, packed */
} ica_cap_layout;

extern const ica_cap_layout ica_cap_layouts[];
extern const size_t ica_cap_layout_count;

/* The layout of capability `sig`, or NULL (no public layout, or one the
 * dissector renders itself: REDUCERS_SUPPORTED's bits, PACKET_PRIORITY). */
const ica_cap_layout *ica_cap_layout_find(uint16_t sig);

/* The shortest block (head included) that holds the layout's fixed fields. */
size_t ica_cap_layout_min(const ica_cap_layout *l);

/* TIME_ZONE (8) names: oStandardName and oDaylightName count from the
 * block's start (the HTML5 client writes its zone name right after the
 * 64 fixed bytes and points oStandardName there); NUL-terminated, UTF-16LE
 * when EncodingType is 1, else ANSI. */
#define ICA_CAP_TZ_O_STANDARD_NAME 16
#define ICA_CAP_TZ_O_DAYLIGHT_NAME 38
#define ICA_CAP_TZ_ENCODING_TYPE 60
#define ICA_CAP_TZ_FIXED 64
enum ica_cap_str_state { ICA_CAPSTR_ABSENT, ICA_CAPSTR_AT, ICA_CAPSTR_BAD };
typedef struct {
    uint16_t off, len;              /* len: up to and with the terminator, or to the block's end */
    uint8_t state;                  /* enum ica_cap_str_state */
} ica_cap_str;
typedef struct {
    ica_cap_str standard, daylight;
    uint8_t utf16;
} ica_cap_tz_names;
/* 0 when the block is shorter than the TIME_ZONE fixed part. */
int ica_cap_time_zone_names(const uint8_t *block, size_t blen, ica_cap_tz_names *out);

/* DYNAMIC_VIRTUAL_CHANNELS (31) and its DVC_BIND entries */
#define ICA_CAP_DVC_COUNT 4
#define ICA_CAP_DVC_OFFSET 6
#define ICA_CAP_DVC_FIXED 8
#define ICA_DVC_BIND_BYTE_COUNT 0
#define ICA_DVC_BIND_NAME 2         /* VIRTUALNAME: 7 characters + NUL */
#define ICA_DVC_BIND_NAME_LEN 8
#define ICA_DVC_BIND_CB_FRIENDLY 10
#define ICA_DVC_BIND_O_FRIENDLY 12
#define ICA_DVC_BIND_LEN 14
#define ICA_DVC_BIND_MAX 64         /* entries read; more are reported, not read */
enum ica_dvc_stop {
    ICA_DVC_COMPLETE,
    ICA_DVC_OUTSIDE,                /* Offset inside the fixed part or beyond the block */
    ICA_DVC_BAD_ENTRY,              /* an entry's ByteCount below the entry or beyond the block (at stop_off) */
    ICA_DVC_TRUNCATED,              /* the block ends before Count entries (at stop_off) */
    ICA_DVC_TOO_MANY                /* more than ICA_DVC_BIND_MAX entries */
};
typedef struct {
    uint16_t off, byte_count;       /* off from the block's start */
    uint16_t cb_friendly, o_friendly;
    uint8_t friendly_ok;            /* the name lies inside the entry, after its fixed part */
} ica_dvc_bind;
typedef struct {
    uint16_t count, first;
    uint8_t stop, n;                /* enum ica_dvc_stop; entries read */
    uint16_t stop_off;
    ica_dvc_bind bind[ICA_DVC_BIND_MAX];
} ica_dvc_binds;
/* 0 when the block is shorter than the DYNAMIC_VIRTUAL_CHANNELS fixed part. */
int ica_cap_dvc_binds(const uint8_t *block, size_t blen, ica_dvc_binds *out);

/* What of a layout a block of blen bytes (head included) holds. */
typedef struct {
    uint8_t short_body;             /* blen < min_len: no field decoded */
    uint8_t n;                      /* fields that lie wholly inside the block */
    uint16_t end;                   /* end of those fields (ICA_CAP_HEAD_LEN when none) */
} ica_cap_fit;
void ica_cap_layout_fit(const ica_cap_layout *l, size_t blen, ica_cap_fit *out);

#endif
