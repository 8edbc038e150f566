# Warnings and instruction-set flags, carried by the interface target attnscope_flags that every
# target links. The flags matter: the attention kernels are 2.5x faster with AVX2+FMA than with
# the compiler's SSE2 default (docs/performance.md).

add_library(attnscope_flags INTERFACE)
target_compile_options(attnscope_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(ATTNSCOPE_WARNINGS_AS_ERRORS)
  target_compile_options(attnscope_flags INTERFACE -Werror)
endif()

set(ATTNSCOPE_ARCH_FLAGS "")
if(ATTNSCOPE_ARCH STREQUAL "native")
  set(ATTNSCOPE_ARCH_FLAGS -march=native)
  # With AVX-512, GCC 12 reports ~600 -Wmaybe-uninitialized false positives from its own
  # avx512fintrin.h as inlined through Eigen's packet code (the intrinsics' "undefined"
  # pass-through operands). They are not in our code and cannot be fixed there; silence them in
  # this mode only, so that native builds stay warning-free (and usable with -Werror).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND ATTNSCOPE_ARCH_FLAGS -Wno-maybe-uninitialized)
  endif()
elseif(ATTNSCOPE_ARCH STREQUAL "host")
  # x86-64-v3 = AVX2, FMA, BMI2 (Haswell and later, Zen and later). Chosen over -march=native
  # because Eigen 3.4's AVX-512 products were slower than its AVX2 ones on the machines we measured.
  set(_cpuinfo "")
  if(EXISTS /proc/cpuinfo)
    file(READ /proc/cpuinfo _cpuinfo)
  endif()
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND _cpuinfo MATCHES " avx2" AND _cpuinfo MATCHES " fma")
    set(ATTNSCOPE_ARCH_FLAGS -march=x86-64-v3)
  endif()
elseif(NOT ATTNSCOPE_ARCH STREQUAL "portable")
  message(FATAL_ERROR "ATTNSCOPE_ARCH must be host, portable or native, not '${ATTNSCOPE_ARCH}'")
endif()
target_compile_options(attnscope_flags INTERFACE ${ATTNSCOPE_ARCH_FLAGS})
message(STATUS "AttnScope: ATTNSCOPE_ARCH=${ATTNSCOPE_ARCH} -> flags '${ATTNSCOPE_ARCH_FLAGS}'")
# Never -ffast-math: it makes std::isinf(-inf) false and breaks masking.

if(ATTNSCOPE_FUZZ OR ATTNSCOPE_SANITIZE)
  if(ATTNSCOPE_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ATTNSCOPE_FUZZ needs clang: CXX=clang++ cmake -S . -B build-fuzz -DATTNSCOPE_FUZZ=ON")
  endif()
  set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  if(ATTNSCOPE_FUZZ)
    list(APPEND _san -fsanitize=fuzzer-no-link)
  endif()
  target_compile_options(attnscope_flags INTERFACE ${_san})
  target_link_options(attnscope_flags INTERFACE -fsanitize=address,undefined)
endif()
