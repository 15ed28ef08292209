/* RFC 6335 section 6 port ranges: computed, never looked up (the IANA
 * registry has no rows for the Dynamic range). */
#ifndef CITRIX_PORT_RANGE_H
#define CITRIX_PORT_RANGE_H
#include <stdint.h>

typedef enum {
    PORT_RANGE_SYSTEM  = 0,   /* 0-1023 */
    PORT_RANGE_USER    = 1,   /* 1024-49151 */
    PORT_RANGE_DYNAMIC = 2    /* 49152-65535, never assigned */
} port_range_t;

port_range_t port_range_of(uint16_t port);
const char *port_range_name(port_range_t range);

#endif
