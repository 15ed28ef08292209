# The generated EDT captures in captures/ must be exactly what
# tools/captures/edt_captures.py builds today (built into the build dir, compared).
add_test(NAME edt.captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/edt_captures.py
          --outdir ${CMAKE_BINARY_DIR}/edt-captures --compare ${CMAKE_SOURCE_DIR}/captures)
