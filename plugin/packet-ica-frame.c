/* packet-ica-frame.c - Citrix ICA: PDRFRAME framing and PDCRYPT1 (Basic).
 *
 * Wire format (shared notes ica.md §6-§7, from the RISC OS ICA client's
 * pdrframe and pdcrypt1 sources, verified on the real 2001 capture):
 *   PDRFRAME: length (u16 LE; the top two bits carry the channel
 *     priority and are masked whatever PDRFRAME version was agreed, as the
 *     HTML5 client does, ica-modern.md §4), then that many bytes.
 *   PDCRYPT1, when bound: a header byte first (0 not encrypted, 1
 *     encrypted, 2 CRYPT_PUBLICKEY, 4 CRYPT_SESSIONKEY with the one-byte
 *     Basic key, 6 CRYPT_OFF, 7 CRYPT_PERM with 55 random bytes and a
 *     marker), then the payload, Basic-encrypted when the header says so.
 *   High-throughput header (ica-modern.md §2, from the HTML5 client's
 *     HighThroughputExtractor), when negotiated: after decryption and
 *     before the reducer, a flag byte (0x08 round-trip estimate, 0x10
 *     bandwidth estimate, 0x20 round-trip token, 0x40 time next packet,
 *     0x80 interrupt virtual write; 0x07 unnamed), then a u16 LE bandwidth
 *     estimate (bits 11-15 shift c, 0-10 mantissa m, bytes/s =
 *     ((m|0x800)<<20)>>c) and a u16 LE round trip in ms, each present when
 *     its flag is set.  Applied exactly when the handshake negotiated it,
 *     marked inferred when the handshake was not captured (ica_ht.h).
 *   Mid-session captures: the Basic key is recovered from the data
 *     (ica_keyfind.h) or given by preference; the frames the decision was
 *     taken on (and the other direction's so far) are shown again,
 *     decrypted, in the packet where the key was accepted: earlier packets
 *     may already be printed (single-pass tshark), so they are not patched.
 *   Reducer: level 1 is expanded by the core; level 2 and PDCOMP are not
 *     public and shown as compressed; V3/V4 containers show their chunk
 *     headers.
 * The core decrypts and expands on the first pass; this file renders one
 * frame from the stored record.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-int.h"
#include "ica_v3.h"
#include "ica_basic.h"
#include "ica_ht.h"

static int hf_ica_frame = -1;
static int hf_ica_frame_length = -1;
static int hf_ica_frame_priority = -1;
static int hf_ica_crypt_header = -1;
static int hf_ica_crypt_version = -1;
static int hf_ica_crypt_public_key = -1;
static int hf_ica_session_key = -1;
static int hf_ica_crypt_random = -1;
static int hf_ica_crypt_marker = -1;
static int hf_ica_encrypted_data = -1;
static int hf_ica_decrypted_data = -1;
static int hf_ica_compressed_data = -1;
static int hf_ica_expanded_length = -1;
static int hf_ica_v3_header = -1;
static int hf_ica_v3_channel = -1;
static int hf_ica_v3_completion = -1;
static int hf_ica_v3_compressed = -1;
static int hf_ica_v3_add_to_history = -1;
static int hf_ica_v3_length = -1;
static int hf_ica_v3_command = -1;
static int hf_ica_v3_params = -1;
static int hf_ica_v3_data = -1;
static int hf_ica_v3_error = -1;
static int hf_ica_ht = -1;
static int hf_ica_ht_flags = -1;
static int hf_ica_ht_flag_rtt = -1;
static int hf_ica_ht_flag_bw = -1;
static int hf_ica_ht_flag_rtt_token = -1;
static int hf_ica_ht_flag_time_next = -1;
static int hf_ica_ht_flag_interrupt = -1;
static int hf_ica_ht_flag_unnamed = -1;
static int hf_ica_ht_bandwidth_raw = -1;
static int hf_ica_ht_bandwidth_shift = -1;
static int hf_ica_ht_bandwidth_mantissa = -1;
static int hf_ica_ht_bandwidth = -1;
static int hf_ica_ht_rtt = -1;
static int hf_ica_ht_inferred = -1;
static int hf_ica_key_recovered = -1;
static int hf_ica_key_source = -1;
static int hf_ica_frame_replayed = -1;
static int ett_ica_frame = -1;
static int ett_ica_v3 = -1;
static int ett_ica_ht = -1;
static int ett_ica_ht_bw = -1;
static expert_field ei_ica_encrypted = EI_INIT;
static expert_field ei_ica_no_key = EI_INIT;
static expert_field ei_ica_resync_cipher = EI_INIT;
static expert_field ei_ica_wd_resumed = EI_INIT;
static expert_field ei_ica_decrypt_off = EI_INIT;
static expert_field ei_ica_compressed = EI_INIT;
static expert_field ei_ica_expand_failed = EI_INIT;
static expert_field ei_ica_prio_bits = EI_INIT;
static expert_field ei_ica_bad_crypt_hdr = EI_INIT;
static expert_field ei_ica_ht_inferred = EI_INIT;
static expert_field ei_ica_ht_short = EI_INIT;
static expert_field ei_ica_ht_unnamed = EI_INIT;
static expert_field ei_ica_key_recovered = EI_INIT;
static expert_field ei_ica_no_chain = EI_INIT;
static expert_field ei_ica_replayed = EI_INIT;
static expert_field ei_ica_v3_failed = EI_INIT;
static expert_field ei_ica_v3_stopped = EI_INIT;

/* ica_v3_reason_str() by value, filled at registration */
static value_string v3_error_vals[ICA_V3_ERR_COUNT + 1];

static const value_string crypt_header_vals[] = {
    { ICA_CRYPT_NOT_ENCRYPTED, "CRYPT_NOT_ENCRYPTED" }, { ICA_CRYPT_ENCRYPTED, "CRYPT_ENCRYPTED" },
    { ICA_CRYPT_PUBLICKEY, "CRYPT_PUBLICKEY" }, { ICA_CRYPT_SESSIONKEY, "CRYPT_SESSIONKEY" },
    { ICA_CRYPT_OFF, "CRYPT_OFF" }, { ICA_CRYPT_PERM, "CRYPT_PERM" }, { 0, NULL }
};

static const value_string v3_command_vals[] = {
    { 0, "DEFINE_NR_OF_CODERS" }, { 1, "ASSIGN_CODER_TO_CHANNEL" }, { 2, "INIT_SPECIAL_THINWIRE_CHANNEL" },
    { 3, "light-weight object compression" }, { 4, "heavy-weight object compression" }, { 0, NULL }
};

static const value_string key_source_vals[] = {
    { ICA_KEY_NONE, "none" }, { ICA_KEY_EXCHANGE, "CRYPT_SESSIONKEY" }, { ICA_KEY_RECOVERED, "recovered" },
    { ICA_KEY_MANUAL, "preference" }, { 0, NULL }
};

/* ---- high-throughput header (ica-modern.md §2) -------------------------- */

static void dissect_ht(tvbuff_t *dec, packet_info *pinfo, proto_tree *ft, const ica_rec_t *r)
{
    static int *const flags[] = { &hf_ica_ht_flag_interrupt, &hf_ica_ht_flag_time_next, &hf_ica_ht_flag_rtt_token,
                                  &hf_ica_ht_flag_bw, &hf_ica_ht_flag_rtt, &hf_ica_ht_flag_unnamed, NULL };
    static int *const bw_parts[] = { &hf_ica_ht_bandwidth_shift, &hf_ica_ht_bandwidth_mantissa, NULL };
    if (r->ht_mark & HT_MARK_SHORT) {
        proto_tree_add_expert(ft, pinfo, &ei_ica_ht_short, dec, 0, 0);
        return;
    }
    /* the header's bytes are in the frame's buffer unless decoding of the direction stopped */
    tvbuff_t *t = (r->ht_mark & HT_MARK_STORED) && r->buf_off >= r->ht_len && dec
                  ? tvb_new_subset_length(dec, r->buf_off - r->ht_len, r->ht_len) : NULL;
    proto_item *hi = proto_tree_add_item(ft, hf_ica_ht, t, 0, t ? r->ht_len : 0, ENC_NA);
    proto_tree *ht = proto_item_add_subtree(hi, ett_ica_ht);
    guint off = 1;
    if (t)
        proto_tree_add_bitmask(ht, t, 0, hf_ica_ht_flags, ett_ica_bits, flags, ENC_NA);
    else
        proto_item_set_generated(proto_tree_add_uint(ht, hf_ica_ht_flags, NULL, 0, 0, r->ht_flags));
    if (r->ht_flags & ICA_HT_UNNAMED_BITS)
        expert_add_info(pinfo, hi, &ei_ica_ht_unnamed);
    if (r->ht_flags & ICA_HT_BANDWIDTH_ESTIMATE) {
        if (t)
            proto_tree_add_bitmask(ht, t, off, hf_ica_ht_bandwidth_raw, ett_ica_ht_bw, bw_parts, ENC_LITTLE_ENDIAN);
        proto_item_set_generated(proto_tree_add_uint(ht, hf_ica_ht_bandwidth, t, t ? off : 0, t ? 2 : 0,
                                                     ica_ht_bandwidth(r->ht_bw_raw)));
        off += 2;
    }
    if (r->ht_flags & ICA_HT_ROUND_TRIP_ESTIMATE) {
        proto_item *ri = proto_tree_add_uint(ht, hf_ica_ht_rtt, t, t ? off : 0, t ? 2 : 0, r->ht_rtt_ms);
        if (!t)
            proto_item_set_generated(ri);
    }
    if (r->ht_mark & HT_MARK_INFERRED) {
        proto_item *ii = proto_tree_add_boolean(ht, hf_ica_ht_inferred, t, 0, 0, TRUE);
        proto_item_set_generated(ii);
        expert_add_info(pinfo, ii, &ei_ica_ht_inferred);
    }
}

/* Key recovery and replayed frames (mid-session captures, ica_keyfind.h). */
static void dissect_key_state(tvbuff_t *t, packet_info *pinfo, proto_tree *ft, ica_session *s, const ica_rec_t *r)
{
    if (r->flags & ICA_FR_KEY_RECOVERED) {
        proto_item *ki = proto_tree_add_uint(ft, hf_ica_key_recovered, t, 0, 0, s->st.sum.session_key);
        proto_item_set_generated(ki);
        proto_item_set_generated(proto_tree_add_uint(ft, hf_ica_key_source, t, 0, 0, ICA_KEY_RECOVERED));
        expert_add_info_format(pinfo, ki, &ei_ica_key_recovered,
                               "Basic session key 0x%02x recovered from the data: it is the only key under which "
                               "the last %u frames parse as WD commands with no bytes left over",
                               s->st.sum.session_key, ICA_KEYFIND_MIN_FRAMES);
    }
    if (r->flags & ICA_FR_REPLAY) {
        proto_item *pi = proto_tree_add_boolean(ft, hf_ica_frame_replayed, t, 0, 0, TRUE);
        proto_item_set_generated(pi);
        expert_add_info(pinfo, pi, &ei_ica_replayed);
    }
}

/* ---- PDRFRAME frames (§6) ----------------------------------------------- */

static void dissect_v3(tvbuff_t *t, packet_info *pinfo, proto_tree *tree)
{
    guint len = tvb_reported_length(t);
    ica_v3_chunk chunks[64];
    const guint8 *p = tvb_get_ptr(t, 0, len);
    int complete = 0;
    int n = ica_v3_parse(p, len, chunks, 64, &complete);
    if (n < 0) {
        proto_tree_add_expert_format(tree, pinfo, &ei_ica_undecoded, t, 0, len,
                                     "V3 chunk headers do not fit the packet");
        return;
    }
    for (int i = 0; i < n; i++) {
        const ica_v3_chunk *c = &chunks[i];
        proto_tree *vt = proto_tree_add_subtree_format(tree, t, c->hdr_off, c->hdr_len, ett_ica_v3, NULL,
                                                       c->is_command ? "V3 command chunk" : "V3 chunk, channel %u",
                                                       c->channel);
        proto_tree_add_item(vt, hf_ica_v3_header, t, c->hdr_off, c->hdr_len, ENC_NA);
        if (c->is_command) {
            proto_tree_add_uint(vt, hf_ica_v3_command, t, c->hdr_off + c->nparams, 1, c->command);
            if (c->nparams)
                proto_tree_add_item(vt, hf_ica_v3_params, t, c->params_off, c->nparams, ENC_NA);
            continue;
        }
        proto_tree_add_uint(vt, hf_ica_v3_channel, t, c->hdr_off + c->hdr_len - 1, 1, c->channel);
        proto_tree_add_boolean(vt, hf_ica_v3_completion, t, c->hdr_off + c->hdr_len - 1, 1, c->completion);
        proto_tree_add_boolean(vt, hf_ica_v3_compressed, t, c->hdr_off + c->hdr_len - 1, 1, c->compressed);
        if (!c->compressed)
            proto_tree_add_boolean(vt, hf_ica_v3_add_to_history, t, c->hdr_off, c->hdr_len - 1, c->add_to_history);
        proto_tree_add_uint(vt, hf_ica_v3_length, t, c->hdr_off, c->hdr_len - 1, c->out_len);
        if (c->data_len)
            proto_tree_add_item(vt, hf_ica_v3_data, t, c->data_off, c->data_len, ENC_NA);
    }
}

/* A V3 frame not (wholly) expanded: why (the direction's first error, kept
 * by the core); a warning where it happened, a note on every later frame;
 * mid-session (no history) a note on every frame. */
static void add_v3_stop(tvbuff_t *t, packet_info *pinfo, proto_tree *ft, ica_session *s, const ica_rec_t *r)
{
    guint8 err = s->st.d[r->dir].v3_error;
    proto_item *vi = proto_tree_add_uint(ft, hf_ica_v3_error, t, 0, 0, err);
    proto_item_set_generated(vi);
    if (err == ICA_V3_ERR_NO_HISTORY)
        expert_add_info_format(pinfo, vi, &ei_ica_v3_stopped,
                               "Reducer V3: %s; copy chunks shown, compressed chunks not expanded",
                               ica_v3_reason_str(err));
    else if (err == ICA_V3_ERR_ENDED)
        expert_add_info_format(pinfo, vi, &ei_ica_v3_stopped,
                               "Not expanded: the carrier saw the session end in frame %u (its reducer V3 history "
                               "was freed)", s->end_frame);
    else if (r->flags & ICA_FR_V3_FAILED)
        expert_add_info_format(pinfo, vi, &ei_ica_v3_failed,
                               "Reducer V3 data could not be expanded (%s); this direction is not expanded from here on",
                               ica_v3_reason_str(err));
    else
        expert_add_info_format(pinfo, vi, &ei_ica_v3_stopped,
                               "Not expanded: reducer V3 expansion of this direction stopped at an earlier frame (%s)",
                               ica_v3_reason_str(err));
}

/* PDCRYPT1 header byte and the key-exchange bodies it introduces; returns
 * the offset of the payload, *what names a control frame. */
static guint add_crypt_header(tvbuff_t *t, packet_info *pinfo, proto_tree *ft, const ica_rec_t *r, const char **what)
{
    guint len = tvb_reported_length(t);
    guint off = 2;
    if (r->crypt_hdr < 0)
        return off;
    proto_item *hi = proto_tree_add_item(ft, hf_ica_crypt_header, t, off, 1, ENC_NA);
    if (r->flags & ICA_FR_BAD_HDR)
        expert_add_info(pinfo, hi, &ei_ica_bad_crypt_hdr);
    off++;
    switch (r->crypt_hdr) {
    case ICA_CRYPT_PUBLICKEY:
        *what = "CRYPT_PUBLICKEY";
        if (off < len) {
            proto_tree_add_item(ft, hf_ica_crypt_version, t, off, 1, ENC_NA);
            if (off + 1 < len)
                proto_tree_add_item(ft, hf_ica_crypt_public_key, t, off + 1, len - off - 1, ENC_NA);
        }
        off = len;
        break;
    case ICA_CRYPT_SESSIONKEY:
        *what = "CRYPT_SESSIONKEY";
        if (off < len)
            proto_tree_add_item(ft, hf_ica_crypt_version, t, off, 1, ENC_NA);
        if (off + 1 < len)
            proto_tree_add_item(ft, hf_ica_session_key, t, off + 1, 1, ENC_NA);
        off = len;
        break;
    case ICA_CRYPT_OFF:
        *what = "CRYPT_OFF";
        break;
    case ICA_CRYPT_PERM:
        *what = "CRYPT_PERM";
        break;
    }
    return off;
}

/* Whether the tree shows or a filter asks for an expanded frame's payload
 * as sent (rebuilt only then: it costs a copy and a decryption). */
static gboolean payload_wanted(proto_tree *ft)
{
    static int *const ids[] = {
        &hf_ica_decrypted_data, &hf_ica_v3_header, &hf_ica_v3_channel, &hf_ica_v3_completion,
        &hf_ica_v3_compressed, &hf_ica_v3_add_to_history, &hf_ica_v3_length, &hf_ica_v3_command,
        &hf_ica_v3_params, &hf_ica_v3_data,
    };
    for (guint i = 0; ft && i < G_N_ELEMENTS(ids); i++)
        if (proto_field_is_referenced(ft, *ids[i]))
            return TRUE;
    return FALSE;
}

/* An expanded frame keeps its WD bytes only.  Its payload as sent is
 * rebuilt for the tree from the wire bytes (decrypted again from the cipher
 * state before them): the decrypted bytes and, for reducer V3, the
 * container's chunks, as a frame that was not expanded shows them. */
static void add_sent_payload(tvbuff_t *t, packet_info *pinfo, proto_tree *ft, const ica_session *s,
                             const ica_rec_t *r, guint off)
{
    guint len = tvb_captured_length(t);
    if (off >= len || len < tvb_reported_length(t) || !payload_wanted(ft))
        return;
    guint plen = len - off;
    tvbuff_t *pt;
    if (r->flags & ICA_FR_DECRYPTED) {
        /* decrypted outside the running cipher chain: its state does not apply */
        if (r->flags & (ICA_FR_REPLAY | ICA_FR_KEY_RECOVERED | ICA_FR_NO_CHAIN | ICA_FR_RESYNC))
            return;
        guint8 *b = (guint8 *)tvb_memdup(pinfo->pool, t, off, plen);
        ica_basic_state cs = { s->st.sum.session_key, r->cipher_prev };
        ica_basic_decrypt(&cs, b, plen);
        pt = tvb_new_child_real_data(t, b, plen, plen);
        add_new_data_source(pinfo, pt, "Decrypted ICA frame");
        proto_tree_add_item(ft, hf_ica_decrypted_data, pt, 0, plen, ENC_NA);
    } else if (r->flags & ICA_FR_ENCRYPTED) {
        return;
    } else {
        pt = tvb_new_subset_length(t, off, plen);
    }
    if (r->flags & ICA_FR_V3) {
        guint ht = r->ht_len <= plen ? r->ht_len : 0;     /* the high-throughput header comes first */
        dissect_v3(tvb_new_subset_length(pt, ht, plen - ht), pinfo, ft);
    }
}

/* The frame's payload as decrypted / expanded (in the chunk's WD buffer
 * dec), or compressed bytes left as they are. */
static void add_region(tvbuff_t *t, tvbuff_t *dec, packet_info *pinfo, proto_tree *ft, const ica_session *s,
                       const ica_rec_t *r, guint off)
{
    guint len = tvb_reported_length(t);
    guint plen = len > off ? len - off : 0;
    if (r->buf_off >= 0 && dec) {
        tvbuff_t *region = tvb_new_subset_length(dec, r->buf_off, r->buf_len);
        if ((r->flags & ICA_FR_DECRYPTED) && !(r->flags & ICA_FR_EXPANDED))
            proto_tree_add_item(ft, hf_ica_decrypted_data, dec, r->buf_off, r->buf_len, ENC_NA);
        if (r->flags & ICA_FR_EXPANDED)
            add_sent_payload(t, pinfo, ft, s, r, off);
        if (r->flags & ICA_FR_EXPANDED)
            proto_item_set_generated(proto_tree_add_uint(ft, hf_ica_expanded_length, dec, r->buf_off, r->buf_len,
                                                         r->buf_len));
        if ((r->crypt_hdr == ICA_CRYPT_OFF || r->crypt_hdr == ICA_CRYPT_PERM) && r->buf_len == 64) {
            proto_tree_add_item(ft, hf_ica_crypt_random, region, 0, 55, ENC_NA);
            proto_tree_add_item(ft, hf_ica_crypt_marker, region, 55, 9, ENC_ASCII);
        }
        if ((r->flags & ICA_FR_COMPRESSED) && !(r->flags & ICA_FR_EXPANDED))
            proto_tree_add_item(ft, hf_ica_compressed_data, dec, r->buf_off, r->buf_len, ENC_NA);
        if ((r->flags & ICA_FR_V3) && !(r->flags & ICA_FR_EXPANDED)) {
            /* expanded frames keep their WD bytes only; a frame whose
             * direction stopped keeps its whole decrypted payload, the
             * high-throughput header (not stored apart: collect_ht) at its
             * start, ahead of the V3 packet */
            guint ht = r->ht_len && !(r->ht_mark & HT_MARK_STORED) && !r->region_is_plain &&
                       r->ht_len <= r->buf_len ? r->ht_len : 0;
            dissect_v3(tvb_new_subset_length(region, ht, r->buf_len - ht), pinfo, ft);
        }
    } else if (plen && (r->flags & ICA_FR_COMPRESSED)) {
        proto_tree_add_item(ft, hf_ica_compressed_data, t, off, plen, ENC_NA);
    }
}

void ica_dissect_frame(tvbuff_t *t, tvbuff_t *dec, packet_info *pinfo, proto_tree *tree, ica_session *s,
                       const ica_rec_t *r, guint8 compression, wmem_strbuf_t *info)
{
    guint len = tvb_reported_length(t);
    proto_item *fi = proto_tree_add_item(tree, hf_ica_frame, t, 0, len, ENC_NA);
    proto_item_set_text(fi, "PDRFRAME frame, %u bytes", r->frame_len);
    proto_tree *ft = proto_item_add_subtree(fi, ett_ica_frame);
    if (r->flags & ICA_FR_PRIO_BITS || s->st.sum.pdrframe_version >= 2) {
        proto_item *pi = proto_tree_add_item(ft, hf_ica_frame_priority, t, 0, 2, ENC_LITTLE_ENDIAN);
        if (r->flags & ICA_FR_PRIO_BITS)
            expert_add_info(pinfo, pi, &ei_ica_prio_bits);
    }
    proto_tree_add_uint(ft, hf_ica_frame_length, t, 0, 2, r->frame_len);
    const char *what = NULL;
    guint off = add_crypt_header(t, pinfo, ft, r, &what);
    guint plen = len > off ? len - off : 0;
    if (plen && (r->flags & ICA_FR_ENCRYPTED)) {
        proto_item *ei = proto_tree_add_item(ft, hf_ica_encrypted_data, t, off, plen, ENC_NA);
        if (r->flags & ICA_FR_OPAQUE)
            expert_add_info(pinfo, ei, &ei_ica_encrypted);
        else if (r->decrypt_disabled)
            expert_add_info(pinfo, ei, &ei_ica_decrypt_off);
        else if (r->flags & ICA_FR_NO_KEY)
            expert_add_info(pinfo, ei, &ei_ica_no_key);
        else if (r->flags & ICA_FR_NO_CHAIN)
            expert_add_info(pinfo, ei, &ei_ica_no_chain);
        else if (r->flags & ICA_FR_RESYNC)
            expert_add_info(pinfo, ei, &ei_ica_resync_cipher);
    }
    dissect_key_state(t, pinfo, ft, s, r);
    if (r->ht_len || (r->ht_mark & HT_MARK_SHORT))
        dissect_ht(dec ? dec : t, pinfo, ft, r);
    add_region(t, dec, pinfo, ft, s, r, off);
    if ((r->flags & ICA_FR_V3) && (!(r->flags & ICA_FR_EXPANDED) || (r->flags & ICA_FR_V3_PARTIAL)))
        add_v3_stop(t, pinfo, ft, s, r);
    if (r->flags & ICA_FR_COMPRESSED) {
        if (r->flags & ICA_FR_UNDECODABLE)
            proto_item_append_text(fi, " (compressed: %s)", val_to_str_const(compression, compression_vals, "unknown"));
        if (s->compressed_note_frame == pinfo->num)
            expert_add_info_format(pinfo, fi, &ei_ica_compressed, "ICA session is compressed (%s); %s",
                                   val_to_str_const(compression, compression_vals, "unknown"),
                                   (r->flags & ICA_FR_EXPANDED) ? "expanded" : "WD commands not decoded");
        if ((r->flags & ICA_FR_UNDECODABLE) && compression == ICA_COMP_UNKNOWN)
            expert_add_info(pinfo, fi, &ei_ica_expand_failed);
    }
    if (r->flags & ICA_FR_WD_RESUMED)
        expert_add_info(pinfo, fi, &ei_ica_wd_resumed);
    if (!what) {
        if (r->flags & ICA_FR_OPAQUE)
            what = "encrypted (RC5/SecureICA)";
        else if (r->flags & ICA_FR_NO_KEY)
            what = "encrypted (no key)";
        else if (r->flags & ICA_FR_NO_CHAIN)
            what = "encrypted (cipher chain not known yet)";
        else if (r->flags & ICA_FR_RESYNC)
            what = "encrypted (cipher state lost)";
        else if (r->decrypt_disabled && (r->flags & ICA_FR_ENCRYPTED))
            what = "encrypted";
        else if (r->flags & ICA_FR_UNDECODABLE)
            what = "compressed";
    }
    if (what) {
        proto_item_append_text(fi, ", %s", what);
        ica_info_add(info, what);
    }
}

void
ica_register_frame_fields(int proto, expert_module_t *expert)
{
    static hf_register_info hf[] = {
        { &hf_ica_frame, { "PDRFRAME frame", "ica.frame", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_frame_length, { "Frame length", "ica.frame.length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_frame_priority, { "Priority bits", "ica.frame.priority", FT_UINT16, BASE_DEC, NULL, 0xC000, "Top two length bits: channel priority, always masked from the length", HFILL } },
        { &hf_ica_ht, { "High-throughput header", "ica.ht", FT_NONE, BASE_NONE, NULL, 0x0, "Flag byte and estimates ahead of the WD bytes (negotiated with capability HIGH_THROUGHPUT)", HFILL } },
        { &hf_ica_ht_flags, { "Flags", "ica.ht.flags", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ht_flag_rtt, { "Round-trip estimate present", "ica.ht.flags.round_trip_estimate", FT_BOOLEAN, 8, NULL, ICA_HT_ROUND_TRIP_ESTIMATE, NULL, HFILL } },
        { &hf_ica_ht_flag_bw, { "Bandwidth estimate present", "ica.ht.flags.bandwidth_estimate", FT_BOOLEAN, 8, NULL, ICA_HT_BANDWIDTH_ESTIMATE, NULL, HFILL } },
        { &hf_ica_ht_flag_rtt_token, { "Round-trip token (peer to time a round trip)", "ica.ht.flags.round_trip_token", FT_BOOLEAN, 8, NULL, ICA_HT_ROUND_TRIP_TOKEN, NULL, HFILL } },
        { &hf_ica_ht_flag_time_next, { "Time next packet (bandwidth measurement)", "ica.ht.flags.time_next_packet", FT_BOOLEAN, 8, NULL, ICA_HT_TIME_NEXT_PACKET, NULL, HFILL } },
        { &hf_ica_ht_flag_interrupt, { "Interrupt virtual write", "ica.ht.flags.interrupt_virtual_write", FT_BOOLEAN, 8, NULL, ICA_HT_INTERRUPT_VIRTUAL_WRITE, NULL, HFILL } },
        { &hf_ica_ht_flag_unnamed, { "Unnamed bits", "ica.ht.flags.unnamed", FT_UINT8, BASE_HEX, NULL, ICA_HT_UNNAMED_BITS, "Bits no source names", HFILL } },
        { &hf_ica_ht_bandwidth_raw, { "Bandwidth estimate field", "ica.ht.bandwidth_raw", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_ht_bandwidth_shift, { "Shift count", "ica.ht.bandwidth_raw.shift", FT_UINT16, BASE_DEC, NULL, 0xF800, NULL, HFILL } },
        { &hf_ica_ht_bandwidth_mantissa, { "Mantissa", "ica.ht.bandwidth_raw.mantissa", FT_UINT16, BASE_HEX, NULL, 0x07FF, NULL, HFILL } },
        { &hf_ica_ht_bandwidth, { "Bandwidth estimate (bytes/s)", "ica.ht.bandwidth", FT_UINT32, BASE_DEC, NULL, 0x0, "The sender's own estimate: ((mantissa | 0x800) << 20) >> shift", HFILL } },
        { &hf_ica_ht_rtt, { "Round-trip estimate (ms)", "ica.ht.round_trip", FT_UINT16, BASE_DEC, NULL, 0x0, "The sender's own measurement, capped at 65535", HFILL } },
        { &hf_ica_ht_inferred, { "Inferred", "ica.ht.inferred", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Header applied without its negotiation (not captured, or a client supportMask other than the HTML5 client's 0): the frames parse only with it", HFILL } },
        { &hf_ica_key_recovered, { "Session key (recovered)", "ica.session_key.recovered", FT_UINT8, BASE_HEX, NULL, 0x0, "Basic key recovered from the data of a capture without the key exchange", HFILL } },
        { &hf_ica_key_source, { "Session key source", "ica.session_key.source", FT_UINT8, BASE_DEC, VALS(key_source_vals), 0x0, NULL, HFILL } },
        { &hf_ica_frame_replayed, { "Decrypted after key recovery", "ica.frame.replayed", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "An earlier frame of this direction, shown again decrypted now that the key is known", HFILL } },
        { &hf_ica_crypt_header, { "Crypt header", "ica.crypt.header", FT_UINT8, BASE_HEX, VALS(crypt_header_vals), 0x0, NULL, HFILL } },
        { &hf_ica_crypt_version, { "Crypt version", "ica.crypt.version", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_crypt_public_key, { "Public key", "ica.crypt.public_key", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_session_key, { "Session key", "ica.session_key", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_crypt_random, { "Random bytes", "ica.crypt.random", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_crypt_marker, { "Marker", "ica.crypt.marker", FT_STRING, BASE_NONE, NULL, 0x0, "OffCrypt / PermCrypt", HFILL } },
        { &hf_ica_encrypted_data, { "Encrypted data", "ica.encrypted_data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_decrypted_data, { "Decrypted data", "ica.decrypted_data", FT_BYTES, BASE_NONE, NULL, 0x0, "Basic-decrypted payload; for an expanded frame the payload as sent, before expansion", HFILL } },
        { &hf_ica_compressed_data, { "Compressed data", "ica.compressed_data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_expanded_length, { "Expanded length", "ica.reducer.expanded_length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_header, { "Chunk header", "ica.v3.header", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_channel, { "Chunk channel", "ica.v3.channel", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_completion, { "Completion", "ica.v3.completion", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_compressed, { "Compressed", "ica.v3.compressed", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_add_to_history, { "Add to history", "ica.v3.add_to_history", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_length, { "Chunk length", "ica.v3.length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_command, { "Chunk command", "ica.v3.command", FT_UINT8, BASE_DEC, VALS(v3_command_vals), 0x0, NULL, HFILL } },
        { &hf_ica_v3_params, { "Command parameters", "ica.v3.params", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_data, { "Chunk data", "ica.v3.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ica_v3_error, { "V3 expansion stopped", "ica.v3.error", FT_UINT8, BASE_DEC, VALS(v3_error_vals), 0x0, "Why this direction's reducer V3 data is not expanded (the first error; the direction stops there)", HFILL } },
    };
    static int *ett[] = {
        &ett_ica_frame,
        &ett_ica_v3,
        &ett_ica_ht,
        &ett_ica_ht_bw,
    };
    static ei_register_info ei[] = {
        { &ei_ica_encrypted, { "ica.encrypted.rc5", PI_DECRYPTION, PI_NOTE, "RC5/SecureICA encryption: cannot be decrypted passively", EXPFILL } },
        { &ei_ica_no_key, { "ica.encrypted.no_key", PI_DECRYPTION, PI_NOTE, "Encrypted, session key not seen (capture started mid-session)", EXPFILL } },
        { &ei_ica_resync_cipher, { "ica.desync.cipher", PI_DECRYPTION, PI_NOTE, "First frame after lost or skipped bytes: not decrypted (the Basic cipher state before it is unknown); the next frames are", EXPFILL } },
        { &ei_ica_wd_resumed, { "ica.wd.resumed", PI_SEQUENCE, PI_NOTE, "WD decoding resumes at this frame (its bytes parse as whole commands)", EXPFILL } },
        { &ei_ica_decrypt_off, { "ica.encrypted.disabled", PI_DECRYPTION, PI_NOTE, "Basic decryption switched off by preference", EXPFILL } },
        { &ei_ica_compressed, { "ica.compressed", PI_UNDECODED, PI_NOTE, "ICA session is compressed", EXPFILL } },
        { &ei_ica_expand_failed, { "ica.reducer.failed", PI_MALFORMED, PI_WARN, "Reducer data could not be expanded; the rest of this direction is not decoded", EXPFILL } },
        { &ei_ica_prio_bits, { "ica.frame.priority_bits", PI_PROTOCOL, PI_NOTE, "PDRFRAME length carries priority bits", EXPFILL } },
        { &ei_ica_bad_crypt_hdr, { "ica.crypt.header.unknown", PI_PROTOCOL, PI_WARN, "Unknown PDCRYPT1 header value", EXPFILL } },
        { &ei_ica_ht_inferred, { "ica.ht.inferred.expert", PI_PROTOCOL, PI_NOTE, "High-throughput header inferred: not negotiated as the HTML5 client does (or not captured), the frames parse only with it", EXPFILL } },
        { &ei_ica_ht_short, { "ica.ht.short", PI_MALFORMED, PI_WARN, "Frame too short for the high-throughput header its flags announce", EXPFILL } },
        { &ei_ica_ht_unnamed, { "ica.ht.flags.unnamed.expert", PI_UNDECODED, PI_NOTE, "High-throughput flag bits set that no source names", EXPFILL } },
        { &ei_ica_key_recovered, { "ica.session_key.recovered.expert", PI_DECRYPTION, PI_NOTE, "Basic session key recovered from the data", EXPFILL } },
        { &ei_ica_no_chain, { "ica.encrypted.no_chain", PI_DECRYPTION, PI_NOTE, "Encrypted: the key is known, but this first frame depends on bytes before the capture", EXPFILL } },
        { &ei_ica_replayed, { "ica.frame.replayed.expert", PI_DECRYPTION, PI_NOTE, "Frame captured earlier, decrypted after the key was recovered", EXPFILL } },
        { &ei_ica_v3_failed, { "ica.v3.failed", PI_MALFORMED, PI_WARN, "Reducer V3 data could not be expanded; this direction is not expanded from here on", EXPFILL } },
        { &ei_ica_v3_stopped, { "ica.v3.stopped", PI_UNDECODED, PI_NOTE, "Not expanded: reducer V3 expansion of this direction stopped at an earlier frame", EXPFILL } },
    };
    for (int i = 0; i < ICA_V3_ERR_COUNT; i++) {
        v3_error_vals[i].value = (guint32)i;
        v3_error_vals[i].strptr = ica_v3_reason_str(i);
    }
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));
}
