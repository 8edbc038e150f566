// HfTokenizer: finding the tokenizer's files, reading tokenizer.json, running the pipeline, and
// the labels shown on screen.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <cstdio>

#include "hf_tokenizer_impl.h"
#include "memory_budget.h"
#include "printable.h"
#include "text.h"

namespace attnscope {
namespace hf {

/// What a parsed QJsonDocument costs per byte of its file, at most (measured on the Gemma 3
/// tokenizer.json, whose vocabulary strings dominate: UTF-16 strings plus per-value overhead).
constexpr double kJsonBytesPerFileByte = 6.0;

Error Context::error(const std::string &problem) const
{
    return makeError(Error::Code::BadFormat, printableName(file) + ": " + (where.empty() ? "" : where + ": ") + problem);
}

Result<QJsonObject> componentObject(const QJsonValue &json, const Context &ctx)
{
    if (!json.isObject())
        return ctx.error("expected an object");
    const QJsonObject o = json.toObject();
    if (!o.value("type").isString())
        return ctx.error("has no \"type\"");
    return o;
}

const std::vector<char32_t> &byteToUnicode()
{
    static const std::vector<char32_t> table = [] {
        std::vector<char32_t> t(256, 0);
        char32_t n = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            t[std::size_t(b)] = printable ? char32_t(b) : 256 + n++;
        }
        return t;
    }();
    return table;
}

int unicodeToByte(char32_t c)
{
    static const std::unordered_map<char32_t, int> inverse = [] {
        std::unordered_map<char32_t, int> m;
        for (int b = 0; b < 256; ++b)
            m[byteToUnicode()[std::size_t(b)]] = b;
        return m;
    }();
    const auto it = inverse.find(c);
    return it == inverse.end() ? -1 : it->second;
}

std::u32string utf8ToCodePoints(const std::string &text)
{
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
        for (int k = 1; k < n && i + std::size_t(k) < text.size(); ++k)
            c = (c << 6) | (static_cast<unsigned char>(text[i + std::size_t(k)]) & 0x3F);
        out.push_back(c);
        i += std::size_t(n);
    }
    return out;
}

void appendUtf8(std::string &out, char32_t c)
{
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

Result<QByteArray> readFileWithinBudget(const std::string &path, double factor, std::uint64_t budget)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, printableName(path) + ": cannot read: " + file.errorString().toStdString());
    const auto size = std::uint64_t(file.size());
    const auto need = std::uint64_t(double(size) * factor);
    if (auto s = reserveMemory(need, printableName(path) + " (" + formatBytes(size) + ")", budget); !s)
        return s.error();
    QByteArray bytes = file.readAll();
    if (std::uint64_t(bytes.size()) != size)
        return makeError(Error::Code::ReadFailed, printableName(path) + ": could not read the whole file");
    return bytes;
}

Result<QJsonDocument> parseJson(QByteArray bytes, const std::string &path)
{
    static const QByteArray bom("\xEF\xBB\xBF");
    if (bytes.startsWith(bom))
        bytes.remove(0, 3);
    if (bytes.contains(bom))
        bytes.replace(bom, QByteArrayLiteral("\\ufeff"));
    QJsonParseError error;
    QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(Error::Code::BadFormat, printableName(path) + ": broken JSON at byte offset " +
                                                     std::to_string(error.offset) + ": " + error.errorString().toStdString());
    return doc;
}

namespace {

/// Whether some component in `json` has "type": `type`.
bool hasType(const QJsonValue &json, const QString &type)
{
    if (json.isArray()) {
        for (const QJsonValue &v : json.toArray())
            if (hasType(v, type))
                return true;
        return false;
    }
    if (!json.isObject())
        return false;
    const QJsonObject o = json.toObject();
    if (o.value("type").toString() == type)
        return true;
    for (auto it = o.begin(); it != o.end(); ++it)
        if (hasType(it.value(), type))
            return true;
    return false;
}

/// Whether "▁" stands for a space in this tokenizer (Metaspace, or a Replace to "▁").
bool usesMetaspace(const QJsonObject &root)
{
    for (const char *key : {"normalizer", "pre_tokenizer", "decoder"}) {
        const QJsonValue v = root.value(QLatin1String(key));
        if (hasType(v, "Metaspace") || QJsonDocument(v.toObject()).toJson().contains("\xe2\x96\x81"))
            return true;
    }
    return false;
}

Status readAddedTokens(const QJsonValue &json, Pipeline &p, const Context &ctx)
{
    if (json.isNull() || json.isUndefined())
        return okStatus();
    if (!json.isArray())
        return ctx.error("expected a list");
    const QJsonArray list = json.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject o = list.at(i).toObject();
        const double id = o.value("id").toDouble(-1);
        if (!o.value("content").isString() || id < 0 || id > 2147483647.0)
            return ctx.error("entry " + std::to_string(i) + " has no string \"content\" and id from 0 to 2^31-1");
        AddedToken t{std::int64_t(id), o.value("content").toString(), boolOr(o, "single_word", false),
                     boolOr(o, "lstrip", false), boolOr(o, "rstrip", false), boolOr(o, "normalized", false),
                     boolOr(o, "special", false)};
        if (!o.contains("normalized"))
            t.normalized = !t.special;  // HF's default
        p.added.add(t, p.normalizer.get());
    }
    return okStatus();
}

Result<Pipeline> parseTokenizerJson(const QJsonObject &root, const std::string &file, std::uint64_t budget)
{
    const Context ctx{file, {}};
    Pipeline p;
    auto normalizer = makeNormalizer(root.value("normalizer"), ctx.at("normalizer"));
    if (!normalizer)
        return normalizer.error();
    p.normalizer = std::move(*normalizer);
    if (auto s = readAddedTokens(root.value("added_tokens"), p, ctx.at("added_tokens")); !s)
        return s.error();
    auto pre = makePreTokenizer(root.value("pre_tokenizer"), ctx.at("pre_tokenizer"));
    if (!pre)
        return pre.error();
    p.preTokenizer = std::move(*pre);
    QJsonValue modelJson = root.value("model");
    if (modelJson.isObject() && !modelJson.toObject().contains("type") && modelJson.toObject().contains("merges")) {
        QJsonObject withType = modelJson.toObject();  // older files name no type; merges mean BPE
        withType.insert("type", QStringLiteral("BPE"));
        modelJson = withType;
    }
    auto model = makeModel(modelJson, ctx.at("model"), budget);
    if (!model)
        return model.error();
    p.model = std::move(*model);
    auto post = makePostProcessor(root.value("post_processor"), p.model->vocabulary(), ctx.at("post_processor"));
    if (!post)
        return post.error();
    p.postProcessor = std::move(*post);
    p.byteLevel = hasType(root.value("pre_tokenizer"), "ByteLevel") || hasType(root.value("decoder"), "ByteLevel");
    p.metaspace = !p.byteLevel && usesMetaspace(root);
    return p;
}

Result<Pipeline> loadTokenizerJson(const std::string &path, std::uint64_t budget)
{
    auto bytes = readFileWithinBudget(path, kJsonBytesPerFileByte, budget);
    if (!bytes)
        return bytes.error();
    auto parsed = parseJson(std::move(*bytes), path);
    if (!parsed)
        return parsed.error();
    const QJsonDocument doc = std::move(*parsed);
    if (!doc.isObject() || !doc.object().contains("model"))
        return makeError(Error::Code::BadFormat, printableName(path) + ": not a tokenizer.json (no \"model\" object)");
    return parseTokenizerJson(doc.object(), path, budget);
}

} // namespace
} // namespace hf

using namespace hf;

HfTokenizer::HfTokenizer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
HfTokenizer::~HfTokenizer() = default;

const std::string &HfTokenizer::source() const
{
    return d->source;
}

std::int64_t HfTokenizer::vocabularySize() const
{
    const Vocabulary &v = d->pipeline.model->vocabulary();
    std::int64_t n = std::int64_t(v.tokenToId.size());
    for (const AddedToken &t : d->pipeline.added.tokens())
        if (!v.idToToken.count(t.id))
            ++n;
    return n;
}

Result<std::shared_ptr<const HfTokenizer>> HfTokenizer::load(const std::string &path, std::uint64_t memoryBudget)
{
    const QFileInfo info(QString::fromStdString(path));
    if (!info.exists())
        return makeError(Error::Code::FileNotFound, printableName(path) + ": no such file or folder");
    const QDir dir(info.isDir() ? info.absoluteFilePath() : info.absolutePath());
    auto in = [&dir](const char *name) { return dir.filePath(QLatin1String(name)).toStdString(); };
    auto exists = [&dir](const char *name) { return QFileInfo(dir.filePath(QLatin1String(name))).isFile(); };
    std::string source;
    Result<Pipeline> pipeline = makeError(Error::Code::BadArgument, "");
    if (!info.isDir() || exists("tokenizer.json")) {
        source = info.isDir() ? in("tokenizer.json") : path;
        pipeline = loadTokenizerJson(source, memoryBudget);
    } else if (exists("vocab.txt")) {
        source = in("vocab.txt");
        pipeline = loadBertVocab(dir.absolutePath().toStdString(), source, memoryBudget);
    } else if (exists("vocab.json") && exists("merges.txt")) {
        source = in("vocab.json");
        pipeline = loadGpt2Vocab(dir.absolutePath().toStdString(), source, in("merges.txt"), memoryBudget);
    } else {
        return makeError(Error::Code::FileNotFound,
                         printableName(path) + ": no tokenizer here (tokenizer.json, vocab.txt, or vocab.json with merges.txt)");
    }
    if (!pipeline)
        return pipeline.error();
    auto impl = std::make_unique<Impl>();
    impl->source = source;
    impl->pipeline = std::move(*pipeline);
    return std::shared_ptr<const HfTokenizer>(new HfTokenizer(std::move(impl)));
}

Result<TokenizerEncoding> HfTokenizer::encode(const std::string &text, bool addSpecialTokens) const
{
    const bool bom = text.rfind("\xEF\xBB\xBF", 0) == 0;  // decodeUtf8 drops a leading BOM; HF keeps it
    auto decoded = decodeUtf8(text, "the text");
    if (!decoded)
        return decoded.error();
    if (auto s = reserveMemory(satMul(std::uint64_t(text.size()), 64), "tokenizing " + formatBytes(text.size()) + " of text"); !s)
        return s.error();
    const Pipeline &p = d->pipeline;
    std::vector<Segment> pieces;
    for (Segment &raw : p.added.split({bom ? QChar(0xFEFF) + *decoded : *decoded, std::nullopt, true}, false)) {
        if (raw.id) {
            pieces.push_back(std::move(raw));
            continue;
        }
        if (p.normalizer)
            raw.text = p.normalizer->normalize(raw.text);
        for (Segment &s : p.added.split(raw, true))
            pieces.push_back(std::move(s));
    }
    TokenizerEncoding out;
    for (const Segment &s : pieces) {
        if (s.id) {
            out.ids.push_back(*s.id);
            out.tokens.push_back(s.text.toStdString());
            continue;
        }
        std::vector<Piece> words{{s.text, s.atStart}};
        if (p.preTokenizer)
            p.preTokenizer->preTokenize(words);
        for (const Piece &w : words)
            if (!w.text.isEmpty())
                if (auto st = p.model->tokenize(w.text.toStdString(), out); !st)
                    return makeError(st.error().code, printableName(d->source) + ": " + st.error().message);
    }
    if (addSpecialTokens && p.postProcessor)
        p.postProcessor->process(out);
    return out;
}

namespace {

/// Bytes as UTF-8 text where they form whole sequences, "<0xE5>" for each byte that does not.
std::string bytesForDisplay(const std::string &bytes)
{
    std::string out;
    for (std::size_t i = 0; i < bytes.size();) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        const bool whole = n > 0 && i + n <= bytes.size() && decodeUtf8(bytes.substr(i, n), "").ok();
        if (whole) {
            out += bytes.substr(i, n);
            i += n;
        } else {
            char code[8];
            std::snprintf(code, sizeof code, "<0x%02X>", b);
            out += code;
            ++i;
        }
    }
    return out;
}

} // namespace

std::vector<std::string> HfTokenizer::displayTokens(const std::vector<std::string> &tokens) const
{
    std::vector<std::string> out;
    out.reserve(tokens.size());
    for (const std::string &t : tokens) {
        if (d->pipeline.byteLevel) {
            std::string bytes;
            bool mapped = true;
            for (const char32_t c : utf8ToCodePoints(t)) {
                const int b = unicodeToByte(c);
                if (b < 0) {
                    mapped = false;
                    break;
                }
                bytes += char(b);
            }
            out.push_back(mapped ? bytesForDisplay(bytes) : t);
        } else if (d->pipeline.metaspace) {
            out.push_back(QString::fromStdString(t).replace(QChar(0x2581), QLatin1Char(' ')).toStdString());
        } else {
            out.push_back(t);
        }
    }
    return out;
}

} // namespace attnscope
