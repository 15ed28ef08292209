#include "unit.h"
#include "defacto.h"

int main(void)
{
    const defacto_row_t *r;
    registry_info_t iana;
    size_t n;
    const defacto_row_t *rows = defacto_builtin_rows(&n);

    /* table invariants the lookup relies on; every row cites a source */
    for (size_t i = 0; i < n; i++) {
        CHECK(rows[i].hi >= rows[i].lo);
        CHECK((unsigned)(rows[i].hi - rows[i].lo) <= DEFACTO_MAX_SPAN);
        CHECK(i == 0 || rows[i - 1].lo <= rows[i].lo);
        CHECK(rows[i].source && strlen(rows[i].source) > 10);
        CHECK(rows[i].label && *rows[i].label);
        CHECK(rows[i].kind > DEFACTO_NONE && rows[i].kind < DEFACTO_N_KINDS);
    }

    r = defacto_builtin_lookup(REGISTRY_TCP, 2014);
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(r->label, "claimed: Citrix Command Center HA (weak source)");
        CHECK_EQ_INT(r->kind, DEFACTO_CLAIMED);
    }
    CHECK(defacto_builtin_lookup(REGISTRY_UDP, 2014) == NULL);

    r = defacto_builtin_lookup(REGISTRY_TCP, 2598);
    CHECK(r && r->kind == DEFACTO_DIVERGENT);
    registry_lookup(REGISTRY_TCP, 2598, &iana);
    CHECK_EQ_INT(defacto_effective_kind(r, &iana), DEFACTO_DIVERGENT);
    r = defacto_builtin_lookup(REGISTRY_UDP, 2897);
    CHECK(r && r->kind == DEFACTO_GHOST);
    r = defacto_builtin_lookup(REGISTRY_TCP, 1494);
    CHECK(r && r->kind == DEFACTO_MATCHES);
    CHECK(defacto_builtin_lookup(REGISTRY_SCTP, 1494) == NULL);

    /* ranges: inside, edges, outside */
    CHECK(defacto_builtin_lookup(REGISTRY_UDP, 16500) != NULL);
    CHECK(defacto_builtin_lookup(REGISTRY_UDP, 16509) != NULL);
    CHECK(defacto_builtin_lookup(REGISTRY_UDP, 16510) == NULL);
    CHECK(defacto_builtin_lookup(REGISTRY_UDP, 16499) == NULL);
    CHECK(defacto_builtin_lookup(REGISTRY_UDP, 3300) != NULL);
    CHECK(defacto_builtin_lookup(REGISTRY_TCP, 0) == NULL);
    CHECK(defacto_builtin_lookup(REGISTRY_TCP, 65535) == NULL);
    CHECK(defacto_builtin_lookup((registry_transport_t)9, 2014) == NULL);

    /* a divergent range row over an IANA-unassigned port reads as unregistered */
    r = defacto_builtin_lookup(REGISTRY_TCP, 5558);
    registry_lookup(REGISTRY_TCP, 5558, &iana);
    CHECK(r != NULL);
    CHECK_EQ_INT(iana.status, REGISTRY_UNASSIGNED);
    CHECK_EQ_INT(defacto_effective_kind(r, &iana), DEFACTO_UNREGISTERED);
    CHECK_EQ_INT(defacto_effective_kind(NULL, &iana), DEFACTO_NONE);

    /* user rows: first match wins */
    defacto_row_t user[2] = {
        { 5000, 5010, DEFACTO_TRANSPORT_BIT(REGISTRY_TCP), DEFACTO_UNREGISTERED, "a", "s" },
        { 5005, 5005, DEFACTO_ANY_TRANSPORT, DEFACTO_DIVERGENT, "b", "s" },
    };
    CHECK_EQ_STR(defacto_find(user, 2, REGISTRY_TCP, 5005)->label, "a");
    CHECK_EQ_STR(defacto_find(user, 2, REGISTRY_DCCP, 5005)->label, "b");
    CHECK(defacto_find(user, 2, REGISTRY_UDP, 5001) == NULL);
    CHECK(defacto_find(NULL, 0, REGISTRY_UDP, 5001) == NULL);

    /* parsers */
    uint16_t lo = 0, hi = 0;
    CHECK(defacto_parse_ports("2014", &lo, &hi) && lo == 2014 && hi == 2014);
    CHECK(defacto_parse_ports("16500-16509", &lo, &hi) && lo == 16500 && hi == 16509);
    CHECK(defacto_parse_ports("0-65535", &lo, &hi) && lo == 0 && hi == 65535);
    CHECK(!defacto_parse_ports("65536", &lo, &hi));
    CHECK(!defacto_parse_ports("10-5", &lo, &hi));
    CHECK(!defacto_parse_ports("", &lo, &hi));
    CHECK(!defacto_parse_ports("12 ", &lo, &hi));
    CHECK(!defacto_parse_ports("1-", &lo, &hi));
    CHECK(!defacto_parse_ports("000000001", &lo, &hi));
    CHECK(!defacto_parse_ports(NULL, &lo, &hi));
    CHECK_EQ_INT(defacto_parse_transports("tcp"), DEFACTO_TRANSPORT_BIT(REGISTRY_TCP));
    CHECK_EQ_INT(defacto_parse_transports("udp,sctp"),
                 DEFACTO_TRANSPORT_BIT(REGISTRY_UDP) | DEFACTO_TRANSPORT_BIT(REGISTRY_SCTP));
    CHECK_EQ_INT(defacto_parse_transports("any"), DEFACTO_ANY_TRANSPORT);
    CHECK_EQ_INT(defacto_parse_transports("tcpx"), 0);
    CHECK_EQ_INT(defacto_parse_transports("tcp,"), 0);
    CHECK_EQ_INT(defacto_parse_transports(""), 0);
    CHECK_EQ_INT(defacto_kind_from_name("ghost"), DEFACTO_GHOST);
    CHECK_EQ_INT(defacto_kind_from_name("bogus"), DEFACTO_NONE);
    CHECK_EQ_STR(defacto_kind_name(DEFACTO_CLAIMED), "claimed");

    /* observed protocol vs registered service */
    registry_lookup(REGISTRY_UDP, 53, &iana);
    CHECK(registry_service_matches(&iana, "dns"));
    CHECK(!registry_service_matches(&iana, "http"));
    registry_lookup(REGISTRY_TCP, 80, &iana);
    CHECK(registry_service_matches(&iana, "http"));
    registry_lookup(REGISTRY_TCP, 443, &iana);
    CHECK(registry_service_matches(&iana, "tls"));
    registry_lookup(REGISTRY_TCP, 22, &iana);
    CHECK(registry_service_matches(&iana, "ssh"));
    CHECK(!registry_service_matches(NULL, "ssh"));
    registry_lookup(REGISTRY_UDP, 4791, &iana);
    CHECK(registry_service_matches(&iana, "infiniband"));
    return unit_report();
}
