#include "token_list.h"

#include <algorithm>
#include <cctype>

namespace attnscope {
namespace {

std::string trimmed(const std::string &s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool allDigits(const std::string &s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::vector<std::string> splitCommas(const std::string &list)
{
    std::vector<std::string> items;
    std::string::size_type start = 0;
    while (true) {
        const auto comma = list.find(',', start);
        items.push_back(trimmed(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos)
            return items;
        start = comma + 1;
    }
}

/// Adds the index an item names to `out`, or the reason it names none to `problems`.
void resolveItem(const std::string &item, const std::vector<std::string> &tokens, std::int64_t count,
                 std::vector<int> &out, std::vector<std::string> &problems)
{
    const auto quoted = "'" + item + "'";
    // "#" followed by digits is an index; any other "#…" ("##s", "#") is a token text.
    const bool hash = item.size() > 1 && item[0] == '#' && allDigits(item.substr(1));
    if (item.empty()) {
        problems.push_back("an empty item");
    } else if (hash || allDigits(item)) {
        const std::string digits = hash ? item.substr(1) : item;
        // More than 9 digits cannot be in range of an int count; compare as text first.
        const bool inRange = digits.size() <= 9 && std::stoll(digits) < count;
        if (inRange) {
            out.push_back(int(std::stoll(digits)));
        } else if (!hash && std::find(tokens.begin(), tokens.end(), item) != tokens.end()) {
            problems.push_back(quoted + " is ambiguous: as an index it is out of range (0.." + std::to_string(count - 1) +
                               "), and it is also a token; write =" + item + " for the token");
        } else {
            problems.push_back("index " + quoted + " is out of range (0.." + std::to_string(count - 1) + ")");
        }
    } else {
        const std::string text = item[0] == '=' ? item.substr(1) : item;
        if (text.empty()) {
            problems.push_back(quoted + " names no token (=TEXT)");
            return;
        }
        bool found = false;
        for (std::size_t i = 0; i < tokens.size(); ++i)
            if (tokens[i] == text) {
                out.push_back(int(i));
                found = true;
            }
        if (!found)
            problems.push_back(tokens.empty() ? quoted + " is a text, but there are no tokens: give indices"
                                              : quoted + " is not among the tokens");
    }
}

} // namespace

TokenListParse parseTokenList(const std::string &list, const std::vector<std::string> &tokens, std::int64_t count)
{
    TokenListParse out;
    if (trimmed(list).empty())
        return out;
    for (const auto &item : splitCommas(list))
        resolveItem(item, tokens, count, out.indices, out.problems);
    std::sort(out.indices.begin(), out.indices.end());
    out.indices.erase(std::unique(out.indices.begin(), out.indices.end()), out.indices.end());
    return out;
}

Result<std::vector<int>> resolveTokenList(const std::string &list, const std::vector<std::string> &tokens,
                                          std::int64_t count)
{
    TokenListParse parsed = parseTokenList(list, tokens, count);
    if (parsed.problems.empty())
        return std::move(parsed.indices);
    std::string message = "token list '" + list + "': ";
    for (std::size_t i = 0; i < parsed.problems.size(); ++i)
        message += (i ? "; " : "") + parsed.problems[i];
    return makeError(Error::Code::BadArgument, message);
}

} // namespace attnscope
