# Warnings and instruction-set flags, carried by the interface target attnscope_flags that every
# target links. The flags matter: the attention kernels are 2.5x faster with AVX2+FMA than with
# the compiler's SSE2 default (docs/performance.md).

add_library(attnscope_flags INTERFACE)
target_compile_options(attnscope_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(ATTNSCOPE_WARNINGS_AS_ERRORS)
  target_compile_options(attnscope_flags INTERFACE -Werror)
endif()

set(ATTNSCOPE_ARCH_FLAGS "")
# With AVX-512, GCC 12 reports ~600 -Wmaybe-uninitialized false positives from its own
# avx512fintrin.h as inlined through Eigen's packet code (the intrinsics' "undefined"
# pass-through operands). They are not in our code and cannot be fixed there; silence them when
# the flags enable AVX-512, so that those builds stay warning-free (and usable with -Werror).
set(_avx512_quiet "")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(_avx512_quiet -Wno-maybe-uninitialized)
  # With ASan and UBSan, GCC 12 words some of the same false positives as -Wuninitialized
  # (engine/model's float transposes through _mm512_unpacklo_ps).
  if(ATTNSCOPE_SANITIZE)
    list(APPEND _avx512_quiet -Wno-uninitialized)
  endif()
endif()
if(ATTNSCOPE_ARCH STREQUAL "native")
  set(ATTNSCOPE_ARCH_FLAGS -march=native ${_avx512_quiet})
elseif(ATTNSCOPE_ARCH STREQUAL "host")
  # The best flags for the building machine, chosen from /proc/cpuinfo:
  #  - AVX-512 (avx512f): -march=native. Measured on an AMD EPYC (Zen 5) with GCC 12 and Eigen
  #    3.4.0, one thread, T = 4096, d = 64, same window: pipeline 49.8 ms with -march=native
  #    against 65.3 ms with x86-64-v3 (medians of 15), and the 2048³ sgemm ceiling 135 against
  #    88 GFLOP/s. (Earlier Eigen AVX-512 products had been slower than AVX2 on other machines:
  #    that is why this used to be x86-64-v3 everywhere; re-measure on new hardware.) The whole
  #    project builds warning-free and passes its tests with these flags.
  #  - AVX2 and FMA only: x86-64-v3 (AVX2, FMA, BMI2: Haswell and later, Zen and later), 2.5x
  #    faster than the SSE2 default.
  #  - otherwise the compiler's default.
  # Either way the binaries need a CPU like the building one: use ATTNSCOPE_ARCH=portable (or
  # x86-64-v3 by hand) for binaries meant for other machines.
  set(_cpuinfo "")
  if(EXISTS /proc/cpuinfo)
    file(READ /proc/cpuinfo _cpuinfo)
  endif()
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND _cpuinfo MATCHES " avx512f")
    set(ATTNSCOPE_ARCH_FLAGS -march=native ${_avx512_quiet})
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND _cpuinfo MATCHES " avx2" AND _cpuinfo MATCHES " fma")
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
