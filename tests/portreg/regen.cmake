# Script mode helper for tests/portreg.cmake.
execute_process(COMMAND ${PYTHON} ${SRC}/tools/setup/gen_registry.py table ${SRC}/data/iana-ports.tsv ${OUT}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gen_registry.py table failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${SRC}/plugin/core/registry_data.c RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "plugin/core/registry_data.c differs from what tools/setup/gen_registry.py produces from data/iana-ports.tsv")
endif()
message(STATUS "plugin/core/registry_data.c is byte-identical to the regenerated table")
