#pragma once
// Small comparisons and names shared by the engine tests.

#include <bit>
#include <cmath>
#include <cstdint>

#include "result.h"

namespace attnscope::test {

/// Bit-for-bit equal, NaN equal to NaN (any payload), -0 distinct from +0.
inline bool sameDouble(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// The enumerator's name, as the fixture JSON files spell error codes.
inline const char *codeName(Error::Code c)
{
    switch (c) {
    case Error::Code::FileNotFound: return "FileNotFound";
    case Error::Code::ReadFailed: return "ReadFailed";
    case Error::Code::WriteFailed: return "WriteFailed";
    case Error::Code::BadFormat: return "BadFormat";
    case Error::Code::Unsupported: return "Unsupported";
    case Error::Code::BadShape: return "BadShape";
    case Error::Code::BadArgument: return "BadArgument";
    case Error::Code::OverBudget: return "OverBudget";
    case Error::Code::Cancelled: return "Cancelled";
    }
    return "?";
}

} // namespace attnscope::test
