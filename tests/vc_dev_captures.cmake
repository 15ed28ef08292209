# The device-channel captures in captures/ (vc-cam, vc-gusb, vc-cpm, vc-dev-hostile) must be
# exactly what tools/captures/vc_dev_captures.py builds today (built into the build dir, compared).
add_test(NAME vc.dev_captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/vc_dev_captures.py
          --outdir ${CMAKE_BINARY_DIR}/vc-dev-captures --compare ${CMAKE_SOURCE_DIR}/captures)
