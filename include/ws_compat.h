/* ws_compat.h - one source tree for Wireshark 4.0, 4.2 and 4.4.
 *
 * Only the API differences that bite this plugin are papered over here:
 *  - 4.4 changed heuristic return type and bool-preference storage to C bool;
 *  - 4.4 added tvb_get_uint8() & co. (older releases only have the g-names);
 *  - 4.4 added the optional plugin_describe() entry point;
 *  - 4.2 made field_info.value a pointer (WSC_FINFO_UINT reads an integer field).
 * ids (proto_, hf_, ett_) are always initialised to -1: 4.0/4.2 reject ett 0.
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
#endif

#if WSC_VERSION_AT_LEAST(4, 2)
#  define WSC_FINFO_UINT(fi) fvalue_get_uinteger((fi)->value)
#else
#  define WSC_FINFO_UINT(fi) fvalue_get_uinteger(&(fi)->value)
#endif

#endif /* CITRIX_WS_COMPAT_H */
