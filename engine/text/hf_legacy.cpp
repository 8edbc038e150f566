// The older tokenizer files, built as transformers' converters build the fast tokenizers:
// vocab.txt is BertTokenizer (BertNormalizer, BertPreTokenizer, WordPiece, [CLS] … [SEP]);
// vocab.json + merges.txt is GPT2Tokenizer (byte-level BPE, no special tokens added).
// tokenizer_config.json and special_tokens_map.json are read when present.

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>

#include "hf_tokenizer_impl.h"
#include "memory_budget.h"
#include "printable.h"

namespace attnscope::hf {
namespace {

/// tokenizer_config.json merged with special_tokens_map.json (the latter wins), or {}.
Result<QJsonObject> readConfig(const std::string &dir, std::uint64_t budget)
{
    QJsonObject merged;
    for (const char *name : {"tokenizer_config.json", "special_tokens_map.json"}) {
        const std::string path = QDir(QString::fromStdString(dir)).filePath(QLatin1String(name)).toStdString();
        if (!QFileInfo(QString::fromStdString(path)).isFile())
            continue;
        auto bytes = readFileWithinBudget(path, 8.0, budget);
        if (!bytes)
            return bytes.error();
        auto doc = parseJson(std::move(*bytes), path);
        if (!doc)
            return doc.error();
        if (!doc->isObject())
            return makeError(Error::Code::BadFormat, printableName(path) + ": not a JSON object");
        const QJsonObject o = doc->object();
        for (auto it = o.begin(); it != o.end(); ++it)
            merged.insert(it.key(), it.value());
    }
    return merged;
}

/// A special token's text from the config: "[CLS]" or {"content": "[CLS]", …}.
QString specialToken(const QJsonObject &config, const char *key, const QString &fallback)
{
    const QJsonValue v = config.value(QLatin1String(key));
    if (v.isString())
        return v.toString();
    if (v.isObject() && v.toObject().value("content").isString())
        return v.toObject().value("content").toString();
    return fallback;
}

/// Adds `names` that are in the vocabulary as special tokens (matched in the raw text).
void addSpecials(Pipeline &p, const Vocabulary &vocab, const std::vector<QString> &names)
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (const auto id = vocab.find(names[i].toStdString());
            id && std::find(names.begin(), names.begin() + std::ptrdiff_t(i), names[i]) == names.begin() + std::ptrdiff_t(i))
            p.added.add(AddedToken{*id, names[i], false, false, false, false, true}, p.normalizer.get());
}

/// The lines of `bytes` without their "\n" (as transformers' load_vocab reads vocab.txt).
std::vector<std::string> lines(const QByteArray &bytes)
{
    std::vector<std::string> out;
    qsizetype start = 0;
    while (start < bytes.size()) {
        qsizetype end = bytes.indexOf('\n', start);
        if (end < 0)
            end = bytes.size();
        out.emplace_back(bytes.constData() + start, std::size_t(end - start));
        start = end + 1;
    }
    return out;
}

/// merges.txt: an optional "#version" line, then "a b" per line.
Result<std::vector<std::pair<std::string, std::string>>> parseMergesTxt(const QByteArray &bytes, const std::string &file)
{
    std::vector<std::pair<std::string, std::string>> merges;
    const std::vector<std::string> mergeLines = lines(bytes);
    for (std::size_t i = 0; i < mergeLines.size(); ++i) {
        const std::string &line = mergeLines[i];
        if ((i == 0 && line.rfind("#version", 0) == 0) || line.empty())
            continue;
        const auto space = line.find(' ');
        if (space == std::string::npos || space == 0 || line.find(' ', space + 1) != std::string::npos)
            return makeError(Error::Code::BadFormat, printableName(file) + ": line " + std::to_string(i + 1) +
                                                         " is not two tokens separated by one space");
        merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
    return merges;
}

} // namespace

Result<Pipeline> loadBertVocab(const std::string &dir, const std::string &vocabFile, std::uint64_t budget)
{
    auto config = readConfig(dir, budget);
    if (!config)
        return config.error();
    auto bytes = readFileWithinBudget(vocabFile, 2.0, budget);
    if (!bytes)
        return bytes.error();
    const std::vector<std::string> tokens = lines(*bytes);
    if (tokens.empty())
        return makeError(Error::Code::BadFormat, printableName(vocabFile) + ": the vocabulary is empty");
    if (auto s = reserveMemory(satMul(tokens.size(), 160), printableName(vocabFile) + ": a vocabulary of " +
                                                               std::to_string(tokens.size()) + " tokens", budget); !s)
        return s.error();
    Vocabulary vocab;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        vocab.tokenToId[tokens[i]] = std::int64_t(i);
        vocab.idToToken[std::int64_t(i)] = tokens[i];
    }
    const QJsonObject &c = *config;
    const bool lower = boolOr(c, "do_lower_case", true);
    Pipeline p;
    p.normalizer = makeBertNormalizer(true, boolOr(c, "tokenize_chinese_chars", true), boolOr(c, "strip_accents", lower), lower);
    p.preTokenizer = makeBertPreTokenizer();
    const QString unk = specialToken(c, "unk_token", "[UNK]"), cls = specialToken(c, "cls_token", "[CLS]"),
                  sep = specialToken(c, "sep_token", "[SEP]");
    const auto clsId = vocab.find(cls.toStdString()), sepId = vocab.find(sep.toStdString());
    if (!clsId || !sepId)
        return makeError(Error::Code::BadFormat, printableName(vocabFile) + ": the vocabulary has no '" +
                                                     (clsId ? sep : cls).toStdString() + "' token");
    addSpecials(p, vocab, {specialToken(c, "pad_token", "[PAD]"), unk, cls, sep, specialToken(c, "mask_token", "[MASK]")});
    p.postProcessor = makeClsSep({cls.toStdString(), *clsId}, {sep.toStdString(), *sepId});
    p.model = makeWordPiece(std::move(vocab), unk.toStdString(), "##", 100);
    return p;
}

Result<Pipeline> loadGpt2Vocab(const std::string &dir, const std::string &vocabFile, const std::string &mergesFile,
                               std::uint64_t budget)
{
    auto config = readConfig(dir, budget);
    if (!config)
        return config.error();
    auto json = readFileWithinBudget(vocabFile, 8.0, budget);
    if (!json)
        return json.error();
    auto doc = parseJson(std::move(*json), vocabFile);
    if (!doc)
        return doc.error();
    QJsonObject model{{"type", "BPE"}, {"vocab", doc->object()}, {"merges", QJsonArray()}};
    auto vocabModel = makeModel(model, Context{vocabFile, {}}, budget);  // reads and checks the vocabulary
    if (!vocabModel)
        return vocabModel.error();
    Vocabulary vocab = (*vocabModel)->vocabulary();
    vocabModel->reset();
    auto mergeBytes = readFileWithinBudget(mergesFile, 8.0, budget);
    if (!mergeBytes)
        return mergeBytes.error();
    auto merges = parseMergesTxt(*mergeBytes, mergesFile);
    if (!merges)
        return merges.error();
    Pipeline p;
    p.preTokenizer = makeByteLevelPreTokenizer(boolOr(*config, "add_prefix_space", false));
    addSpecials(p, vocab, {specialToken(*config, "unk_token", "<|endoftext|>"), specialToken(*config, "bos_token", "<|endoftext|>"),
                           specialToken(*config, "eos_token", "<|endoftext|>")});
    auto bpe = makeByteLevelBpe(std::move(vocab), *merges, Context{mergesFile, {}});
    if (!bpe)
        return bpe.error();
    p.model = std::move(*bpe);
    p.byteLevel = true;
    return p;
}

} // namespace attnscope::hf
