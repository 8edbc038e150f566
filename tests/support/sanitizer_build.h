#pragma once
// Whether this build has AddressSanitizer in it (ATTNSCOPE_SANITIZE=ON or ATTNSCOPE_FUZZ=ON; the
// CLI the tests start is built with the same flags as the test itself).
//
// ASan reserves terabytes of address space for its shadow memory when a process starts, so a
// CLI started under an address-space limit (ulimit -v, RLIMIT_AS) dies before main() with
// "ReserveShadowMemoryRange failed", whatever the limit; and an allocation ASan cannot satisfy is
// reported and aborts instead of throwing std::bad_alloc. The tests of those limits skip
// themselves in sanitizer builds, and only there: normal builds always run them.

#if defined(__SANITIZE_ADDRESS__) // GCC
#define ATTNSCOPE_TEST_ASAN 1
#elif defined(__has_feature) // clang
#if __has_feature(address_sanitizer)
#define ATTNSCOPE_TEST_ASAN 1
#endif
#endif

#ifdef ATTNSCOPE_TEST_ASAN
/// Skips the calling test in an ASan build; `why` says what the sanitizer makes impossible.
#define ATTNSCOPE_SKIP_UNDER_ASAN(why) QSKIP("ASan build: " why)
#else
#define ATTNSCOPE_SKIP_UNDER_ASAN(why) \
    do {                               \
    } while (false)
#endif
