#include <stddef.h>
#include <string.h>
#include "registry.h"
#include "registry_data.h"

static const struct registry_segment *segments_for(registry_transport_t t, unsigned *count)
{
    switch (t) {
    case REGISTRY_TCP:  *count = registry_tcp_count;  return registry_tcp;
    case REGISTRY_UDP:  *count = registry_udp_count;  return registry_udp;
    case REGISTRY_SCTP: *count = registry_sctp_count; return registry_sctp;
    case REGISTRY_DCCP: *count = registry_dccp_count; return registry_dccp;
    default: break;
    }
    *count = 0;
    return NULL;
}

int registry_lookup(registry_transport_t transport, uint16_t port, registry_info_t *out)
{
    unsigned count, lo = 0, hi;
    const struct registry_segment *seg = segments_for(transport, &count);

    if (!seg || count == 0)
        return 0;
    /* Segments tile 0-65535, so the search always ends on a hit. */
    hi = count - 1;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo + 1) / 2;
        if (seg[mid].lo <= port)
            lo = mid;
        else
            hi = mid - 1;
    }
    const struct registry_entry *e = &registry_entries[seg[lo].entry];
    out->status = (registry_status_t)e->status;
    out->listed = e->listed;
    out->n_names = e->n_names;
    out->name_ids = &registry_names[e->first_name];
    out->description = registry_strings[e->description];
    out->registered = registry_strings[e->registered];
    out->modified = registry_strings[e->modified];
    out->note = registry_strings[e->note];
    out->unauthorized = registry_strings[e->unauthorized];
    out->row_lo = e->row_lo;
    out->row_hi = e->row_hi;
    out->entry_id = seg[lo].entry;
    return 1;
}

const char *registry_name(const registry_info_t *info, unsigned i)
{
    return i < info->n_names ? registry_strings[info->name_ids[i]] : NULL;
}

const char *registry_status_name(registry_status_t status)
{
    switch (status) {
    case REGISTRY_DYNAMIC:    return "Dynamic";
    case REGISTRY_ASSIGNED:   return "Assigned";
    case REGISTRY_RESERVED:   return "Reserved";
    case REGISTRY_UNASSIGNED: return "Unassigned";
    case REGISTRY_LISTED:     return "Listed without service name";
    }
    return "?";
}

const char *registry_transport_name(registry_transport_t transport)
{
    static const char *const names[REGISTRY_N_TRANSPORTS] = { "tcp", "udp", "sctp", "dccp" };
    return (unsigned)transport < REGISTRY_N_TRANSPORTS ? names[transport] : "?";
}

const char *registry_version_date(void) { return registry_date; }
const char *registry_version_sha256(void) { return registry_source_sha256; }

/* Wireshark's protocol filter name -> an IANA service name it implements,
 * where the two spell it differently. */
static const struct { const char *proto, *service; } aliases[] = {
    { "dns", "domain" },        { "mdns", "mdns" },          { "llmnr", "llmnr" },
    { "tls", "https" },         { "tls", "imaps" },          { "tls", "pop3s" },
    { "tls", "ldaps" },         { "tls", "ftps" },           { "tls", "nntps" },
    { "tls", "submissions" },   { "tls", "pcsync-https" },   { "tls", "domain-s" },
    { "quic", "https" },        { "http2", "https" },        { "http", "http-alt" },
    { "smtp", "submission" },   { "imap", "imap" },          { "pop", "pop3" },
    { "dhcp", "bootps" },       { "dhcp", "bootpc" },        { "snmp", "snmptrap" },
    { "nbns", "netbios-ns" },   { "nbdgm", "netbios-dgm" },  { "nbss", "netbios-ssn" },
    { "smb", "netbios-ssn" },   { "smb2", "microsoft-ds" },  { "smb", "microsoft-ds" },
    { "rdp", "ms-wbt-server" }, { "tds", "ms-sql-s" },       { "pgsql", "postgresql" },
    { "kerberos", "kerberos" }, { "ldap", "ldap" },          { "cldap", "ldap" },
    { "ntp", "ntp" },           { "syslog", "syslog" },      { "sip", "sip" },
    { "citrix_ica", "ica" },    { "ica", "ica" },            { "cflow", "ipfix" },
    { "infiniband", "roce" },
};

/* Wireshark names sub-protocols with dots ("capwap.data"), IANA joins words
 * with hyphens ("capwap-data"): the two separators compare equal. */
static int same_name(const char *service, const char *proto)
{
    for (; *service && *proto; service++, proto++) {
        int sep_s = *service == '-' || *service == '.' || *service == '_';
        int sep_p = *proto == '-' || *proto == '.' || *proto == '_';
        if (*service != *proto && !(sep_s && sep_p))
            return 0;
    }
    return *service == *proto;
}

int registry_service_matches(const registry_info_t *info, const char *proto)
{
    if (!info || !proto)
        return 0;
    for (unsigned i = 0; i < info->n_names; i++) {
        const char *name = registry_name(info, i);
        if (same_name(name, proto))
            return 1;
        for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++)
            if (strcmp(aliases[a].proto, proto) == 0 && strcmp(aliases[a].service, name) == 0)
                return 1;
    }
    return 0;
}
