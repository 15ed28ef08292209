# The hostile capture for the real 2021 session's channels (captures/vc-real-hostile.pcap: CTXTWI,
# CTXLIC, CTXTUI, CITRIXD/PNPREDI carried in the real 2001 session) must be exactly what
# tools/captures/vc_real_hostile.py builds today (built into the build dir, compared).
add_test(NAME vc.real_hostile_capture_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/vc_real_hostile.py
          --outdir ${CMAKE_BINARY_DIR}/vc-real-hostile-captures --compare ${CMAKE_SOURCE_DIR}/captures)
