# The generated triage captures in captures/ must be exactly what
# tools/captures/triage_captures.py builds today (built into the build dir, compared).
add_test(NAME triage.captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/triage_captures.py
          --outdir ${CMAKE_BINARY_DIR}/triage-captures --compare ${CMAKE_SOURCE_DIR}/captures)
