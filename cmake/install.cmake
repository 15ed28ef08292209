# The three ways to install the plugin (README "Install"); use exactly one.
#   cmake --build build --target install_user   this user:  ~/.local/lib/wireshark/plugins/<maj.min>/epan
#   sudo cmake --install build                  all users:  <Wireshark_PLUGIN_LIBDIR>/epan
#   cmake --build build --target package        a .deb installing into that same global folder,
#                                               depending on the libwireshark package built against
# Wireshark loads the first copy it finds (the global folder before the
# personal one) and warns "found in multiple directories": each install warns
# when the other kind of copy is already there.

set(WSC_GLOBAL_PLUGIN_DIR "${Wireshark_PLUGIN_INSTALL_DIR}")

# Per-user install; $HOME is read when the target runs, not at configure time.
add_custom_target(install_user
  COMMAND sh ${CMAKE_SOURCE_DIR}/tools/setup/install_user.sh $<TARGET_FILE:citrix_wireshark> ${WSC_ABI} ${WSC_GLOBAL_PLUGIN_DIR}
  DEPENDS citrix_wireshark VERBATIM)

install(TARGETS citrix_wireshark LIBRARY DESTINATION "${Wireshark_PLUGIN_LIBDIR}/epan" NAMELINK_SKIP)
# After `cmake --install` (not when CPack stages the package): a personal copy
# of the user who ran sudo, or of this user, would now be shadowed.
install(CODE "
  if(NOT CMAKE_INSTALL_PREFIX MATCHES \"_CPack_Packages\" AND NOT DEFINED ENV{DESTDIR})
    set(_home \"\$ENV{HOME}\")
    if(DEFINED ENV{SUDO_USER})
      execute_process(COMMAND getent passwd \"\$ENV{SUDO_USER}\" OUTPUT_VARIABLE _pw OUTPUT_STRIP_TRAILING_WHITESPACE)
      string(REPLACE \":\" \";\" _pw \"\${_pw}\")
      list(LENGTH _pw _n)
      if(_n GREATER 5)
        list(GET _pw 5 _home)
      endif()
    endif()
    set(_personal \"\${_home}/.local/lib/wireshark/plugins/${WSC_ABI}/epan/citrix_wireshark.so\")
    if(EXISTS \"\${_personal}\")
      message(WARNING \"a second copy exists: \${_personal}. Wireshark will warn 'found in multiple directories' and load the global copy just installed; remove the personal one.\")
    endif()
  endif()
")

# ---- citrix-triage -----------------------------------------------------------
# The triage command beside the plugin: its Python modules in
# <datadir>/citrix-wireshark/triage, a launcher on the PATH, a man page and
# the README (its "Triage and statistics" and "Field reference" sections)
# with a bundled capture under <datadir>/doc/citrix-wireshark.
# triage-version.json names the plugin version and the Wireshark it is built
# for (citrix-triage --version); in the build tree it sits beside plugins/,
# where the uninstalled tools/citrix-triage finds it.
include(GNUInstallDirs)
set(WSC_TRIAGE_DIR "${CMAKE_INSTALL_DATADIR}/citrix-wireshark/triage")
set(WSC_DOC_DIR "${CMAKE_INSTALL_DATADIR}/doc/citrix-wireshark")
file(WRITE "${CMAKE_BINARY_DIR}/triage-version.json"
  "{\"plugin\": \"${PROJECT_VERSION}\", \"wireshark\": \"${Wireshark_VERSION}\", \"installed\": false}\n")
file(WRITE "${CMAKE_BINARY_DIR}/triage-installed/version.json"
  "{\"plugin\": \"${PROJECT_VERSION}\", \"wireshark\": \"${Wireshark_VERSION}\", \"installed\": true}\n")
file(WRITE "${CMAKE_BINARY_DIR}/triage-installed/citrix-triage"
  "#!/usr/bin/python3\n"
  "\"\"\"citrix-triage (installed by the citrix-wireshark package; see citrix-triage(1)).\"\"\"\n"
  "import sys\n"
  "sys.path.insert(0, \"${CMAKE_INSTALL_FULL_DATADIR}/citrix-wireshark/triage\")\n"
  "from triage import main  # noqa: E402\n"
  "sys.exit(main())\n")
install(FILES ${CMAKE_SOURCE_DIR}/tools/triage/triage.py ${CMAKE_SOURCE_DIR}/tools/triage/report_html.py
              ${CMAKE_SOURCE_DIR}/tools/triage/verdicts.py
              ${CMAKE_SOURCE_DIR}/tools/lib/wsrun.py ${CMAKE_SOURCE_DIR}/tools/lib/statstree.py
              ${CMAKE_BINARY_DIR}/triage-installed/version.json
        DESTINATION "${WSC_TRIAGE_DIR}")
install(PROGRAMS ${CMAKE_BINARY_DIR}/triage-installed/citrix-triage DESTINATION "${CMAKE_INSTALL_BINDIR}")
# Debian wants man pages compressed (gzip -n: no time stamp, the same bytes every build).
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/triage-installed/citrix-triage.1.gz
  COMMAND gzip -n -9 -c ${CMAKE_SOURCE_DIR}/docs/citrix-triage.1 > ${CMAKE_BINARY_DIR}/triage-installed/citrix-triage.1.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/docs/citrix-triage.1 VERBATIM)
add_custom_target(triage_man ALL DEPENDS ${CMAKE_BINARY_DIR}/triage-installed/citrix-triage.1.gz)
install(FILES ${CMAKE_BINARY_DIR}/triage-installed/citrix-triage.1.gz DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/NOTICE DESTINATION "${WSC_DOC_DIR}")
install(FILES ${CMAKE_SOURCE_DIR}/captures/spike-ica-2001.pcap ${CMAKE_SOURCE_DIR}/captures/cgp-resume.pcap
        DESTINATION "${WSC_DOC_DIR}/examples")

# ---- Debian package ---------------------------------------------------------
# Which package holds the libwireshark this build links (libwireshark16 on
# Debian 12, 18 on 13, 19 on sid as of 2026-12): asked of dpkg, not listed.
get_target_property(_epan_so epan IMPORTED_LOCATION_NONE)
if(NOT _epan_so)
  get_target_property(_epan_so epan LOCATION)
endif()
get_filename_component(_epan_so "${_epan_so}" REALPATH)
find_program(DPKG_QUERY dpkg-query)
set(WSC_LIBWIRESHARK_PACKAGE "")
if(DPKG_QUERY AND EXISTS "${_epan_so}")
  execute_process(COMMAND ${DPKG_QUERY} -S "${_epan_so}" OUTPUT_VARIABLE _owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REGEX REPLACE "^([^:,]+).*" "\\1" WSC_LIBWIRESHARK_PACKAGE "${_owner}")
  if(WSC_LIBWIRESHARK_PACKAGE)
    execute_process(COMMAND ${DPKG_QUERY} -W -f=\${Version} ${WSC_LIBWIRESHARK_PACKAGE}
                    OUTPUT_VARIABLE WSC_LIBWIRESHARK_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
    execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE _arch OUTPUT_STRIP_TRAILING_WHITESPACE)
  endif()
endif()

if(WSC_LIBWIRESHARK_PACKAGE)
  message(STATUS "package: depends on ${WSC_LIBWIRESHARK_PACKAGE} (>= ${WSC_LIBWIRESHARK_VERSION})")
  set(CPACK_GENERATOR DEB)
  set(CPACK_PACKAGE_NAME citrix-wireshark)
  set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
  set(CPACK_PACKAGE_CONTACT "citrix-wireshark local build (no maintainer address)")
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
      "Wireshark ${WSC_ABI} plugin: Citrix ICA, CGP, Command Center HA, port registry; citrix-triage")
  set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(CPACK_STRIP_FILES ON)
  set(CPACK_DEBIAN_PACKAGE_RELEASE "1+ws${WSC_ABI}")
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # citrix-wireshark_<version>-1+ws<maj.min>_<arch>.deb
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${_arch})
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  # citrix-triage: python3 runs it, tshark does the dissection, setpriv
  # (util-linux) drops root; matplotlib only draws the --html pictures.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "${WSC_LIBWIRESHARK_PACKAGE} (>= ${WSC_LIBWIRESHARK_VERSION}), python3, tshark, util-linux")
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-matplotlib")
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)     # glib, libc: from dpkg-shlibdeps
  set(CPACK_DEBIAN_PACKAGE_ENHANCES "tshark, wireshark")
  set(CPACK_OUTPUT_FILE_PREFIX "${CMAKE_BINARY_DIR}/package")
  include(CPack)
else()
  message(STATUS "package: libwireshark is not from a Debian package; no package target")
endif()
