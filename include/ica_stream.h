/* ica_stream.h - incremental ICA stream decoder (ica.md §3-§9, §12).
 *
 * Epan-free.  Feed one direction's bytes in arbitrary chunks (TCP segments,
 * CGP data, TLS-decrypted records); the decoder tracks the phase of each
 * direction (detect string, raw WD handshake, PDRFRAME+PDCRYPT1), the Basic
 * cipher state, the reducer, WD command reassembly across frames and the
 * session's virtual-channel bindings, and reports what it finds through a
 * callback.  Every length taken from the wire is bounded (at most one
 * PDRFRAME frame or one WD command is ever buffered per direction).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_STREAM_H
#define CITRIX_ICA_STREAM_H
#include <stddef.h>
#include <stdint.h>
#include "ica_basic.h"
#include "ica_reducer.h"
#include "ica_v3.h"
#include "ica_keyfind.h"
#include "ica_ht.h"
#include "ica_wd.h"

#define ICA_DETECT_LEN 6
extern const uint8_t ica_detect_string[ICA_DETECT_LEN];

#define ICA_MAX_VC 64           /* Virtual_Maximum; VC numbers >= 64 are counted in slot ICA_MAX_VC */
#define ICA_VC_NAME_LEN 8
#define ICA_CLIENT_NAME_MAX 64  /* UTF-8 bytes incl. NUL */

enum ica_dir { ICA_C2S = 0, ICA_S2C = 1 };

enum ica_phase {
    ICA_PHASE_SYNC,     /* capture started mid-session: looking for PDRFRAME alignment */
    ICA_PHASE_DETECT,   /* expecting the detect string */
    ICA_PHASE_RAW,      /* raw WD handshake packets */
    ICA_PHASE_FRAMED,   /* PDRFRAME (+ PDCRYPT1) */
    ICA_PHASE_LOST      /* framing lost: the rest of the direction is undecoded */
};

enum ica_encryption {
    ICA_ENC_UNKNOWN, ICA_ENC_NONE, ICA_ENC_BASIC, ICA_ENC_RC5, ICA_ENC_TLS
};

enum ica_compression {
    ICA_COMP_NONE,      /* reducer off for this direction */
    ICA_COMP_L1,        /* level 1, expanded */
    ICA_COMP_L2,        /* level 2 "Mark II": format not public */
    ICA_COMP_V3,        /* level 3/4 container: chunks shown, coder unknown */
    ICA_COMP_UNKNOWN,   /* other level, or level 1 that failed to expand */
    ICA_COMP_PDCOMP     /* PDCOMP bound: format not public */
};

/* PDRFRAME length word: the top two bits carry the channel priority and are
 * masked on every receive (ica-modern.md §4, H5). */
#define ICA_FRAME_LEN_MASK   0x3fff
#define ICA_FRAME_PRIO_SHIFT 14

/* PDCRYPT1 header byte values */
enum {
    ICA_CRYPT_NOT_ENCRYPTED = 0, ICA_CRYPT_ENCRYPTED = 1, ICA_CRYPT_PUBLICKEY = 2,
    ICA_CRYPT_SESSIONKEY = 4, ICA_CRYPT_OFF = 6, ICA_CRYPT_PERM = 7
};

enum ica_event_type {
    ICA_EV_DETECT,      /* the detect string */
    ICA_EV_RAW,         /* one raw WD handshake packet (type, u16 length, body) */
    ICA_EV_PADDING,     /* trailing zero bytes after a short handshake message (ignored) */
    ICA_EV_FRAME,       /* one PDRFRAME frame */
    ICA_EV_CMD,         /* one WD command, complete (possibly reassembled across frames) */
    ICA_EV_UNDECODED,   /* wire bytes that cannot be decoded */
    ICA_EV_WD_STOP      /* WD decoding of this direction stops here (unknown command) */
};

/* ICA_EV_FRAME flags */
#define ICA_FR_CRYPT_HDR    0x0001  /* a PDCRYPT1 header byte is present */
#define ICA_FR_ENCRYPTED    0x0002  /* payload is encrypted on the wire */
#define ICA_FR_DECRYPTED    0x0004  /* ... and was decrypted */
#define ICA_FR_NO_KEY       0x0008  /* encrypted, key not seen (mid-session) */
#define ICA_FR_OPAQUE       0x0010  /* RC5/SecureICA: cannot be decrypted passively */
#define ICA_FR_COMPRESSED   0x0020  /* reducer/PDCOMP output */
#define ICA_FR_EXPANDED     0x0040  /* reducer level 1 expanded */
#define ICA_FR_UNDECODABLE  0x0080  /* compressed with an unknown format, or expansion failed */
#define ICA_FR_PRIO_BITS    0x0100  /* top two length bits set: channel priority */
#define ICA_FR_BAD_HDR      0x0200  /* unknown PDCRYPT1 header value */
#define ICA_FR_CONTROL      0x0400  /* key exchange or CRYPT_OFF/PERM: no WD data */
#define ICA_FR_V3           0x0800  /* V3/V4 reducer container */
#define ICA_FR_RESYNC       0x1000  /* first frame after lost or skipped bytes: the Basic cipher state
                                       before it is unknown, so it is not decrypted (the next one is) */
#define ICA_FR_WD_RESUMED   0x2000  /* WD decoding resumed at this frame (its bytes parse as whole commands) */
#define ICA_FR_NO_CHAIN     0x4000  /* key known, but this frame's first byte depends on bytes never captured */
#define ICA_FR_KEY_RECOVERED 0x8000 /* the key was recovered at this frame (ica_keyfind.h) */
#define ICA_FR_REPLAY       0x10000 /* an earlier frame, decrypted now that the key is recovered */
#define ICA_FR_V3_PARTIAL   0x40000 /* no V3 history (mid-session): the copy chunks are shown, the
                                       compressed chunks are not (ev.v3_error) */
#define ICA_FR_V3_FAILED    0x20000 /* V3 expansion failed at this frame (ev.v3_error says why); the
                                       direction stops expanding, later frames carry the same reason */

/* ICA_EV_UNDECODED: why (ev.code) */
enum ica_undecoded_reason {
    ICA_UNDEC_OTHER = 0,        /* text before the detect string, bytes before mid-session alignment, lost */
    ICA_UNDEC_HANDSHAKE,        /* a raw handshake packet that does not parse: frames are searched for */
    ICA_UNDEC_FRAME_TOO_LONG,   /* a PDRFRAME length beyond the negotiated ICA buffer length */
    ICA_UNDEC_RESYNC            /* skipped while searching for the next plausible PDRFRAME frame */
};

/* Slack over the negotiated ICA buffer length before a PDRFRAME length is
 * called implausible: the PDCRYPT1 header byte and the high-throughput
 * header ride on top of the WD buffer (an allowance, not a documented size). */
#define ICA_FRAME_SLACK 16
/* A resync point needs this many consecutive plausible frames (or frames
 * exactly covering the bytes available). */
#define ICA_SYNC_FRAMES 3

/* ICA_EV_RAW flags */
#define ICA_RAW_COUNT_NOT_DOWN  0x0001  /* ModuleCount does not count down */
#define ICA_RAW_TOO_MANY        0x0002  /* handshake never completes: the direction is abandoned */

/* At most this many raw handshake packets per direction (ModuleCount is
 * one byte, so a real handshake has at most 256 modules). */
#define ICA_MAX_RAW_PACKETS 300

typedef struct {
    uint8_t type;           /* enum ica_event_type */
    uint8_t dir;            /* enum ica_dir */
    uint64_t wire_off;      /* offset in the direction's byte stream */
    uint32_t wire_len;
    const uint8_t *wire;    /* the whole unit (valid during the callback only) */
    /* ICA_EV_FRAME */
    uint32_t flags;         /* ICA_FR_* (ICA_EV_FRAME), ICA_RAW_* (ICA_EV_RAW) */
    int16_t crypt_hdr;      /* -1 when there is no header byte */
    uint16_t frame_len;     /* the length field (priority bits removed) */
    const uint8_t *decrypted;   /* payload after the header byte, decrypted; NULL if not available */
    uint32_t decrypted_len;
    uint8_t cipher_prev;        /* ICA_FR_DECRYPTED: Basic state (previous ciphertext byte) before the payload,
                                   so a caller can decrypt the frame's wire bytes again instead of keeping them */
    const uint8_t *plain;   /* WD bytes (decrypted and expanded); NULL when not decodable */
    uint32_t plain_len;
    uint64_t plain_off;     /* offset of plain / of the command in the direction's WD stream */
    /* ICA_EV_FRAME: high-throughput header (ica_ht.h) when ht_len > 0 */
    uint8_t ht_len;
    uint8_t ht_flags;
    uint8_t ht_inferred;    /* the header was applied without its negotiation seen */
    uint8_t ht_short;       /* header expected, frame too short for it */
    uint16_t ht_rtt_ms;     /* with ICA_HT_ROUND_TRIP_ESTIMATE */
    uint16_t ht_bw_raw;     /* with ICA_HT_BANDWIDTH_ESTIMATE */
    uint32_t ht_bw;         /* ... bytes per second */
    /* ICA_EV_FRAME with ICA_FR_V3 not expanded: enum ica_v3_error */
    uint8_t v3_error;
    /* ICA_EV_CMD */
    uint8_t code;
    uint8_t cmd_flags;      /* ICA_CMDF_* */
} ica_event;

/* ICA_EV_CMD cmd_flags: interrupted virtual writes (ica-modern.md §2, §3) */
#define ICA_CMDF_INTERRUPTED    0x01    /* the part of a command cut short by INTERRUPT_VIRTUAL_WRITE */
#define ICA_CMDF_JOINED         0x02    /* a virtual write rebuilt from its parts (plain = whole command) */
#define ICA_CMDF_RESUME_ORPHAN  0x04    /* RESUME_VIRTUAL_WRITE with no interrupted write on its channel */
#define ICA_CMDF_RESUME_PARTIAL 0x08    /* RESUME_VIRTUAL_WRITE that does not complete the write yet */
#define ICA_CMDF_RESUME_OVERRUN 0x10    /* RESUME_VIRTUAL_WRITE longer than the rest of the write */
#define ICA_CMDF_NOT_RESUMABLE  0x20    /* interrupted command that is no virtual write (dropped) */

/* Interrupted virtual writes kept per direction, waiting for their 0x43. */
#define ICA_MAX_INTERRUPTED 4

typedef void (*ica_event_cb)(void *ctx, const ica_event *ev);
typedef void *(*ica_realloc_fn)(void *actx, void *ptr, size_t size);
typedef void (*ica_free_fn)(void *actx, void *ptr);

/* Where the Basic key came from. */
enum ica_key_source {
    ICA_KEY_NONE, ICA_KEY_EXCHANGE, ICA_KEY_RECOVERED, ICA_KEY_MANUAL
};

/* Writes and payload bytes of one virtual channel, per direction. */
typedef struct ica_vc_count {
    uint64_t bytes[2];
    uint32_t writes[2];
} ica_vc_count;

/* What the handshake and the data said; read by statistics and triage. */
typedef struct {
    char client_name[ICA_CLIENT_NAME_MAX];
    uint8_t have_client_name;
    uint16_t client_build;
    uint8_t have_client_build;
    uint16_t client_product_id;
    uint8_t have_product_id;
    uint8_t init_request_level;
    uint8_t wd_version;             /* agreed in INIT_CONNECT WD; 0 = not seen */
    uint8_t pdrframe_version;       /* agreed; 0 = not seen */
    uint8_t seen_connect;           /* any INIT_CONNECT seen */
    uint8_t client_enc_level;       /* PDCRYPT_C2H EncryptionLevel; 0 = not seen */
    uint8_t offered_basic;          /* client offered PDCRYPT1 (Basic) */
    uint8_t offered_rc5;            /* client offered an RC5 PD (pdc0/40/56/128) */
    uint8_t pd_encrypt_bound, pd_compress_bound;
    uint8_t encryption;             /* enum ica_encryption */
    uint8_t session_key;
    uint8_t have_key;
    uint8_t key_source;             /* enum ica_key_source */
    uint16_t reducer_level;         /* WD_H2C ReducerVersion (0 with a history size = level 1) */
    uint16_t ica_buffer_len;        /* WD_H2C ICABufferLength; 0 = not seen */
    uint16_t max_packet_len;        /* HIGH_THROUGHPUT MaxICAPacketLength of the host's list; 0 = none */
    uint8_t pow2_agreed[2];         /* [ICA_C2S] = C2H_PowerOf2Agreed, [ICA_S2C] = H2C */
    uint8_t compression[2];         /* enum ica_compression per direction */
    uint8_t mid_session;            /* no handshake seen */
    uint8_t ht_state;               /* enum ica_ht_state */
    uint8_t ht_host_offered;        /* HIGH_THROUGHPUT in the host's INIT_REQUEST or INIT_CONNECT list */
    uint8_t ht_client_listed;       /* ... in the client's WD_C2H list */
    uint8_t ht_infer_tries;
    uint32_t ht_client_mask;        /* the client's supportMask */
    uint16_t ht_max_packet;         /* the client's MaxICAPacketLength */
    uint8_t vc_bound[ICA_MAX_VC];
    char vc_name[ICA_MAX_VC][ICA_VC_NAME_LEN];  /* NUL-terminated, trailing blanks removed */
    /* virtual-channel writes and payload bytes, only for channels written
     * to (a session uses a handful of the 65 slots): ica_vc_bytes() */
    uint8_t vc_slot[ICA_MAX_VC + 1];    /* channel -> 1 + index in vc_count, 0 = none yet */
    uint8_t n_vc_count, vc_count_cap;
    struct ica_vc_count *vc_count;      /* (realloc_fn) */
    uint32_t cmd_count[2][ICA_CMD_TABLE_SIZE];    /* commands with a length rule (ica_wd.h); no other code is counted */
    uint64_t plain_bytes[2];        /* WD bytes decoded */
    uint64_t undecoded_bytes[2];    /* wire bytes not decoded */
} ica_summary;

typedef struct {
    uint8_t phase;
    uint8_t crypt_mode;
    uint16_t raw_packets;
    int16_t last_module_count;  /* -1 before the first INIT_RESPONSE/INIT_CONNECT */
    uint8_t seen_detect;
    uint8_t wd_stopped;         /* WD bytes stopped parsing: resumes at a frame that parses */
    uint8_t resync;             /* bytes were lost or skipped: cipher state before the next frame unknown */
    uint8_t sync_reason;        /* enum ica_undecoded_reason of the bytes a resync search skips first */
    uint8_t expander_ok;
    uint64_t wire_off;          /* stream offset of the first pending byte */
    uint64_t plain_off;         /* WD stream offset of the first pending command byte */
    uint8_t *pend;              /* partial wire unit */
    size_t pend_len, pend_cap;
    uint8_t *cmd;               /* partial WD command */
    size_t cmd_len, cmd_cap;
    uint8_t *work;              /* decrypted payload */
    size_t work_cap;
    uint8_t *expanded;          /* reducer output */
    uint8_t *hist;              /* reducer history */
    ica_basic_state cipher;
    ica_expander expander;
    ica_v3 *v3;                 /* reducer V3/V4 expander, on the first V3 frame; released on error */
    uint8_t v3_error;           /* enum ica_v3_error: why this direction stopped expanding */
    uint8_t chain_known;        /* the cipher's previous-byte state is known */
    struct ica_keytrial *trial; /* key recovery in progress (mid-session only) */
    struct ica_ivw *ivw;        /* interrupted virtual writes (ICA_MAX_INTERRUPTED), on first need */
} ica_dir_state;

typedef struct {
    ica_dir_state d[2];
    ica_summary sum;
    ica_realloc_fn realloc_fn;  /* realloc(ptr, 0) is never called; memory is freed by ica_stream_free */
    void *actx;
    ica_free_fn free_fn;        /* optional (set after init): buffers not needed between feeds are released
                                   after each feed, so an idle session keeps none (many sessions per file) */
    uint8_t alloc_failed;
    uint8_t decrypt_disabled;   /* set by the caller: leave Basic-encrypted frames encrypted */
    uint8_t keyfind_disabled;   /* set by the caller: no key recovery (ica_keyfind.h) */
    uint8_t replaying;          /* internal: frames being replayed after a key recovery */
} ica_stream;

/* How a stream starts, from its first payload bytes. */
enum ica_probe {
    ICA_PROBE_NO,
    ICA_PROBE_DETECT,           /* detect string (or a prefix of it when the data is shorter) */
    ICA_PROBE_HANDSHAKE,        /* a well-formed raw INIT_* packet */
    ICA_PROBE_FRAMES            /* whole PDRFRAME frames exactly covering the data (weak: ports only) */
};
enum ica_probe ica_probe(const uint8_t *data, size_t len);

/* start: ICA_PHASE_DETECT (normal), ICA_PHASE_RAW (handshake already begun)
 * or ICA_PHASE_SYNC (mid-session).  realloc_fn NULL means libc realloc. */
void ica_stream_init(ica_stream *st, enum ica_phase start, ica_realloc_fn realloc_fn, void *actx);
/* Frees buffers obtained through libc realloc (no-op for custom allocators
 * that free by scope). */
void ica_stream_free(ica_stream *st);

/* Feed the next bytes of one direction; chunk ends matter only for the
 * padding rule of ica.md §3 (trailing zeros in the same chunk as a short
 * handshake message are ignored). */
void ica_stream_feed(ica_stream *st, enum ica_dir dir, const uint8_t *data, size_t len,
                     ica_event_cb cb, void *ctx);

/* A Basic key given by hand, used when the capture holds no
 * CRYPT_SESSIONKEY (mid-session): each direction's first encrypted frame
 * then only primes the cipher chain.  Call right after ica_stream_init. */
void ica_stream_set_key(ica_stream *st, uint8_t key);

/* The caller lost bytes of this direction (capture gap, reassembly off):
 * the pending partial unit and WD command are dropped; a framed direction
 * then searches for the next plausible PDRFRAME frame (ICA_PHASE_SYNC), a
 * direction still in the handshake is reported as undecoded. */
void ica_stream_lose(ica_stream *st, enum ica_dir dir);

/* The carrier saw the session end: both directions' reducer V3 expanders
 * (history, hash table, coders) and expansion buffers are freed now (with
 * a free function, or the libc default); V3 data fed later is not expanded
 * (v3_error ICA_V3_ERR_ENDED unless an earlier error stopped it). */
void ica_stream_end(ica_stream *st);

/* Bytes of a partial unit waiting for more data in this direction. */
size_t ica_stream_pending(const ica_stream *st, enum ica_dir dir);

/* What is incomplete in this direction right now: the wire unit (detect
 * string, raw packet or PDRFRAME frame) and the WD command being
 * reassembled.  *_total is 0 while the length field itself is incomplete. */
typedef struct {
    size_t unit_seen, unit_total;
    size_t cmd_seen, cmd_total;
} ica_partial;
void ica_stream_partial(const ica_stream *st, enum ica_dir dir, ica_partial *out);

/* Channel name from the session's VcBind table, else the legacy fixed
 * numbering (vrtlclss.h), else NULL. */
const char *ica_vc_name(const ica_summary *sum, unsigned channel, int *from_table);

/* Virtual-channel payload bytes and writes of a direction; channels >= 64
 * share slot ICA_MAX_VC. */
uint64_t ica_vc_bytes(const ica_summary *sum, enum ica_dir dir, unsigned channel);
uint32_t ica_vc_writes(const ica_summary *sum, enum ica_dir dir, unsigned channel);

/* Module-data helpers shared with the dissector. */

/* UTF-16LE (or ANSI when !utf16) NUL-terminated string at data[off] up to
 * end, converted to UTF-8 into out (always NUL-terminated, truncated). */
size_t ica_string_to_utf8(const uint8_t *data, size_t end, size_t off, int utf16, char *out, size_t out_size);

/* ---- handshake module layouts (ica.md §5.3-§5.4), parsed once ------------
 * The stream core learns from these structs and the dissector renders them:
 * every offset below is from the module's start (the first byte after the
 * raw WD packet's type and length), little-endian, packed.  Sources: the
 * RISC OS client (ica-c2h / ica-h2c), the Citrix VC SDK ica-c2h.h (UI_C2H
 * versions 5-8, TD_C2H v3). */

/* INIT_REQUEST: u8 request level, then (level 7 and later) a capability
 * list; the packet is at most 255 bytes (IcaCaps.h). */
#define ICA_INIT_REQUEST_LEVEL 0
#define ICA_INIT_REQUEST_CAPLIST 1
#define ICA_INIT_REQUEST_CAPS_LEVEL 7
#define ICA_INIT_REQUEST_MAX_LEVEL 16   /* the highest level the probe accepts */
#define ICA_INIT_REQUEST_MAX 255
#define ICA_RAW_HEAD_LEN 3              /* raw WD packet: u8 type, u16 length */

/* MODULE_C2H (36 bytes) */
#define ICA_MC2H_BYTE_COUNT 0       /* u16: the WD length */
#define ICA_MC2H_COUNT 2            /* u8 ModuleCount, counting down */
#define ICA_MC2H_CLASS 3            /* u8 ModuleClass */
#define ICA_MC2H_VERSION_L 4
#define ICA_MC2H_VERSION_H 5
#define ICA_MC2H_NAME 6             /* char[13] module file name */
#define ICA_MC2H_NAME_LEN 13
#define ICA_MC2H_HOST_NAME 19       /* char[9] host module name */
#define ICA_MC2H_HOST_NAME_LEN 9
#define ICA_MC2H_DATE 28            /* u16 DOS date */
#define ICA_MC2H_TIME 30            /* u16 DOS time */
#define ICA_MC2H_SIZE 32            /* u32 module size */
#define ICA_MC2H_LEN 36
/* MODULE_H2C (8 bytes) */
#define ICA_MH2C_BYTE_COUNT 0
#define ICA_MH2C_COUNT 2
#define ICA_MH2C_CLASS 3
#define ICA_MH2C_VERSION_L 4
#define ICA_MH2C_VERSION_H 5
#define ICA_MH2C_VERSION 6          /* u8 agreed version */
#define ICA_MH2C_LEN 8
#define ICA_MODULE_CLASS_MAX 9

enum ica_module_class {
    ICA_MODULE_UI = 0, ICA_MODULE_UI_EXT = 1, ICA_MODULE_WD = 2, ICA_MODULE_VD = 3, ICA_MODULE_PD = 4,
    ICA_MODULE_TD = 5
};
enum ica_pd_class { ICA_PDCLASS_FRAME = 9, ICA_PDCLASS_RELIABLE = 10, ICA_PDCLASS_ENCRYPT = 11, ICA_PDCLASS_COMPRESS = 12 };

typedef struct {
    uint16_t byte_count;
    uint8_t count, mclass, version_low, version_high;
    uint8_t version;                /* MODULE_H2C only */
} ica_module_head;
/* The header of a module of len bytes; 0 when len is below the header. */
int ica_module_c2h_parse(const uint8_t *m, size_t len, ica_module_head *out);
int ica_module_h2c_parse(const uint8_t *m, size_t len, ica_module_head *out);

/* UI_C2H: fixed fields by version (a field is read when the module holds
 * its group), strings at module-relative offsets in the variable part
 * (FixedLength on), scrambled when EncryptionLevel is 1. */
#define ICA_UI_FLAGS 36             /* u32 */
#define ICA_UI_KEYBOARD_LAYOUT 40   /* u32 */
#define ICA_UI_ENCRYPTION_LEVEL 44
#define ICA_UI_ENCRYPTION_SEED 45
#define ICA_UI_O_DOMAIN 46          /* six u16 offsets: domain, user, password, client dir, work dir, program */
#define ICA_UI_LPT 58               /* three u8 LPT, u8 port pairs */
#define ICA_UI_LPT_COUNT 3
#define ICA_UI_V1_LEN 64
#define ICA_UI_O_CLOUD_NAME 64
#define ICA_UI_CLIENT_BUILD 66
#define ICA_UI_O_CLIENT_NAME 68
#define ICA_UI_FIXED_LENGTH 70
#define ICA_UI_OFFSET_LENGTH 72
#define ICA_UI_V2_LEN 74
#define ICA_UI_O_CLIENT_LICENSE 74
#define ICA_UI_V3_LEN 76
#define ICA_UI_ENCODING_TYPE 76
#define ICA_UI_CODE_PAGE 78
#define ICA_UI_KEYBOARD_TYPE 80
#define ICA_UI_KEYBOARD_SUBTYPE 82
#define ICA_UI_FUNCTION_KEYS 83
#define ICA_UI_O_IME_FILE_NAME 84
#define ICA_UI_KEYBOARD_SUBTYPE2 86
#define ICA_UI_V4_LEN 88
#define ICA_UI_O_LAUNCHER 88        /* v5 */
#define ICA_UI_O_VERSION 90
#define ICA_UI_V5_LEN 92
#define ICA_UI_ICON_BPP 92          /* v7 */
#define ICA_UI_O_LAUNCH_REFERENCE 93
#define ICA_UI_V7_LEN 95
#define ICA_UI_O_FONT_SMOOTHING 95  /* v8 */
#define ICA_UI_V8_LEN 97

enum ica_ui_str {
    ICA_UI_DOMAIN, ICA_UI_USER, ICA_UI_PASSWORD, ICA_UI_CLIENT_DIR, ICA_UI_WORK_DIR, ICA_UI_INITIAL_PROGRAM,
    ICA_UI_CLOUD_NAME, ICA_UI_CLIENT_NAME, ICA_UI_CLIENT_LICENSE, ICA_UI_IME_FILE_NAME, ICA_UI_LAUNCHER,
    ICA_UI_VERSION, ICA_UI_LAUNCH_REFERENCE, ICA_UI_STR_COUNT
};
enum ica_str_state {
    ICA_STR_NONE,                   /* the offset field is not in the module */
    ICA_STR_ABSENT,                 /* offset 0 */
    ICA_STR_AT,                     /* a string at value, inside the variable part */
    ICA_STR_BAD                     /* an offset outside the variable part */
};
typedef struct {
    uint16_t field;                 /* where the offset word is */
    uint16_t value;                 /* the offset */
    uint8_t state;                  /* enum ica_str_state */
} ica_str_ref;
typedef struct {
    uint8_t enc_level, seed;
    uint8_t has_v2, has_v3, has_v4; /* the groups ending at ICA_UI_V2/V3/V4_LEN */
    uint8_t fixed_ok;               /* FixedLength within [ICA_UI_V1_LEN, module length] */
    uint16_t client_build, fixed, encoding;
    uint16_t v5_end;                /* end of the later-version fields FixedLength covers (ICA_UI_V4_LEN: none) */
    ica_str_ref str[ICA_UI_STR_COUNT];
} ica_ui_c2h;
/* 0 when the module is shorter than UI_C2H version 1 (ICA_UI_V1_LEN). */
int ica_ui_c2h_parse(const uint8_t *m, size_t len, ica_ui_c2h *out);

/* WD_C2H */
#define ICA_WDC2H_SERIAL 36         /* u32 */
#define ICA_WDC2H_DATE 40           /* u8 day, u8 month, u16 year */
#define ICA_WDC2H_TIME 44           /* u8 hour, minute, second, hundredths */
#define ICA_WDC2H_FLAGS 48          /* u32 */
#define ICA_WDC2H_TEXT_MODE_COUNT 52
#define ICA_WDC2H_TEXT_MODE_OFFSET 54
#define ICA_WDC2H_BUFFER_LENGTH 56
#define ICA_WDC2H_OUTBUF_COUNT_HOST 58
#define ICA_WDC2H_OUTBUF_COUNT_CLIENT 60
#define ICA_WDC2H_OUTBUF_DELAY_HOST 62
#define ICA_WDC2H_OUTBUF_DELAY_CLIENT 64
#define ICA_WDC2H_PRODUCT_ID 66
#define ICA_WDC2H_CLIENT_SERIAL 68  /* u32 */
#define ICA_WDC2H_V1_LEN 72
#define ICA_WDC2H_VCBIND_COUNT 72
#define ICA_WDC2H_VCBIND_OFFSET 74
#define ICA_WDC2H_VCBIND_END 76
#define ICA_WDC2H_C2H_POW2 76
#define ICA_WDC2H_H2C_POW2 77
#define ICA_WDC2H_H2C_MAX_NEW_DATA 78
#define ICA_WDC2H_REDUCER_VERSION 80
#define ICA_WDC2H_REDUCER_END 82
#define ICA_WDC2H_CAPLIST_LEN 82
#define ICA_WDC2H_CAPLIST_OFFSET 84
#define ICA_WDC2H_CAPLIST_END 86
#define ICA_TEXT_MODE_LEN 12        /* index, flags, columns, rows, res x/y, font x/y */
#define ICA_TEXT_MODE_MAX 256
#define ICA_VCBIND_LEN 10           /* char[8] name (7 + NUL, blank-padded), u16 channel */
#define ICA_VCBIND_CHANNEL 8
typedef struct {
    uint16_t product_id;
    uint16_t tm_count, tm_off, tm_n;        /* text modes announced / that fit */
    uint8_t has_vcbind, has_reducer, has_caplist;
    uint8_t caplist_ok;                     /* the list lies after the header, inside the module */
    uint16_t vc_count, vc_off, vc_n;        /* bindings announced / that fit */
    uint16_t cap_len, cap_off;
} ica_wd_c2h;
/* 0 when the module is shorter than WD_C2H version 1 (ICA_WDC2H_V1_LEN). */
int ica_wd_c2h_parse(const uint8_t *m, size_t len, ica_wd_c2h *out);
/* Binding i (< vc_n): its name (trailing blanks and NULs removed) and channel. */
void ica_vcbind_get(const uint8_t *m, const ica_wd_c2h *wd, unsigned i, char name[ICA_VC_NAME_LEN],
                    uint16_t *channel);

/* WD_H2C */
#define ICA_WDH2C_BUFFER_LENGTH 8
#define ICA_WDH2C_OUTBUF_COUNT_HOST 10
#define ICA_WDH2C_OUTBUF_COUNT_CLIENT 12
#define ICA_WDH2C_OUTBUF_DELAY_HOST 14
#define ICA_WDH2C_OUTBUF_DELAY_CLIENT 16
#define ICA_WDH2C_APP_SERVER_OFFSET 18
#define ICA_WDH2C_OEM_ID 20         /* char[4] ASCIIZ */
#define ICA_WDH2C_V1_LEN 24
#define ICA_WDH2C_WDFLAG 24
#define ICA_WDH2C_WDFLAG_END 26
#define ICA_WDH2C_C2H_POW2 26
#define ICA_WDH2C_H2C_POW2 27
#define ICA_WDH2C_C2H_MAX_NEW_DATA 28
#define ICA_WDH2C_REDUCER_LEVEL 30
#define ICA_WDH2C_REDUCER_END 32
#define ICA_WDH2C_CAPLIST_LEN 32
#define ICA_WDH2C_CAPLIST_OFFSET 34
#define ICA_WDH2C_CAPLIST_END 36
#define ICA_WDH2C_SERVER_CODE_PAGE 36   /* version 9 */
#define ICA_WDH2C_CODE_PAGE_END 38
#define ICA_WDH2C_CODE_PAGE_VERSION 9
typedef struct {
    uint16_t buffer_len, app_off;
    uint8_t app_state;                      /* enum ica_str_state of the app server name */
    uint8_t has_wdflag, has_reducer, has_caplist, has_code_page;
    uint8_t pow2_c2h, pow2_h2c;
    uint16_t reducer_level;
    uint16_t cap_len, cap_off;
    uint8_t caplist_ok;                     /* the list lies after the header, inside the module */
} ica_wd_h2c;
/* 0 when the module is shorter than WD_H2C version 1 (ICA_WDH2C_V1_LEN). */
int ica_wd_h2c_parse(const uint8_t *m, size_t len, uint8_t version, ica_wd_h2c *out);

/* PD_C2H / PD_H2C: u8 PdClass (3 bytes reserved), then in PD_C2H the class
 * data: EncryptionLevel (u8, Encrypt), MaxCompressDisable (u16, Compress),
 * three u32 timers (Reliable). */
#define ICA_PD_CLASS_LEN 4
#define ICA_PD_TIMER_COUNT 3
typedef struct {
    uint8_t pdclass;
    uint16_t data;                  /* class data offset (PD_C2H) */
    uint8_t has_enc_level, enc_level;
} ica_pd_module;
/* header = ICA_MC2H_LEN or ICA_MH2C_LEN; 0 when the class is absent. */
int ica_pd_parse(const uint8_t *m, size_t len, size_t header, ica_pd_module *out);

#endif
