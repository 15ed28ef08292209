# Script mode helper for tests/portreg.cmake.
execute_process(COMMAND ${PYTHON} ${SRC}/tools/captures/build_portreg_captures.py ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "build_portreg_captures.py failed (${rc})")
endif()
foreach(name portreg-ports.pcap portreg-capwap.pcap)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${name} ${SRC}/captures/${name}
                  RESULT_VARIABLE diff)
  if(NOT diff EQUAL 0)
    message(FATAL_ERROR "captures/${name} differs from what tools/captures/build_portreg_captures.py builds")
  endif()
endforeach()
