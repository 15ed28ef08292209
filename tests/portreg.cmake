# The committed C table is exactly what stage 2 of the generator makes from
# the committed data file (never from ../shared).
add_test(NAME portreg.registry_table_regenerates
  COMMAND ${CMAKE_COMMAND}
          -DPYTHON=${Python3_EXECUTABLE} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${CMAKE_BINARY_DIR}/registry_data.regen.c
          -P ${CMAKE_CURRENT_SOURCE_DIR}/portreg/regen.cmake)

# Provenance header present; no assignee/contact columns, no e-mail addresses.
add_test(NAME portreg.registry_data_provenance
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/portreg/check_data.py ${CMAKE_SOURCE_DIR}/data/iana-ports.tsv)

# tools/captures/build_portreg_captures.py recreates the committed generated capture byte for byte.
add_test(NAME portreg.captures_rebuild
  COMMAND ${CMAKE_COMMAND} -DPYTHON=${Python3_EXECUTABLE} -DSRC=${CMAKE_SOURCE_DIR}
          -DOUT=${CMAKE_BINARY_DIR}/portreg-captures -P ${CMAKE_CURRENT_SOURCE_DIR}/portreg/rebuild_captures.cmake)
