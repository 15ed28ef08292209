# citrix_plugin_registration(<out-var> <dissector sources...>): adds the rule
# that generates the plugin entry points (cmake/plugin_reg.cmake) and returns
# the generated file's path.  Shared by the plugin build and the fuzz build.
set(CITRIX_PLUGIN_REG_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/plugin_reg.cmake)
function(citrix_plugin_registration out_var)
  set(out ${CMAKE_BINARY_DIR}/generated/plugin_reg.c)
  string(REPLACE ";" "|" sources_arg "${ARGN}")   # a list must not reach the shell
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DSOURCES=${sources_arg}" -P ${CITRIX_PLUGIN_REG_SCRIPT}
    DEPENDS ${ARGN} ${CITRIX_PLUGIN_REG_SCRIPT}
    COMMENT "Generating plugin registration"
    VERBATIM)
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
