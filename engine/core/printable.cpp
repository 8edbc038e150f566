#include "printable.h"

namespace attnscope {

std::string printableName(const std::string &name)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(name.size());
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        case '\\': out += "\\\\"; continue;
        default: break;
        }
        if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

std::string groupThousands(std::uint64_t n)
{
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

std::string shortList(const std::vector<std::string> &names, std::size_t shown)
{
    std::string out;
    const std::size_t n = names.size() <= shown ? names.size() : shown;
    for (std::size_t i = 0; i < n; ++i)
        out += (i ? ", " : "") + printableName(names[i]);
    if (n < names.size())
        out += ", … and " + groupThousands(names.size() - n) + " more";
    return out;
}

} // namespace attnscope
