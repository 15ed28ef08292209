# The generated ICA captures in captures/ must be exactly what
# tools/captures/ica_captures.py builds today (built into the build dir, compared).
add_test(NAME ica.captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/ica_captures.py
          --outdir ${CMAKE_BINARY_DIR}/ica-captures --compare ${CMAKE_SOURCE_DIR}/captures)

# The mid-session cut of the real capture (key recovery proof) must be what
# tools/captures/ica_cut_midsession.py makes of captures/spike-ica-2001.pcap.
add_test(NAME ica.midsession_cut_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/ica_cut_midsession.py
          ${CMAKE_SOURCE_DIR}/captures/spike-ica-2001.pcap ${CMAKE_BINARY_DIR}/spike-ica-2001-midsession.pcap
          --compare ${CMAKE_SOURCE_DIR}/captures/spike-ica-2001-midsession.pcap)

# The real EDT session re-carried on TCP 2598 (V3 expander tests) must be what
# tools/captures/edt_to_tcp.py makes of captures/edt-citrixudp.pcap.
add_test(NAME ica.edt_tcp_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/edt_to_tcp.py
          ${CMAKE_SOURCE_DIR}/captures/edt-citrixudp.pcap --pcap ${CMAKE_BINARY_DIR}/edt-citrixudp-tcp.pcap
          --compare ${CMAKE_SOURCE_DIR}/captures/edt-citrixudp-tcp.pcap)
# The virtual-channel captures (the real session carrying channel messages)
# must be what tools/captures/vc_captures.py builds today.
add_test(NAME vc.captures_reproducible
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/captures/vc_captures.py
          --outdir ${CMAKE_BINARY_DIR}/vc-captures --compare ${CMAKE_SOURCE_DIR}/captures)
