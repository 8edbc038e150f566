// Normalizers of Hugging Face tokenizers: BertNormalizer, NFC/NFD/NFKC/NFKD, Lowercase,
// StripAccents, Replace, Prepend, Strip, Sequence. Unicode properties come from QChar, the
// normalisation forms from QString::normalized.

#include <QChar>

#include "hf_tokenizer_impl.h"

namespace attnscope::hf {
namespace {

/// Rust's char::is_whitespace (the White_Space property): Qt's separators and the ASCII spaces.
bool isWhitespace(char32_t c)
{
    return QChar::isSpace(c);
}

/// HF's is_control for clean_text: categories Cc, Cf, Cn, Co, Cs, except tab, LF and CR.
bool isControl(char32_t c)
{
    if (c == '\t' || c == '\n' || c == '\r')
        return false;
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_NotAssigned:
    case QChar::Other_PrivateUse:
    case QChar::Other_Surrogate:
        return true;
    default:
        return false;
    }
}

/// The CJK blocks BertNormalizer pads with spaces (HF's is_chinese_char).
bool isChineseChar(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

/// Drops the marks: only the non-spacing ones (Mn) for BertNormalizer's strip_accents (as BERT's
/// Python code), every mark (Mn, Mc, Me: unicode-normalization's is_combining_mark) for the
/// StripAccents normalizer.
QString dropMarks(const QString &text, bool allMarks)
{
    std::u32string out;
    for (const char32_t c : text.toUcs4()) {
        const auto cat = QChar::category(c);
        const bool mark = cat == QChar::Mark_NonSpacing ||
                          (allMarks && (cat == QChar::Mark_SpacingCombining || cat == QChar::Mark_Enclosing));
        if (!mark)
            out.push_back(c);
    }
    return QString::fromUcs4(out.data(), qsizetype(out.size()));
}

/// Lowercase as Rust's char::to_lowercase (full mappings); Qt's toLower applies them too.
QString lowercase(const QString &text)
{
    return text.toLower();
}

class BertNormalizer final : public Normalizer {
public:
    BertNormalizer(bool cleanText, bool chinese, bool strip, bool lower)
        : m_clean(cleanText), m_chinese(chinese), m_strip(strip), m_lower(lower)
    {
    }
    QString normalize(const QString &text) const override
    {
        std::u32string out;
        for (const char32_t c : text.toUcs4()) {
            if (m_clean && (c == 0 || c == 0xFFFD || isControl(c)))
                continue;
            const char32_t d = m_clean && isWhitespace(c) ? U' ' : c;
            if (m_chinese && isChineseChar(d)) {
                out.push_back(U' ');
                out.push_back(d);
                out.push_back(U' ');
            } else {
                out.push_back(d);
            }
        }
        QString s = QString::fromUcs4(out.data(), qsizetype(out.size()));
        if (m_strip)
            s = dropMarks(s.normalized(QString::NormalizationForm_D), false);
        if (m_lower)
            s = lowercase(s);
        return s;
    }

private:
    bool m_clean, m_chinese, m_strip, m_lower;
};

class FormNormalizer final : public Normalizer {
public:
    explicit FormNormalizer(QString::NormalizationForm form) : m_form(form) {}
    QString normalize(const QString &text) const override { return text.normalized(m_form); }

private:
    QString::NormalizationForm m_form;
};

class LowercaseNormalizer final : public Normalizer {
public:
    QString normalize(const QString &text) const override { return lowercase(text); }
};

class StripAccentsNormalizer final : public Normalizer {
public:
    QString normalize(const QString &text) const override { return dropMarks(text, true); }
};

class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(Pattern pattern, QString content) : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    QString normalize(const QString &text) const override
    {
        QString out;
        qsizetype last = 0;
        for (const auto &[begin, end] : m_pattern.find(text)) {
            out += QStringView(text).mid(last, begin - last);
            out += m_content;
            last = end;
        }
        out += QStringView(text).mid(last);
        return out;
    }

private:
    Pattern m_pattern;
    QString m_content;
};

class PrependNormalizer final : public Normalizer {
public:
    explicit PrependNormalizer(QString prepend) : m_prepend(std::move(prepend)) {}
    QString normalize(const QString &text) const override { return text.isEmpty() ? text : m_prepend + text; }

private:
    QString m_prepend;
};

class StripNormalizer final : public Normalizer {
public:
    StripNormalizer(bool left, bool right) : m_left(left), m_right(right) {}
    QString normalize(const QString &text) const override
    {
        const QList<uint> cps = text.toUcs4();
        qsizetype b = 0, e = cps.size();
        while (m_left && b < e && isWhitespace(cps[b]))
            ++b;
        while (m_right && e > b && isWhitespace(cps[e - 1]))
            --e;
        return QString::fromUcs4(reinterpret_cast<const char32_t *>(cps.constData()) + b, e - b);
    }

private:
    bool m_left, m_right;
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : m_parts(std::move(parts)) {}
    QString normalize(const QString &text) const override
    {
        QString s = text;
        for (const auto &p : m_parts)
            s = p->normalize(s);
        return s;
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_parts;
};

Result<std::unique_ptr<Normalizer>> makeSequence(const QJsonObject &o, const Context &ctx)
{
    const QJsonValue list = o.value("normalizers");
    if (!list.isArray())
        return ctx.error("Sequence has no \"normalizers\" list");
    std::vector<std::unique_ptr<Normalizer>> parts;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto part = makeNormalizer(array.at(i), ctx.at("normalizers[" + std::to_string(i) + "]"));
        if (!part)
            return part.error();
        if (*part)
            parts.push_back(std::move(*part));
    }
    return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(parts)));
}

Result<std::unique_ptr<Normalizer>> makeBert(const QJsonObject &o)
{
    const bool lower = boolOr(o, "lowercase", true);
    const bool strip = boolOr(o, "strip_accents", lower);  // null follows lowercase
    return makeBertNormalizer(boolOr(o, "clean_text", true), boolOr(o, "handle_chinese_chars", true), strip, lower);
}

} // namespace

std::unique_ptr<Normalizer> makeBertNormalizer(bool cleanText, bool chineseChars, bool stripAccents, bool lowercase)
{
    return std::make_unique<BertNormalizer>(cleanText, chineseChars, stripAccents, lowercase);
}

Result<std::unique_ptr<Normalizer>> makeNormalizer(const QJsonValue &json, const Context &ctx)
{
    if (json.isNull() || json.isUndefined())
        return std::unique_ptr<Normalizer>();
    auto object = componentObject(json, ctx);
    if (!object)
        return object.error();
    const QJsonObject &o = *object;
    const QString type = o.value("type").toString();
    if (type == "BertNormalizer")
        return makeBert(o);
    if (type == "NFC")
        return std::unique_ptr<Normalizer>(new FormNormalizer(QString::NormalizationForm_C));
    if (type == "NFD")
        return std::unique_ptr<Normalizer>(new FormNormalizer(QString::NormalizationForm_D));
    if (type == "NFKC")
        return std::unique_ptr<Normalizer>(new FormNormalizer(QString::NormalizationForm_KC));
    if (type == "NFKD")
        return std::unique_ptr<Normalizer>(new FormNormalizer(QString::NormalizationForm_KD));
    if (type == "Lowercase")
        return std::unique_ptr<Normalizer>(new LowercaseNormalizer);
    if (type == "StripAccents")
        return std::unique_ptr<Normalizer>(new StripAccentsNormalizer);
    if (type == "Strip")
        return std::unique_ptr<Normalizer>(new StripNormalizer(boolOr(o, "strip_left", true), boolOr(o, "strip_right", true)));
    if (type == "Prepend") {
        if (!o.value("prepend").isString())
            return ctx.error("Prepend has no string \"prepend\"");
        return std::unique_ptr<Normalizer>(new PrependNormalizer(o.value("prepend").toString()));
    }
    if (type == "Replace") {
        auto pattern = makePattern(o.value("pattern"), ctx.at("pattern"));
        if (!pattern)
            return pattern.error();
        if (!o.value("content").isString())
            return ctx.error("Replace has no string \"content\"");
        return std::unique_ptr<Normalizer>(new ReplaceNormalizer(std::move(*pattern), o.value("content").toString()));
    }
    if (type == "Sequence")
        return makeSequence(o, ctx);
    return ctx.error("unsupported normalizer type '" + type.toStdString() +
                     "' (supported: BertNormalizer, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Replace, "
                     "Prepend, Sequence)");
}

} // namespace attnscope::hf
