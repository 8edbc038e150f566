// Post-processors of Hugging Face tokenizers, for a single sequence: TemplateProcessing,
// BertProcessing, RobertaProcessing, ByteLevel (offsets only: nothing to do on ids and tokens)
// and Sequence.

#include "hf_tokenizer_impl.h"

namespace attnscope::hf {
namespace {

/// Special tokens before and after the sequence.
class Wrap final : public PostProcessor {
public:
    Wrap(TokenizerEncoding before, TokenizerEncoding after) : m_before(std::move(before)), m_after(std::move(after)) {}
    void process(TokenizerEncoding &e) const override
    {
        e.ids.insert(e.ids.begin(), m_before.ids.begin(), m_before.ids.end());
        e.tokens.insert(e.tokens.begin(), m_before.tokens.begin(), m_before.tokens.end());
        e.ids.insert(e.ids.end(), m_after.ids.begin(), m_after.ids.end());
        e.tokens.insert(e.tokens.end(), m_after.tokens.begin(), m_after.tokens.end());
    }

private:
    TokenizerEncoding m_before, m_after;
};

class Nothing final : public PostProcessor {
public:
    void process(TokenizerEncoding &) const override {}
};

class SequencePostProcessor final : public PostProcessor {
public:
    explicit SequencePostProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : m_parts(std::move(parts)) {}
    void process(TokenizerEncoding &e) const override
    {
        for (const auto &p : m_parts)
            p->process(e);
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> m_parts;
};

/// ["[SEP]", 102] of BertProcessing and RobertaProcessing.
Result<std::pair<std::string, std::int64_t>> tokenPair(const QJsonObject &o, const char *key, const Context &ctx)
{
    const QJsonArray a = o.value(QLatin1String(key)).toArray();
    if (a.size() != 2 || !a.at(0).isString() || !a.at(1).isDouble() || a.at(1).toDouble() < 0)
        return ctx.error(std::string("\"") + key + "\" is not [token, id]");
    return std::pair{a.at(0).toString().toStdString(), std::int64_t(a.at(1).toDouble())};
}

Result<std::unique_ptr<PostProcessor>> makeTemplate(const QJsonObject &o, const Context &ctx)
{
    const QJsonObject specials = o.value("special_tokens").toObject();
    const QJsonArray single = o.value("single").toArray();
    TokenizerEncoding before, after;
    bool seenSequence = false;
    for (const QJsonValue &item : single) {
        const QJsonObject piece = item.toObject();
        if (piece.contains("Sequence")) {
            if (seenSequence)
                return ctx.error("the single template names the sequence twice");
            seenSequence = true;
            continue;
        }
        const QString id = piece.value("SpecialToken").toObject().value("id").toString();
        const QJsonObject special = specials.value(id).toObject();
        const QJsonArray ids = special.value("ids").toArray(), tokens = special.value("tokens").toArray();
        if (id.isEmpty() || special.isEmpty() || ids.size() != tokens.size())
            return ctx.error("the single template names special token '" + id.toStdString() +
                             "' that special_tokens does not define (with as many ids as tokens)");
        TokenizerEncoding &side = seenSequence ? after : before;
        for (qsizetype i = 0; i < ids.size(); ++i) {
            side.ids.push_back(std::int64_t(ids.at(i).toDouble()));
            side.tokens.push_back(tokens.at(i).toString().toStdString());
        }
    }
    if (!seenSequence)
        return ctx.error("the single template has no Sequence");
    return std::unique_ptr<PostProcessor>(new Wrap(std::move(before), std::move(after)));
}

Result<std::unique_ptr<PostProcessor>> makeSequence(const QJsonObject &o, const Vocabulary &vocab, const Context &ctx)
{
    const QJsonValue list = o.value("processors");
    if (!list.isArray())
        return ctx.error("Sequence has no \"processors\" list");
    std::vector<std::unique_ptr<PostProcessor>> parts;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto part = makePostProcessor(array.at(i), vocab, ctx.at("processors[" + std::to_string(i) + "]"));
        if (!part)
            return part.error();
        if (*part)
            parts.push_back(std::move(*part));
    }
    return std::unique_ptr<PostProcessor>(new SequencePostProcessor(std::move(parts)));
}

} // namespace

std::unique_ptr<PostProcessor> makeClsSep(std::pair<std::string, std::int64_t> cls, std::pair<std::string, std::int64_t> sep)
{
    return std::make_unique<Wrap>(TokenizerEncoding{{cls.second}, {cls.first}}, TokenizerEncoding{{sep.second}, {sep.first}});
}

Result<std::unique_ptr<PostProcessor>> makePostProcessor(const QJsonValue &json, const Vocabulary &vocab, const Context &ctx)
{
    if (json.isNull() || json.isUndefined())
        return std::unique_ptr<PostProcessor>();
    auto object = componentObject(json, ctx);
    if (!object)
        return object.error();
    const QJsonObject &o = *object;
    const QString type = o.value("type").toString();
    if (type == "TemplateProcessing")
        return makeTemplate(o, ctx);
    if (type == "BertProcessing" || type == "RobertaProcessing") {
        auto cls = tokenPair(o, "cls", ctx), sep = tokenPair(o, "sep", ctx);
        if (!cls)
            return cls.error();
        if (!sep)
            return sep.error();
        return makeClsSep(*cls, *sep);
    }
    if (type == "ByteLevel")
        return std::unique_ptr<PostProcessor>(new Nothing);
    if (type == "Sequence")
        return makeSequence(o, vocab, ctx);
    return ctx.error("unsupported post-processor type '" + type.toStdString() +
                     "' (supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
}

} // namespace attnscope::hf
