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
const char *ica_encryption_name(unsigned enc);
const char *ica_compression_name(unsigned comp);

/* UTF-16LE (or ANSI when !utf16) NUL-terminated string at data[off] up to
 * end, converted to UTF-8 into out (always NUL-terminated, truncated). */
size_t ica_string_to_utf8(const uint8_t *data, size_t end, size_t off, int utf16, char *out, size_t out_size);

#endif
