/* vc_lic.h - the MS-RDPELE licensing PDUs that CTXLIC carries.  Epan-free.
 *
 * CTXLIC (RISC OS client sdk/citrix/h/vdlic, shared notes vc.md §12, §15):
 * u8 iCommand, u16 cbData, then one licensing PDU; cbData counts the 3-byte
 * header (seen in the real session: 321 = 3 + 318).  The PDU is the public
 * Microsoft "Remote Desktop Protocol: Licensing Extension" (MS-RDPELE
 * §2.2.2): a preamble u8 bMsgType, u8 flags (low nibble the version, 0x80
 * extended error support), u16 wMsgSize (the preamble included), then the
 * message.  Variable parts are LICENSE_BINARY_BLOBs: u16 wBlobType, u16
 * wBlobLen, data.  Little-endian.
 *   0x01 LICENSE_REQUEST (server): ServerRandom[32], ProductInfo (u32
 *        dwVersion, u32 cbCompanyName, UTF-16 name, u32 cbProductId, UTF-16
 *        id), KeyExchangeList blob, ServerCertificate blob, u32 ScopeCount,
 *        that many scope blobs
 *   0x02 PLATFORM_CHALLENGE (server): u32 ConnectFlags, challenge blob, MAC[16]
 *   0x03 NEW_LICENSE / 0x04 UPGRADE_LICENSE (server): encrypted license
 *        blob, MAC[16]
 *   0x12 LICENSE_INFO (client): u32 PreferredKeyExchangeAlg, u32 PlatformId,
 *        ClientRandom[32], EncryptedPreMasterSecret blob, LicenseInfo blob
 *        (the client's license), EncryptedHWID blob, MAC[16]
 *   0x13 NEW_LICENSE_REQUEST (client): alg, platform, ClientRandom[32],
 *        EncryptedPreMasterSecret blob, ClientUserName blob,
 *        ClientMachineName blob
 *   0x15 PLATFORM_CHALLENGE_RESPONSE (client): response blob, EncryptedHWID
 *        blob, MAC[16]
 *   0xFF ERROR_ALERT: u32 dwErrorCode, u32 dwStateTransition, error blob
 * The server certificate (MS-RDPBCGR §2.2.1.4.2/3): u32 dwVersion (low 31
 * bits: 1 proprietary, 2 X.509 chain; top bit: temporary), for a chain u32
 * NumCertBlobs, each u32 cbCert + an X.509 certificate (DER).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_VC_LIC_H
#define CITRIX_VC_LIC_H
#include <stddef.h>
#include <stdint.h>

#define LIC_HDR 3               /* iCommand, cbData */
#define LIC_PREAMBLE 4
#define LIC_RANDOM 32
#define LIC_MAC 16
#define LIC_MAX_PARTS 24
#define LIC_MAX_CERTS 8

enum {
    LIC_REQUEST = 0x01, LIC_PLATFORM_CHALLENGE = 0x02, LIC_NEW_LICENSE = 0x03, LIC_UPGRADE_LICENSE = 0x04,
    LIC_LICENSE_INFO = 0x12, LIC_NEW_LICENSE_REQUEST = 0x13, LIC_PLATFORM_CHALLENGE_RESPONSE = 0x15,
    LIC_ERROR_ALERT = 0xFF
};

/* What a part of a message is; the glue shows each with its field. */
enum lic_role {
    LIC_SERVER_RANDOM, LIC_PRODUCT_VERSION, LIC_COMPANY_NAME, LIC_PRODUCT_ID, LIC_KEY_EXCHANGE_LIST,
    LIC_SERVER_CERTIFICATE, LIC_SCOPE_COUNT, LIC_SCOPE, LIC_KEY_EXCHANGE_ALG, LIC_PLATFORM_ID, LIC_CLIENT_RANDOM,
    LIC_PREMASTER_SECRET, LIC_CLIENT_LICENSE, LIC_HWID, LIC_MAC_DATA, LIC_CONNECT_FLAGS, LIC_CHALLENGE,
    LIC_CHALLENGE_RESPONSE, LIC_LICENSE, LIC_USER_NAME, LIC_MACHINE_NAME, LIC_ERROR_CODE, LIC_STATE_TRANSITION,
    LIC_ERROR_INFO, LIC_ROLES
};

enum lic_part_kind {
    LIC_PART_FIXED,             /* off, len: raw bytes (random, MAC) */
    LIC_PART_U32,               /* off, 4 bytes: value */
    LIC_PART_COUNTED,           /* off: u32 byte count, then len - 4 bytes of UTF-16LE */
    LIC_PART_BLOB               /* off: wBlobType, wBlobLen, then len - 4 bytes; blob_type */
};

typedef struct {
    uint8_t role;               /* enum lic_role */
    uint8_t kind;               /* enum lic_part_kind */
    uint16_t blob_type;
    uint32_t off, len;          /* from the PDU start (the preamble); len the whole part */
    uint32_t value;             /* LIC_PART_U32 */
} lic_part;

enum lic_status {
    LIC_OK,                     /* every part of the layout, nothing left over */
    LIC_SHORT,                  /* fewer than the 4 preamble bytes */
    LIC_SIZE_MISMATCH,          /* wMsgSize is not the PDU's length (parts still walked within the PDU) */
    LIC_TRUNCATED,              /* a part runs past the end: err_off where */
    LIC_TRAILING,               /* bytes after the last part: from err_off */
    LIC_UNKNOWN_TYPE,           /* no layout for bMsgType */
    LIC_TOO_MANY                /* more parts (scopes) than LIC_MAX_PARTS: the rest from err_off */
};

typedef struct {
    uint8_t msg_type, flags;
    uint16_t size;              /* wMsgSize */
    uint8_t n;
    lic_part part[LIC_MAX_PARTS];
    uint8_t status;             /* enum lic_status: the first problem */
    uint32_t err_off;
} lic_msg;

/* The parts of the licensing PDU at buf (len bytes: the PDU only, without
 * the CTXLIC header).  Returns m->status. */
int lic_parse(const uint8_t *buf, size_t len, lic_msg *m);

/* A server certificate blob's data (MS-RDPBCGR): its version and, for an
 * X.509 chain, where each certificate lies (offsets from buf). */
typedef struct {
    uint32_t version;           /* dwVersion as sent */
    uint32_t count;             /* NumCertBlobs (0 for a proprietary certificate) */
    uint32_t n;                 /* certificates located (<= LIC_MAX_CERTS) */
    uint32_t off[LIC_MAX_CERTS], len[LIC_MAX_CERTS];   /* of each u32 cbCert; the DER follows it */
    uint8_t status;             /* LIC_OK, LIC_SHORT, LIC_TRUNCATED (err_off), LIC_TOO_MANY */
    uint32_t err_off;
} lic_cert_chain;

#define LIC_CERT_X509 2
#define LIC_CERT_VERSION_MASK 0x7FFFFFFFu
int lic_parse_cert(const uint8_t *buf, size_t len, lic_cert_chain *c);

/* The certificates of the client's license (LICENSE_INFO's LicenseInfo
 * blob): a CMS ContentInfo holding SignedData (RFC 5652), walked in DER to
 * its [0] certificates; off/len give each whole certificate (count = n). */
int lic_parse_signed_certs(const uint8_t *buf, size_t len, lic_cert_chain *c);

#endif
