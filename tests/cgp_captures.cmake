# The generated CGP captures in captures/ must be exactly what
# tools/captures/cgp_captures.py builds today (built into the build dir, compared).
add_test(NAME cgp.captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/cgp_captures.py
          --outdir ${CMAKE_BINARY_DIR}/cgp-captures --compare ${CMAKE_SOURCE_DIR}/captures)
