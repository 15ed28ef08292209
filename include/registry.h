/* IANA Service Name and Transport Protocol Port Number Registry, compiled in.
 * Epan-free: O(log n) lookup of what the registry says about (transport, port). */
#ifndef CITRIX_REGISTRY_H
#define CITRIX_REGISTRY_H
#include <stdint.h>

/* Numbers are the portreg.iana.status field contract (issue 2). */
typedef enum {
    REGISTRY_DYNAMIC    = 0,  /* 49152-65535: never assigned */
    REGISTRY_ASSIGNED   = 1,  /* a row with a service name */
    REGISTRY_RESERVED   = 2,
    REGISTRY_UNASSIGNED = 3,  /* explicit "Unassigned" row, or no row for this transport */
    REGISTRY_LISTED     = 4   /* row without a name: De-registered, Deprecated, private use, ... */
} registry_status_t;

typedef enum {
    REGISTRY_TCP = 0,
    REGISTRY_UDP,
    REGISTRY_SCTP,
    REGISTRY_DCCP,
    REGISTRY_N_TRANSPORTS
} registry_transport_t;

typedef struct {
    registry_status_t status;
    int listed;                /* a registry row covers this port (else: not listed) */
    unsigned n_names;          /* all service names, registry order */
    const uint16_t *name_ids;  /* use registry_name() */
    const char *description;   /* never NULL; "" when IANA gives none */
    const char *registered;    /* "YYYY-MM-DD" or "YYYY-MM", "" when absent */
    const char *modified;
    const char *note;          /* assignment note */
    const char *unauthorized;  /* "Unauthorized Use Reported" text */
    uint16_t row_lo, row_hi;   /* port range of the deciding row */
    unsigned entry_id;         /* equal ids = identical registry information */
} registry_info_t;

/* Always succeeds for a valid transport (every port has an entry);
 * returns 0 and leaves *out untouched for an invalid transport. */
int registry_lookup(registry_transport_t transport, uint16_t port, registry_info_t *out);
const char *registry_name(const registry_info_t *info, unsigned i);
const char *registry_status_name(registry_status_t status);
const char *registry_transport_name(registry_transport_t transport);

/* Provenance of the compiled-in table. */
const char *registry_version_date(void);
const char *registry_version_sha256(void);

/* Does a Wireshark protocol (its filter name, e.g. "dns", "tls") carry one of
 * the port's IANA services? Names are compared directly and through a small
 * table of well-known spellings (dns = domain, tls = https ...). */
int registry_service_matches(const registry_info_t *info, const char *proto_filter_name);

#endif
