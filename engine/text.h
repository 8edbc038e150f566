#pragma once
// Text input: strict UTF-8 decoding that names the byte offset of the first bad sequence, a
// sentence tokenizer for display labels (words and punctuation; one token per character for
// Chinese, Japanese and Korean), and token files (one token per line, or running text).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <QString>

#include "result.h"

namespace attnscope {

/// How a token file is split.
enum class TokenMode {
    /// OneTokenPerLine when the text has at least two non-empty lines and no line holds
    /// whitespace between two visible characters; Sentence otherwise. Chinese or Japanese prose
    /// written one sentence per line has no spaces and so looks like a token list: ask for
    /// Sentence explicitly there.
    Auto,
    /// Each line is one token, trimmed of surrounding whitespace (a CR before the LF included);
    /// empty and whitespace-only lines are skipped wherever they are, so the final newline does
    /// not start another token.
    OneTokenPerLine,
    /// The whole text through tokenizeSentence().
    Sentence,
};

/// Token files larger than this are refused before reading (a token list, not a corpus).
inline constexpr std::uint64_t kMaxTokenFileBytes = std::uint64_t(64) << 20;

/// Decodes strict UTF-8 (RFC 3629): refuses overlong forms, surrogates (U+D800–U+DFFF), code
/// points above U+10FFFF, stray continuation bytes and sequences cut short, with a message
/// "<what>: invalid UTF-8 at byte offset N (line L): <problem>" where N counts from the first
/// byte of `bytes` (a BOM included). A leading BOM (EF BB BF) is dropped.
Result<QString> decodeUtf8(std::string_view bytes, const std::string &what);

/// Splits running text into tokens, each returned as UTF-8:
///  - whitespace separates tokens and is dropped;
///  - a word is a run of letters, digits and combining marks; an apostrophe (' or U+2019)
///    between a word and a letter stays inside it ("don't", "rock'n'roll"), and so does a '.'
///    or ',' between two digits ("3.14", "1,000");
///  - each Han ideograph, kana (with the long-vowel mark ー), bopomofo and hangul syllable is a
///    token of its own;
///  - every other character (punctuation, symbols, emoji) is a token of its own, together with
///    what follows it in the same grapheme: combining marks, variation selectors, skin-tone
///    modifiers, tag characters, a ZWJ and the character it joins (👨‍👩‍👧 is one token), and the
///    second regional indicator of a flag (🇯🇵 is one token).
std::vector<std::string> tokenizeSentence(const QString &text);

/// One token per line as TokenMode::OneTokenPerLine describes.
std::vector<std::string> splitTokenLines(const QString &text);

/// Resolves TokenMode::Auto for `text`: OneTokenPerLine or Sentence.
TokenMode detectTokenMode(const QString &text);

/// Decodes `bytes` (named `what` in messages) and splits it by `mode`. Refuses text without
/// any token.
Result<std::vector<std::string>> parseTokens(std::string_view bytes, const std::string &what,
                                             TokenMode mode = TokenMode::Auto);

/// Reads a UTF-8 token file (at most kMaxTokenFileBytes) and splits it by `mode`.
Result<std::vector<std::string>> readTokenFile(const std::string &path, TokenMode mode = TokenMode::Auto);

} // namespace attnscope
