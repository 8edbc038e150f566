#include "text.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include <QChar>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QTextBoundaryFinder>

#include "file_io.h"
#include "memory_budget.h"

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

/// Format characters (category Cf) that stay in the text: ZWNJ and ZWJ decide how letters and
/// emoji join (Persian words, 👨‍👩‍👧), tag characters spell subdivision flags (🏴 + tags).
bool isKeptFormat(char32_t c) { return c == 0x200C || c == 0x200D || (c >= 0xE0020 && c <= 0xE007F); }

/// The code point at `i` in `s`; `i` moves onto the low surrogate of a pair. A lone surrogate
/// is returned as it is.
char32_t codePointAt(QStringView s, qsizetype &i)
{
    if (s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
        ++i;
        return QChar::surrogateToUcs4(s[i - 1], s[i]);
    }
    return s[i].unicode();
}

/// `text` without its invisible format characters (soft hyphen, ZWSP, direction marks and
/// embeddings, word joiner, invisible operators, a stray BOM …), so that they neither split a
/// word nor hide in a label, and with control characters turned into spaces (they separate).
QString visibleText(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const qsizetype first = i;
        const char32_t c = codePointAt(text, i);
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Other_Control)
            out += u' ';
        else if (category != QChar::Other_Format || isKeptFormat(c))
            out += QStringView(text).sliced(first, i + 1 - first);
    }
    return out;
}

bool isJoiner(QChar ch) { return ch.unicode() == 0x200C || ch.unicode() == 0x200D; }

/// The token a word-boundary segment holds: the segment without surrounding whitespace and
/// without joiners at its edges (they join nothing there); empty when nothing visible is left
/// (spaces, or only format characters).
QStringView segmentToken(QStringView segment)
{
    segment = segment.trimmed();
    while (!segment.isEmpty() && isJoiner(segment.front()))
        segment = segment.sliced(1);
    while (!segment.isEmpty() && isJoiner(segment.back()))
        segment.chop(1);
    for (qsizetype i = 0; i < segment.size(); ++i)
        if (QChar::category(codePointAt(segment, i)) != QChar::Other_Format)
            return segment;
    return {};
}

/// Calls `use` with each trimmed non-empty line of `text`, as a view into it.
template <class Use>
void forEachLine(const QString &text, Use use)
{
    for (QStringView line : QStringView(text).tokenize(u'\n')) {
        line = line.trimmed();
        if (!line.isEmpty())
            use(line);
    }
}

/// Calls `use` with each token of `visible`, a text already through visibleText().
template <class Use>
void forEachToken(const QString &visible, Use use)
{
    QTextBoundaryFinder words(QTextBoundaryFinder::Word, visible);
    qsizetype start = 0;
    while (words.toNextBoundary() != -1) {
        const qsizetype end = words.position();
        const QStringView token = segmentToken(QStringView(visible).sliced(start, end - start));
        if (!token.isEmpty())
            use(token);
        start = end;
    }
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
    std::vector<std::string> tokens;
    forEachToken(visibleText(text), [&](QStringView token) { tokens.push_back(token.toString().toStdString()); });
    return tokens;
}

std::vector<std::string> splitTokenLines(const QString &text)
{
    std::vector<std::string> tokens;
    forEachLine(text, [&](QStringView line) { tokens.push_back(line.toString().toStdString()); });
    return tokens;
}

TokenMode detectTokenMode(const QString &text)
{
    int lines = 0;
    bool spaced = false;
    forEachLine(text, [&](QStringView line) {
        ++lines;
        spaced = spaced || std::any_of(line.begin(), line.end(), [](QChar ch) { return ch.isSpace(); });
    });
    return lines >= 2 && !spaced ? TokenMode::OneTokenPerLine : TokenMode::Sentence;
}

Result<std::vector<std::string>> parseTokens(std::string_view bytes, const std::string &what, TokenMode mode)
{
    auto text = decodeUtf8(bytes, what);
    if (!text)
        return text.error();
    if (mode == TokenMode::Auto)
        mode = detectTokenMode(*text);
    const bool perLine = mode == TokenMode::OneTokenPerLine;
    const QString visible = perLine ? QString() : visibleText(*text);
    const auto forEach = [&](auto use) { perLine ? forEachLine(*text, use) : forEachToken(visible, use); };
    // Counted before they are made: a file of millions of one-letter tokens costs a std::string
    // each, 32 times its size, and must be refused within the budget rather than half-way.
    std::uint64_t count = 0;
    forEach([&](QStringView) { ++count; });
    if (count == 0)
        return makeError(Error::Code::BadFormat, what + ": holds no tokens (the text is empty or only whitespace)");
    const std::uint64_t need = satAdd(satMul(count, sizeof(std::string)), bytes.size());
    if (auto st = reserveMemory(need, what + ": " + std::to_string(count) + " tokens"); !st)
        return st.error();
    std::vector<std::string> tokens;
    tokens.reserve(std::size_t(count));
    forEach([&](QStringView token) { tokens.push_back(token.toString().toStdString()); });
    return tokens;
}

Result<std::vector<std::string>> readTokenFile(const std::string &path, TokenMode mode)
{
    // Read from the start to the end, never seeking: a pipe (`--tokens <(cmd)`) has no size, so
    // the limit is enforced while reading rather than from the size.
    const QFileInfo info(QString::fromStdString(path));
    if (!info.exists())
        return makeError(Error::Code::FileNotFound, path + ": file not found");
    if (info.isDir())
        return makeError(Error::Code::ReadFailed, path + ": is a directory, not a file");
    if (info.isFile() && std::uint64_t(info.size()) > kMaxTokenFileBytes) // refused before reading
        return makeError(Error::Code::OverBudget, path + ": " + std::to_string(info.size()) +
                                                      " bytes is too large for a token file (at most " +
                                                      std::to_string(kMaxTokenFileBytes >> 20) + " MiB)");
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, path + ": cannot open: " + file.errorString().toStdString());
    std::string bytes;
    char chunk[1 << 16];
    while (true) {
        const qint64 n = file.read(chunk, qint64(sizeof chunk));
        if (n < 0)
            return makeError(Error::Code::ReadFailed, path + ": read failed: " + file.errorString().toStdString());
        if (n == 0)
            break;
        bytes.append(chunk, std::size_t(n));
        if (bytes.size() > kMaxTokenFileBytes)
            return makeError(Error::Code::OverBudget, path + ": more than " + std::to_string(kMaxTokenFileBytes) +
                                                          " bytes is too large for a token file (at most " +
                                                          std::to_string(kMaxTokenFileBytes >> 20) + " MiB)");
    }
    return parseTokens(bytes, path, mode);
}

QStringList toQStringList(const std::vector<std::string> &strings)
{
    QStringList out;
    out.reserve(qsizetype(strings.size()));
    for (const auto &s : strings)
        out << QString::fromStdString(s);
    return out;
}

QStringList indexLabels(qsizetype n, const QString &prefix)
{
    QStringList out;
    out.reserve(n);
    for (qsizetype i = 0; i < n; ++i)
        out << prefix + QString::number(i);
    return out;
}

} // namespace attnscope
