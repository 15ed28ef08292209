#include "port_range.h"

port_range_t port_range_of(uint16_t port)
{
    if (port < 1024)
        return PORT_RANGE_SYSTEM;
    if (port < 49152)
        return PORT_RANGE_USER;
    return PORT_RANGE_DYNAMIC;
}

const char *port_range_name(port_range_t range)
{
    switch (range) {
    case PORT_RANGE_SYSTEM:  return "System";
    case PORT_RANGE_USER:    return "User";
    case PORT_RANGE_DYNAMIC: return "Dynamic";
    }
    return "?";
}
