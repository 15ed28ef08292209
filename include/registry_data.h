/* Layout of the generated IANA table (plugin/core/registry_data.c, written by
 * tools/setup/gen_registry.py). Only plugin/core/registry.c reads it directly. */
#ifndef CITRIX_REGISTRY_DATA_H
#define CITRIX_REGISTRY_DATA_H
#include <stdint.h>

/* Everything IANA says about one port for one transport, already resolved
 * by the status rules. Strings are indices into registry_strings (0 = ""). */
struct registry_entry {
    uint8_t  status;        /* registry_status_t */
    uint8_t  listed;        /* 1 when a registry row covers the port */
    uint16_t n_names;
    uint16_t first_name;    /* index into registry_names */
    uint16_t description;   /* of the first name, or of the deciding row */
    uint16_t registered;
    uint16_t modified;
    uint16_t note;
    uint16_t unauthorized;
    uint16_t row_lo, row_hi; /* port range of the deciding row */
};

/* Sorted, non-overlapping, covering 0-65535 without gaps. */
struct registry_segment {
    uint16_t lo, hi;
    uint16_t entry;         /* index into registry_entries */
};

extern const char registry_source_url[];
extern const char registry_date[];
extern const char registry_source_sha256[];
extern const char *const registry_strings[];
extern const uint16_t registry_names[];
extern const struct registry_entry registry_entries[];
extern const struct registry_segment registry_tcp[], registry_udp[], registry_sctp[], registry_dccp[];
extern const unsigned registry_tcp_count, registry_udp_count, registry_sctp_count, registry_dccp_count;

#endif
