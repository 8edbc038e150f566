# The engine's layers, checked from the link graph and the sources, with any CMake generator:
#   cmake -DLINKS=<build>/engine_links.cmake -DENGINE_DIR=<source>/engine -P check_layering.cmake
# LINKS is written at configure time by tests/CMakeLists.txt (file(GENERATE)): ENGINE_TARGETS,
# and for each target T, LINKS_T = its LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES.
# Rules:
#  1. No engine target but attnscope_image (and attnscope_hub, which runs models on images through
#     it) reaches a Qt module other than Qt6::Core, directly or through other engine targets; those
#     two reach Qt6::Core and Qt6::Gui only.
#  2. attnscope_core and attnscope_math reach no Qt module at all.
#  3. No file under engine/core or engine/math includes a Qt header (<QString>, <QtCore/…>,
#     <qglobal.h>, …).
# Prints every violation and fails when there is one.

cmake_minimum_required(VERSION 3.21)

if(NOT LINKS OR NOT ENGINE_DIR)
  message(FATAL_ERROR "usage: cmake -DLINKS=FILE -DENGINE_DIR=DIR -P check_layering.cmake")
endif()
include(${LINKS})
# A static library's PRIVATE links stand in its interface as $<LINK_ONLY:…>: they are linked all
# the same.
foreach(t IN LISTS ENGINE_TARGETS)
  string(REGEX REPLACE "\\$<LINK_ONLY:([^>]*)>" "\\1" LINKS_${t} "${LINKS_${t}}")
  list(REMOVE_ITEM LINKS_${t} "")
  list(REMOVE_DUPLICATES LINKS_${t})
endforeach()

# What `target` reaches: its own links and, through the engine targets among them, theirs.
function(reached target out)
  set(seen "")
  set(todo ${target})
  set(found "")
  while(todo)
    list(POP_FRONT todo t)
    if(t IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${t})
    foreach(dep IN LISTS LINKS_${t})
      if(dep IN_LIST ENGINE_TARGETS)
        list(APPEND todo ${dep})
      else()
        list(APPEND found ${dep})
      endif()
    endforeach()
  endwhile()
  list(REMOVE_DUPLICATES found)
  set(${out} ${found} PARENT_SCOPE)
endfunction()

set(problems "")
foreach(t IN LISTS ENGINE_TARGETS)
  reached(${t} deps)
  foreach(dep IN LISTS deps)
    if(NOT dep MATCHES "^Qt[0-9]*::")
      continue()
    endif()
    if(t STREQUAL "attnscope_core" OR t STREQUAL "attnscope_math")
      list(APPEND problems "${t} links ${dep}: core and math are free of Qt")
    elseif(t STREQUAL "attnscope_image" OR t STREQUAL "attnscope_hub")
      if(NOT dep MATCHES "^Qt6::(Core|Gui)$")
        list(APPEND problems "${t} links ${dep}: images may link Qt6::Core and Qt6::Gui only")
      endif()
    elseif(NOT dep STREQUAL "Qt6::Core")
      list(APPEND problems "${t} links ${dep}: only attnscope_image and attnscope_hub may reach a Qt module beyond Qt6::Core")
    endif()
  endforeach()
endforeach()

foreach(folder core math)
  file(GLOB_RECURSE sources ${ENGINE_DIR}/${folder}/*.h ${ENGINE_DIR}/${folder}/*.cpp)
  foreach(f IN LISTS sources)
    file(STRINGS ${f} qt REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](Q[A-Za-z_]*|Qt[A-Za-z]*/[^>\"]*|q[a-z_]*global\\.h)[>\"]")
    foreach(line IN LISTS qt)
      string(STRIP "${line}" line)
      list(APPEND problems "${f}: ${line}: engine/${folder} is free of Qt")
    endforeach()
  endforeach()
endforeach()

list(LENGTH ENGINE_TARGETS n)
if(n LESS 7)
  list(APPEND problems "only ${n} engine targets listed in ${LINKS} (${ENGINE_TARGETS}): the list is incomplete")
endif()
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "the engine's layering is broken:\n  ${text}")
endif()
message(STATUS "engine layering: ${n} targets (${ENGINE_TARGETS}) and the sources of core/ and math/ keep their layers")
