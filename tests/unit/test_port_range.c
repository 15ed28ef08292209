#include "unit.h"
#include "port_range.h"

int main(void)
{
    CHECK_EQ_INT(port_range_of(0), PORT_RANGE_SYSTEM);
    CHECK_EQ_INT(port_range_of(1023), PORT_RANGE_SYSTEM);
    CHECK_EQ_INT(port_range_of(1024), PORT_RANGE_USER);
    CHECK_EQ_INT(port_range_of(49151), PORT_RANGE_USER);
    CHECK_EQ_INT(port_range_of(49152), PORT_RANGE_DYNAMIC);
    CHECK_EQ_INT(port_range_of(65535), PORT_RANGE_DYNAMIC);
    CHECK_EQ_STR(port_range_name(PORT_RANGE_USER), "User");
    return unit_report();
}
