#pragma once
// Text input: strict UTF-8 decoding that names the byte offset of the first bad sequence, a
// sentence tokenizer for display labels (Unicode word boundaries: words and punctuation; one
// token per Han ideograph and hiragana), token files (one token per line, or running text), and
// tokens as Qt strings for labels.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <QString>
#include <QStringList>

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

/// Splits running text into tokens at Unicode word boundaries (UAX #29 as Qt's
/// QTextBoundaryFinder implements it), each returned as UTF-8:
///  - whitespace and control characters separate tokens and are dropped;
///  - invisible format characters (category Cf: soft hyphen U+00AD, ZWSP U+200B, the direction
///    marks, embeddings and isolates U+200E/F, U+202A–202E, U+2066–2069, U+2060–2064, a stray
///    BOM U+FEFF …) are removed before splitting: they never become tokens, never split a word
///    ("co\u00ADoperate" is the one token "cooperate") and are not kept in the token text. ZWNJ,
///    ZWJ and tag characters stay, as they shape letters and emoji;
///  - a word is a run of letters, digits and combining marks; an apostrophe (' or U+2019)
///    between two letters stays inside it ("don't", "rock'n'roll", but "90's" is 90 ' s), and so
///    does a '.' or ',' between two digits ("3.14", "1,000"); '.' and ':' between letters split
///    ("e.g." is e . g .);
///  - Korean is split into words like Latin text ("안녕하세요" is one token), and so are bopomofo;
///    a run of katakana, the long-vowel mark ー included, is one word ("コンピュータ", half-width
///    "ｶﾀｶﾅ"); each Han ideograph and each hiragana is a token of its own (UAX #29 has no rule
///    that joins them and we use no dictionary): "東京タワーに" is 東 京 タワー に;
///  - every other character (punctuation, symbols, emoji) is a token of its own, together with
///    what follows it in the same grapheme: combining marks, variation selectors, skin-tone
///    modifiers, tag characters, a ZWJ and the emoji it joins (👨‍👩‍👧 is one token), and the
///    second regional indicator of a flag (🇯🇵 is one token).
std::vector<std::string> tokenizeSentence(const QString &text);

/// One token per line as TokenMode::OneTokenPerLine describes.
std::vector<std::string> splitTokenLines(const QString &text);

/// Resolves TokenMode::Auto for `text`: OneTokenPerLine or Sentence.
TokenMode detectTokenMode(const QString &text);

/// Decodes `bytes` (named `what` in messages) and splits it by `mode`. Refuses text without
/// any token, and tokens that would not fit the memory budget (OverBudget; they are counted
/// before they are made, at the size of a std::string each plus the text).
Result<std::vector<std::string>> parseTokens(std::string_view bytes, const std::string &what,
                                             TokenMode mode = TokenMode::Auto);

/// Reads a UTF-8 token file (at most kMaxTokenFileBytes) and splits it by `mode`. The file is
/// read sequentially, so a pipe works too (`--tokens <(printf 'a\\nb\\n')`).
Result<std::vector<std::string>> readTokenFile(const std::string &path, TokenMode mode = TokenMode::Auto);

/// `strings` (UTF-8) as Qt strings, e.g. tokens as a heatmap's labels.
QStringList toQStringList(const std::vector<std::string> &strings);

/// `n` labels `prefix` + 0, …, `prefix` + (n − 1): "d0", "d1", … for dimensions, "0", "1", …
/// for positions without tokens.
QStringList indexLabels(qsizetype n, const QString &prefix = QString());

} // namespace attnscope
