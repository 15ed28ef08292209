/* ica_v3.h - ICA reducer V3/V4 expander (ica-modern.md §6).  Epan-free.
 *
 * One expander per direction.  Input: one V3 packet (the payload of one
 * PDRFRAME frame after decryption and after the high-throughput header).
 * Output: ordinary WD bytes; virtual-channel chunks come out as rebuilt
 * PACKET_VIRTUAL_WRITE commands (0x2F/0x30/0x31, the count including the
 * channel byte).  Written from the public HTML5 client (V3Expander, V3Coder,
 * V3Reducer); see ica_v3.c for the wire format.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_ICA_V3_H
#define CITRIX_ICA_V3_H
#include <stddef.h>
#include <stdint.h>

/* Container layout (V3Expander): data chunks at the front, chunk headers
 * at the end, read backwards. */
#define ICA_V3_SPECIAL_TW   0x3d    /* ThinWire special channel (output as channel 9) */
#define ICA_V3_NULL_CHANNEL 0x3e    /* escape: a parameter count and a command follow */
#define ICA_V3_BASE_CHANNEL 0x3f    /* WD bytes that are not a virtual write */
#define ICA_V3_ESCAPE       (ICA_V3_NULL_CHANNEL << 2)

/* Escape commands */
enum {
    ICA_V3_CMD_DEFINE_CODERS = 0, ICA_V3_CMD_ASSIGN_CODER = 1, ICA_V3_CMD_INIT_TW = 2,
    ICA_V3_CMD_LIGHT_OBJECTS = 3, ICA_V3_CMD_HEAVY_OBJECTS = 4
};

/* History sizes accepted from the negotiation: 2^pow2 bytes per direction. */
#define ICA_V3_MIN_POW2 10
#define ICA_V3_MAX_POW2 22

/* Coders preallocated before the sender defines how many it uses (V3Expander's
 * server-to-client default; the client's compressor's own default).  More
 * coders than this shorten the history (V3Coder). */
#define ICA_V3_DEFAULT_CODERS_S2C 32
#define ICA_V3_DEFAULT_CODERS_C2S 4

typedef struct {
    uint8_t channel;        /* 6 bits */
    uint8_t completion;     /* bit 1 of the first header byte */
    uint8_t compressed;     /* bit 0 */
    uint8_t add_to_history; /* copy chunks: LSB of the length (run through the compressor logic) */
    uint8_t is_command;     /* escape (0xF8): command chunk, no data */
    uint8_t command;        /* escape command */
    uint8_t nparams;
    uint32_t params_off;    /* offset of the parameter bytes in the packet */
    uint32_t data_off;      /* offset of the chunk data in the packet */
    uint32_t data_len;      /* copy chunks: bytes; compressed chunks: bytes used (after expansion) */
    uint32_t out_len;       /* bytes the chunk makes (compressed: from its header) */
    uint32_t hdr_off;       /* lowest offset of this chunk's header bytes */
    uint32_t hdr_len;
} ica_v3_chunk;

/* Walk the headers of a packet whose compressed chunks cannot be expanded
 * (no history: mid-session, or after an error): copy chunks are found,
 * the walk stops at the first compressed chunk, whose data size only the
 * expander knows.  Returns the count (the last one may be that compressed
 * chunk, data_len 0), or -1 if a header does not fit or there are more
 * than max.  *complete is set when the chunks cover the packet exactly. */
int ica_v3_parse(const uint8_t *pkt, size_t len, ica_v3_chunk *chunks, int max, int *complete);

/* Without a history (a capture started mid-session): the packet's copy
 * chunks rebuilt as by ica_v3_expand, up to its first compressed chunk
 * (whose data size only an expander knows).  out must hold 3 * len + 16
 * bytes.  Returns 0, setting *complete when no compressed chunk was met
 * (the whole packet is in out), or an ica_v3_error. */
int ica_v3_copies(const uint8_t *pkt, size_t len, uint8_t *out, size_t *out_len, int *complete);

/* Why expansion stopped (ica_v3_reason_str gives the text). */
enum ica_v3_error {
    ICA_V3_OK = 0,
    ICA_V3_ERR_POW2,            /* history size from the negotiation refused */
    ICA_V3_ERR_NOMEM,
    ICA_V3_ERR_HEADER,          /* chunk header runs past the data before it */
    ICA_V3_ERR_LENGTH,          /* chunk length encoding longer than 3 bytes */
    ICA_V3_ERR_COPY_PAST,       /* copy chunk longer than the bytes left */
    ICA_V3_ERR_CONSUMED,        /* compressed chunk used more bytes than are left */
    ICA_V3_ERR_ESCAPE_PARAMS,   /* escape parameters run past the header */
    ICA_V3_ERR_DEFINE,          /* define-coders used twice or without its parameter */
    ICA_V3_ERR_CODER_COUNT,     /* more coders than the history can hold */
    ICA_V3_ERR_ASSIGN,          /* assign-coder without its two parameters */
    ICA_V3_ERR_CODER_RANGE,     /* coder number beyond the defined count */
    ICA_V3_ERR_TW_INIT,         /* ThinWire channel init: coders beyond the defined count */
    ICA_V3_ERR_NOT_DEFINED,     /* compressed data before the coders were defined */
    ICA_V3_ERR_UNDEFINED_CODER, /* compressed data on a channel with no coder */
    ICA_V3_ERR_WRAP,            /* chunk would run past the end of the history */
    ICA_V3_ERR_STRING_LENGTH,   /* string length encoding too long or beyond the maximum */
    ICA_V3_ERR_STRING_PAST,     /* string match reaches past the history */
    ICA_V3_ERR_TERMINATION,     /* chunk made a different number of bytes than announced */
    ICA_V3_ERR_TW_LEVEL,        /* ThinWire parser level above 2 */
    ICA_V3_ERR_TW_COMMAND,      /* unknown ThinWire command */
    ICA_V3_ERR_TW_OBJECT,       /* unknown ThinWire object or bitmap type */
    ICA_V3_ERR_TW_PARSE,        /* ThinWire object length does not match its content */
    ICA_V3_ERR_TOO_MUCH,        /* a chunk of more than 65,535 bytes */
    ICA_V3_ERR_OUTPUT,          /* packet expands to more than the history size */
    ICA_V3_ERR_COVER,           /* chunks do not cover the packet exactly */
    ICA_V3_ERR_STOPPED,         /* an earlier error stopped this direction */
    ICA_V3_ERR_LOST,            /* bytes of the direction were lost: the history is out of step */
    ICA_V3_ERR_NO_HISTORY,      /* capture started mid-session: compressed chunks need a history it does not hold */
    ICA_V3_ERR_ENDED,           /* bytes after the carrier saw the session end: the history was freed */
    ICA_V3_ERR_COUNT
};
const char *ica_v3_reason_str(int err);

typedef void *(*ica_v3_realloc_fn)(void *actx, void *ptr, size_t size);
typedef void (*ica_v3_free_fn)(void *actx, void *ptr);

typedef struct ica_v3_coder ica_v3_coder;

/* One direction.  Opaque fields; use the functions.
 *
 * Memory (ica_v3.c, "memory"): nothing large is allocated before the
 * direction's first chunk that needs the compressor state (a compressed
 * chunk, or a copy chunk run through the compressor logic).  The history is
 * then allocated as it fills (hist_cap of at most hist_alloc bytes), and
 * until the history first wraps the hash table holds positions only (as
 * many bits an entry as hist_cap needs; the context check bits and the
 * byte an entry carries are read from the history, which has not been
 * overwritten yet); at the first wrap it becomes the sender's 32-bit table.  A coder is
 * allocated when it is first used. */
typedef struct {
    ica_v3_realloc_fn realloc_fn;
    void *actx;
    int error;                  /* enum ica_v3_error; sticky */
    /* history and hash table */
    uint8_t *hist;
    uint32_t hist_alloc;        /* the most the history needs: 2^pow2 + 8 */
    uint32_t hist_cap;          /* allocated so far (0: no state yet) */
    uint32_t hist_len;          /* usable length (2^pow2 - 4, less extra coders) */
    uint32_t hist_mask;
    uint32_t head, match;
    int32_t string_len;         /* -1: not in a string */
    uint8_t in_string;          /* for the compressor logic */
    uint8_t pow2;
    uint8_t *pos;               /* before the first wrap: position + 1 per entry, packed in pow2 bits
                                   (a position + 1 is below 2^pow2) */
    uint32_t *hash;             /* from the first wrap on: check bits | byte << 24 | position */
    uint32_t hash_mask, check_mask;
    uint8_t hash_shift;
    /* coders */
    ica_v3_coder **coders;      /* ncoders pointers, each made on first use */
    unsigned default_coders, ncoders, coders_made;
    uint8_t defined;
    uint8_t chan_coder[64];     /* coder + 1 per channel, 0 = none */
    uint8_t tw_base, tw_count, tw_level;
    uint8_t light_objects;
    /* bit reader of the chunk being expanded */
    const uint8_t *in;
    uint32_t in_pos, in_hi;
    uint32_t bits;
    int nbits;
    int32_t remaining;
    int fault;                  /* enum ica_v3_error raised inside a chunk */
    /* ThinWire parser */
    uint8_t tw_cmd, tw_obj, tw_bmp, tw_codec, tw_state, tw_color_bytes;
    int32_t tw_len, tw_sublen, tw_photo, tw_photo_carry;
    /* output of the last packet */
    uint8_t *out;
    uint32_t out_len, out_cap;
    /* statistics */
    uint32_t packets, chunks_compressed, chunks_copied, chunks_recompressed, escapes, wraps;
} ica_v3;

/* pow2 from the negotiation; default_coders ICA_V3_DEFAULT_CODERS_S2C or _C2S;
 * realloc_fn NULL means libc (then ica_v3_free(x, NULL) frees).
 * Returns 0, or an ica_v3_error (the expander is then stopped). */
int ica_v3_init(ica_v3 *x, unsigned pow2, unsigned default_coders, ica_v3_realloc_fn realloc_fn, void *actx);
/* Release the buffers through free_fn (NULL: libc when init had no
 * realloc_fn, else an allocator that frees by scope: only forgotten). */
void ica_v3_free(ica_v3 *x, ica_v3_free_fn free_fn);

/* Expand one packet.  Returns 0 with *out and *out_len (valid until the next
 * call), or an ica_v3_error; after an error every later call returns
 * ICA_V3_ERR_STOPPED and x->error keeps the first reason. */
int ica_v3_expand(ica_v3 *x, const uint8_t *pkt, size_t len, const uint8_t **out, size_t *out_len);

/* Bytes the expander holds now (history, hash table, coders, output). */
size_t ica_v3_memory(const ica_v3 *x);

/* For tests: hash table entry h as the sender's 32-bit entry (check bits |
 * byte << 24 | position), whichever form the table is in. */
uint32_t ica_v3_hash_entry(const ica_v3 *x, uint32_t h);

#endif
