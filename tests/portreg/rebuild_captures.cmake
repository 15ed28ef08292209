# Script mode helper for tests/portreg.cmake.
execute_process(COMMAND ${PYTHON} ${SRC}/tools/captures/build_portreg_captures.py ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "build_portreg_captures.py failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/portreg-ports.pcap ${SRC}/captures/portreg-ports.pcap
                RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "captures/portreg-ports.pcap differs from what tools/captures/build_portreg_captures.py builds")
endif()
