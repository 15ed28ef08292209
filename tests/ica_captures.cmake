# The generated ICA captures in captures/ must be exactly what
# tools/captures/ica_captures.py builds today (built into the build dir, compared).
add_test(NAME ica.captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/ica_captures.py
          --outdir ${CMAKE_BINARY_DIR}/ica-captures --compare ${CMAKE_SOURCE_DIR}/captures)
