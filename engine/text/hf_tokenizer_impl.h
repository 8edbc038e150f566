#pragma once
// The parts of HfTokenizer (hf_tokenizer.h), in the order Hugging Face `tokenizers` runs them:
// added tokens are split out of the raw text, the rest is normalised, pre-tokenised into pieces,
// each piece is cut into tokens by the model, and the post-processor adds the special tokens.
// Internal to engine/text: the pipeline works on QString (regular expressions and Unicode
// properties come from Qt); the model sees each piece as UTF-8 and walks it by code points.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QRegularExpression>
#include <QString>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hf_tokenizer.h"
#include "result.h"

namespace attnscope::hf {

/// Where a component was read from, for messages: "tokenizer.json: pre_tokenizer".
struct Context {
    std::string file;
    std::string where;
    Context at(const std::string &child) const { return {file, where.empty() ? child : where + "." + child}; }
    Error error(const std::string &problem) const;
};

/// `key` of `o` when it is a boolean, else `fallback` (absent and null take the default).
inline bool boolOr(const QJsonObject &o, const char *key, bool fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isBool() ? v.toBool() : fallback;
}
/// `key` of `o` when it is a string, else `fallback`.
inline QString stringOr(const QJsonObject &o, const char *key, const QString &fallback = {})
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString() : fallback;
}
/// The component's object with a string "type", or an error naming where it is.
Result<QJsonObject> componentObject(const QJsonValue &json, const Context &ctx);

/// A pre-tokenised piece; `atStart` when it begins at offset 0 of the original text (what
/// Metaspace's prepend_scheme "first" looks at).
struct Piece {
    QString text;
    bool atStart = false;
};

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual QString normalize(const QString &text) const = 0;
};

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    /// Replaces `pieces` by their pre-tokenised sub-pieces; empty pieces are dropped.
    virtual void preTokenize(std::vector<Piece> &pieces) const = 0;
};

/// The token vocabulary shared by the model and the added tokens.
struct Vocabulary {
    std::unordered_map<std::string, std::int64_t> tokenToId;
    std::unordered_map<std::int64_t, std::string> idToToken;
    std::optional<std::int64_t> find(const std::string &token) const
    {
        const auto it = tokenToId.find(token);
        return it == tokenToId.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
    }
};

class Model {
public:
    virtual ~Model() = default;
    /// Appends the tokens of one pre-tokenised piece (UTF-8) to `out`.
    virtual Status tokenize(const std::string &piece, TokenizerEncoding &out) const = 0;
    virtual const Vocabulary &vocabulary() const = 0;
};

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    /// Adds the special tokens around `encoding` (only called with add_special_tokens).
    virtual void process(TokenizerEncoding &encoding) const = 0;
};

/// One entry of "added_tokens".
struct AddedToken {
    std::int64_t id = 0;
    QString content;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = false;
    bool special = false;
};

/// A run of text, or an added token found in it.
struct Segment {
    QString text;
    std::optional<std::int64_t> id;
    bool atStart = false;
};

/// Finds added tokens in text, leftmost-longest, with their flags, as Hugging Face's
/// AddedVocabulary does: tokens with normalized=false on the raw text, the others (their content
/// normalised) on the normalised text.
class AddedTokens {
public:
    void add(const AddedToken &token, const Normalizer *normalizer);
    bool empty() const { return m_tokens.empty(); }
    const std::vector<AddedToken> &tokens() const { return m_tokens; }
    /// Splits `segment` on the tokens of one kind (normalised or not); tokens come out with ids.
    std::vector<Segment> split(const Segment &segment, bool normalizedKind) const;

private:
    struct Trie {
        struct Node {
            std::unordered_map<char16_t, int> next;
            int token = -1;
        };
        std::vector<Node> nodes{Node{}};
        void insert(const QString &key, int token);
        /// The longest key that starts at `from` in `s`: its token and end, or {-1, from}.
        std::pair<int, qsizetype> longest(const QString &s, qsizetype from) const;
    };
    std::vector<AddedToken> m_tokens;
    Trie m_raw;
    Trie m_normalized;
};

/// A "pattern" of Split and Replace: {"String": literal} or {"Regex": Oniguruma syntax, read by
/// PCRE2 with Unicode properties}.
struct Pattern {
    QString literal;
    std::optional<QRegularExpression> regex;
    /// The non-empty matches in `text`, left to right, as [begin, end) in UTF-16 units.
    std::vector<std::pair<qsizetype, qsizetype>> find(const QString &text) const;
};
Result<Pattern> makePattern(const QJsonValue &json, const Context &ctx);
/// A regular expression with Unicode properties (\s, \w, \p{L} over all of Unicode), or an error.
Result<QRegularExpression> makeRegex(const QString &pattern, const Context &ctx);

// Factories: a component from its JSON (null gives nullptr where the component is optional).
Result<std::unique_ptr<Normalizer>> makeNormalizer(const QJsonValue &json, const Context &ctx);
Result<std::unique_ptr<PreTokenizer>> makePreTokenizer(const QJsonValue &json, const Context &ctx);
Result<std::unique_ptr<PostProcessor>> makePostProcessor(const QJsonValue &json, const Vocabulary &vocab,
                                                         const Context &ctx);
/// The model; `budget` bounds the vocabulary and merges it builds.
Result<std::unique_ptr<Model>> makeModel(const QJsonValue &json, const Context &ctx, std::uint64_t budget);

/// WordPiece over `vocab` (legacy vocab.txt).
std::unique_ptr<Model> makeWordPiece(Vocabulary vocab, const std::string &unk, const std::string &prefix,
                                     int maxChars);
/// Byte-level BPE from vocab.json + merges.txt; merges as (a, b) pairs.
Result<std::unique_ptr<Model>> makeByteLevelBpe(Vocabulary vocab, const std::vector<std::pair<std::string, std::string>> &merges,
                                                const Context &ctx);
std::unique_ptr<Normalizer> makeBertNormalizer(bool cleanText, bool chineseChars, bool stripAccents, bool lowercase);
std::unique_ptr<PreTokenizer> makeBertPreTokenizer();
std::unique_ptr<PreTokenizer> makeByteLevelPreTokenizer(bool addPrefixSpace);
std::unique_ptr<PostProcessor> makeClsSep(std::pair<std::string, std::int64_t> cls, std::pair<std::string, std::int64_t> sep);

/// GPT-2's bytes_to_unicode(): the printable character that stands for each byte.
const std::vector<char32_t> &byteToUnicode();
/// The inverse: the byte a byte-level character stands for, or -1.
int unicodeToByte(char32_t c);

/// The code points of UTF-8 `text` (valid UTF-8 assumed).
std::u32string utf8ToCodePoints(const std::string &text);
void appendUtf8(std::string &out, char32_t c);

/// Reads the whole file at `path` after checking that `factor` times its size fits `budget`.
Result<QByteArray> readFileWithinBudget(const std::string &path, double factor, std::uint64_t budget);

/// Parses JSON `bytes` read from `path`; errors name the file and the byte offset. Qt 6.4's
/// parser drops a U+FEFF that starts a string (Gemma's vocabulary has such tokens), so raw BOMs
/// are rewritten as the escape \ufeff first, which it reads correctly.
Result<QJsonDocument> parseJson(QByteArray bytes, const std::string &path);

/// Everything loaded: the pipeline and what encode() needs.
struct Pipeline {
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    std::unique_ptr<Model> model;
    std::unique_ptr<PostProcessor> postProcessor;
    AddedTokens added;
    bool byteLevel = false;   ///< tokens are byte-level strings ("Ġthe")
    bool metaspace = false;   ///< "▁" stands for a space
};

/// The legacy loaders (hf_legacy.cpp): vocab.txt, and vocab.json + merges.txt, in `dir`.
Result<Pipeline> loadBertVocab(const std::string &dir, const std::string &vocabFile, std::uint64_t budget);
Result<Pipeline> loadGpt2Vocab(const std::string &dir, const std::string &vocabFile, const std::string &mergesFile,
                               std::uint64_t budget);

} // namespace attnscope::hf

namespace attnscope {

struct HfTokenizer::Impl {
    std::string source;
    hf::Pipeline pipeline;
};

} // namespace attnscope
