/* vc_credentials.c - WD command 0x44 WDCREDENTIALS, as the Citrix Receiver
 * for HTML5's WinstationDriver writes it (search-index file 9684207358:
 * PACKET_WDCREDENTIALS_HEADER, HandlePacketWDCredentials, AppendUIData;
 * OffsetableOutputStream.WriteByteArrayWithBigOffset / ToByteArray, file
 * 9314021370).
 *
 *   44 lenLo lenHi command algorithm body
 * command 1 QUERY (host: "send your credentials", algorithm 1 XOR), 2 DATA
 * (client).  A DATA body holds three 4-byte offset slots, user name, domain,
 * password in that order, each written "two-byte padded as two-short"
 * (offset = byte 0 | byte 2 << 8, bytes 1 and 3 zero) and counted from the
 * body's first byte; then the three strings, UTF-16LE, NUL-terminated (no
 * lengths on the wire: "string lengths are not used").  The HTML5 client
 * applies no transformation of its own to them: the announced XOR is the
 * session's Basic encryption, so with Basic (or none) they are readable by
 * anyone holding the capture.  The password is shown only when the
 * "ica.show_passwords" preference is on.  The user name goes to Wireshark's
 * credentials tap (Tools > Credentials, tshark -z credentials).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include "packet-ica-int.h"
#include "packet-ica-vc.h"

wsc_pref_bool_t pref_show_passwords = FALSE;

static int hf_user_offset = -1;
static int hf_domain_offset = -1;
static int hf_password_offset = -1;
static int hf_user = -1;
static int hf_domain = -1;
static int hf_password = -1;
static int hf_password_length = -1;
static int credentials_tap = -1;
static expert_field ei_readable = EI_INIT;
static expert_field ei_hidden = EI_INIT;
static expert_field ei_offset = EI_INIT;

#define CRED_DATA 2             /* CREDENTIALS_DATA */
#define CRED_SLOTS 12           /* three 4-byte offset slots */

/* A UTF-16LE NUL-terminated string at off (from an offset slot at slot);
 * returns its length in bytes, the NUL excluded, or -1 when off is outside. */
static gint string_at(tvbuff_t *b, packet_info *pinfo, proto_item *slot_item, guint32 off)
{
    guint32 len = tvb_reported_length(b);
    if (off < CRED_SLOTS || off >= len) {
        expert_add_info_format(pinfo, slot_item, &ei_offset, "Offset %u outside the body (%u..%u)", off,
                               CRED_SLOTS, len ? len - 1 : 0);
        return -1;
    }
    guint32 n = 0;
    while (off + n + 1 < len && (tvb_get_uint8(b, off + n) || tvb_get_uint8(b, off + n + 1)))
        n += 2;
    return (gint)n;
}

/* The user name to Wireshark's credentials tap: the GUI's list points at
 * this frame and, when the preference shows it, the password field. */
static void tap_credentials(packet_info *pinfo, const char *domain, const char *user, gint password_chars)
{
    if (!have_tap_listener(credentials_tap))
        return;
    wsc_credential_t *auth = wmem_new0(pinfo->pool, wsc_credential_t);
    auth->num = auth->username_num = pinfo->num;
    auth->password_hf_id = hf_password;
    auth->username = wmem_strdup_printf(pinfo->pool, "%s%s%s", domain ? domain : "", domain && *domain ? "\\" : "",
                                        user);
    auth->proto = "ICA";
    auth->info = password_chars < 0 ? wmem_strdup(pinfo->pool, "WDCREDENTIALS, no password")
                 : wmem_strdup_printf(pinfo->pool, "WDCREDENTIALS, password of %d characters", password_chars);
    tap_queue_packet(credentials_tap, pinfo, auth);
}

/* The body of a DATA command (after command and algorithm). */
static void add_data(tvbuff_t *b, packet_info *pinfo, proto_tree *tree, const ica_session *s, wmem_strbuf_t *one)
{
    static int *const slot_hf[] = { &hf_user_offset, &hf_domain_offset, &hf_password_offset };
    guint32 off[3];
    proto_item *slot[3];
    for (int i = 0; i < 3; i++) {
        guint32 o = 4 * (guint32)i;
        off[i] = tvb_get_uint8(b, o) | ((guint32)tvb_get_uint8(b, o + 2) << 8);
        slot[i] = proto_tree_add_uint(tree, *slot_hf[i], b, o, 4, off[i]);
    }
    const guint8 *user = NULL, *domain = NULL;
    gint n = string_at(b, pinfo, slot[0], off[0]);
    if (n >= 0)
        proto_tree_add_item_ret_string(tree, hf_user, b, off[0], n, ENC_UTF_16 | ENC_LITTLE_ENDIAN, pinfo->pool,
                                       &user);
    n = string_at(b, pinfo, slot[1], off[1]);
    if (n >= 0)
        proto_tree_add_item_ret_string(tree, hf_domain, b, off[1], n, ENC_UTF_16 | ENC_LITTLE_ENDIAN,
                                       pinfo->pool, &domain);
    n = string_at(b, pinfo, slot[2], off[2]);
    if (user)
        tap_credentials(pinfo, (const char *)domain, (const char *)user, n < 0 ? -1 : n / 2);
    if (n >= 0) {
        proto_item *pl = proto_tree_add_uint(tree, hf_password_length, b, off[2], n, (guint32)n / 2);
        proto_item_set_generated(pl);
        if (pref_show_passwords)
            proto_tree_add_item(tree, hf_password, b, off[2], n, ENC_UTF_16 | ENC_LITTLE_ENDIAN);
        else
            expert_add_info(pinfo, pl, &ei_hidden);
        if (n > 0)      /* the citrix post-dissector's credentials_exposed finding */
            ica_vc_tap_fact(pinfo, ICA_TAP_CREDENTIALS, n / 2, "WDCREDENTIALS");
    }
    wmem_strbuf_append_printf(one, " %s\\%s", domain ? (const char *)domain : "?", user ? (const char *)user : "?");
    guint enc = s ? s->st.sum.encryption : ICA_ENC_UNKNOWN;
    if (enc == ICA_ENC_BASIC || enc == ICA_ENC_NONE)
        expert_add_info_format(pinfo, slot[0], &ei_readable, "Credentials readable by anyone holding the capture: "
                               "the session uses %s encryption", val_to_str_const(enc, encryption_vals, "unknown"));
}

void ica_dissect_credentials(tvbuff_t *t, guint hdr, packet_info *pinfo, proto_tree *tree, const ica_session *s,
                             wmem_strbuf_t *one)
{
    guint len = tvb_reported_length(t);
    if (len <= hdr + 2)
        return;
    if (tvb_get_uint8(t, hdr) != CRED_DATA || len < hdr + 2 + CRED_SLOTS) {
        proto_tree_add_item(tree, hf_ica_cmd_data, t, hdr + 2, len - hdr - 2, ENC_NA);
        return;
    }
    add_data(tvb_new_subset_remaining(t, hdr + 2), pinfo, tree, s, one);
}

void ica_register_credentials_fields(int proto, expert_module_t *expert)
{
    static hf_register_info hf[] = {
        { &hf_user_offset, { "User name offset", "ica.credentials.username_offset", FT_UINT16, BASE_DEC, NULL, 0x0, "From the body (after command and algorithm); written as byte 0 | byte 2 << 8 of a 4-byte slot", HFILL } },
        { &hf_domain_offset, { "Domain offset", "ica.credentials.domain_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_password_offset, { "Password offset", "ica.credentials.password_offset", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_user, { "User name", "ica.credentials.username", FT_STRING, BASE_NONE, NULL, 0x0, "UTF-16LE", HFILL } },
        { &hf_domain, { "Domain", "ica.credentials.domain", FT_STRING, BASE_NONE, NULL, 0x0, "UTF-16LE", HFILL } },
        { &hf_password, { "Password", "ica.credentials.password", FT_STRING, BASE_NONE, NULL, 0x0, "Shown only with the ica.show_passwords preference", HFILL } },
        { &hf_password_length, { "Password length", "ica.credentials.password_length", FT_UINT32, BASE_DEC, NULL, 0x0, "Characters, the NUL excluded", HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_readable, { "ica.credentials.readable", PI_SECURITY, PI_WARN, "Credentials readable by anyone holding the capture (Basic encryption or none)", EXPFILL } },
        { &ei_hidden, { "ica.credentials.password_hidden", PI_SECURITY, PI_NOTE, "Password not shown: enable the ica.show_passwords preference to see it", EXPFILL } },
        { &ei_offset, { "ica.credentials.offset_outside", PI_MALFORMED, PI_ERROR, "Credentials offset outside the command", EXPFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    expert_register_field_array(expert, ei, array_length(ei));
    credentials_tap = register_tap(WSC_CREDENTIALS_TAP);     /* Wireshark's own: the id it already has */
}
