# The plugin's sources, listed once for the plugin build (CMakeLists.txt) and
# the fuzz build (fuzz/CMakeLists.txt).  Add a new file here.
#   CITRIX_CORE_SOURCES       epan-free cores (plugin/core/), unit-tested alone
#   CITRIX_DISSECTOR_SOURCES  the epan glue (plugin/ and plugin/vc/); every file that defines
#                             proto_register_<name>() is registered (plugin_reg.cmake)
get_filename_component(_citrix_top "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

set(CITRIX_CORE_SOURCES
  ccha_classify.c
  cgp.c
  defacto.c
  edt.c
  ica_basic.c
  ica_caps.c
  ica_ht.c
  ica_keyfind.c
  ica_reducer.c
  ica_v3.c
  ica_stream.c
  ica_wd.c
  port_range.c
  registry.c
  registry_data.c
  seq_reorder.c
  vc_clip.c
  vc_cut.c
  vc_lic.c
  vc_cdm.c
  vc_dev.c
)
list(TRANSFORM CITRIX_CORE_SOURCES PREPEND "${_citrix_top}/plugin/core/")

set(CITRIX_DISSECTOR_SOURCES
  packet-ccha.c
  packet-cgp.c
  packet-citrix-post.c
  packet-citrix-stats.c
  packet-edt.c
  packet-ica.c
  packet-ica-chunk.c
  packet-ica-frame.c
  packet-ica-handshake.c
  packet-ica-stats.c
  packet-ica-tcp.c
  packet-ica-wd.c
  packet-portreg.c
)
list(TRANSFORM CITRIX_DISSECTOR_SOURCES PREPEND "${_citrix_top}/plugin/")

# Virtual-channel decoders (plugin/vc/): the shared reassembly and one file
# per channel.  Epan glue like the list above.
set(CITRIX_VC_SOURCES
  vc_cam.c
  vc_clipboard.c
  vc_cpm.c
  vc_credentials.c
  vc_ctl.c
  vc_euem.c
  vc_gusb.c
  vc_reasm.c
  vc_tui.c
  vc_names.c
  vc_lic.c
  vc_twi.c
  vc_cdm.c
  vc_file.c
)
list(TRANSFORM CITRIX_VC_SOURCES PREPEND "${_citrix_top}/plugin/vc/")
list(APPEND CITRIX_DISSECTOR_SOURCES ${CITRIX_VC_SOURCES})
