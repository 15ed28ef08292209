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
      "Wireshark ${WSC_ABI} plugin: Citrix ICA, CGP, Command Center HA, port registry")
  set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(CPACK_STRIP_FILES ON)
  set(CPACK_DEBIAN_PACKAGE_RELEASE "1+ws${WSC_ABI}")
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # citrix-wireshark_<version>-1+ws<maj.min>_<arch>.deb
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${_arch})
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${WSC_LIBWIRESHARK_PACKAGE} (>= ${WSC_LIBWIRESHARK_VERSION})")
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)     # glib, libc: from dpkg-shlibdeps
  set(CPACK_DEBIAN_PACKAGE_ENHANCES "tshark, wireshark")
  set(CPACK_OUTPUT_FILE_PREFIX "${CMAKE_BINARY_DIR}/package")
  include(CPack)
else()
  message(STATUS "package: libwireshark is not from a Debian package; no package target")
endif()
