#pragma once
// Deterministic hashing and random numbers of our own, so that the same seed gives the same
// picture on every machine: qHash is seeded per process, and std::normal_distribution differs
// between standard libraries.

#include <cstdint>
#include <string_view>

namespace attnscope {

/// FNV-1a, 64 bits, over the bytes of `s`.
std::uint64_t stableHash(std::string_view s, std::uint64_t seed = 0);

/// xoshiro256** seeded through splitmix64; normals by the Box–Muller transform.
class Random {
public:
    explicit Random(std::uint64_t seed);
    std::uint64_t next();
    /// Uniform in [0, 1) with 53 random bits.
    double uniform();
    /// Standard normal.
    double normal();

private:
    std::uint64_t m_s[4];
    double m_spare = 0;
    bool m_hasSpare = false;
};

} // namespace attnscope
