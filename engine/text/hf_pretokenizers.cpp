// Pre-tokenizers of Hugging Face tokenizers: BertPreTokenizer, ByteLevel (GPT-2's regex),
// Metaspace, Split, Digits, Punctuation, Whitespace, WhitespaceSplit, Sequence; and the split
// behaviours they share (Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous).

#include <QChar>

#include <functional>

#include "hf_tokenizer_impl.h"

namespace attnscope::hf {
namespace {

using Range = std::pair<qsizetype, qsizetype>;
enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

/// GPT-2's pattern, as HF's ByteLevel uses it.
const char *kByteLevelRegex = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

/// The text cut into consecutive [begin, end) runs, each marked as a match or not.
std::vector<std::pair<Range, bool>> cover(qsizetype length, const std::vector<Range> &matches, bool invert)
{
    std::vector<std::pair<Range, bool>> out;
    qsizetype last = 0;
    for (const auto &m : matches) {
        if (m.first > last)
            out.push_back({{last, m.first}, invert});
        out.push_back({m, !invert});
        last = m.second;
    }
    if (last < length)
        out.push_back({{last, length}, invert});
    return out;
}

/// HF's SplitDelimiterBehavior applied to the covered runs: the ranges of the new pieces.
std::vector<Range> applyBehavior(const std::vector<std::pair<Range, bool>> &runs, Behavior behavior)
{
    std::vector<Range> out;
    bool previousMatch = false;
    switch (behavior) {
    case Behavior::Removed:
        for (const auto &[r, isMatch] : runs)
            if (!isMatch)
                out.push_back(r);
        return out;
    case Behavior::Isolated:
        for (const auto &[r, isMatch] : runs)
            out.push_back(r);
        return out;
    case Behavior::MergedWithPrevious:
    case Behavior::Contiguous:
        for (const auto &[r, isMatch] : runs) {
            const bool merge = behavior == Behavior::Contiguous ? isMatch == previousMatch : isMatch && !previousMatch;
            if (merge && !out.empty())
                out.back().second = r.second;
            else
                out.push_back(r);
            previousMatch = isMatch;
        }
        return out;
    case Behavior::MergedWithNext:
        for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
            if (it->second && !previousMatch && !out.empty())
                out.back().first = it->first.first;
            else
                out.push_back(it->first);
            previousMatch = it->second;
        }
        return {out.rbegin(), out.rend()};
    }
    return out;
}

/// Replaces each piece by its sub-pieces at `ranges(piece)`; empty ones are dropped.
void splitPieces(std::vector<Piece> &pieces, const std::function<std::vector<Range>(const QString &)> &ranges)
{
    std::vector<Piece> out;
    out.reserve(pieces.size());
    for (const Piece &p : pieces)
        for (const auto &[b, e] : ranges(p.text))
            if (e > b)
                out.push_back({p.text.mid(b, e - b), p.atStart && b == 0});
    pieces = std::move(out);
}

/// Every code point for which `pred` holds is a match of its own.
std::vector<Range> charMatches(const QString &text, const std::function<bool(char32_t)> &pred)
{
    std::vector<Range> out;
    for (qsizetype i = 0; i < text.size();) {
        const qsizetype n = text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate() ? 2 : 1;
        const char32_t c = n == 2 ? QChar::surrogateToUcs4(text.at(i), text.at(i + 1)) : text.at(i).unicode();
        if (pred(c))
            out.push_back({i, i + n});
        i += n;
    }
    return out;
}

/// HF's is_bert_punc: ASCII punctuation and every Unicode P* category.
bool isBertPunctuation(char32_t c)
{
    if (c < 128)
        return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
    return QChar::isPunct(c);
}

class BehaviorSplit : public PreTokenizer {
public:
    BehaviorSplit(std::function<std::vector<Range>(const QString &)> find, Behavior behavior, bool invert)
        : m_find(std::move(find)), m_behavior(behavior), m_invert(invert)
    {
    }
    void preTokenize(std::vector<Piece> &pieces) const override
    {
        splitPieces(pieces, [this](const QString &t) {
            return applyBehavior(cover(t.size(), m_find(t), m_invert), m_behavior);
        });
    }

private:
    std::function<std::vector<Range>(const QString &)> m_find;
    Behavior m_behavior;
    bool m_invert;
};

class SequencePreTokenizer final : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> parts) : m_parts(std::move(parts)) {}
    void preTokenize(std::vector<Piece> &pieces) const override
    {
        for (const auto &p : m_parts)
            p->preTokenize(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_parts;
};

class BertPreTokenizer final : public PreTokenizer {
public:
    void preTokenize(std::vector<Piece> &pieces) const override
    {
        splitPieces(pieces, [](const QString &t) {
            return applyBehavior(cover(t.size(), charMatches(t, [](char32_t c) { return QChar::isSpace(c); }), false),
                                 Behavior::Removed);
        });
        splitPieces(pieces, [](const QString &t) {
            return applyBehavior(cover(t.size(), charMatches(t, isBertPunctuation), false), Behavior::Isolated);
        });
    }
};

class ByteLevelPreTokenizer final : public PreTokenizer {
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex)
        : m_prefix(addPrefixSpace), m_useRegex(useRegex), m_regex(QString::fromLatin1(kByteLevelRegex),
                                                                  QRegularExpression::UseUnicodePropertiesOption)
    {
        m_regex.optimize();
    }
    void preTokenize(std::vector<Piece> &pieces) const override
    {
        for (Piece &p : pieces)
            if (m_prefix && !p.text.startsWith(QLatin1Char(' ')))
                p.text.prepend(QLatin1Char(' '));
        if (m_useRegex) {
            const Pattern pattern{{}, m_regex};
            splitPieces(pieces, [&pattern](const QString &t) {
                return applyBehavior(cover(t.size(), pattern.find(t), false), Behavior::Isolated);
            });
        }
        const auto &table = byteToUnicode();
        for (Piece &p : pieces) {
            const QByteArray bytes = p.text.toUtf8();
            std::u32string mapped;
            mapped.reserve(std::size_t(bytes.size()));
            for (const char b : bytes)
                mapped.push_back(table[static_cast<unsigned char>(b)]);
            p.text = QString::fromUcs4(mapped.data(), qsizetype(mapped.size()));
        }
    }

private:
    bool m_prefix;
    bool m_useRegex;
    QRegularExpression m_regex;
};

class MetaspacePreTokenizer final : public PreTokenizer {
public:
    enum class Prepend { Always, First, Never };
    MetaspacePreTokenizer(QString replacement, Prepend prepend, bool split)
        : m_replacement(std::move(replacement)), m_prepend(prepend), m_split(split)
    {
    }
    void preTokenize(std::vector<Piece> &pieces) const override
    {
        for (Piece &p : pieces) {
            p.text.replace(QLatin1Char(' '), m_replacement);
            const bool prepend = m_prepend == Prepend::Always || (m_prepend == Prepend::First && p.atStart);
            if (prepend && !p.text.startsWith(m_replacement))
                p.text.prepend(m_replacement);
        }
        if (!m_split)
            return;
        const Pattern pattern{m_replacement, std::nullopt};
        splitPieces(pieces, [&pattern](const QString &t) {
            return applyBehavior(cover(t.size(), pattern.find(t), false), Behavior::MergedWithNext);
        });
    }

private:
    QString m_replacement;
    Prepend m_prepend;
    bool m_split;
};

Result<Behavior> parseBehavior(const QJsonObject &o, const Context &ctx, Behavior fallback)
{
    const QJsonValue v = o.value("behavior");
    if (v.isUndefined() || v.isNull())
        return fallback;
    const QString b = v.toString();
    if (b == "Removed")
        return Behavior::Removed;
    if (b == "Isolated")
        return Behavior::Isolated;
    if (b == "MergedWithPrevious")
        return Behavior::MergedWithPrevious;
    if (b == "MergedWithNext")
        return Behavior::MergedWithNext;
    if (b == "Contiguous")
        return Behavior::Contiguous;
    return ctx.error("unknown split behavior '" + b.toStdString() + "'");
}

Result<std::unique_ptr<PreTokenizer>> makeSplit(const QJsonObject &o, const Context &ctx)
{
    auto pattern = makePattern(o.value("pattern"), ctx.at("pattern"));
    if (!pattern)
        return pattern.error();
    auto behavior = parseBehavior(o, ctx, Behavior::Isolated);
    if (!behavior)
        return behavior.error();
    auto find = [p = std::move(*pattern)](const QString &t) { return p.find(t); };
    return std::unique_ptr<PreTokenizer>(new BehaviorSplit(find, *behavior, boolOr(o, "invert", false)));
}

/// As tokenizers' Metaspace deserializer: prepend_scheme defaults to "always"; the older
/// add_prefix_space may only say false together with "never"; split defaults to true.
Result<std::unique_ptr<PreTokenizer>> makeMetaspace(const QJsonObject &o, const Context &ctx)
{
    const QString replacement = stringOr(o, "replacement", QStringLiteral("\u2581"));
    if (replacement.toUcs4().size() != 1)
        return ctx.error("Metaspace's \"replacement\" must be one character");
    const QString scheme = stringOr(o, "prepend_scheme", "always");
    MetaspacePreTokenizer::Prepend prepend = MetaspacePreTokenizer::Prepend::Always;
    if (scheme == "first")
        prepend = MetaspacePreTokenizer::Prepend::First;
    else if (scheme == "never")
        prepend = MetaspacePreTokenizer::Prepend::Never;
    else if (scheme != "always")
        return ctx.error("unknown Metaspace prepend_scheme '" + scheme.toStdString() + "'");
    if (!boolOr(o, "add_prefix_space", true) && prepend != MetaspacePreTokenizer::Prepend::Never)
        return ctx.error("Metaspace's add_prefix_space does not match declared prepend_scheme");
    return std::unique_ptr<PreTokenizer>(new MetaspacePreTokenizer(replacement, prepend, boolOr(o, "split", true)));
}

Result<std::unique_ptr<PreTokenizer>> makeSequence(const QJsonObject &o, const Context &ctx)
{
    const QJsonValue list = o.value("pretokenizers");
    if (!list.isArray())
        return ctx.error("Sequence has no \"pretokenizers\" list");
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto part = makePreTokenizer(array.at(i), ctx.at("pretokenizers[" + std::to_string(i) + "]"));
        if (!part)
            return part.error();
        if (*part)
            parts.push_back(std::move(*part));
    }
    return std::unique_ptr<PreTokenizer>(new SequencePreTokenizer(std::move(parts)));
}

/// Splits where the regex matches; "Whitespace" keeps the matches of \w+|[^\w\s]+.
std::unique_ptr<PreTokenizer> regexSplit(const char *regex, Behavior behavior, bool invert)
{
    Pattern p{{}, QRegularExpression(QString::fromLatin1(regex), QRegularExpression::UseUnicodePropertiesOption)};
    return std::make_unique<BehaviorSplit>([p](const QString &t) { return p.find(t); }, behavior, invert);
}

std::unique_ptr<PreTokenizer> charSplit(std::function<bool(char32_t)> pred, Behavior behavior)
{
    return std::make_unique<BehaviorSplit>([pred](const QString &t) { return charMatches(t, pred); }, behavior, false);
}

} // namespace

std::vector<std::pair<qsizetype, qsizetype>> Pattern::find(const QString &text) const
{
    std::vector<Range> out;
    if (regex) {
        auto it = regex->globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            if (m.capturedLength() > 0)
                out.push_back({m.capturedStart(), m.capturedEnd()});
        }
        return out;
    }
    if (literal.isEmpty())
        return out;
    for (qsizetype i = text.indexOf(literal); i >= 0; i = text.indexOf(literal, i + literal.size()))
        out.push_back({i, i + literal.size()});
    return out;
}

Result<QRegularExpression> makeRegex(const QString &pattern, const Context &ctx)
{
    QRegularExpression re(pattern, QRegularExpression::UseUnicodePropertiesOption);
    if (!re.isValid())
        return ctx.error("bad regular expression '" + pattern.toStdString() + "': " + re.errorString().toStdString());
    re.optimize();
    return re;
}

Result<Pattern> makePattern(const QJsonValue &json, const Context &ctx)
{
    const QJsonObject o = json.toObject();
    if (o.value("String").isString())
        return Pattern{o.value("String").toString(), std::nullopt};
    if (o.value("Regex").isString()) {
        auto re = makeRegex(o.value("Regex").toString(), ctx);
        if (!re)
            return re.error();
        return Pattern{{}, std::move(*re)};
    }
    return ctx.error("expected {\"String\": …} or {\"Regex\": …}");
}

std::unique_ptr<PreTokenizer> makeBertPreTokenizer()
{
    return std::make_unique<BertPreTokenizer>();
}

std::unique_ptr<PreTokenizer> makeByteLevelPreTokenizer(bool addPrefixSpace)
{
    return std::make_unique<ByteLevelPreTokenizer>(addPrefixSpace, true);
}

Result<std::unique_ptr<PreTokenizer>> makePreTokenizer(const QJsonValue &json, const Context &ctx)
{
    if (json.isNull() || json.isUndefined())
        return std::unique_ptr<PreTokenizer>();
    auto object = componentObject(json, ctx);
    if (!object)
        return object.error();
    const QJsonObject &o = *object;
    const QString type = o.value("type").toString();
    if (type == "BertPreTokenizer")
        return makeBertPreTokenizer();
    if (type == "ByteLevel")
        return std::unique_ptr<PreTokenizer>(
            new ByteLevelPreTokenizer(boolOr(o, "add_prefix_space", true), boolOr(o, "use_regex", true)));
    if (type == "Metaspace")
        return makeMetaspace(o, ctx);
    if (type == "Split")
        return makeSplit(o, ctx);
    if (type == "Digits") {
        const bool individual = boolOr(o, "individual_digits", false);
        return charSplit([](char32_t c) { return QChar::isNumber(c); },
                         individual ? Behavior::Isolated : Behavior::Contiguous);
    }
    if (type == "Punctuation") {
        auto behavior = parseBehavior(o, ctx, Behavior::Isolated);
        if (!behavior)
            return behavior.error();
        return charSplit(isBertPunctuation, *behavior);
    }
    if (type == "Whitespace")
        return regexSplit(R"(\w+|[^\w\s]+)", Behavior::Removed, true);
    if (type == "WhitespaceSplit")
        return charSplit([](char32_t c) { return QChar::isSpace(c); }, Behavior::Removed);
    if (type == "Sequence")
        return makeSequence(o, ctx);
    return ctx.error("unsupported pre-tokenizer type '" + type.toStdString() +
                     "' (supported: BertPreTokenizer, ByteLevel, Metaspace, Split, Digits, Punctuation, Whitespace, "
                     "WhitespaceSplit, Sequence)");
}

} // namespace attnscope::hf
