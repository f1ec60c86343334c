# nnscope_check_sources(TARGET... [EXTRA FILE...]): fail the configure step when a src/**/*.cc file belongs to no
# target, so a source a merge or a new phase forgot to list fails loudly instead of silently not being built
# (or, worse, a stale object being linked). The glob is CONFIGURE_DEPENDS: adding a file re-runs this check.
function(nnscope_check_sources)
  cmake_parse_arguments(CHECK "" "" "EXTRA" ${ARGN})
  set(listed ${CHECK_EXTRA})
  foreach(target ${CHECK_UNPARSED_ARGUMENTS})
    get_target_property(sources ${target} SOURCES)
    list(APPEND listed ${sources})
  endforeach()
  file(GLOB_RECURSE present CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/*.cc)
  set(missing)
  foreach(file ${present})
    if(NOT file IN_LIST listed)
      file(RELATIVE_PATH relative ${CMAKE_SOURCE_DIR} ${file})
      list(APPEND missing ${relative})
    endif()
  endforeach()
  if(missing)
    list(JOIN missing "\n  " missing_lines)
    message(FATAL_ERROR "These sources are listed in no target of CMakeLists.txt (add each to its phase's "
                        "nnscope_phase(... SOURCES ...) list):\n  ${missing_lines}")
  endif()
endfunction()
