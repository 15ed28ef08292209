/* Built-in de facto table. Labels are our own words; every row names the
 * public document it rests on (see the shared notes, registry.md §9 and
 * command-center.md §6, for the full source list). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "defacto.h"

#define TCP  DEFACTO_TRANSPORT_BIT(REGISTRY_TCP)
#define UDP  DEFACTO_TRANSPORT_BIT(REGISTRY_UDP)

#define TZ     "Citrix Tech Zone, Communication Ports Used by Citrix Technologies, " \
               "https://docs.citrix.com/en-us/tech-zone/build/tech-papers/citrix-communication-ports.html"
#define TZOLD  "Citrix Tech Zone ports paper, earlier revision (github.com/citrix/en-us-tech-zone @ fd98ff78)"
#define CVAD711 "XenApp/XenDesktop 7.11 Network ports, " \
               "https://docs.citrix.com/ko-kr/xenapp-and-xendesktop/7-11/technical-overview/default-network-ports.html"
#define RFW    "Citrix Receiver for Windows, connect through a firewall, " \
               "https://docs.citrix.com/en-us/receiver/windows/current-release/secure-communication/connect-through-firewall.html"
#define CTX104147 "CTX104147 Explaining ICA Session Reliability, Common Gateway Protocol, on TCP Port 2598, " \
               "http://support.citrix.com/article/CTX104147"
#define EDT    "Citrix Enlightened Data Transport, " \
               "https://docs.citrix.com/en-us/citrix-virtual-apps-desktops/hdx-transport/adaptive-transport/enlightened-data-transport"
#define GWHA   "Citrix Gateway high availability, " \
               "https://docs.citrix.com/en-us/citrix-gateway/current-release/high-availability/ng-ha-how-it-works-con.html"
#define ANS    "Ansible role for Command Center 5.2 firewall ports, github.com/osu-itis/ansible-citrixcmdctr README.md @ 0d54afd8"
#define NITRO  "Citrix blog, NITRO through Command Center, " \
               "https://www.citrix.com/blogs/2011/08/27/nitro-providing-programmatic-management-and-monitoring-through-command-center/"
#define P2014  "connected.app Port 2014 (secondary page citing an unnamed footnote; no Citrix document found), " \
               "https://www.connected.app/it/ports/2014"
#define NMAP   "nmap NSE scripts citrix-enum-apps / citrix-enum-servers"

/* Sorted by lo; ranges no wider than DEFACTO_MAX_SPAN. */
static const defacto_row_t builtin[] = {
    {   89,    89, TCP,     DEFACTO_DIVERGENT,    "Citrix Delivery Controller Local Host Cache", TZOLD },
    {  808,   808, TCP,     DEFACTO_UNREGISTERED, "Citrix StoreFront subscription replication between clusters", TZ },
    { 1494,  1494, TCP,     DEFACTO_MATCHES,      "Citrix ICA/HDX (raw ICA)", TZ "; " CVAD711 "; " RFW },
    { 1494,  1494, UDP,     DEFACTO_MATCHES,      "Citrix HDX EDT (ICA over UDP)", TZ "; " EDT },
    { 1604,  1604, UDP,     DEFACTO_MATCHES,      "Citrix ICA Browser (MetaFrame/XenApp, legacy)", NMAP },
    { 2014,  2014, TCP,     DEFACTO_CLAIMED,      "claimed: Citrix Command Center HA (weak source)", P2014 },
    { 2512,  2512, TCP,     DEFACTO_MATCHES,      "Citrix XenApp IMA server-to-server", RFW },
    { 2513,  2513, TCP,     DEFACTO_MATCHES,      "Citrix XenApp management console / WCF command remoting", RFW },
    { 2598,  2598, TCP,     DEFACTO_DIVERGENT,    "Citrix CGP: ICA/HDX with Session Reliability", TZ "; " CVAD711 "; " CTX104147 },
    { 2598,  2598, UDP,     DEFACTO_DIVERGENT,    "Citrix HDX EDT with Session Reliability", TZ "; " EDT },
    { 2897,  2897, TCP|UDP, DEFACTO_GHOST,        "registered to Citrix (citrix-rtmp), no documented current use",
      "IANA registry; absent from " TZ },
    { 3003,  3003, UDP,     DEFACTO_DIVERGENT,    "NetScaler / Citrix Gateway HA heartbeat", TZ "; " GWHA },
    { 3008,  3008, TCP,     DEFACTO_DIVERGENT,    "NetScaler / Citrix Gateway HA secure configuration sync", TZ "; " GWHA },
    { 3009,  3009, TCP,     DEFACTO_DIVERGENT,    "NetScaler secure MEP (GSLB) and command propagation", TZ "; " GWHA },
    { 3010,  3010, TCP,     DEFACTO_DIVERGENT,    "NetScaler / Citrix Gateway HA non-secure configuration sync", TZ "; " GWHA },
    { 3011,  3011, TCP,     DEFACTO_DIVERGENT,    "NetScaler non-secure MEP (GSLB) and command propagation", TZ "; " GWHA },
    { 3108,  3108, UDP,     DEFACTO_DIVERGENT,    "Citrix Gateway plug-in VPN tunnel (secure ICA)", TZ },
    { 3148,  3148, TCP|UDP, DEFACTO_DIVERGENT,    "Citrix Gateway plug-in VPN tunnel (secure ICA)", TZ },
    { 3168,  3168, UDP,     DEFACTO_DIVERGENT,    "Citrix Gateway plug-in VPN tunnel (secure ICA)", TZ },
    { 3188,  3188, UDP,     DEFACTO_DIVERGENT,    "Citrix Gateway plug-in VPN tunnel (secure ICA)", TZ },
    { 3224,  3324, UDP,     DEFACTO_DIVERGENT,    "Citrix Framehawk (VDA)", CVAD711 },
    { 4739,  4739, UDP,     DEFACTO_MATCHES,      "NetScaler AppFlow (IPFIX) to ADM", TZ },
    { 4980,  4980, UDP,     DEFACTO_MATCHES,      "Citrix SD-WAN virtual path", TZ },
    { 5454,  5454, TCP,     DEFACTO_DIVERGENT,    "Citrix ADM HA node communication and database sync", TZ },
    { 5557,  5558, TCP,     DEFACTO_DIVERGENT,    "NetScaler Logstream to ADM", TZ },
    { 5563,  5563, TCP,     DEFACTO_UNREGISTERED, "NetScaler metrics, events and audit log to ADM", TZ },
    { 7000,  7000, UDP,     DEFACTO_DIVERGENT,    "NetScaler cluster heartbeat", TZ },
    { 7279,  7279, TCP,     DEFACTO_MATCHES,      "Citrix License Server vendor daemon (check-out/check-in)", TZ },
    { 8000,  8000, TCP,     DEFACTO_DIVERGENT,    "Citrix StoreFront monitoring service (ADC load balancing)", TZ },
    { 8008,  8008, TCP,     DEFACTO_DIVERGENT,    "Citrix ICA/HDX over WebSocket (HTML5 / Chrome Receiver)", TZ "; " CVAD711 },
    { 8082,  8082, TCP,     DEFACTO_DIVERGENT,    "Citrix License Server web console (lmadmin)", TZ },
    { 8083,  8083, TCP,     DEFACTO_DIVERGENT,    "Citrix Simple License Service", TZ },
    { 8443,  8443, TCP,     DEFACTO_DIVERGENT,    "Citrix Command Center HTTPS GUI / NITRO API", TZ "; " NITRO "; " ANS },
    { 9001,  9001, TCP,     DEFACTO_DIVERGENT,    "Citrix HDX browser content redirection / HdxVideo.js WebSocket (localhost)", TZ },
    { 9090,  9090, TCP,     DEFACTO_DIVERGENT,    "Citrix Command Center HTTP GUI", ANS },
    { 9095,  9095, TCP,     DEFACTO_UNREGISTERED, "Citrix Delivery Controller Orchestration service", TZOLD },
    {16500, 16509, UDP,     DEFACTO_UNREGISTERED, "Citrix HDX audio over RTP (VDA)", TZ "; " CVAD711 },
    {27000, 27000, TCP,     DEFACTO_MATCHES,      "Citrix License Server lmgrd (initial licence contact)", TZ },
};

const defacto_row_t *defacto_builtin_rows(size_t *n)
{
    *n = sizeof builtin / sizeof builtin[0];
    return builtin;
}

static int row_matches(const defacto_row_t *r, registry_transport_t t, uint16_t port)
{
    return r->lo <= port && port <= r->hi && (r->transports & DEFACTO_TRANSPORT_BIT(t));
}

const defacto_row_t *defacto_builtin_lookup(registry_transport_t transport, uint16_t port)
{
    size_t n = sizeof builtin / sizeof builtin[0], lo = 0, hi = n;

    if ((unsigned)transport >= REGISTRY_N_TRANSPORTS)
        return NULL;
    /* first row with lo > port */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (builtin[mid].lo <= port)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* candidates start at most DEFACTO_MAX_SPAN below the port */
    while (lo > 0 && (unsigned)port - builtin[lo - 1].lo <= DEFACTO_MAX_SPAN) {
        lo--;
        if (row_matches(&builtin[lo], transport, port))
            return &builtin[lo];
    }
    return NULL;
}

const defacto_row_t *defacto_find(const defacto_row_t *rows, size_t n, registry_transport_t transport,
                                  uint16_t port)
{
    for (size_t i = 0; i < n; i++)
        if (row_matches(&rows[i], transport, port))
            return &rows[i];
    return NULL;
}

defacto_kind_t defacto_effective_kind(const defacto_row_t *row, const registry_info_t *iana)
{
    if (!row)
        return DEFACTO_NONE;
    if (row->kind == DEFACTO_DIVERGENT && iana && iana->status != REGISTRY_ASSIGNED)
        return DEFACTO_UNREGISTERED;
    return (defacto_kind_t)row->kind;
}

static const char *const kind_names[DEFACTO_N_KINDS] = {
    "none", "matches", "divergent", "ghost", "claimed", "unregistered"
};

const char *defacto_kind_name(defacto_kind_t kind)
{
    return (unsigned)kind < DEFACTO_N_KINDS ? kind_names[kind] : "?";
}

defacto_kind_t defacto_kind_from_name(const char *name)
{
    for (unsigned k = DEFACTO_MATCHES; k < DEFACTO_N_KINDS; k++)
        if (name && strcmp(name, kind_names[k]) == 0)
            return (defacto_kind_t)k;
    return DEFACTO_NONE;
}

static int parse_port(const char **p, uint16_t *out)
{
    unsigned long v = 0;
    int digits = 0;
    while (isdigit((unsigned char)**p)) {
        v = v * 10 + (unsigned long)(**p - '0');
        if (v > 65535 || ++digits > 5)
            return 0;
        (*p)++;
    }
    *out = (uint16_t)v;
    return digits > 0;
}

int defacto_parse_ports(const char *text, uint16_t *lo, uint16_t *hi)
{
    const char *p = text;
    if (!p || !parse_port(&p, lo))
        return 0;
    if (*p == '\0') {
        *hi = *lo;
        return 1;
    }
    if (*p++ != '-' || !parse_port(&p, hi) || *p != '\0' || *hi < *lo)
        return 0;
    return 1;
}

unsigned defacto_parse_transports(const char *text)
{
    unsigned mask = 0;
    const char *p = text;
    if (!p || !*p)
        return 0;
    while (*p) {
        size_t len = strcspn(p, ",");
        int found = 0;
        if (len == 3 && strncmp(p, "any", 3) == 0) {
            mask |= DEFACTO_ANY_TRANSPORT;
            found = 1;
        }
        for (unsigned t = 0; !found && t < REGISTRY_N_TRANSPORTS; t++) {
            const char *name = registry_transport_name((registry_transport_t)t);
            if (strlen(name) == len && strncmp(p, name, len) == 0) {
                mask |= DEFACTO_TRANSPORT_BIT(t);
                found = 1;
            }
        }
        if (!found)
            return 0;
        p += len;
        if (*p == ',' && *++p == '\0')
            return 0;
    }
    return mask;
}
