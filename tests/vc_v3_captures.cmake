# The virtual-channel messages inside CGP and a reducer V3 session (captures/vc-v3-cgp.pcap: the real 2021
# session on TCP 2598 continued with CTXEUEM/CTXCTL/CTXCLIP/CTXCDM messages in V3 copy chunks) must be
# exactly what tools/captures/vc_v3_captures.py builds today (built into the build dir, compared).
add_test(NAME vc.v3_capture_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/vc_v3_captures.py
          --outdir ${CMAKE_BINARY_DIR}/vc-v3-captures --compare ${CMAKE_SOURCE_DIR}/captures)
