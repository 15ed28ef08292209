/* ws_compat.h - one source tree for Wireshark 4.0, 4.2, 4.4 and 4.6.
 *
 * CI builds and tests 4.0 (Debian 12), 4.4 (Debian 13) and 4.6 (sid) with
 * -Werror (tools/setup/ci_versions.sh); 4.2 is covered by reading its API.
 * Every version test in the project lives in this file: no
 * WIRESHARK_VERSION_* test anywhere else.
 *
 * RULES for plugin code (the plugin/ dissectors):
 *  1. Include "ws_compat.h" first.
 *  2. Heuristic dissectors return wsc_heur_ret_t (gboolean before 4.4, bool
 *     from 4.4); bool preferences are stored in wsc_pref_bool_t.
 *  3. tvb_get_uint8/16/24/32 work everywhere (mapped to the g-names before
 *     4.4).  Other 4.4 renames (tvb_get_uint64, proto_tree_add_uint64...):
 *     add the mapping here, never an #if in a .c file.
 *  4. A stat_tap_ui init callback (tshark -z <name>,...) is declared
 *         static wsc_stat_tap_init_ret_t my_init(const char *opt_arg, void *userdata)
 *     and leaves with WSC_STAT_TAP_INIT_RETURN(ok): `ok` is true when the
 *     tap listener was registered.  (4.6 made the callback return bool and
 *     a void function is a -Wincompatible-pointer-types error there; before
 *     4.6 the macro is a plain `return`.)  stats_tree callbacks
 *     (stats_tree_register_plugin: init, packet, cleanup) and tap listener
 *     callbacks (register_tap_listener: reset, packet, draw, finish) have the
 *     same types on 4.0 to 4.6: use them as declared in epan/.
 *  5. Initialise ids (proto_, hf_, ett_, ei_) to -1 / EI_INIT: 4.0/4.2
 *     reject an ett of 0.
 *  6. Partial struct initialisers of epan structs grow fields between
 *     releases (-Wmissing-field-initializers): use designated initialisers,
 *     or list every field.
 *  7. plugin_describe() (4.4+) is emitted by cmake/plugin_reg.cmake when
 *     WSC_HAVE_PLUGIN_DESCRIBE is set: nothing to do in a dissector.
 *  8. An integer field's value from a field_info: WSC_FINFO_UINT(fi) (4.2
 *     made field_info.value a pointer).
 *
 *  9. A wmem_register_callback() callback returns wsc_wmem_cb_ret_t
 *     (gboolean in 4.0, bool in 4.4/4.6 as their wmem_user_cb.h say; the
 *     switch is taken to be 4.2's wmem bool conversion, not compiled here).
 *
 * Programs that link libwireshark themselves (fuzz/fuzz_citrix.c) define
 * WSC_LIBWIRESHARK_PROGRAM before including this file and get the wrappers
 * at the end (logging, configuration, frame records, labels).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_WS_COMPAT_H
#define CITRIX_WS_COMPAT_H

#include <ws_version.h>
#include <stdbool.h>
#include <glib.h>

#define WSC_VERSION_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

#if WSC_VERSION_AT_LEAST(4, 4)
#  define WSC_HAVE_PLUGIN_DESCRIBE 1
typedef bool wsc_heur_ret_t;
typedef bool wsc_pref_bool_t;
#else
typedef gboolean wsc_heur_ret_t;
typedef gboolean wsc_pref_bool_t;
#  define tvb_get_uint8         tvb_get_guint8
#  define tvb_get_uint16        tvb_get_guint16
#  define tvb_get_uint24        tvb_get_guint24
#  define tvb_get_uint32        tvb_get_guint32
#  define tvb_find_uint8        tvb_find_guint8
#endif

/* val_to_str() takes the allocator as its first argument from 4.6 on; before,
 * the allocator form is val_to_str_wmem(). */
#if WSC_VERSION_AT_LEAST(4, 6)
#  define wsc_val_to_str(scope, val, vs, fmt) val_to_str((scope), (val), (vs), (fmt))
#else
#  define wsc_val_to_str(scope, val, vs, fmt) val_to_str_wmem((scope), (val), (vs), (fmt))
#endif

#if WSC_VERSION_AT_LEAST(4, 2)
#  define WSC_FINFO_UINT(fi) fvalue_get_uinteger((fi)->value)
#else
#  define WSC_FINFO_UINT(fi) fvalue_get_uinteger(&(fi)->value)
#endif

/* wsutil/wmem/wmem_user_cb.h wmem_user_cb_t (rule 9). */
/* The record of Wireshark's credentials tap ("credentials": Tools >
 * Credentials, tshark -z credentials).  Wireshark declares it as
 * tap_credential_t in ui/tap-credentials.h, which 4.0's development package
 * does not install; the members and their order are the same from 3.2 to
 * 4.6 (guint/unsigned, gchar/char), so it is declared here once. */
typedef struct {
    guint num;                  /* frame of the credentials */
    guint username_num;         /* frame of the user name */
    guint password_hf_id;       /* field the GUI filters on */
    gchar *username;
    const gchar *proto;
    gchar *info;
} wsc_credential_t;
#define WSC_CREDENTIALS_TAP "credentials"

#if WSC_VERSION_AT_LEAST(4, 2)
typedef bool wsc_wmem_cb_ret_t;
#else
typedef gboolean wsc_wmem_cb_ret_t;
#endif

/* stat_tap_ui.tap_init_cb: epan/stat_tap_ui.h stat_tap_init_cb. */
#if WSC_VERSION_AT_LEAST(4, 6)
typedef bool wsc_stat_tap_init_ret_t;
#  define WSC_STAT_TAP_INIT_RETURN(ok) return (ok)
#else
typedef void wsc_stat_tap_init_ret_t;
#  define WSC_STAT_TAP_INIT_RETURN(ok) do { (void)(ok); return; } while (0)
#endif

/* Expert infos hang off the item they are added to.  A dissector that
 * builds its items only when one of its fields is referenced (tshark -Y/-T
 * fields without -V) must also build them when an expert field is asked
 * for: `-T fields -e _ws.expert.message` references no protocol field, and
 * 4.4+ then reports the protocol itself unreferenced (4.0 did not), so the
 * expert had no item and was missing from the output. */
#include <epan/proto.h>
static inline bool
wsc_expert_fields_referenced(proto_tree *tree)
{
    static int hf_expert = -2;   /* "_ws.expert": parent of every expert field */
    if (hf_expert == -2)
        hf_expert = proto_registrar_get_id_byname("_ws.expert");
    return hf_expert >= 0 && proto_field_is_referenced(tree, hf_expert);
}

#ifdef WSC_LIBWIRESHARK_PROGRAM
/* ---- for programs linking libwireshark (the fuzz harness) ------------- */
#include <string.h>
#include <epan/epan.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/wslog.h>
#if WSC_VERSION_AT_LEAST(4, 6)
#include <wsutil/buffer.h>
#endif

/* A ws_log_writer_cb's parameter list, naming the parameters the writer
 * uses: 4.4 dropped the struct timespec and added fatal_msg and a manifest
 * (wsutil/wslog.h). */
#if WSC_VERSION_AT_LEAST(4, 4)
#  define WSC_LOG_WRITER_PARAMS(domain, level, file, line, func, format, ap, user_data) \
    const char *domain _U_, enum ws_log_level level _U_, const char *file _U_, long line _U_, \
    const char *func _U_, const char *wsc_fatal_msg _U_, ws_log_manifest_t *wsc_mft _U_, \
    const char *format, va_list ap, void *user_data _U_
#else
#  define WSC_LOG_WRITER_PARAMS(domain, level, file, line, func, format, ap, user_data) \
    const char *domain _U_, enum ws_log_level level _U_, struct timespec wsc_ts _U_, \
    const char *file _U_, long line _U_, const char *func _U_, \
    const char *format, va_list ap, void *user_data _U_
#endif

/* 4.6: ws_log_init() lost the program name, configuration_init() the
 * namespace (always "Wireshark" there). */
static inline void
wsc_log_init(const char *progname _U_)
{
#if WSC_VERSION_AT_LEAST(4, 6)
    ws_log_init(NULL);
#else
    ws_log_init(progname, NULL);
#endif
}

static inline char *
wsc_configuration_init(const char *argv0)
{
#if WSC_VERSION_AT_LEAST(4, 6)
    return configuration_init(argv0);
#else
    return configuration_init(argv0, NULL);
#endif
}

/* 4.6 added a value-offset out parameter. */
static inline void
wsc_item_fill_label(field_info *fi, char *label)
{
#if WSC_VERSION_AT_LEAST(4, 6)
    proto_item_fill_label(fi, label, NULL);
#else
    proto_item_fill_label(fi, label);
#endif
}

/* A packet record for `len` bytes at `data` (which must outlive the
 * dissection); 4.6 keeps the bytes in the record itself (wtap_rec.data,
 * set up by wtap_setup_packet_rec) instead of a separate tvb. */
static inline void
wsc_rec_init_packet(wtap_rec *rec, const guint8 *data, guint len, int encap)
{
#if WSC_VERSION_AT_LEAST(4, 6)
    wtap_rec_init(rec, len);
    wtap_setup_packet_rec(rec, encap);
    ws_buffer_append(&rec->data, data, len);
#else
    (void)data;
    wtap_rec_init(rec);
    rec->rec_type = REC_TYPE_PACKET;
    rec->rec_header.packet_header.pkt_encap = encap;
#endif
    rec->rec_header.packet_header.caplen = len;
    rec->rec_header.packet_header.len = len;
}

/* 4.6: epan_dissect_run() takes the bytes from the record. */
static inline void
wsc_dissect_run(epan_dissect_t *edt, wtap_rec *rec, const guint8 *data, guint len,
                frame_data *fd, struct epan_column_info *cinfo)
{
#if WSC_VERSION_AT_LEAST(4, 6)
    (void)data;
    (void)len;
    epan_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, rec, fd, cinfo);
#else
    epan_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, rec, tvb_new_real_data(data, len, len), fd, cinfo);
#endif
}
#endif /* WSC_LIBWIRESHARK_PROGRAM */

#endif /* CITRIX_WS_COMPAT_H */
