// Added and special tokens found in the text, as Hugging Face's AddedVocabulary finds them:
// leftmost-longest over all tokens of a kind, then each match's flags — single_word (no word
// character on either side), lstrip / rstrip (the whitespace beside it joins the token).

#include <QChar>

#include "hf_tokenizer_impl.h"

namespace attnscope::hf {
namespace {

/// The code point that starts at `i`, and the one that ends at `i` (exclusive).
char32_t codePointAt(const QString &s, qsizetype i)
{
    if (s.at(i).isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate())
        return QChar::surrogateToUcs4(s.at(i), s.at(i + 1));
    return s.at(i).unicode();
}
char32_t codePointBefore(const QString &s, qsizetype i)
{
    if (s.at(i - 1).isLowSurrogate() && i >= 2 && s.at(i - 2).isHighSurrogate())
        return QChar::surrogateToUcs4(s.at(i - 2), s.at(i - 1));
    return s.at(i - 1).unicode();
}

/// Rust regex's \w: letters, marks, decimal digits, connector punctuation, joiners.
bool isWordChar(char32_t c)
{
    const auto cat = QChar::category(c);
    return QChar::isLetterOrNumber(c) || cat == QChar::Mark_NonSpacing || cat == QChar::Mark_SpacingCombining ||
           cat == QChar::Mark_Enclosing || cat == QChar::Punctuation_Connector || c == 0x200C || c == 0x200D;
}

} // namespace

void AddedTokens::Trie::insert(const QString &key, int token)
{
    int node = 0;
    for (const QChar ch : key) {
        const auto it = nodes[std::size_t(node)].next.find(ch.unicode());
        if (it != nodes[std::size_t(node)].next.end()) {
            node = it->second;
        } else {
            nodes.push_back(Node{});
            const int created = int(nodes.size()) - 1;
            nodes[std::size_t(node)].next[ch.unicode()] = created;
            node = created;
        }
    }
    if (nodes[std::size_t(node)].token < 0)
        nodes[std::size_t(node)].token = token;
}

std::pair<int, qsizetype> AddedTokens::Trie::longest(const QString &s, qsizetype from) const
{
    int node = 0, best = -1;
    qsizetype end = from;
    for (qsizetype j = from; j < s.size(); ++j) {
        const auto it = nodes[std::size_t(node)].next.find(s.at(j).unicode());
        if (it == nodes[std::size_t(node)].next.end())
            break;
        node = it->second;
        if (nodes[std::size_t(node)].token >= 0)
            best = nodes[std::size_t(node)].token, end = j + 1;
    }
    return {best, end};
}

void AddedTokens::add(const AddedToken &token, const Normalizer *normalizer)
{
    if (token.content.isEmpty())
        return;
    const int index = int(m_tokens.size());
    m_tokens.push_back(token);
    if (token.normalized)
        m_normalized.insert(normalizer ? normalizer->normalize(token.content) : token.content, index);
    else
        m_raw.insert(token.content, index);
}

std::vector<Segment> AddedTokens::split(const Segment &segment, bool normalizedKind) const
{
    const Trie &trie = normalizedKind ? m_normalized : m_raw;
    const QString &s = segment.text;
    std::vector<Segment> out;
    qsizetype done = 0;  // end of what is already in `out`
    auto emitText = [&](qsizetype b, qsizetype e) {
        if (e > b)
            out.push_back({s.mid(b, e - b), std::nullopt, segment.atStart && b == 0});
    };
    for (qsizetype i = 0; i < s.size();) {
        const auto [best, bestEnd] = trie.longest(s, i);
        if (best < 0) {
            ++i;
            continue;
        }
        const AddedToken &t = m_tokens[std::size_t(best)];
        qsizetype start = i, stop = bestEnd;
        i = bestEnd;
        if (t.singleWord && ((start > 0 && isWordChar(codePointBefore(s, start))) ||
                             (stop < s.size() && isWordChar(codePointAt(s, stop)))))
            continue;
        if (t.lstrip) {
            qsizetype b = start;
            while (b > done && QChar::isSpace(codePointBefore(s, b)))
                b -= codePointBefore(s, b) > 0xFFFF ? 2 : 1;
            start = b;
        }
        if (t.rstrip)
            while (stop < s.size() && QChar::isSpace(codePointAt(s, stop)))
                stop += codePointAt(s, stop) > 0xFFFF ? 2 : 1;
        emitText(done, start);
        out.push_back({t.content, t.id, false});  // the token, its stripped spaces dropped
        done = stop;
    }
    emitText(done, s.size());
    return out;
}

} // namespace attnscope::hf
