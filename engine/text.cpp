#include "text.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include <QChar>
#include <QList>

#include "file_io.h"

namespace attnscope {
namespace {

struct Utf8Problem {
    std::size_t offset = 0; ///< of the first byte of the bad sequence
    std::string what;
};

std::string hexByte(unsigned b)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", b & 0xFFu);
    return buf;
}

/// The problem with the sequence whose lead byte `lead` is followed by `next`, a byte in
/// 0x80–0xBF that this lead byte does not allow as its first continuation.
std::string restrictedSecondByte(unsigned lead, unsigned next)
{
    const std::string pair = hexByte(lead) + " " + hexByte(next);
    if (lead == 0xE0 || lead == 0xF0)
        return "overlong encoding (" + pair + ")";
    if (lead == 0xED)
        return "UTF-16 surrogate code point (" + pair + ")";
    return "code point above U+10FFFF (" + pair + ")";
}

std::optional<Utf8Problem> findInvalidUtf8(std::string_view s)
{
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned b = p[i];
        if (b < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF; // allowed range of the first continuation byte
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            lo = b == 0xE0 ? 0xA0 : 0x80;
            hi = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            lo = b == 0xF0 ? 0x90 : 0x80;
            hi = b == 0xF4 ? 0x8F : 0xBF;
        } else if (b <= 0xBF) {
            return Utf8Problem{i, "continuation byte " + hexByte(b) + " without a lead byte"};
        } else if (b <= 0xC1) {
            return Utf8Problem{i, "overlong encoding (lead byte " + hexByte(b) + ")"};
        } else {
            return Utf8Problem{i, "byte " + hexByte(b) + " never occurs in UTF-8"};
        }
        for (std::size_t k = 1; k < len; ++k) {
            if (i + k >= n)
                return Utf8Problem{i, "sequence cut short by the end of the text (lead byte " + hexByte(b) + " needs " +
                                          std::to_string(len - 1) + " continuation bytes, " + std::to_string(k - 1) +
                                          " follow)"};
            const unsigned c = p[i + k];
            if (c < 0x80 || c > 0xBF)
                return Utf8Problem{i, "lead byte " + hexByte(b) + " is followed by " + hexByte(c) +
                                          ", not by a continuation byte"};
            if (k == 1 && (c < lo || c > hi))
                return Utf8Problem{i, restrictedSecondByte(b, c)};
        }
        i += len;
    }
    return std::nullopt;
}

bool isRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

constexpr char32_t kZwj = 0x200D;

/// Characters that continue the grapheme before them: combining marks (variation selectors and
/// the keycap mark among them), skin-tone modifiers, tag characters (subdivision flags), ZWNJ and
/// ZWJ, and conjoining hangul vowels and finals.
bool isExtender(char32_t c)
{
    return QChar::isMark(c) || (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0xE0020 && c <= 0xE007F) || c == 0x200C ||
           c == kZwj || (c >= 0x1160 && c <= 0x11FF) || (c >= 0xD7B0 && c <= 0xD7FF);
}

/// Whitespace, control characters and a stray BOM separate tokens.
bool isSeparator(char32_t c)
{
    return QChar::isSpace(c) || QChar::category(c) == QChar::Other_Control || c == 0xFEFF;
}

/// Characters of scripts written without spaces between words, each a token of its own.
bool isCjk(char32_t c)
{
    if (!QChar::isLetterOrNumber(c))
        return false;
    switch (QChar::script(c)) {
    case QChar::Script_Han:
    case QChar::Script_Hiragana:
    case QChar::Script_Katakana:
    case QChar::Script_Hangul:
    case QChar::Script_Bopomofo:
        return true;
    default:
        return c == 0x30FC || c == 0xFF70; // the long-vowel mark ー (script Common), full and half width
    }
}

bool isWordChar(char32_t c) { return QChar::isLetterOrNumber(c) && !isCjk(c); }
bool isDigit(char32_t c) { return QChar::isDigit(c); }

std::string toUtf8(const std::u32string &cps)
{
    return QString::fromUcs4(cps.data(), qsizetype(cps.size())).toStdString();
}

/// The trimmed non-empty lines of `text`, as views into it.
QList<QStringView> nonEmptyLines(const QString &text)
{
    QList<QStringView> lines;
    for (QStringView line : QStringView(text).split(u'\n')) {
        line = line.trimmed();
        if (!line.isEmpty())
            lines.push_back(line);
    }
    return lines;
}

} // namespace

Result<QString> decodeUtf8(std::string_view bytes, const std::string &what)
{
    if (const auto problem = findInvalidUtf8(bytes)) {
        const auto line = 1 + std::count(bytes.begin(), bytes.begin() + std::ptrdiff_t(problem->offset), '\n');
        return makeError(Error::Code::BadFormat, what + ": invalid UTF-8 at byte offset " +
                                                     std::to_string(problem->offset) + " (line " +
                                                     std::to_string(line) + "): " + problem->what);
    }
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF")
        bytes.remove_prefix(3);
    // Validated above, so fromUtf8 has nothing to replace.
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}

std::vector<std::string> tokenizeSentence(const QString &text)
{
    const QList<uint> ucs4 = text.toUcs4();
    const std::u32string cps(ucs4.begin(), ucs4.end());
    const std::size_t n = cps.size();
    std::vector<std::string> tokens;
    std::u32string cur;
    bool inWord = false;
    const auto flush = [&] {
        if (!cur.empty())
            tokens.push_back(toUtf8(cur));
        cur.clear();
        inWord = false;
    };
    const auto nextIs = [&](std::size_t i, bool (*pred)(char32_t)) { return i + 1 < n && pred(cps[i + 1]); };

    for (std::size_t i = 0; i < n; ++i) {
        const char32_t c = cps[i];
        if (isSeparator(c)) {
            flush();
        } else if (isWordChar(c)) {
            if (!inWord)
                flush();
            cur += c;
            inWord = true;
        } else if (inWord && (c == U'\'' || c == 0x2019) && nextIs(i, [](char32_t x) { return QChar::isLetter(x) && !isCjk(x); })) {
            cur += c; // don't, rock'n'roll, 90's
        } else if (inWord && (c == U'.' || c == U',') && isDigit(cur.back()) && nextIs(i, isDigit)) {
            cur += c; // 3.14, 1,000
        } else if (isExtender(c) && !cur.empty()) {
            cur += c;
            if (c == kZwj && i + 1 < n && !isSeparator(cps[i + 1]))
                cur += cps[++i]; // 👨‍👩‍👧: the joined character belongs to the same grapheme
        } else {
            // CJK characters, punctuation, symbols and emoji: one grapheme each.
            flush();
            cur += c;
            if (isRegionalIndicator(c) && nextIs(i, isRegionalIndicator))
                cur += cps[++i]; // a flag is a pair of regional indicators
        }
    }
    flush();
    return tokens;
}

std::vector<std::string> splitTokenLines(const QString &text)
{
    std::vector<std::string> tokens;
    for (const QStringView line : nonEmptyLines(text))
        tokens.push_back(line.toString().toStdString());
    return tokens;
}

TokenMode detectTokenMode(const QString &text)
{
    const QList<QStringView> lines = nonEmptyLines(text);
    if (lines.size() < 2)
        return TokenMode::Sentence;
    for (const QStringView line : lines) {
        if (std::any_of(line.begin(), line.end(), [](QChar ch) { return ch.isSpace(); }))
            return TokenMode::Sentence;
    }
    return TokenMode::OneTokenPerLine;
}

Result<std::vector<std::string>> parseTokens(std::string_view bytes, const std::string &what, TokenMode mode)
{
    auto text = decodeUtf8(bytes, what);
    if (!text)
        return text.error();
    if (mode == TokenMode::Auto)
        mode = detectTokenMode(*text);
    auto tokens = mode == TokenMode::OneTokenPerLine ? splitTokenLines(*text) : tokenizeSentence(*text);
    if (tokens.empty())
        return makeError(Error::Code::BadFormat, what + ": holds no tokens (the text is empty or only whitespace)");
    return tokens;
}

Result<std::vector<std::string>> readTokenFile(const std::string &path, TokenMode mode)
{
    auto file = InputFile::open(path);
    if (!file)
        return file.error();
    if (file->size() > kMaxTokenFileBytes)
        return makeError(Error::Code::OverBudget, path + ": " + std::to_string(file->size()) +
                                                      " bytes is too large for a token file (at most " +
                                                      std::to_string(kMaxTokenFileBytes >> 20) + " MiB)");
    auto bytes = file->readAll();
    if (!bytes)
        return bytes.error();
    return parseTokens(std::string_view(reinterpret_cast<const char *>(bytes->data()), bytes->size()), path, mode);
}

} // namespace attnscope
