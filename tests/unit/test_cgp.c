/* CGP core: every byte vector of shared notes cgp.md §10 (H5 unit-test
 * vectors and the messages rebuilt with H5's encoder), plus the bounds. */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "cgp.h"

/* Hex with optional spaces and "quoted ASCII" runs into buf; returns length. */
static size_t hex(uint8_t *buf, size_t cap, const char *s)
{
    size_t n = 0;
    while (*s) {
        if (*s == '"') {
            for (s++; *s && *s != '"'; s++)
                if (n < cap)
                    buf[n++] = (uint8_t)*s;
            if (*s)
                s++;
        } else if (*s == ' ' || *s == '|') {
            s++;
        } else {
            char b[3] = { s[0], s[1], 0 };
            if (n < cap)
                buf[n++] = (uint8_t)strtoul(b, NULL, 16);
            s += 2;
        }
    }
    return n;
}

#define STA ";40;STA490101972;E22678CF749AB3225AB0D11FC3C9A5"

static const char *SR_SERVER_BODY =
    "01 01 01 02 05 00 01 02 05 00 | 00 00 00 00 | 00 | 02 | 10 4e 53 01 00 cb 1e ce 7f 79 e8 03 48 33 66 a2 bb | 00";
static const char *RP_SERVER = "0f 00 00 09 00 00 00 01 b4 00 01 00 50 00 3c 00";
static const char *KA = "0e 00 00 07 00 00 00 b8 0b 00 00 b8 0b 00 00";
static const char *BIND_SERVER = "a4 00 00 00 01 00 00 00 01 1c 01 00 01 00 00 16 \"Citrix.TcpProxyService\"";
static const char *CLIENT_CAPS =
    "18 00 00 05 00 00 00 01 01 01 02 05 00 01 02 05 00 00 00 00 00 00 02 00 00"
    "0f 00 00 09 00 00 00 01 b4 00 01 00 19 00 0a 00"
    "0e 00 00 07 00 00 00 b8 0b 00 00 b8 0b 00 00"
    "24 00 00 01 00 00 00 01 1c 01 00 01 00 00 16 \"Citrix.TcpProxyService\"";
static const char *GW_CAPS = "37 00 00 06 00 00 00 00 2f \"" STA "\" 08 00 00 02 00 00 00 03 00";
static const char *OPEN_REQ = "1d 06 08 01 | 01 00 | 00 | 00 | 02 | 00 00 | 12 | 01 0e \"127.0.0.1:1494\" 03 00";

static void test_varlen(void)
{
    cgp_vl v;
    const uint8_t one[] = { 0x62 }, two[] = { 0xa3, 0x01 }, nonmin[] = { 0xa4, 0x00 },
                  b1_7bit[] = { 0xff, 0x7f }, max[] = { 0xff, 0xff }, zero2[] = { 0x80, 0x00 };
    CHECK_EQ_INT(cgp_varlen(one, 1, 0, &v), CGP_OK);
    CHECK_EQ_INT(v.value, 98);
    CHECK_EQ_INT(v.len, 1);
    CHECK_EQ_INT(cgp_varlen(two, 2, 0, &v), CGP_OK);
    CHECK_EQ_INT(v.value, 163);
    CHECK_EQ_INT(v.len, 2);
    CHECK_EQ_INT(v.nonminimal, 0);
    CHECK_EQ_INT(cgp_varlen(nonmin, 2, 0, &v), CGP_OK);
    CHECK_EQ_INT(v.value, 36);
    CHECK_EQ_INT(v.nonminimal, 1);
    CHECK_EQ_INT(cgp_varlen(zero2, 2, 0, &v), CGP_OK);
    CHECK_EQ_INT(v.value, 0);
    CHECK_EQ_INT(v.nonminimal, 1);
    CHECK_EQ_INT(cgp_varlen(max, 2, 0, &v), CGP_OK);
    CHECK_EQ_INT(v.value, CGP_VARLEN_MAX);
    CHECK_EQ_INT(cgp_varlen(b1_7bit, 2, 0, &v), CGP_OK);
    CHECK_EQ_INT(v.value, 16383);
    CHECK_EQ_INT(cgp_varlen(two, 1, 0, &v), CGP_SHORT);
    CHECK_EQ_INT(cgp_varlen(two, 2, 2, &v), CGP_SHORT);

    uint32_t total = 0;
    CHECK_EQ_INT(cgp_pdu_len(one, 1, &total), CGP_OK);
    CHECK_EQ_INT(total, 99);
    CHECK_EQ_INT(cgp_pdu_len(two, 1, &total), CGP_SHORT);
    CHECK_EQ_INT(cgp_pdu_len(two, 2, &total), CGP_OK);
    CHECK_EQ_INT(total, 165);
    CHECK_EQ_INT(cgp_pdu_len(max, 2, &total), CGP_OK);
    CHECK_EQ_INT(total, 2 + 32767);
}

/* The caps of a bind, checked block by block: the client ones of §10.2. */
static void check_client_caps(const uint8_t *b, size_t len, size_t off, int gateway)
{
    cgp_cap c;
    cgp_parse_cap(b, len, off, &c);
    CHECK_EQ_INT(c.status, CGP_OK);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_SESSION_RELIABILITY);
    CHECK_EQ_INT(c.total, 25);
    cgp_sr sr;
    cgp_parse_sr(b + c.body_off, c.body_len, &sr);
    CHECK_EQ_INT(sr.status, CGP_OK);
    CHECK_EQ_INT(sr.pref_version, 1);
    CHECK_EQ_INT(sr.min_version, 1);
    CHECK_EQ_INT(sr.c2s_algo, 1);
    CHECK_EQ_INT(sr.c2s_len.value, 2);
    CHECK_EQ_INT(b[c.body_off + sr.c2s_off], 5);
    CHECK_EQ_INT(sr.next_msg, 0);
    CHECK_EQ_INT(sr.reconnect_flags, 0);
    CHECK_EQ_INT(sr.ticket_version, 2);
    CHECK_EQ_INT(sr.ticket_len.value, 0);
    CHECK_EQ_INT(sr.n_open.value, 0);
    CHECK_EQ_INT(sr.open_off, c.body_len);
    off += c.total;

    cgp_parse_cap(b, len, off, &c);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_RELIABILITY_PARAMS);
    cgp_relparams rp;
    cgp_parse_relparams(b + c.body_off, c.body_len, &rp);
    CHECK_EQ_INT(rp.status, CGP_OK);
    CHECK_EQ_INT(rp.timeout_s, 180);
    CHECK_EQ_INT(rp.ui_flags, CGP_UI_DIMMING);
    CHECK_EQ_INT(rp.dimming_pct, 25);
    CHECK_EQ_INT(rp.tcp_timeout, 10);
    off += c.total;

    cgp_parse_cap(b, len, off, &c);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_KEEP_ALIVES);
    cgp_keepalive ka;
    cgp_parse_keepalive(b + c.body_off, c.body_len, &ka);
    CHECK_EQ_INT(ka.c2s_ms, 3000);
    CHECK_EQ_INT(ka.s2c_ms, 3000);
    off += c.total;

    cgp_parse_cap(b, len, off, &c);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_SERVICES_BINDING);
    CHECK_EQ_INT(c.total, 37);
    cgp_vl n;
    CHECK_EQ_INT(cgp_varlen(b + c.body_off, c.body_len, 0, &n), CGP_OK);
    CHECK_EQ_INT(n.value, 1);
    cgp_service s;
    cgp_parse_service(b + c.body_off, c.body_len, n.len, &s);
    CHECK_EQ_INT(s.status, CGP_OK);
    CHECK_EQ_INT(s.service_id, 1);
    CHECK_EQ_INT(s.version, 1);
    CHECK_EQ_INT(s.name_len.value, 22);
    CHECK_EQ_MEM(b + c.body_off + s.name_off, CGP_TCPPROXY_NAME, 22);
    off += c.total;
    if (!gateway) {
        CHECK_EQ_INT(off, len);
        return;
    }
    cgp_parse_cap(b, len, off, &c);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_SECURITY_TICKET);
    cgp_sec_ticket t;
    cgp_parse_sec_ticket(b + c.body_off, c.body_len, &t);
    CHECK_EQ_INT(t.status, CGP_OK);
    CHECK_EQ_INT(t.type, 0);
    CHECK_EQ_INT(t.ticket_len.value, 47);
    CHECK_EQ_MEM(b + c.body_off + t.ticket_off, STA, 47);
    cgp_sta sta;
    CHECK_EQ_INT(cgp_parse_sta(b + c.body_off + t.ticket_off, 47, &sta), 1);
    CHECK_EQ_INT(sta.version_len, 2);
    CHECK_EQ_INT(sta.id_off, 4);
    CHECK_EQ_INT(sta.id_len, 12);
    CHECK_EQ_INT(sta.ticket_len, 30);
    off += c.total;
    cgp_parse_cap(b, len, off, &c);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_ENDPOINT_ADDRESS);
    cgp_endpoint e;
    cgp_parse_endpoint(b + c.body_off, c.body_len, &e);
    CHECK_EQ_INT(e.status, CGP_OK);
    CHECK_EQ_INT(e.type, 3);
    CHECK_EQ_INT(e.addr_len.value, 0);
    off += c.total;
    CHECK_EQ_INT(off, len);
}

/* §10.2: client first segment direct to 2598, 106 bytes. */
static void test_client_direct(void)
{
    uint8_t b[256];
    size_t n = hex(b, sizeof b, "1a 43 47 50 2f 30 31 62 01 00 00 00 04");
    n += hex(b + n, sizeof b - n, CLIENT_CAPS);
    CHECK_EQ_INT(n, 106);
    CHECK_EQ_MEM(b, cgp_signature, CGP_SIGNATURE_LEN);
    CHECK(cgp_probe_bind(b, n, CGP_BIND_REQUEST));
    CHECK(!cgp_probe_bind(b, n, CGP_BIND_RESPONSE));
    CHECK(cgp_probe_bind(b, 13, CGP_BIND_REQUEST));     /* up to num_caps is enough */
    CHECK(!cgp_probe_bind(b, 12, CGP_BIND_REQUEST));
    cgp_record r;
    cgp_parse_record(b + 7, n - 7, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.length.value, 98);
    CHECK_EQ_INT(r.total, 99);
    CHECK_EQ_INT(r.cmd, CGP_BIND_REQUEST);
    CHECK_EQ_INT(r.n_flag_bytes, 1);
    CHECK_EQ_INT(r.bind_flag_not_zero, 0);
    CHECK_EQ_INT(r.payload_off, 3);
    CHECK_EQ_INT(r.payload_len, 96);
    cgp_bind bd;
    const uint8_t *pl = b + 7 + r.payload_off;
    cgp_parse_bind(pl, r.payload_len, &bd);
    CHECK_EQ_INT(bd.status, CGP_OK);
    CHECK_EQ_INT(bd.reserved, 0);
    CHECK_EQ_INT(bd.num_caps.value, 4);
    check_client_caps(pl, r.payload_len, bd.caps_off, 0);
}

/* §10.2: through a Gateway, 172 bytes, two-byte record length a3 01. */
static void test_client_gateway(void)
{
    uint8_t b[256];
    size_t n = hex(b, sizeof b, "1a 43 47 50 2f 30 31 a3 01 01 00 00 00 06");
    n += hex(b + n, sizeof b - n, CLIENT_CAPS);
    n += hex(b + n, sizeof b - n, GW_CAPS);
    CHECK_EQ_INT(n, 172);
    CHECK(cgp_probe_bind(b, n, CGP_BIND_REQUEST));
    cgp_record r;
    cgp_parse_record(b + 7, n - 7, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.length.value, 163);
    CHECK_EQ_INT(r.length.len, 2);
    CHECK_EQ_INT(r.total, 165);
    cgp_bind bd;
    const uint8_t *pl = b + 7 + r.payload_off;
    cgp_parse_bind(pl, r.payload_len, &bd);
    CHECK_EQ_INT(bd.num_caps.value, 6);
    check_client_caps(pl, r.payload_len, bd.caps_off, 1);
}

/* §10.1: the server BIND_RESPONSE capability vectors of the H5 unit tests. */
static void test_server_caps(void)
{
    uint8_t b[256];
    size_t n = hex(b, sizeof b, "28 00 00 05 00 00 00");
    size_t body = hex(b + n, sizeof b - n, SR_SERVER_BODY);
    CHECK_EQ_INT(body, 34);
    n += body;
    cgp_cap c;
    cgp_parse_cap(b, n, 0, &c);
    CHECK_EQ_INT(c.status, CGP_OK);
    CHECK_EQ_INT(c.blk_len.value, 40);
    CHECK_EQ_INT(c.body_len, 34);
    cgp_sr sr;
    cgp_parse_sr(b + c.body_off, c.body_len, &sr);
    CHECK_EQ_INT(sr.status, CGP_OK);
    CHECK_EQ_INT(sr.s2c_algo, 1);
    CHECK_EQ_INT(sr.s2c_len.value, 2);
    CHECK_EQ_INT(sr.next_msg, 0);
    CHECK_EQ_INT(sr.reconnect_flags, 0);
    CHECK_EQ_INT(sr.ticket_version, 2);
    CHECK_EQ_INT(sr.ticket_len.value, 16);
    CHECK_EQ_INT(b[c.body_off + sr.ticket_off], 0x4e);
    CHECK_EQ_INT(b[c.body_off + sr.ticket_off + 15], 0xbb);
    CHECK_EQ_INT(sr.n_open.value, 0);
    CHECK_EQ_INT(sr.open_off, 34);

    n = hex(b, sizeof b, RP_SERVER);
    cgp_parse_cap(b, n, 0, &c);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_RELIABILITY_PARAMS);
    CHECK_EQ_INT(c.total, n);
    cgp_relparams rp;
    cgp_parse_relparams(b + c.body_off, c.body_len, &rp);
    CHECK_EQ_INT(rp.version, 1);
    CHECK_EQ_INT(rp.timeout_s, 180);
    CHECK_EQ_INT(rp.ui_flags, 1);
    CHECK_EQ_INT(rp.dimming_pct, 80);
    CHECK_EQ_INT(rp.tcp_timeout, 60);

    n = hex(b, sizeof b, KA);
    cgp_parse_cap(b, n, 0, &c);
    cgp_keepalive ka;
    cgp_parse_keepalive(b + c.body_off, c.body_len, &ka);
    CHECK_EQ_INT(ka.status, CGP_OK);
    CHECK_EQ_INT(ka.c2s_ms, 3000);
    CHECK_EQ_INT(ka.s2c_ms, 3000);

    n = hex(b, sizeof b, BIND_SERVER);
    cgp_parse_cap(b, n, 0, &c);
    CHECK_EQ_INT(c.status, CGP_OK);
    CHECK_EQ_INT(c.blk_len.value, 36);
    CHECK_EQ_INT(c.blk_len.nonminimal, 1);
    CHECK_EQ_INT(c.total, 38);
    CHECK_EQ_INT(c.total, n);
    CHECK_EQ_INT(c.cap_id, CGP_CAP_SERVICES_BINDING);
    cgp_service s;
    cgp_parse_service(b + c.body_off, c.body_len, 1, &s);
    CHECK_EQ_INT(s.status, CGP_OK);
    CHECK_EQ_INT(s.service_id, 1);
    CHECK_EQ_MEM(b + c.body_off + s.name_off, CGP_TCPPROXY_NAME, 22);
}

static void test_small_messages(void)
{
    uint8_t b[64];
    cgp_record r;
    /* ICA detect string in CGP */
    size_t n = hex(b, sizeof b, "07 0A 7F 7F 49 43 41 00");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.cmd, CGP_DATA_REALTIME);
    CHECK_EQ_INT(r.has_flag_bytes, 0);
    CHECK_EQ_INT(r.tracked, 1);
    CHECK_EQ_INT(r.payload_off, 2);
    CHECK_EQ_INT(r.payload_len, 6);
    CHECK_EQ_MEM(b + r.payload_off, "\x7f\x7f" "ICA\0", 6);
    /* NOP with ack */
    n = hex(b, sizeof b, "04 05 08 02 06");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.cmd, CGP_NOP);
    CHECK(cgp_flag_set(&r, CGP_EXT_RELIABILITY));
    CHECK_EQ_INT(r.has_reliability, 1);
    CHECK_EQ_INT(r.rel_flags, CGP_REL_ACK);
    CHECK_EQ_INT(r.tracked, 0);
    CHECK_EQ_INT(r.has_ack, 1);
    CHECK_EQ_INT(r.ack_delta.value, 6);
    CHECK_EQ_INT(r.payload_len, 0);
    /* FINISH_REQUEST, both close types */
    for (unsigned tt = 0; tt < 2; tt++) {
        n = hex(b, sizeof b, tt ? "04 03 00 01 00" : "04 03 00 00 00");
        cgp_parse_record(b, n, &r);
        CHECK_EQ_INT(r.status, CGP_OK);
        CHECK_EQ_INT(r.cmd, CGP_FINISH_REQUEST);
        CHECK_EQ_INT(r.has_reliability, 0);
        cgp_finish f;
        cgp_parse_finish(b + r.payload_off, r.payload_len, &f);
        CHECK_EQ_INT(f.status, CGP_OK);
        CHECK_EQ_INT(f.close_type, tt);
        CHECK_EQ_INT(f.reserved, 0);
    }
    /* DATA_REALTIME_WITH_ACK */
    n = hex(b, sizeof b, "05 0B 03 7F 7F 49");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.ack_delta.value, 3);
    CHECK_EQ_INT(r.payload_off, 3);
    CHECK_EQ_INT(r.payload_len, 3);
    CHECK_EQ_INT(r.header_complete, 1);
    /* a tracked DATA record cut short: L = 16, 7 bytes given.  Its header
     * (flag byte, reliability flags) and the payload's start are there. */
    n = hex(b, sizeof b, "10 09 08 01 00 02 aa");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_SHORT);
    CHECK_EQ_INT(r.cmd, CGP_DATA);
    CHECK_EQ_INT(r.tracked, 1);
    CHECK_EQ_INT(r.header_complete, 1);
    CHECK_EQ_INT(r.payload_off, 4);
    CHECK_EQ_INT(r.payload_len, 3);
    cgp_data d;
    cgp_parse_data(b + r.payload_off, r.payload_len, &d);
    CHECK_EQ_INT(d.status, CGP_OK);
    CHECK_EQ_INT(d.channel.value, 2);
    CHECK_EQ_INT(d.data_len, 1);
    /* ... cut inside its extensions: the payload's start is not known */
    cgp_parse_record(b, 3, &r);
    CHECK_EQ_INT(r.status, CGP_SHORT);
    CHECK_EQ_INT(r.header_complete, 0);
    /* ... and an ack delta cut in its 2-byte form */
    n = hex(b, sizeof b, "10 09 08 02 80");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.header_complete, 0);
}

/* §10.2: the CHANNEL_OPEN_REQUEST and, inside it, §10.1's TcpProxy params. */
static void test_channel_open(void)
{
    uint8_t b[64];
    size_t n = hex(b, sizeof b, OPEN_REQ);
    CHECK_EQ_INT(n, 30);
    cgp_record r;
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.cmd, CGP_CHANNEL_OPEN_REQUEST);
    CHECK_EQ_INT(r.tracked, 1);
    CHECK_EQ_INT(r.payload_off, 4);
    cgp_open_req o;
    cgp_parse_open_req(b + r.payload_off, r.payload_len, &o);
    CHECK_EQ_INT(o.status, CGP_OK);
    CHECK_EQ_INT(o.service_id, 1);
    CHECK_EQ_INT(o.channel.value, 0);
    CHECK_EQ_INT(o.framing, 0);
    CHECK_EQ_INT(o.priority, 2);
    CHECK_EQ_INT(o.params_len.value, 18);
    cgp_tcpproxy t;
    const uint8_t *pp = b + r.payload_off + o.params_off;
    cgp_parse_tcpproxy(pp, o.params_len.value, &t);
    CHECK_EQ_INT(t.status, CGP_OK);
    CHECK_EQ_INT(t.version, 1);
    CHECK_EQ_INT(t.target_len.value, 14);
    CHECK_EQ_MEM(pp + t.target_off, "127.0.0.1:1494", 14);
    CHECK_EQ_INT(t.protocol, CGP_PROTO_ICA);
    /* the params vector alone, as in the H5 unit test */
    n = hex(b, sizeof b, "01 0E \"127.0.0.1:1494\" 03 00");
    cgp_parse_tcpproxy(b, n, &t);
    CHECK_EQ_INT(t.status, CGP_OK);
    CHECK_EQ_INT(t.protocol, 3);
    CHECK_EQ_INT(t.protocol_off, 16);
}

/* A resume: SR cap with the reconnect flag, a ticket and the embedded open request. */
static void test_resume_sr(void)
{
    uint8_t b[128];
    size_t n = hex(b, sizeof b, "01 01 01 02 05 00 01 02 05 00 | 07 00 00 00 | 01 | 02 | 10 4e 53 01 00 cb 1e ce 7f 79 e8 03 48 33 66 a2 bb | 01");
    n += hex(b + n, sizeof b - n, OPEN_REQ);
    cgp_sr sr;
    cgp_parse_sr(b, n, &sr);
    CHECK_EQ_INT(sr.status, CGP_OK);
    CHECK_EQ_INT(sr.next_msg, 7);
    CHECK_EQ_INT(sr.reconnect_flags, CGP_RECONNECT_TICKET);
    CHECK_EQ_INT(sr.n_open.value, 1);
    cgp_record r;
    cgp_parse_record(b + sr.open_off, n - sr.open_off, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.cmd, CGP_CHANNEL_OPEN_REQUEST);
    CHECK_EQ_INT(sr.open_off + r.total, n);
}

static void test_other_payloads(void)
{
    uint8_t b[64];
    size_t n = hex(b, sizeof b, "00 | 00 00 | 03 00 | 00 00 | 00");
    cgp_open_resp o;
    cgp_parse_open_resp(b, n, &o);
    CHECK_EQ_INT(o.status, CGP_OK);
    CHECK_EQ_INT(o.status_code, 0);
    CHECK_EQ_INT(o.service_status, 3);
    CHECK_EQ_INT(o.params_len.value, 0);
    n = hex(b, sizeof b, "02 | 00 00 | 01 00 | 02 00");
    cgp_close c;
    cgp_parse_close(b, n, &c);
    CHECK_EQ_INT(c.status, CGP_OK);
    CHECK_EQ_INT(c.channel.value, 2);
    CHECK_EQ_INT(c.status_code, 1);
    CHECK_EQ_INT(c.service_status, 2);
    n = hex(b, sizeof b, "09 04 aa bb");
    cgp_data d;
    cgp_parse_data(b, n, &d);
    CHECK_EQ_INT(d.flags, 9);
    CHECK_EQ_INT(d.channel.value, 4);
    CHECK_EQ_INT(d.data_off, 2);
    CHECK_EQ_INT(d.data_len, 2);
    CHECK_EQ_STR(cgp_cmd_name(0x0b), "DATA_REALTIME_WITH_ACK");
    CHECK(cgp_cmd_name(0) == NULL);
    CHECK(cgp_cmd_name(0x0c) == NULL);
}

static void test_extensions(void)
{
    uint8_t b[128];
    cgp_record r;
    /* EXT_LENGTH + COMPRESSION + RELIABILITY: compression's layout is unknown,
     * but EXT_LENGTH says where the payload starts. */
    size_t n = hex(b, sizeof b, "08 05 0d 03 aa bb 01 | cc dd");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.has_ext_len, 1);
    CHECK_EQ_INT(r.ext_len.value, 3);
    CHECK_EQ_INT(r.ext_undecodable, 0);
    CHECK_EQ_INT(r.undecoded_off, 4);
    CHECK_EQ_INT(r.undecoded_len, 3);
    CHECK_EQ_INT(r.payload_off, 7);
    CHECK_EQ_INT(r.payload_len, 2);
    /* MONITORING without EXT_LENGTH: the payload cannot be found */
    n = hex(b, sizeof b, "05 05 02 01 aa bb");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.has_monitoring, 1);
    CHECK_EQ_INT(r.ext_undecodable, 1);
    CHECK_EQ_INT(r.undecoded_off, 4);
    /* reliability inside EXT_LENGTH, consistent */
    n = hex(b, sizeof b, "05 05 09 02 03 05");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_OK);
    CHECK_EQ_INT(r.rel_flags, 3);
    CHECK_EQ_INT(r.ack_delta.value, 5);
    CHECK_EQ_INT(r.tracked, 1);
    CHECK_EQ_INT(r.ext_len_mismatch, 0);
    CHECK_EQ_INT(r.payload_len, 0);
    /* EXT_LENGTH past the record */
    n = hex(b, sizeof b, "04 05 09 7f 01");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_SHORT);
    /* second flag byte: index 7 (0x81 0x01) is unknown, no EXT_LENGTH */
    n = hex(b, sizeof b, "04 05 80 01 aa");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.n_flag_bytes, 2);
    CHECK(cgp_flag_set(&r, 7));
    CHECK_EQ_INT(r.ext_undecodable, 1);
    /* 32 flag bytes all with 0x80: stops at 32 */
    b[0] = 0x7f;
    b[1] = CGP_NOP;
    memset(b + 2, 0x80, 40);
    cgp_parse_record(b, 42, &r);
    CHECK_EQ_INT(r.n_flag_bytes, CGP_MAX_FLAG_BYTES);
    CHECK_EQ_INT(r.flag_bytes_unterminated, 1);
    CHECK_EQ_INT(r.ext_undecodable, 1);
    CHECK_EQ_INT(r.status, CGP_SHORT);  /* L = 127 but 42 bytes */
    /* BIND flag byte not zero */
    n = hex(b, sizeof b, "05 01 08 00 00 00");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.bind_flag_not_zero, 1);
    CHECK_EQ_INT(r.has_reliability, 0);
}

static void test_bounds(void)
{
    uint8_t b[64];
    cgp_record r;
    /* record longer than the buffer */
    size_t n = hex(b, sizeof b, "ff ff 09 08 01 00 01 aa");
    cgp_parse_record(b, n, &r);
    CHECK_EQ_INT(r.status, CGP_SHORT);
    CHECK_EQ_INT(r.total, 32769);
    CHECK_EQ_INT(r.cmd, CGP_DATA);
    CHECK_EQ_INT(r.payload_off, 5);
    CHECK_EQ_INT(r.payload_len, 3);
    /* zero length */
    cgp_parse_record((const uint8_t *)"\x00", 1, &r);
    CHECK_EQ_INT(r.status, CGP_BAD);
    /* a capability shorter than its header, and one past the buffer */
    cgp_cap c;
    n = hex(b, sizeof b, "05 00 00 05 00 00");
    cgp_parse_cap(b, n, 0, &c);
    CHECK_EQ_INT(c.status, CGP_BAD);
    n = hex(b, sizeof b, "28 00 00 05 00 00 00 01 01");
    cgp_parse_cap(b, n, 0, &c);
    CHECK_EQ_INT(c.status, CGP_SHORT);
    CHECK_EQ_INT(c.cap_id, 5);
    CHECK_EQ_INT(c.body_len, 2);
    /* SR ticket length past the body */
    n = hex(b, sizeof b, "01 01 01 00 01 00 00 00 00 00 01 02 50 aa bb");
    cgp_sr sr;
    cgp_parse_sr(b, n, &sr);
    CHECK_EQ_INT(sr.status, CGP_SHORT);
    CHECK_EQ_INT(sr.ticket_len.value, 0x50);
    CHECK_EQ_INT(sr.reconnect_flags, 1);
    /* service entry whose name runs out of its block */
    n = hex(b, sizeof b, "07 01 00 01 00 00 16 41 42");
    cgp_service s;
    cgp_parse_service(b, n, 0, &s);
    CHECK_EQ_INT(s.status, CGP_SHORT);
    /* a probe that must not match: response signature with command 3 */
    n = hex(b, sizeof b, "1a 43 47 50 2f 30 31 05 03 00 00 00 01");
    CHECK(!cgp_probe_bind(b, n, CGP_BIND_REQUEST));
    n = hex(b, sizeof b, "1a 43 47 50 2f 30 31 05 01 00 00 00 21");   /* 33 caps */
    CHECK(!cgp_probe_bind(b, n, CGP_BIND_REQUEST));
    n = hex(b, sizeof b, "1a 43 47 50 2f 30 31 05 01 00 00 00 00");   /* 0 caps */
    CHECK(!cgp_probe_bind(b, n, CGP_BIND_REQUEST));
}

static void test_socks(void)
{
    uint8_t b[128];
    CHECK_EQ_INT(cgp_socks_greeting_len((const uint8_t *)"\x05\x01\x00", 3), 3);
    CHECK_EQ_INT(cgp_socks_greeting_len((const uint8_t *)"\x05\x02\x00", 3), 0);
    size_t n = hex(b, sizeof b, "05 01 00 03 2f \"" STA "\" 05 d6");
    cgp_socks_connect k;
    cgp_parse_socks_connect(b, n, &k);
    CHECK_EQ_INT(k.status, CGP_OK);
    CHECK_EQ_INT(k.domain_len, 47);
    CHECK_EQ_INT(k.port, 1494);
    CHECK_EQ_INT(k.total, n);
    cgp_parse_socks_connect(b, 20, &k);
    CHECK_EQ_INT(k.status, CGP_SHORT);
    CHECK_EQ_INT(cgp_socks_reply_len((const uint8_t *)"\x05\x00\x00\x01\x0a\x00\x00\x01\x05\xd6", 10), 10);
    CHECK_EQ_INT(cgp_socks_reply_len((const uint8_t *)"\x05\x00\x00\x01\x0a\x00", 6), 0);
    cgp_sta sta;
    CHECK_EQ_INT(cgp_parse_sta((const uint8_t *)";40;;X", 6, &sta), 1);
    CHECK_EQ_INT(cgp_parse_sta((const uint8_t *)"40;A;X", 6, &sta), 0);
    CHECK_EQ_INT(cgp_parse_sta((const uint8_t *)";40;A;", 6, &sta), 0);
}

/* Units cut across messages: every way of cutting one stream into messages
 * of 1, 2, 3, 5 and 250 bytes, and seeded random cuts, gives back exactly
 * the stream's units (the signature, 1- and 2-byte varlen records, the
 * 32769-byte maximum), whole ones in place and the others joined. */
static size_t join_stream(uint8_t *b, size_t cap, uint32_t *ends, size_t *n_units)
{
    size_t n = hex(b, cap, "1a 43 47 50 2f 30 31 | 03 05 08 02 | 1a 0a");   /* signature, NOP, a 27-byte record */
    ends[0] = 7, ends[1] = 11, ends[2] = 11 + 27;
    memset(b + 13, 0xaa, 25);
    n = 38;
    b[n++] = 0x80, b[n++] = 0x01, b[n++] = 0x0a;                         /* varlen 128, 2-byte form */
    memset(b + n, 0xbb, 127);
    n += 127;
    ends[3] = (uint32_t)n;
    b[n++] = 0xff, b[n++] = 0xff, b[n++] = 0x0a;                         /* the largest record */
    memset(b + n, 0xcc, 32766);
    n += 32766;
    ends[4] = (uint32_t)n;
    b[n++] = 0x01, b[n++] = 0x05;                                        /* a 2-byte NOP */
    ends[5] = (uint32_t)n;
    *n_units = 6;
    (void)cap;
    return n;
}

static int join_check(const uint8_t *b, size_t n, const uint32_t *ends, size_t n_units, const size_t *cuts, size_t n_cuts)
{
    cgp_join j;
    memset(&j, 0, sizeof j);
    size_t pos = 0, unit = 0, pending_start = 0, ok = 1;
    for (size_t c = 0; pos < n; c++) {
        size_t len = cuts[c % n_cuts] < n - pos ? cuts[c % n_cuts] : n - pos;
        cgp_join_split sp;
        cgp_join_message(&j, b + pos, len, &sp);
        if (sp.head_len && sp.head_at != pos - pending_start)
            ok = 0;
        if (sp.head_done && (unit >= n_units || ends[unit++] != pos + sp.head_len))
            ok = 0;
        for (size_t off = sp.head_len; off < sp.tail_off;) {
            off += cgp_unit_len(b + pos + off, len - off);
            if (unit >= n_units || ends[unit++] != pos + off)
                ok = 0;
        }
        if (sp.tail_off < len)
            pending_start = pos + sp.tail_off;
        pos += len;
    }
    return ok && unit == n_units && j.have == 0;
}

static void test_join(void)
{
    static uint8_t b[33000];
    uint32_t ends[8];
    size_t n_units, n = join_stream(b, sizeof b, ends, &n_units);
    static const size_t sizes[] = { 1, 2, 3, 5, 250, 40000 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        CHECK(join_check(b, n, ends, n_units, &sizes[i], 1));
    size_t cuts[64];
    srand(2598);
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < 64; i++)
            cuts[i] = 1 + (size_t)rand() % (round < 25 ? 9 : 2000);
        CHECK(join_check(b, n, ends, n_units, cuts, 64));
    }
    /* the signature cut after 1a, a 2-byte varlen cut between its bytes */
    cgp_join j;
    cgp_join_split sp;
    memset(&j, 0, sizeof j);
    cgp_join_message(&j, b, 1, &sp);
    CHECK_EQ_INT(sp.tail_off, 0);
    CHECK_EQ_INT(j.need, 0);
    cgp_join_message(&j, b + 1, 6, &sp);
    CHECK_EQ_INT(sp.head_len, 6);
    CHECK_EQ_INT(sp.head_at, 1);
    CHECK_EQ_INT(sp.head_done, 1);
    CHECK_EQ_INT(sp.tail_off, 6);
    cgp_join_message(&j, b + 7, 32, &sp);    /* the NOP, the 27-byte record, the 80 of 80 01 */
    CHECK_EQ_INT(sp.head_len, 0);
    CHECK_EQ_INT(sp.tail_off, 31);
    CHECK_EQ_INT(j.have, 1);
    CHECK_EQ_INT(j.need, 0);
    cgp_join_message(&j, b + 39, 3, &sp);
    CHECK_EQ_INT(j.need, 130);
    CHECK_EQ_INT(sp.head_len, 3);
    CHECK_EQ_INT(sp.head_at, 1);
    CHECK_EQ_INT(sp.head_done, 0);
    CHECK_EQ_INT(j.have, 4);
    /* an empty message changes nothing */
    cgp_join_message(&j, b + 43, 0, &sp);
    CHECK_EQ_INT(sp.head_len, 0);
    CHECK_EQ_INT(j.have, 4);
}

int main(void)
{
    test_varlen();
    test_client_direct();
    test_client_gateway();
    test_server_caps();
    test_small_messages();
    test_channel_open();
    test_resume_sr();
    test_other_payloads();
    test_extensions();
    test_bounds();
    test_socks();
    test_join();
    return unit_report();
}
