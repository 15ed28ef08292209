/* De facto port uses that differ from or add to the IANA registry: a small
 * curated table of Citrix ports (each row with its public source) plus rows
 * a user adds (the portreg_defacto UAT, parsed by the dissector). Epan-free. */
#ifndef CITRIX_DEFACTO_H
#define CITRIX_DEFACTO_H
#include <stddef.h>
#include <stdint.h>
#include "registry.h"

typedef enum {
    DEFACTO_NONE = 0,
    DEFACTO_MATCHES,       /* real use agrees with the IANA assignment */
    DEFACTO_DIVERGENT,     /* IANA assigned the port to something else; the product uses it anyway */
    DEFACTO_GHOST,         /* registered, but no product is known to use it */
    DEFACTO_CLAIMED,       /* use stated only by a weak source */
    DEFACTO_UNREGISTERED,  /* used, but IANA has no assignment for the port */
    DEFACTO_N_KINDS
} defacto_kind_t;

#define DEFACTO_TRANSPORT_BIT(t) (1u << (t))
#define DEFACTO_ANY_TRANSPORT    0x0Fu

typedef struct {
    uint16_t lo, hi;          /* inclusive port range */
    uint8_t transports;       /* DEFACTO_TRANSPORT_BIT mask */
    uint8_t kind;             /* defacto_kind_t as written in the table */
    const char *label;
    const char *source;       /* public citation */
} defacto_row_t;

/* Widest range in the built-in table; lookups rely on it (unit-tested). */
#define DEFACTO_MAX_SPAN 100u

/* The built-in row for (transport, port), or NULL. O(log n). */
const defacto_row_t *defacto_builtin_lookup(registry_transport_t transport, uint16_t port);
/* First matching row of a user table (user order), or NULL. */
const defacto_row_t *defacto_find(const defacto_row_t *rows, size_t n, registry_transport_t transport,
                                  uint16_t port);
/* Built-in table access for listing/tests. */
const defacto_row_t *defacto_builtin_rows(size_t *n);

/* The kind to report for this port: a "divergent" row on a port IANA has not
 * assigned (ranges often span both) is reported as unregistered use. */
defacto_kind_t defacto_effective_kind(const defacto_row_t *row, const registry_info_t *iana);
const char *defacto_kind_name(defacto_kind_t kind);
/* Inverse of defacto_kind_name; DEFACTO_NONE when unknown. */
defacto_kind_t defacto_kind_from_name(const char *name);

/* "2014" or "16500-16509" -> 1 and lo/hi; 0 on anything else. */
int defacto_parse_ports(const char *text, uint16_t *lo, uint16_t *hi);
/* "tcp", "udp,sctp", "any" -> mask; 0 on anything else. */
unsigned defacto_parse_transports(const char *text);

#endif
