#pragma once
// Names that come from files (npz members, safetensors tensors, CSV columns, metadata keys) are
// printed in one-line messages and listings: control characters must not break the line, and a
// list of 300,000 names must not become a 2.6 MB error line.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace attnscope {

/// `name` with control characters (U+0000–U+001F, U+007F) escaped as \n, \r, \t, \\ or \xNN
/// (a backslash is doubled so the escaping stays unambiguous); every other byte, UTF-8 included,
/// is kept.
std::string printableName(const std::string &name);

/// "a, b, c" for at most `shown` names, else "a, b, c, … and 299,997 more"; each name through
/// printableName().
std::string shortList(const std::vector<std::string> &names, std::size_t shown = 20);

/// 299997 → "299,997".
std::string groupThousands(std::uint64_t n);

} // namespace attnscope
