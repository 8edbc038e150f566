#pragma once
// Token lists as a user types them (`--hide-tokens LIST`, the window's Special field): items
// separated by commas, each naming tokens by index or by text.
//
//   12  or  #12   the token at 0-based index 12 (digits only; spaces around an item are ignored;
//                 "#" not followed by digits only, as in "##s", is a text)
//   =12           the token whose text is "12" (for tokens that look like numbers)
//   [CLS]         every token whose text is exactly "[CLS]" (case-sensitive, as stored: Ġ and
//                 ## included, before any sub-word merging)
// A comma token cannot be named by text: give it as #N.

#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace attnscope {

/// What each item of a list named: the indices of the items that resolved, ascending and each
/// once, and one phrase per item at fault ("'[PAD]' is not among the tokens").
struct TokenListParse {
    std::vector<int> indices;
    std::vector<std::string> problems;
};

/// resolveTokenList without failing: the good items' indices and the others' problems (the
/// window hides what it can and shows the problems).
TokenListParse parseTokenList(const std::string &list, const std::vector<std::string> &tokens, std::int64_t count);

/// The indices `list` names among `count` tokens whose texts are `tokens` (empty: the tokens
/// have no text, so only indices can be given; otherwise tokens.size() == count), ascending,
/// each once. An empty or blank list names nothing. Errors (BadArgument) name every item at
/// fault at once: an empty item, an index out of 0..count−1, a `=` with nothing after it, a
/// text found among no token (or any text when there are no token texts). A digits-only
/// item out of range that is also a token's text is reported as ambiguous, pointing to `=TEXT`.
Result<std::vector<int>> resolveTokenList(const std::string &list, const std::vector<std::string> &tokens,
                                          std::int64_t count);

} // namespace attnscope
