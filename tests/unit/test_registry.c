/* Golden vectors from the 2026-08-17 IANA registry (shared notes, registry.md §8). */
#include "unit.h"
#include "registry.h"

static registry_info_t look(registry_transport_t t, unsigned port)
{
    registry_info_t info;
    memset(&info, 0, sizeof info);
    CHECK(registry_lookup(t, (uint16_t)port, &info));
    return info;
}

static void check_names(registry_transport_t t, unsigned port, const char *const *names, unsigned n,
                        const char *description)
{
    registry_info_t i = look(t, port);
    CHECK_EQ_INT(i.status, REGISTRY_ASSIGNED);
    CHECK_EQ_INT(i.n_names, n);
    for (unsigned k = 0; k < n && k < i.n_names; k++)
        CHECK_EQ_STR(registry_name(&i, k), names[k]);
    CHECK_EQ_STR(i.description, description);
}

int main(void)
{
    registry_info_t i;
    static const char *const troff[] = { "troff" }, *const raid[] = { "raid-sf" },
        *const cima[] = { "citriximaclient" }, *const rtmp[] = { "citrix-rtmp" }, *const ica[] = { "ica" },
        *const http[] = { "http", "www", "www-http" }, *const qf[] = { "qftest-licserve" },
        *const flex[] = { "flex-lm" }, *const krb[] = { "krb524", "nv-video" };

    CHECK_EQ_STR(registry_version_date(), "2026-08-17");
    CHECK_EQ_STR(registry_version_sha256(), "4bbf00ef4dd194ea3098d090b42a832c0f8aef704699956a4a7e24576a49631b");

    check_names(REGISTRY_TCP, 2014, troff, 1, "");
    check_names(REGISTRY_UDP, 2014, raid, 1, "");
    check_names(REGISTRY_TCP, 2598, cima, 1, "Citrix MA Client");
    check_names(REGISTRY_UDP, 2598, cima, 1, "Citrix MA Client");
    check_names(REGISTRY_TCP, 2897, rtmp, 1, "Citrix RTMP");
    check_names(REGISTRY_UDP, 2897, rtmp, 1, "Citrix RTMP");
    check_names(REGISTRY_TCP, 1494, ica, 1, "ica");
    check_names(REGISTRY_UDP, 1494, ica, 1, "ica");
    check_names(REGISTRY_TCP, 80, http, 3, "World Wide Web HTTP");
    check_names(REGISTRY_TCP, 5543, qf, 1, "QF-Test License Server");
    check_names(REGISTRY_TCP, 4444, krb, 2, "KRB524");
    i = look(REGISTRY_TCP, 4444);
    CHECK_EQ_STR(i.unauthorized, "krb524 assigned the port, nv used it without an assignment");

    /* 5543/udp is Reserved while tcp is assigned */
    i = look(REGISTRY_UDP, 5543);
    CHECK_EQ_INT(i.status, REGISTRY_RESERVED);

    /* dynamic: no row at all, never assigned, for every transport */
    for (int t = REGISTRY_TCP; t < REGISTRY_N_TRANSPORTS; t++) {
        i = look((registry_transport_t)t, 60314);
        CHECK_EQ_INT(i.status, REGISTRY_DYNAMIC);
        CHECK_EQ_INT(i.listed, 0);
        CHECK_EQ_INT(i.n_names, 0);
        i = look((registry_transport_t)t, 49152);
        CHECK_EQ_INT(i.status, REGISTRY_DYNAMIC);
        i = look((registry_transport_t)t, 65535);
        CHECK_EQ_INT(i.status, REGISTRY_DYNAMIC);
        /* 49151: transport-less Reserved row, the highest listed port */
        i = look((registry_transport_t)t, 49151);
        CHECK_EQ_INT(i.status, REGISTRY_RESERVED);
        CHECK_EQ_INT(i.listed, 1);
    }

    /* 2 and 3: de-assigned compressnet; the person reference is not shipped */
    for (unsigned p = 2; p <= 3; p++) {
        i = look(REGISTRY_TCP, p);
        CHECK_EQ_INT(i.status, REGISTRY_RESERVED);
        CHECK_EQ_STR(i.note, "De-assigned on 2025-02-13, previously compressnet");
        CHECK_EQ_STR(i.modified, "2025-02-13");
    }
    for (unsigned p = 831; p <= 833; p++) {
        i = look(REGISTRY_UDP, p);
        CHECK_EQ_INT(i.status, REGISTRY_RESERVED);
        CHECK_EQ_STR(i.modified, "2025-09-29");
    }
    i = look(REGISTRY_TCP, 831);
    CHECK_EQ_STR(i.note, "Previously assigned to NETCONF over BEEP but released by RFC 9900");
    i = look(REGISTRY_TCP, 833);
    CHECK_EQ_STR(i.note, "Previously assigned to NETCONF over SOAP but released by RFC 9900");

    i = look(REGISTRY_TCP, 4);
    CHECK_EQ_INT(i.status, REGISTRY_UNASSIGNED);
    CHECK_EQ_INT(i.listed, 1);

    /* historic, no service name: status 4 with the row's own description */
    i = look(REGISTRY_TCP, 1028);
    CHECK_EQ_INT(i.status, REGISTRY_LISTED);
    CHECK_EQ_STR(i.description, "Deprecated");
    CHECK_EQ_STR(i.modified, "2004-02");
    i = look(REGISTRY_UDP, 24);
    CHECK_EQ_INT(i.status, REGISTRY_LISTED);
    CHECK_EQ_STR(i.description, "any private mail system");

    /* transport-less range row applies to tcp and udp alike */
    for (unsigned p = 27000; p <= 27009; p++) {
        check_names(REGISTRY_TCP, p, flex, 1, "FLEX LM (1-10)");
        check_names(REGISTRY_UDP, p, flex, 1, "FLEX LM (1-10)");
        i = look(REGISTRY_UDP, p);
        CHECK_EQ_INT(i.row_lo, 27000);
        CHECK_EQ_INT(i.row_hi, 27009);
        CHECK_EQ_STR(i.modified, "2018-02-15");
    }
    i = look(REGISTRY_TCP, 27010);
    CHECK(i.status != REGISTRY_ASSIGNED || strcmp(registry_name(&i, 0), "flex-lm") != 0);

    /* listed only for udp: unassigned (not listed) for tcp */
    i = look(REGISTRY_TCP, 716);
    CHECK_EQ_INT(i.status, REGISTRY_UNASSIGNED);
    CHECK_EQ_INT(i.listed, 0);

    /* SCTP / DCCP have their own rows */
    i = look(REGISTRY_SCTP, 80);
    CHECK_EQ_INT(i.status, REGISTRY_ASSIGNED);
    CHECK_EQ_STR(registry_name(&i, 0), "http");
    CHECK_EQ_STR(i.description, "HTTP");

    /* bounds */
    i = look(REGISTRY_TCP, 0);
    CHECK_EQ_INT(i.status, REGISTRY_RESERVED);
    CHECK(registry_name(&i, 0) == NULL);
    CHECK_EQ_INT(registry_lookup((registry_transport_t)7, 80, &i), 0);
    CHECK_EQ_STR(registry_status_name(REGISTRY_LISTED), "Listed without service name");
    CHECK_EQ_STR(registry_transport_name(REGISTRY_DCCP), "dccp");

    /* protocol names against service names: aliases, and "." = "-" */
    i = look(REGISTRY_UDP, 5247);
    CHECK_EQ_STR(registry_name(&i, 0), "capwap-data");
    CHECK(registry_service_matches(&i, "capwap.data"));
    CHECK(registry_service_matches(&i, "capwap-data"));
    CHECK(!registry_service_matches(&i, "capwap"));
    CHECK(!registry_service_matches(&i, "capwap.data.x"));
    i = look(REGISTRY_UDP, 53);
    CHECK(registry_service_matches(&i, "dns"));
    CHECK(!registry_service_matches(&i, "domain.x"));

    /* exhaustive: every port resolves, dynamic exactly from 49152 */
    int bad = 0;
    for (unsigned p = 0; p < 65536; p++) {
        i = look(REGISTRY_UDP, p);
        if ((p >= 49152) != (i.status == REGISTRY_DYNAMIC))
            bad++;
        if (i.n_names && i.status != REGISTRY_ASSIGNED)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    return unit_report();
}
