/* vc_lic: the MS-RDPELE message walk (vc_lic.h; MS-RDPELE §2.2.2, MS-RDPBCGR
 * §2.2.1.4 for the certificate chain).  Byte vectors written from the spec's
 * layouts; the challenge and response sizes are those of the real session. */
#include "unit.h"
#include "vc_lic.h"

int main(void)
{
    lic_msg m;
    /* PLATFORM_CHALLENGE: flags 0, blob type 0 with 10 bytes, MAC: 38 bytes */
    uint8_t ch[38] = { 0x02, 0x02, 38, 0, 0, 0, 0, 0, 0x00, 0x00, 10, 0 };
    CHECK_EQ_INT(lic_parse(ch, sizeof ch, &m), LIC_OK);
    CHECK_EQ_INT(m.msg_type, LIC_PLATFORM_CHALLENGE);
    CHECK_EQ_INT(m.flags, 2);
    CHECK_EQ_INT(m.n, 3);
    CHECK_EQ_INT(m.part[0].role, LIC_CONNECT_FLAGS);
    CHECK_EQ_INT(m.part[1].role, LIC_CHALLENGE);
    CHECK_EQ_INT(m.part[1].off, 8);
    CHECK_EQ_INT(m.part[1].len, 14);
    CHECK_EQ_INT(m.part[2].role, LIC_MAC_DATA);
    CHECK_EQ_INT(m.part[2].off, 22);
    /* cut one byte short: the MAC runs past the end, and wMsgSize disagrees */
    CHECK_EQ_INT(lic_parse(ch, sizeof ch - 1, &m), LIC_TRUNCATED);
    CHECK_EQ_INT(m.err_off, 22);
    CHECK_EQ_INT(m.n, 2);
    /* a blob claiming more than is there */
    uint8_t bad[38];
    memcpy(bad, ch, sizeof ch);
    bad[10] = 200;
    CHECK_EQ_INT(lic_parse(bad, sizeof bad, &m), LIC_TRUNCATED);
    CHECK_EQ_INT(m.err_off, 8);
    /* trailing bytes after the MAC */
    uint8_t tr[40] = { 0x02, 0x02, 40, 0, 0, 0, 0, 0, 0x00, 0x00, 10, 0 };
    CHECK_EQ_INT(lic_parse(tr, sizeof tr, &m), LIC_TRAILING);
    CHECK_EQ_INT(m.err_off, 38);
    /* PLATFORM_CHALLENGE_RESPONSE: blobs of 18 and 20 bytes, MAC: 66 bytes */
    uint8_t rsp[66] = { 0x15, 0x02, 66, 0, 0x01, 0x00, 18, 0 };
    rsp[26] = 0x01; rsp[28] = 20;
    CHECK_EQ_INT(lic_parse(rsp, sizeof rsp, &m), LIC_OK);
    CHECK_EQ_INT(m.n, 3);
    CHECK_EQ_INT(m.part[1].role, LIC_HWID);
    CHECK_EQ_INT(m.part[1].blob_type, 1);
    CHECK_EQ_INT(m.part[1].len, 24);
    /* LICENSE_REQUEST: random, version, "A" company, "B" product, blobs, 2 scopes */
    uint8_t rq[4 + 32 + 4 + 6 + 6 + 4 + 4 + 4 + 5 + 4] = { 0x01, 0x03 };
    size_t o = 4 + 32;
    rq[o] = 0; rq[o + 2] = 0x0a; o += 4;                 /* dwVersion 0x000a0000 */
    rq[o] = 2; rq[o + 4] = 'A'; o += 6;                  /* cbCompanyName 2 */
    rq[o] = 2; rq[o + 4] = 'B'; o += 6;
    rq[o] = 13; o += 4;                                  /* KeyExchangeList, empty */
    rq[o] = 3; o += 4;                                   /* ServerCertificate, empty */
    rq[o] = 2; o += 4;                                   /* ScopeCount 2 */
    rq[o] = 14; rq[o + 2] = 1; o += 5;                   /* scope 1: one byte */
    rq[o] = 14; o += 4;                                  /* scope 2: empty */
    CHECK_EQ_INT(o, sizeof rq);
    rq[2] = sizeof rq;
    CHECK_EQ_INT(lic_parse(rq, sizeof rq, &m), LIC_OK);
    CHECK_EQ_INT(m.n, 9);
    CHECK_EQ_INT(m.part[1].value, 0x000a0000);
    CHECK_EQ_INT(m.part[2].role, LIC_COMPANY_NAME);
    CHECK_EQ_INT(m.part[2].len, 6);
    CHECK_EQ_INT(m.part[6].value, 2);
    CHECK_EQ_INT(m.part[8].role, LIC_SCOPE);
    /* a scope count far beyond the parts kept */
    rq[o - 9 - 4] = 0xff;
    CHECK(lic_parse(rq, sizeof rq, &m) == LIC_TRUNCATED);
    /* unknown type, short preamble, size mismatch */
    uint8_t unk[4] = { 0x77, 0x02, 4, 0 };
    CHECK_EQ_INT(lic_parse(unk, sizeof unk, &m), LIC_UNKNOWN_TYPE);
    CHECK_EQ_INT(lic_parse(unk, 3, &m), LIC_SHORT);
    uint8_t up[24] = { 0x04, 0x02, 30, 0, 0x09, 0, 0, 0 };
    CHECK_EQ_INT(lic_parse(up, sizeof up, &m), LIC_SIZE_MISMATCH);
    CHECK_EQ_INT(m.n, 2);
    /* certificate chain: X.509 (temporary bit set), two certificates of 3 and 1 bytes, padding */
    uint8_t cert[8 + 7 + 5 + 16] = { 2, 0, 0, 0x80, 2, 0, 0, 0, 3, 0, 0, 0, 0x30, 1, 0, 1, 0, 0, 0, 0x30 };
    lic_cert_chain c;
    CHECK_EQ_INT(lic_parse_cert(cert, sizeof cert, &c), LIC_OK);
    CHECK_EQ_INT(c.version, 0x80000002u);
    CHECK_EQ_INT(c.n, 2);
    CHECK_EQ_INT(c.off[1], 15);
    CHECK_EQ_INT(c.len[1], 1);
    CHECK_EQ_INT(lic_parse_cert(cert, 17, &c), LIC_TRUNCATED);
    CHECK_EQ_INT(c.n, 1);
    uint8_t prop[8] = { 1, 0, 0, 0 };
    CHECK_EQ_INT(lic_parse_cert(prop, sizeof prop, &c), LIC_OK);
    CHECK_EQ_INT(c.count, 0);
    /* CMS ContentInfo / SignedData with two certificates (RFC 5652), then a SignerInfos SET */
    static const uint8_t cms[] = {
        0x30, 0x19, 0x06, 0x01, 0x00, 0xa0, 0x14, 0x30, 0x12, 0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x00,
        0xa0, 0x06, 0x30, 0x02, 0x05, 0x00, 0x30, 0x00, 0x31, 0x81, 0x00
    };
    CHECK_EQ_INT(lic_parse_signed_certs(cms, sizeof cms, &c), LIC_OK);
    CHECK_EQ_INT(c.n, 2);
    CHECK_EQ_INT(c.off[0], 18);
    CHECK_EQ_INT(c.len[0], 4);
    CHECK_EQ_INT(c.off[1], 22);
    CHECK_EQ_INT(c.len[1], 2);
    /* cut inside the certificates: the outer lengths no longer fit */
    CHECK_EQ_INT(lic_parse_signed_certs(cms, 20, &c), LIC_TRUNCATED);
    CHECK_EQ_INT(c.n, 0);
    /* a certificate whose length runs past its SET */
    uint8_t bad_cms[sizeof cms];
    memcpy(bad_cms, cms, sizeof cms);
    bad_cms[19] = 0x09;
    CHECK_EQ_INT(lic_parse_signed_certs(bad_cms, sizeof bad_cms, &c), LIC_TRUNCATED);
    CHECK_EQ_INT(c.err_off, 18);
    return unit_report();
}
