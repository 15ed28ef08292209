/* packet-ica-int.h - what the ICA dissector's files share (private to the
 * plugin): the per-session and per-frame records built on the first pass,
 * the field/subtree/expert ids used by more than one layer, and the entry
 * points of each layer.
 *
 *   packet-ica.c            registration, preferences, TCP carrier, heuristics
 *   packet-ica-chunk.c      feeds the stream core, stores and renders records
 *   packet-ica-handshake.c  raw WD handshake (INIT_*, modules, capabilities)
 *   packet-ica-frame.c      PDRFRAME frames, PDCRYPT1, reducer status
 *   packet-ica-wd.c         WD commands and virtual-channel writes
 *   packet-ica-stats.c      -z ica,tree
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_PACKET_ICA_INT_H
#define CITRIX_PACKET_ICA_INT_H
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/stats_tree.h>
#include "ws_compat.h"
#include "ica_stream.h"
#include "ica_carrier.h"
#include "citrix_tap.h"
#include "seq_reorder.h"

/* ---- protocol, preferences, hand-offs (packet-ica.c) -------------------- */
extern int proto_ica;
extern int ica_tap;
extern dissector_handle_t tls_handle;
extern wsc_pref_bool_t pref_decrypt;
extern wsc_pref_bool_t pref_desegment;
extern wsc_pref_bool_t pref_recover_key;
extern guint pref_session_key;          /* 0 = none given (clients never pick 0) */

/* ---- ids shared by several layers (registered in packet-ica.c) ---------- */
extern int hf_ica_cmd;
extern int hf_ica_cmd_length;
extern int hf_ica_cmd_data;
extern int hf_ica_vc_name;
extern int hf_ica_vc_number;
extern int ett_ica_bits;
extern expert_field ei_ica_undecoded;
extern int hf_ica_encryption;     /* packet-ica-chunk.c */
extern const value_string compression_vals[];
extern const value_string encryption_vals[];     /* packet-ica-chunk.c */
extern const value_string product_id_vals[];
/* icaid.h: CLIENTID_FORCESERIALIZE_FLAG 0x4000 and CLIENTID_TERMINAL_FLAG 0x8000 ride on the id */
#define ICA_PRODUCT_ID_MASK 0x3FFF

/* WD command name from the core's table, "unknown" when it has none. */
const char *ica_cmd_label(guint8 code);

/* One ICA session (ica_carrier.h): the stream decoder and what is shown
 * once per session.  Not tied to a TCP conversation. */
struct ica_session {
    ica_stream st;
    const char *carrier;            /* ICA_CARRIER_* */
    char *label;                    /* "client:port -> server:port" for statistics */
    guint32 compressed_note_frame;  /* one expert note per session */
    guint32 mid_session_note_frame;
    gboolean seen_chunk;
    guint8 lost[2];                 /* ica_session_lose(): the next chunk of the direction shows the gap */
    struct ica_frame *last[2];      /* the last chunk record of each direction (first pass) */
    struct {                        /* first pass: the last frame of each direction whose WD bytes its */
        const struct ica_frame *fd; /* chunk record can rebuild alone (ica_cmd_ref_t), or fd NULL */
        guint32 rec;                /* its position in the packed records */
        guint32 buf_len;
        guint64 plain_off;
    } tail[2];
    guint32 last_num[2];            /* ... and its frame */
    guint32 end_frame;              /* ica_session_end(): the frame the carrier saw the end in, or 0 */
};

/* One thing the core reported while this chunk's bytes were fed.  Small
 * (44 bytes; one of these per frame and per WD command of a file): bytes
 * are referenced, as offsets into the chunk's tvb or into the chunk's WD
 * buffer, which is rebuilt for display from the wire bytes (decrypted
 * again from cipher_prev).  Only bytes that came in earlier chunks are
 * copied, into the chunk's store (ica_frame_t), at copy_off:
 *   wire unit (not CMD): copy_len = 0: all in the tvb at tvb_off;
 *     0 < copy_len < wire_len: the first copy_len bytes in the store, the
 *     rest at tvb_off; tvb_off = -1: all wire_len bytes in the store.
 *   CMD: copy_len = 0: all in the WD buffer at buf_off; 0 < copy_len <
 *     buf_len: the first copy_len bytes in the store, the rest in the WD
 *     buffer at buf_off; buf_off = -1: all buf_len bytes in the store.
 * Reducer output and frames the running cipher chain cannot rebuild are
 * kept (REGION_KEPT) in the chunk's kept buffer. */
enum { REGION_NONE, REGION_KEPT, REGION_CLEAR, REGION_BASIC };
typedef struct {
    guint8 type;
    guint8 dir;
    guint8 code;
    guint8 cipher_prev;             /* REGION_BASIC: cipher state before the payload */
    guint8 cmd_flags;               /* ICA_CMDF_* (ICA_EV_CMD) */
    guint8 region_src : 2;          /* FRAME: how its WD bytes come back (REGION_*) */
    guint8 region_is_plain : 1;
    guint8 decrypt_disabled : 1;
    guint8 ht_mark : 3;             /* HT_MARK_* */
    guint8 copy_is_ref : 1;         /* CMD: the store holds an ica_cmd_ref_t, not the copy_len bytes */
    guint8 ht_len;                  /* high-throughput header (ICA_EV_FRAME), 0 = none */
    guint8 ht_flags;
    gint16 crypt_hdr;
    guint16 frame_len;
    guint16 ht_rtt_ms;
    guint16 ht_bw_raw;
    guint32 flags;
    gint32 tvb_off;                 /* wire bytes in this chunk's tvb, or -1 */
    guint32 wire_len;
    gint32 buf_off;                 /* bytes in the chunk's WD buffer, or -1 */
    guint32 buf_len;
    guint32 copy_off;               /* bytes of earlier chunks in the chunk's store (copy_len of them) */
    guint32 copy_len;
} ica_rec_t;

#define HT_MARK_INFERRED 0x01       /* applied without its negotiation seen */
#define HT_MARK_SHORT    0x02       /* expected, frame too short for it */
#define HT_MARK_STORED   0x04       /* its bytes are in the WD buffer just ahead of the frame's (buf_off - ht_len) */

/* A command's first copy_len bytes by reference: the end of the WD bytes
 * of a frame stored whole in an earlier chunk's record, from off (a
 * command that spans frames usually starts in the frame before, which,
 * itself spanning segments, is stored anyway). */
typedef struct {
    const struct ica_frame *fd;
    guint32 rec;                    /* the frame record's position in the packed records */
    guint32 off;
} ica_cmd_ref_t;

/* Incomplete at the end of a chunk (ica_stream_partial), kept only when something is. */
typedef struct {
    guint32 unit_seen, unit_total, cmd_seen, cmd_total;
} ica_partial_rec_t;

/* What one chunk's bytes produced on the first pass: one allocation holding
 * this header, the records (packed: WD commands and stops in a short form,
 * packet-ica-chunk.c), then the store: the partial state (when
 * has_partial), the kept WD buffer (buf_len bytes, when has_kept) and the
 * copies. */
typedef struct ica_frame {
    guint8 dir;
    guint8 encryption;
    guint8 compression;
    guint8 gap : 1;
    guint8 not_reassembled : 1;
    guint8 first_of_session : 1;
    guint8 buf_decrypted : 1;       /* at least one region was decrypted */
    guint8 has_partial : 1;
    guint8 has_kept : 1;            /* REGION_KEPT regions at their offsets in a kept buffer */
    guint32 buf_len;                /* size of the chunk's WD buffer */
    guint32 nrecs;
    guint32 recs_len;               /* bytes of the packed records */
    guint8 data[];                  /* records, then the store */
} ica_frame_t;

/* The store after a chunk's records. */
static inline const guint8 *ica_frame_store(const ica_frame_t *fd)
{
    return fd->data + fd->recs_len;
}

/* ---- packet-ica-chunk.c ------------------------------------------------ */
void *ica_file_realloc(void *actx, void *ptr, size_t size);
/* Info column: one item per message, bounded. */
void ica_info_add(wmem_strbuf_t *info, const char *item);
/* The ICA protocol item with the direction; returns its subtree. */
proto_tree *ica_add_protocol_item(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint8 dir, proto_item **item);
void ica_register_chunk_fields(int proto, expert_module_t *expert);

/* ---- packet-ica-tcp.c: the TCP carrier ------------------------------- */
/* One TCP conversation carrying ICA (plain, or TLS on it: tls). */
typedef struct {
    ica_session *s;
    address server_addr;
    guint32 server_port;
    gboolean tls;                   /* TLS on this conversation: ICA comes from the TLS carrier */
    guint32 tls_note_frame;
    guint8 fin;                     /* first pass: 1 << dir for each direction whose FIN was seen */
    seq_reorder ro[2];              /* per direction */
    wmem_map_t *marks;              /* frame number -> what the frame shows (only frames that need it) */
} ica_tcp_conv;

ica_tcp_conv *ica_tcp_conv_find(packet_info *pinfo);
ica_tcp_conv *ica_tcp_conv_get(packet_info *pinfo, enum ica_phase start, gboolean sender_is_server,
                               const char *carrier);
enum ica_dir ica_tcp_dir(const ica_tcp_conv *conv, const packet_info *pinfo);
/* A TCP segment's payload handed to ICA by TCP (tcpi may be NULL). */
struct tcpinfo;
int ica_tcp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ica_tcp_conv *conv, struct tcpinfo *tcpi);
void ica_tcp_register(int proto, expert_module_t *expert);
void ica_tcp_register_prefs(module_t *module);
void ica_tcp_prefs_apply(void);
void ica_tcp_handoff(void);

/* ---- packet-ica-handshake.c -------------------------------------------- */
/* A raw WD packet of the handshake: type, u16 length, body. */
void ica_dissect_raw(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *info, guint16 flags);
void ica_register_handshake_fields(int proto, expert_module_t *expert);

/* ---- packet-ica-frame.c ------------------------------------------------- */
/* One PDRFRAME frame t; dec is the frame's decrypted/WD buffer (or NULL). */
void ica_dissect_frame(tvbuff_t *t, tvbuff_t *dec, packet_info *pinfo, proto_tree *tree, ica_session *s,
                       const ica_rec_t *r, guint8 compression, wmem_strbuf_t *info);
void ica_register_frame_fields(int proto, expert_module_t *expert);

/* ---- packet-ica-wd.c ---------------------------------------------------- */
/* One complete WD command t (code first), sent in direction dir (enum ica_dir). */
void ica_dissect_command(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, const ica_session *s, guint8 dir,
                         guint8 cmd_flags, wmem_strbuf_t *info);
void ica_register_wd_fields(int proto, expert_module_t *expert);

/* ---- packet-ica-stats.c ------------------------------------------------- */
void ica_stats_init(stats_tree *st);
tap_packet_status ica_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt, const void *p,
                                   tap_flags_t flags);

#endif
