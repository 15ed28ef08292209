/* vc_lic.c - CTXLIC, licensing (shared notes vc.md §12, §15).  Sources: the
 * RISC OS ICA client's sdk/citrix/h/vdlic (LIC_SEND_COMMAND_WITH_DATA,
 * LIC_COMMAND_RESPONSE: u8 iCommand, u16 cbData; commands REQUEST_LICENSE 0,
 * SEND_LICENSE 1, REQUEST_RESPONSE 0x80), the public MS-RDPELE for the
 * licensing PDU each message carries, MS-RDPBCGR for the server certificate.
 *
 * Every message: u8 iCommand, u16 cbData (the 3-byte header included, as the
 * real session shows: 321 = 3 + 318), one MS-RDPELE PDU (preamble bMsgType,
 * flags, wMsgSize; then the message: layouts and the walk in
 * plugin/core/vc_lic.c, include/vc_lic.h).  The client's license
 * (LICENSE_INFO's LicenseInfo blob) is a CMS ContentInfo with SignedData
 * (RFC 5652): its certificates are listed; each X.509 certificate of a
 * server chain is handed to Wireshark's X.509 dissector (ber.syntax
 * "Certificate").  Encrypted blobs stay bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include "packet-ica-vc.h"
#include "vc_lic.h"

void proto_register_ica_lic(void);
void proto_reg_handoff_ica_lic(void);

static int proto_lic = -1;
static int hf_command = -1;
static int hf_length = -1;
static int hf_msg_type = -1;
static int hf_flags = -1;
static int hf_flags_version = -1;
static int hf_flags_extended_error = -1;
static int hf_msg_size = -1;
static int hf_server_random = -1;
static int hf_client_random = -1;
static int hf_product_version = -1;
static int hf_name_len = -1;
static int hf_company_name = -1;
static int hf_product_id = -1;
static int hf_blob_type = -1;
static int hf_blob_len = -1;
static int hf_blob_data = -1;
static int hf_key_exchange_alg = -1;
static int hf_platform_id = -1;
static int hf_scope_count = -1;
static int hf_scope = -1;
static int hf_cert_version = -1;
static int hf_cert_count = -1;
static int hf_cert_len = -1;
static int hf_cert = -1;
static int hf_mac = -1;
static int hf_connect_flags = -1;
static int hf_error_code = -1;
static int hf_state_transition = -1;
static int hf_user_name = -1;
static int hf_machine_name = -1;
static int hf_undecoded = -1;
static int ett_lic = -1;
static int ett_lic_part = -1;
static int ett_lic_flags = -1;
static expert_field ei_malformed = EI_INIT;
static expert_field ei_unknown = EI_INIT;
static dissector_handle_t certificate_handle;

static const value_string command_vals[] = {
    { 0x00, "REQUEST_LICENSE" }, { 0x01, "SEND_LICENSE" }, { 0x80, "REQUEST_RESPONSE" }, { 0, NULL }
};

static const value_string msg_type_vals[] = {
    { LIC_REQUEST, "LICENSE_REQUEST" }, { LIC_PLATFORM_CHALLENGE, "PLATFORM_CHALLENGE" },
    { LIC_NEW_LICENSE, "NEW_LICENSE" }, { LIC_UPGRADE_LICENSE, "UPGRADE_LICENSE" },
    { LIC_LICENSE_INFO, "LICENSE_INFO" }, { LIC_NEW_LICENSE_REQUEST, "NEW_LICENSE_REQUEST" },
    { LIC_PLATFORM_CHALLENGE_RESPONSE, "PLATFORM_CHALLENGE_RESPONSE" }, { LIC_ERROR_ALERT, "ERROR_ALERT" },
    { 0, NULL }
};

/* MS-RDPELE 2.2.2.1 preamble flags */
static const value_string version_vals[] = { { 2, "2.0" }, { 3, "3.0" }, { 0, NULL } };

/* MS-RDPELE 2.2.1.2 LICENSE_BINARY_BLOB wBlobType */
static const value_string blob_type_vals[] = {
    { 0x0000, "BB_ANY_BLOB" }, { 0x0001, "BB_DATA_BLOB" }, { 0x0002, "BB_RANDOM_BLOB" },
    { 0x0003, "BB_CERTIFICATE_BLOB" }, { 0x0004, "BB_ERROR_BLOB" }, { 0x0009, "BB_ENCRYPTED_DATA_BLOB" },
    { 0x000D, "BB_KEY_EXCHG_ALG_BLOB" }, { 0x000E, "BB_SCOPE_BLOB" }, { 0x000F, "BB_CLIENT_USER_NAME_BLOB" },
    { 0x0010, "BB_CLIENT_MACHINE_NAME_BLOB" }, { 0, NULL }
};

static const value_string key_exchange_vals[] = { { 1, "KEY_EXCHANGE_ALG_RSA" }, { 0, NULL } };

/* MS-RDPELE 2.2.2.7.1 LICENSE_ERROR_MESSAGE */
static const value_string error_code_vals[] = {
    { 0x01, "ERR_INVALID_SERVER_CERTIFICATE" }, { 0x02, "ERR_NO_LICENSE" }, { 0x03, "ERR_INVALID_MAC" },
    { 0x04, "ERR_INVALID_SCOPE" }, { 0x06, "ERR_NO_LICENSE_SERVER" }, { 0x07, "STATUS_VALID_CLIENT" },
    { 0x08, "ERR_INVALID_CLIENT" }, { 0x0B, "ERR_INVALID_PRODUCTID" }, { 0x0C, "ERR_INVALID_MESSAGE_LEN" },
    { 0, NULL }
};
static const value_string state_transition_vals[] = {
    { 1, "ST_TOTAL_ABORT" }, { 2, "ST_NO_TRANSITION" }, { 3, "ST_RESET_PHASE_TO_START" },
    { 4, "ST_RESEND_LAST_MESSAGE" }, { 0, NULL }
};

static const char *const role_names[LIC_ROLES] = {
    "ServerRandom", "Product version", "Company name", "Product id", "KeyExchangeList", "ServerCertificate",
    "ScopeCount", "Scope", "PreferredKeyExchangeAlg", "PlatformId", "ClientRandom", "EncryptedPreMasterSecret",
    "LicenseInfo", "EncryptedHWID", "MACData", "ConnectFlags", "EncryptedPlatformChallenge",
    "EncryptedPlatformChallengeResponse", "EncryptedLicenseInfo", "ClientUserName", "ClientMachineName",
    "dwErrorCode", "dwStateTransition", "bbErrorInfo"
};

static const char *const status_text[] = {
    "", "Shorter than the licensing preamble", "wMsgSize is not the PDU's length", "Part runs past the message",
    "Bytes after the message's last part", "No MS-RDPELE layout for this message type",
    "More parts than the decoder keeps"
};

/* A DER structure handed to Wireshark's BER dissector; an exception in it
 * stays in its own subtree. */
static void call_ber(dissector_handle_t h, tvbuff_t *t, guint off, guint len, packet_info *pinfo, proto_tree *tree,
                     int hf_raw)
{
    if (!h || !len) {
        proto_tree_add_item(tree, hf_raw, t, off, len, ENC_NA);
        return;
    }
    tvbuff_t *sub = tvb_new_subset_length(t, off, len);
    TRY {
        call_dissector(h, sub, pinfo, tree);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(sub, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
}

static void add_cert(tvbuff_t *t, guint off, guint len, packet_info *pinfo, proto_tree *tree)
{
    lic_cert_chain c;
    const guint8 *b = tvb_get_ptr(t, off, len);
    lic_parse_cert(b, len, &c);
    if (c.status == LIC_SHORT) {
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, off, len, ENC_NA), &ei_malformed);
        return;
    }
    proto_tree_add_item(tree, hf_cert_version, t, off, 4, ENC_LITTLE_ENDIAN);
    if ((c.version & LIC_CERT_VERSION_MASK) != LIC_CERT_X509) {
        /* a proprietary certificate (MS-RDPBCGR 2.2.1.4.3): bytes here */
        if (len > 4)
            proto_tree_add_item(tree, hf_blob_data, t, off + 4, len - 4, ENC_NA);
        return;
    }
    proto_item *ci = proto_tree_add_item(tree, hf_cert_count, t, off + 4, 4, ENC_LITTLE_ENDIAN);
    for (guint32 i = 0; i < c.n; i++) {
        proto_tree_add_item(tree, hf_cert_len, t, off + c.off[i], 4, ENC_LITTLE_ENDIAN);
        call_ber(certificate_handle, t, off + c.off[i] + 4, c.len[i], pinfo, tree, hf_cert);
    }
    if (c.status != LIC_OK)
        expert_add_info_format(pinfo, ci, &ei_malformed, "Certificate chain: %s", status_text[c.status]);
}

/* The client's license: a CMS SignedData; its certificate chain located by
 * the core's DER walk, each certificate as bytes.  (Wireshark's CMS
 * dissector is not called: it marks the real client certificate malformed,
 * as that names machine and user in BMPStrings where X.520 wants a
 * PrintableString.) */
static void add_license_certs(tvbuff_t *t, guint off, guint len, packet_info *pinfo, proto_tree *tree)
{
    lic_cert_chain c;
    proto_item *di = proto_tree_add_item(tree, hf_blob_data, t, off, len, ENC_NA);
    proto_tree *dt = proto_item_add_subtree(di, ett_lic_part);
    lic_parse_signed_certs(tvb_get_ptr(t, off, len), len, &c);
    proto_item *ci = proto_tree_add_uint(dt, hf_cert_count, t, off, len, c.n);
    proto_item_set_generated(ci);
    for (guint32 i = 0; i < c.n; i++)
        proto_tree_add_item(dt, hf_cert, t, off + c.off[i], c.len[i], ENC_NA);
    if (c.status != LIC_OK)
        expert_add_info_format(pinfo, ci, &ei_malformed, "License (CMS SignedData): %s at offset %u",
                               status_text[c.status], c.err_off);
}

/* A LICENSE_BINARY_BLOB: its header, then the data as its role says. */
static void add_blob(tvbuff_t *t, const lic_part *p, packet_info *pinfo, proto_tree *tree)
{
    guint off = p->off + 4, len = p->len - 4;
    proto_tree_add_item(tree, hf_blob_type, t, p->off, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_blob_len, t, p->off + 2, 2, ENC_LITTLE_ENDIAN);
    if (!len)
        return;
    switch (p->role) {
    case LIC_SERVER_CERTIFICATE:
        add_cert(t, off, len, pinfo, tree);
        break;
    case LIC_CLIENT_LICENSE:
        add_license_certs(t, off, len, pinfo, tree);
        break;
    case LIC_KEY_EXCHANGE_LIST:
        for (guint i = 0; i + 4 <= len; i += 4)
            proto_tree_add_item(tree, hf_key_exchange_alg, t, off + i, 4, ENC_LITTLE_ENDIAN);
        if (len % 4)
            proto_tree_add_item(tree, hf_undecoded, t, off + len - len % 4, len % 4, ENC_NA);
        break;
    case LIC_SCOPE:
        proto_tree_add_item(tree, hf_scope, t, off, len, ENC_ASCII);
        break;
    case LIC_USER_NAME:
        proto_tree_add_item(tree, hf_user_name, t, off, len, ENC_ASCII);
        break;
    case LIC_MACHINE_NAME:
        proto_tree_add_item(tree, hf_machine_name, t, off, len, ENC_ASCII);
        break;
    default:
        proto_tree_add_item(tree, hf_blob_data, t, off, len, ENC_NA);
        break;
    }
}

static void add_part(tvbuff_t *t, const lic_part *p, packet_info *pinfo, proto_tree *tree)
{
    static const int u32_hf[LIC_ROLES] = {
        [LIC_PRODUCT_VERSION] = 1, [LIC_SCOPE_COUNT] = 2, [LIC_KEY_EXCHANGE_ALG] = 3, [LIC_PLATFORM_ID] = 4,
        [LIC_CONNECT_FLAGS] = 5, [LIC_ERROR_CODE] = 6, [LIC_STATE_TRANSITION] = 7
    };
    const int u32_fields[] = { hf_undecoded, hf_product_version, hf_scope_count, hf_key_exchange_alg,
                               hf_platform_id, hf_connect_flags, hf_error_code, hf_state_transition };
    switch (p->kind) {
    case LIC_PART_U32:
        proto_tree_add_item(tree, u32_fields[u32_hf[p->role]], t, p->off, 4, ENC_LITTLE_ENDIAN);
        break;
    case LIC_PART_FIXED:
        proto_tree_add_item(tree, p->role == LIC_SERVER_RANDOM ? hf_server_random :
                            p->role == LIC_CLIENT_RANDOM ? hf_client_random : hf_mac, t, p->off, p->len, ENC_NA);
        break;
    case LIC_PART_COUNTED:
        proto_tree_add_item(tree, hf_name_len, t, p->off, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, p->role == LIC_COMPANY_NAME ? hf_company_name : hf_product_id, t, p->off + 4,
                            p->len - 4, ENC_UTF_16 | ENC_LITTLE_ENDIAN);
        break;
    default: {
        proto_tree *bt = proto_tree_add_subtree_format(tree, t, p->off, p->len, ett_lic_part, NULL, "%s (%s)",
                                                       role_names[p->role],
                                                       val_to_str_const(p->blob_type, blob_type_vals, "blob"));
        add_blob(t, p, pinfo, bt);
        break;
    }
    }
}

/* The licensing PDU of one message (t: the PDU only). */
static void add_pdu(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    static int *const flag_fields[] = { &hf_flags_version, &hf_flags_extended_error, NULL };
    guint len = tvb_reported_length(t);
    lic_msg m;
    lic_parse(tvb_get_ptr(t, 0, tvb_captured_length(t)), tvb_captured_length(t), &m);
    if (m.status == LIC_SHORT) {
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, 0, len, ENC_NA), &ei_malformed);
        return;
    }
    proto_tree_add_item(tree, hf_msg_type, t, 0, 1, ENC_NA);
    proto_tree_add_bitmask(tree, t, 1, hf_flags, ett_lic_flags, flag_fields, ENC_NA);
    proto_item *si = proto_tree_add_item(tree, hf_msg_size, t, 2, 2, ENC_LITTLE_ENDIAN);
    wmem_strbuf_append_printf(sum, " LIC %s", wsc_val_to_str(pinfo->pool, m.msg_type, msg_type_vals, "type 0x%02x"));
    for (guint i = 0; i < m.n; i++)
        add_part(t, &m.part[i], pinfo, tree);
    if (m.status == LIC_OK)
        return;
    guint from = m.status == LIC_SIZE_MISMATCH ? MIN((guint)m.size, len) : m.err_off;
    if (m.status == LIC_SIZE_MISMATCH)
        expert_add_info_format(pinfo, si, &ei_malformed, "wMsgSize %u, the PDU holds %u bytes", m.size, len);
    else if (m.status == LIC_UNKNOWN_TYPE)
        expert_add_info(pinfo, si, &ei_unknown);
    else
        expert_add_info_format(pinfo, si, &ei_malformed, "%s (offset %u)", status_text[m.status], m.err_off);
    if (from >= LIC_PREAMBLE && from < len)
        proto_tree_add_item(tree, hf_undecoded, t, from, len - from, ENC_NA);
}

static int dissect_lic(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 len = tvb_reported_length(t), cmd;
    proto_item *ti = proto_tree_add_item(tree, proto_lic, t, 0, -1, ENC_NA);
    proto_tree *lt = proto_item_add_subtree(ti, ett_lic);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    if (len < LIC_HDR) {
        expert_add_info(pinfo, proto_tree_add_item(lt, hf_undecoded, t, 0, -1, ENC_NA), &ei_malformed);
        return len;
    }
    proto_tree_add_item_ret_uint(lt, hf_command, t, 0, 1, ENC_NA, &cmd);
    proto_tree_add_item(lt, hf_length, t, 1, 2, ENC_LITTLE_ENDIAN);
    if (len > LIC_HDR)
        add_pdu(tvb_new_subset_remaining(t, LIC_HDR), pinfo, lt, sum);
    else
        wmem_strbuf_append_printf(sum, " LIC %s", wsc_val_to_str(pinfo->pool, cmd, command_vals, "command 0x%02x"));
    proto_item_append_text(ti, ":%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return len;
}

void
proto_register_ica_lic(void)
{
    static hf_register_info hf[] = {
        { &hf_command, { "Command", "ica.lic.command", FT_UINT8, BASE_HEX, VALS(command_vals), 0x0, "iCommand (RISC OS client vdlic)", HFILL } },
        { &hf_length, { "Length", "ica.lic.length", FT_UINT16, BASE_DEC, NULL, 0x0, "cbData: the message, this 3-byte header included (as the real session shows)", HFILL } },
        { &hf_msg_type, { "Licensing message", "ica.lic.msg_type", FT_UINT8, BASE_HEX, VALS(msg_type_vals), 0x0, "MS-RDPELE preamble bMsgType", HFILL } },
        { &hf_flags, { "Flags", "ica.lic.flags", FT_UINT8, BASE_HEX, NULL, 0x0, "MS-RDPELE preamble flags", HFILL } },
        { &hf_flags_version, { "Version", "ica.lic.flags.version", FT_UINT8, BASE_DEC, VALS(version_vals), 0x0F, "Licensing protocol version (PREAMBLE_VERSION_*)", HFILL } },
        { &hf_flags_extended_error, { "Extended error messages supported", "ica.lic.flags.extended_error", FT_BOOLEAN, 8, NULL, 0x80, "EXTENDED_ERROR_MSG_SUPPORTED", HFILL } },
        { &hf_msg_size, { "Message size", "ica.lic.msg_size", FT_UINT16, BASE_DEC, NULL, 0x0, "wMsgSize: the PDU, its preamble included", HFILL } },
        { &hf_server_random, { "ServerRandom", "ica.lic.server_random", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_client_random, { "ClientRandom", "ica.lic.client_random", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_product_version, { "Product version", "ica.lic.product_version", FT_UINT32, BASE_HEX, NULL, 0x0, "ProductInfo dwVersion", HFILL } },
        { &hf_name_len, { "Name length", "ica.lic.name_len", FT_UINT32, BASE_DEC, NULL, 0x0, "cbCompanyName / cbProductId in bytes", HFILL } },
        { &hf_company_name, { "Company name", "ica.lic.company_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "ProductInfo pbCompanyName", HFILL } },
        { &hf_product_id, { "Product id", "ica.lic.product_id", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "ProductInfo pbProductId", HFILL } },
        { &hf_blob_type, { "Blob type", "ica.lic.blob.type", FT_UINT16, BASE_HEX, VALS(blob_type_vals), 0x0, "LICENSE_BINARY_BLOB wBlobType", HFILL } },
        { &hf_blob_len, { "Blob length", "ica.lic.blob.len", FT_UINT16, BASE_DEC, NULL, 0x0, "wBlobLen", HFILL } },
        { &hf_blob_data, { "Blob data", "ica.lic.blob.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Encrypted or opaque blob bytes", HFILL } },
        { &hf_key_exchange_alg, { "Key exchange algorithm", "ica.lic.key_exchange_alg", FT_UINT32, BASE_DEC, VALS(key_exchange_vals), 0x0, NULL, HFILL } },
        { &hf_platform_id, { "Platform id", "ica.lic.platform_id", FT_UINT32, BASE_HEX, NULL, 0x0, "PlatformId (client operating system and licensing software)", HFILL } },
        { &hf_scope_count, { "Scope count", "ica.lic.scope_count", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_scope, { "Scope", "ica.lic.scope", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, "Licensing scope (issuer)", HFILL } },
        { &hf_cert_version, { "Certificate version", "ica.lic.cert.version", FT_UINT32, BASE_HEX, NULL, 0x0, "dwVersion: 1 proprietary, 2 X.509 chain; 0x80000000 temporary", HFILL } },
        { &hf_cert_count, { "Certificates", "ica.lic.cert.count", FT_UINT32, BASE_DEC, NULL, 0x0, "NumCertBlobs of an X.509 chain, or the certificates found in the client license", HFILL } },
        { &hf_cert_len, { "Certificate length", "ica.lic.cert.len", FT_UINT32, BASE_DEC, NULL, 0x0, "cbCert", HFILL } },
        { &hf_cert, { "Certificate", "ica.lic.cert", FT_BYTES, BASE_NONE, NULL, 0x0, "An X.509 certificate (DER) of the client license or the server chain", HFILL } },
        { &hf_mac, { "MACData", "ica.lic.mac", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_connect_flags, { "ConnectFlags", "ica.lic.connect_flags", FT_UINT32, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_error_code, { "Error code", "ica.lic.error_code", FT_UINT32, BASE_HEX, VALS(error_code_vals), 0x0, NULL, HFILL } },
        { &hf_state_transition, { "State transition", "ica.lic.state_transition", FT_UINT32, BASE_DEC, VALS(state_transition_vals), 0x0, NULL, HFILL } },
        { &hf_user_name, { "Client user name", "ica.lic.user_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_machine_name, { "Client machine name", "ica.lic.machine_name", FT_STRINGZPAD, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.lic.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes outside the MS-RDPELE layout", HFILL } },
    };
    static int *ett[] = { &ett_lic, &ett_lic_part, &ett_lic_flags };
    static ei_register_info ei[] = {
        { &ei_malformed, { "ica.lic.malformed", PI_MALFORMED, PI_ERROR, "Licensing message does not fit its MS-RDPELE layout", EXPFILL } },
        { &ei_unknown, { "ica.lic.unknown_type", PI_UNDECODED, PI_NOTE, "No MS-RDPELE layout for this message type", EXPFILL } },
    };
    proto_lic = proto_register_protocol("Citrix ICA licensing channel", "CTXLIC", "ica.lic");
    proto_register_field_array(proto_lic, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_lic), ei, array_length(ei));
}

void
proto_reg_handoff_ica_lic(void)
{
    /* u16 cbData at 1, the 3-byte header included (vc.md §15) */
    static const vc_len_rule rule = { VC_LEN_FIELD, LIC_HDR, 1, 2, 1, 0xFFFF, NULL };
    dissector_table_t ber = find_dissector_table("ber.syntax");
    if (ber)
        certificate_handle = dissector_get_string_handle(ber, "Certificate");
    ica_vc_register("CTXLIC", dissect_lic, proto_lic, &rule);
}
