// Models of Hugging Face tokenizers: WordPiece (greedy longest match, max_input_chars_per_word in
// code points), BPE (merge ranks in a hash map, a priority queue over a linked list of symbols as
// HF's Word::merge_all; byte fallback, fuse_unk, ignore_merges, continuing_subword_prefix,
// end_of_word_suffix; a word cache) and WordLevel.

#include <cstdio>
#include <queue>

#include "hf_tokenizer_impl.h"
#include "memory_budget.h"

namespace attnscope::hf {
namespace {

/// What one vocabulary entry costs in our two hash maps, roughly: nodes, strings, buckets.
constexpr std::uint64_t kBytesPerEntry = 160;
/// What one merge costs in the merge map.
constexpr std::uint64_t kBytesPerMerge = 64;
/// Words kept in the BPE cache at most (HF keeps 10,000).
constexpr std::size_t kCacheWords = 50000;

Result<Vocabulary> parseVocab(const QJsonValue &json, const Context &ctx, std::uint64_t budget)
{
    if (!json.isObject())
        return ctx.error("\"vocab\" is not an object of token: id");
    const QJsonObject o = json.toObject();
    std::uint64_t bytes = satMul(std::uint64_t(o.size()), kBytesPerEntry);
    if (auto s = reserveMemory(bytes, ctx.file + ": a vocabulary of " + std::to_string(o.size()) + " tokens", budget); !s)
        return s.error();
    Vocabulary v;
    v.tokenToId.reserve(std::size_t(o.size()));
    v.idToToken.reserve(std::size_t(o.size()));
    for (auto it = o.begin(); it != o.end(); ++it) {
        const double d = it.value().toDouble(-1);
        if (!it.value().isDouble() || d < 0 || d > 2147483647.0 || d != double(std::int64_t(d)))
            return ctx.error("token '" + it.key().toStdString() + "' has no valid id (a whole number from 0 to 2^31-1)");
        const std::string token = it.key().toStdString();
        v.tokenToId[token] = std::int64_t(d);
        v.idToToken[std::int64_t(d)] = token;
    }
    return v;
}

class WordPiece final : public Model {
public:
    WordPiece(Vocabulary vocab, std::string unk, std::string prefix, int maxChars)
        : m_vocab(std::move(vocab)), m_unk(std::move(unk)), m_prefix(std::move(prefix)), m_maxChars(maxChars)
    {
    }
    const Vocabulary &vocabulary() const override { return m_vocab; }
    Status tokenize(const std::string &piece, TokenizerEncoding &out) const override
    {
        const std::u32string cps = utf8ToCodePoints(piece);
        if (cps.size() <= std::size_t(m_maxChars)) {
            const std::size_t before = out.ids.size();
            if (greedy(cps, out))
                return okStatus();
            out.ids.resize(before);
            out.tokens.resize(before);
        }
        const auto unk = m_vocab.find(m_unk);
        if (!unk)
            return makeError(Error::Code::BadFormat, "the WordPiece unk_token '" + m_unk + "' is not in the vocabulary");
        out.ids.push_back(*unk);
        out.tokens.push_back(m_unk);
        return okStatus();
    }

private:
    /// Longest match first from the left; false when some part matches nothing.
    bool greedy(const std::u32string &cps, TokenizerEncoding &out) const
    {
        std::size_t start = 0;
        while (start < cps.size()) {
            std::size_t end = cps.size();
            bool found = false;
            while (start < end) {
                std::string sub = start > 0 ? m_prefix : std::string();
                for (std::size_t i = start; i < end; ++i)
                    appendUtf8(sub, cps[i]);
                if (const auto id = m_vocab.find(sub)) {
                    out.ids.push_back(*id);
                    out.tokens.push_back(sub);
                    found = true;
                    break;
                }
                --end;
            }
            if (!found)
                return false;
            start = end;
        }
        return true;
    }
    Vocabulary m_vocab;
    std::string m_unk, m_prefix;
    int m_maxChars;
};

class WordLevel final : public Model {
public:
    WordLevel(Vocabulary vocab, std::string unk) : m_vocab(std::move(vocab)), m_unk(std::move(unk)) {}
    const Vocabulary &vocabulary() const override { return m_vocab; }
    Status tokenize(const std::string &piece, TokenizerEncoding &out) const override
    {
        const auto id = m_vocab.find(piece);
        const auto unk = m_vocab.find(m_unk);
        if (!id && !unk)
            return makeError(Error::Code::BadFormat, "the WordLevel unk_token '" + m_unk + "' is not in the vocabulary");
        out.ids.push_back(id ? *id : *unk);
        out.tokens.push_back(id ? piece : m_unk);
        return okStatus();
    }

private:
    Vocabulary m_vocab;
    std::string m_unk;
};

struct BpeOptions {
    std::optional<std::string> unk;
    std::optional<std::string> prefix;  ///< continuing_subword_prefix
    std::optional<std::string> suffix;  ///< end_of_word_suffix
    bool fuseUnk = false;
    bool byteFallback = false;
    bool ignoreMerges = false;
};

class Bpe final : public Model {
public:
    Bpe(Vocabulary vocab, BpeOptions options) : m_vocab(std::move(vocab)), m_opt(std::move(options)) {}
    const Vocabulary &vocabulary() const override { return m_vocab; }

    /// Adds merge (a, b) with rank `rank`; an error names what is missing.
    Status addMerge(const std::string &a, const std::string &b, std::uint32_t rank, const Context &ctx)
    {
        const auto ia = m_vocab.find(a), ib = m_vocab.find(b);
        const std::size_t cut = m_opt.prefix ? std::min(m_opt.prefix->size(), b.size()) : 0;
        const std::string merged = a + b.substr(cut);
        const auto im = m_vocab.find(merged);
        if (!ia || !ib || !im)
            return ctx.error("merge " + std::to_string(rank + 1) + " '" + a + " " + b + "': '" +
                             (!ia ? a : !ib ? b : merged) + "' is not in the vocabulary");
        m_merges[key(*ia, *ib)] = {rank, std::uint32_t(*im)};
        return okStatus();
    }
    void reserveMerges(std::size_t n) { m_merges.reserve(n); }

    Status tokenize(const std::string &piece, TokenizerEncoding &out) const override
    {
        if (m_opt.ignoreMerges)
            if (const auto id = m_vocab.find(piece))
                return push({*id}, out), okStatus();
        {
            const std::lock_guard lock(m_cacheMutex);
            if (const auto it = m_cache.find(piece); it != m_cache.end())
                return push(it->second, out), okStatus();
        }
        auto ids = mergeWord(piece);
        if (!ids)
            return ids.error();
        push(*ids, out);
        const std::lock_guard lock(m_cacheMutex);
        if (m_cache.size() < kCacheWords)
            m_cache.emplace(piece, std::move(*ids));
        return okStatus();
    }

private:
    struct Symbol {
        std::uint32_t id;
        int prev, next;
        bool alive;
    };
    struct Merge {
        std::uint32_t rank;
        int pos;
        std::uint32_t newId;
        bool operator<(const Merge &o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    static std::uint64_t key(std::int64_t a, std::int64_t b) { return (std::uint64_t(a) << 32) | std::uint64_t(b); }

    void push(const std::vector<std::int64_t> &ids, TokenizerEncoding &out) const
    {
        for (const auto id : ids) {
            out.ids.push_back(id);
            out.tokens.push_back(m_vocab.idToToken.at(id));
        }
    }

    /// The initial symbols of a word (HF's BPE::merge_word before merge_all).
    Result<std::vector<std::uint32_t>> initialSymbols(const std::string &word) const;
    Result<std::vector<std::int64_t>> mergeWord(const std::string &word) const;

    Vocabulary m_vocab;
    BpeOptions m_opt;
    std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> m_merges;  // pair → rank, new id
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<std::int64_t>> m_cache;
};

Result<std::vector<std::uint32_t>> Bpe::initialSymbols(const std::string &word) const
{
    std::vector<std::uint32_t> ids;
    std::optional<std::int64_t> unkId;
    if (m_opt.unk)
        unkId = m_vocab.find(*m_opt.unk);
    bool unkPending = false;
    const std::u32string cps = utf8ToCodePoints(word);
    for (std::size_t i = 0; i < cps.size(); ++i) {
        std::string s = i > 0 && m_opt.prefix ? *m_opt.prefix : std::string();
        appendUtf8(s, cps[i]);
        if (i + 1 == cps.size() && m_opt.suffix)
            s += *m_opt.suffix;
        if (const auto id = m_vocab.find(s)) {
            if (unkPending)
                ids.push_back(std::uint32_t(*unkId)), unkPending = false;
            ids.push_back(std::uint32_t(*id));
            continue;
        }
        if (m_opt.byteFallback) {
            std::vector<std::uint32_t> bytes;
            for (const unsigned char b : s) {
                char code[8];
                std::snprintf(code, sizeof code, "<0x%02X>", b);
                if (const auto id = m_vocab.find(code))
                    bytes.push_back(std::uint32_t(*id));
                else
                    break;
            }
            if (bytes.size() == s.size()) {
                ids.insert(ids.end(), bytes.begin(), bytes.end());
                continue;
            }
        }
        if (!m_opt.unk)
            continue;  // HF drops what it cannot encode when there is no unk_token
        if (!unkId)
            return makeError(Error::Code::BadFormat, "the BPE unk_token '" + *m_opt.unk + "' is not in the vocabulary");
        if (unkPending && !m_opt.fuseUnk)
            ids.push_back(std::uint32_t(*unkId));
        unkPending = true;
    }
    if (unkPending)
        ids.push_back(std::uint32_t(*unkId));
    return ids;
}

Result<std::vector<std::int64_t>> Bpe::mergeWord(const std::string &word) const
{
    auto initial = initialSymbols(word);
    if (!initial)
        return initial.error();
    const int n = int(initial->size());
    std::vector<Symbol> symbols(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        symbols[std::size_t(i)] = {(*initial)[std::size_t(i)], i - 1, i + 1 < n ? i + 1 : -1, true};
    std::priority_queue<Merge> queue;
    auto consider = [&](int pos) {
        const int next = symbols[std::size_t(pos)].next;
        if (next < 0)
            return;
        const auto it = m_merges.find(key(symbols[std::size_t(pos)].id, symbols[std::size_t(next)].id));
        if (it != m_merges.end())
            queue.push({it->second.first, pos, it->second.second});
    };
    for (int i = 0; i + 1 < n; ++i)
        consider(i);
    while (!queue.empty()) {
        const Merge top = queue.top();
        queue.pop();
        Symbol &s = symbols[std::size_t(top.pos)];
        if (!s.alive || s.next < 0)
            continue;
        const Symbol right = symbols[std::size_t(s.next)];
        const auto it = m_merges.find(key(s.id, right.id));
        if (it == m_merges.end() || it->second.second != top.newId)
            continue;  // stale: one side has merged since
        symbols[std::size_t(s.next)].alive = false;
        s.id = top.newId;
        s.next = right.next;
        if (right.next >= 0)
            symbols[std::size_t(right.next)].prev = top.pos;
        if (s.prev >= 0)
            consider(s.prev);
        consider(top.pos);
    }
    std::vector<std::int64_t> ids;
    for (int i = n > 0 ? 0 : -1; i >= 0; i = symbols[std::size_t(i)].next)
        ids.push_back(symbols[std::size_t(i)].id);
    return ids;
}

std::optional<std::string> optionalString(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? std::optional<std::string>(v.toString().toStdString()) : std::nullopt;
}

/// Merge `i` of tokenizer.json: "a b" or ["a", "b"].
Result<std::pair<std::string, std::string>> parseMerge(const QJsonValue &m, qsizetype i, const Context &ctx)
{
    if (m.isArray() && m.toArray().size() == 2 && m.toArray().at(0).isString() && m.toArray().at(1).isString())
        return std::pair{m.toArray().at(0).toString().toStdString(), m.toArray().at(1).toString().toStdString()};
    if (m.isString()) {
        const std::string s = m.toString().toStdString();
        const auto space = s.find(' ');
        if (space != std::string::npos && space > 0 && space + 1 < s.size() && s.find(' ', space + 1) == std::string::npos)
            return std::pair{s.substr(0, space), s.substr(space + 1)};
    }
    return ctx.error("merge " + std::to_string(i + 1) + " is neither \"a b\" nor [\"a\", \"b\"]");
}

Result<std::unique_ptr<Model>> makeBpe(const QJsonObject &o, const Context &ctx, std::uint64_t budget)
{
    auto vocab = parseVocab(o.value("vocab"), ctx.at("vocab"), budget);
    if (!vocab)
        return vocab.error();
    if (!o.value("dropout").isNull() && !o.value("dropout").isUndefined() && o.value("dropout").toDouble() != 0)
        return ctx.error("BPE dropout is random at every call and is not supported");
    BpeOptions opt{optionalString(o, "unk_token"), optionalString(o, "continuing_subword_prefix"),
                   optionalString(o, "end_of_word_suffix"), boolOr(o, "fuse_unk", false),
                   boolOr(o, "byte_fallback", false), boolOr(o, "ignore_merges", false)};
    if (opt.prefix && opt.prefix->empty())
        opt.prefix.reset();
    if (opt.suffix && opt.suffix->empty())
        opt.suffix.reset();
    auto bpe = std::make_unique<Bpe>(std::move(*vocab), std::move(opt));
    const QJsonArray merges = o.value("merges").toArray();
    if (!o.value("merges").isArray() && !o.value("merges").isUndefined())
        return ctx.error("\"merges\" is not a list");
    if (auto s = reserveMemory(satMul(std::uint64_t(merges.size()), kBytesPerMerge),
                               ctx.file + ": " + std::to_string(merges.size()) + " merges", budget); !s)
        return s.error();
    bpe->reserveMerges(std::size_t(merges.size()));
    for (qsizetype i = 0; i < merges.size(); ++i) {
        auto m = parseMerge(merges.at(i), i, ctx.at("merges"));
        if (!m)
            return m.error();
        if (auto s = bpe->addMerge(m->first, m->second, std::uint32_t(i), ctx.at("merges")); !s)
            return s.error();
    }
    return std::unique_ptr<Model>(std::move(bpe));
}

} // namespace

std::unique_ptr<Model> makeWordPiece(Vocabulary vocab, const std::string &unk, const std::string &prefix, int maxChars)
{
    return std::make_unique<WordPiece>(std::move(vocab), unk, prefix, maxChars);
}

Result<std::unique_ptr<Model>> makeByteLevelBpe(Vocabulary vocab, const std::vector<std::pair<std::string, std::string>> &merges,
                                                const Context &ctx)
{
    auto bpe = std::make_unique<Bpe>(std::move(vocab), BpeOptions{});
    bpe->reserveMerges(merges.size());
    for (std::size_t i = 0; i < merges.size(); ++i)
        if (auto s = bpe->addMerge(merges[i].first, merges[i].second, std::uint32_t(i), ctx); !s)
            return s.error();
    return std::unique_ptr<Model>(std::move(bpe));
}

Result<std::unique_ptr<Model>> makeModel(const QJsonValue &json, const Context &ctx, std::uint64_t budget)
{
    auto object = componentObject(json, ctx);
    if (!object)
        return object.error();
    const QJsonObject &o = *object;
    const QString type = o.value("type").toString();
    if (type == "BPE")
        return makeBpe(o, ctx, budget);
    if (type == "WordPiece" || type == "WordLevel") {
        auto vocab = parseVocab(o.value("vocab"), ctx.at("vocab"), budget);
        if (!vocab)
            return vocab.error();
        const std::string unk = stringOr(o, "unk_token", "[UNK]").toStdString();
        if (type == "WordLevel")
            return std::unique_ptr<Model>(new WordLevel(std::move(*vocab), unk));
        const int maxChars = o.value("max_input_chars_per_word").toInt(100);
        return makeWordPiece(std::move(*vocab), unk, stringOr(o, "continuing_subword_prefix", "##").toStdString(),
                             maxChars);
    }
    return ctx.error("unsupported model type '" + type.toStdString() + "' (supported: BPE, WordPiece, WordLevel)");
}

} // namespace attnscope::hf
