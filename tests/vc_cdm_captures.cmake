# The CTXCDM and CTXFILE captures (captures/vc-cdm*.pcap, captures/vc-file*.pcap: the real
# 2001 session carrying client-drive-mapping and file-transfer messages) must be what
# tools/captures/vc_cdm_captures.py builds today.
add_test(NAME vc.cdm_captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/vc_cdm_captures.py
          --outdir ${CMAKE_BINARY_DIR}/vc-cdm-captures --compare ${CMAKE_SOURCE_DIR}/captures)
