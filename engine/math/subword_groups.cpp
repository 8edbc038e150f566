// Sub-word grouping for the views of imported attention (declared in attention_views.h):
// detecting the tokenizer's markers, grouping pieces into words, merging a matrix by words.

#include <algorithm>
#include <cassert>

#include "attention_views.h"

namespace attnscope {
namespace {

// UTF-8 of the markers.
const std::string kGpt2Space = "\xC4\xA0";      // Ġ U+0120, a space
const std::string kGpt2Newline = "\xC4\x8A";    // Ċ U+010A, a newline
const std::string kGpt2Tab = "\xC4\x89";        // ĉ U+0109, a tab
const std::string kSentencePiece = "\xE2\x96\x81"; // ▁ U+2581
const std::string kWordPiece = "##";

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool isWordPieceContinuation(const std::string &t)
{
    return t.size() > kWordPiece.size() && startsWith(t, kWordPiece);
}

/// A GPT-2 token made only of encoded whitespace (Ġ, Ċ, ĉ).
bool isGpt2Whitespace(const std::string &t)
{
    if (t.empty())
        return false;
    for (std::size_t i = 0; i < t.size(); i += 2) {
        const std::string c = t.substr(i, 2);
        if (c != kGpt2Space && c != kGpt2Newline && c != kGpt2Tab)
            return false;
    }
    return true;
}

/// The label of a piece starting or continuing a word, its marker removed.
std::string pieceText(const std::string &t, SubwordScheme scheme, bool first)
{
    switch (scheme) {
    case SubwordScheme::WordPiece:
        return !first && isWordPieceContinuation(t) ? t.substr(kWordPiece.size()) : t;
    case SubwordScheme::Gpt2:
        return first && startsWith(t, kGpt2Space) ? t.substr(kGpt2Space.size()) : t;
    case SubwordScheme::SentencePiece:
        return first && startsWith(t, kSentencePiece) ? t.substr(kSentencePiece.size()) : t;
    case SubwordScheme::None: break;
    }
    return t;
}

} // namespace

const char *subwordSchemeName(SubwordScheme s)
{
    switch (s) {
    case SubwordScheme::None: return "none";
    case SubwordScheme::WordPiece: return "WordPiece";
    case SubwordScheme::Gpt2: return "GPT-2 BPE";
    case SubwordScheme::SentencePiece: return "SentencePiece";
    }
    return "?";
}

SubwordScheme detectSubwordScheme(const std::vector<std::string> &tokens, const std::vector<std::string> &specials)
{
    int wordPiece = 0, gpt2 = 0, sentencePiece = 0;
    for (const auto &t : tokens) {
        if (std::find(specials.begin(), specials.end(), t) != specials.end())
            continue;
        wordPiece += isWordPieceContinuation(t);
        gpt2 += startsWith(t, kGpt2Space);
        sentencePiece += startsWith(t, kSentencePiece);
    }
    const int best = std::max({wordPiece, gpt2, sentencePiece});
    if (best == 0)
        return SubwordScheme::None;
    if (wordPiece == best)
        return SubwordScheme::WordPiece;
    if (sentencePiece == best)
        return SubwordScheme::SentencePiece;
    return SubwordScheme::Gpt2;
}

WordGroups groupSubwords(const std::vector<std::string> &tokens, SubwordScheme scheme,
                         const std::vector<std::string> &specials)
{
    WordGroups g;
    g.scheme = scheme;
    bool previousClosed = true; // the previous token cannot be continued (start, special, whitespace)
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string &t = tokens[i];
        const bool special = std::find(specials.begin(), specials.end(), t) != specials.end();
        bool continues = false;
        switch (scheme) {
        case SubwordScheme::WordPiece: continues = isWordPieceContinuation(t); break;
        case SubwordScheme::Gpt2: continues = !startsWith(t, kGpt2Space) && !isGpt2Whitespace(t); break;
        case SubwordScheme::SentencePiece: continues = !startsWith(t, kSentencePiece); break;
        case SubwordScheme::None: break;
        }
        continues = continues && !special && !previousClosed;
        if (continues) {
            g.words.back() += pieceText(t, scheme, false);
        } else {
            g.starts.push_back(int(i));
            g.words.push_back(pieceText(t, scheme, true));
        }
        previousClosed = special || (scheme == SubwordScheme::Gpt2 && isGpt2Whitespace(t));
    }
    g.starts.push_back(int(tokens.size()));
    // A word that was only a marker ("▁", "Ġ") keeps it, so that no label is empty.
    for (std::size_t w = 0; w < g.words.size(); ++w)
        if (g.words[w].empty())
            g.words[w] = tokens[std::size_t(g.starts[w])];
    return g;
}

WordGroups mergeSubwords(const std::vector<std::string> &tokens, const std::vector<std::string> &specials)
{
    return groupSubwords(tokens, detectSubwordScheme(tokens, specials), specials);
}

Mat<double> mergeMatrix(const Mat<double> &m, const WordGroups &rowGroups, const WordGroups &colGroups)
{
    assert(rowGroups.tokenCount() == m.rows() && colGroups.tokenCount() == m.cols());
    // Columns first (sums), then rows (means): both are linear, so the order does not matter.
    Mat<double> cols(m.rows(), colGroups.wordCount());
    for (int w = 0; w < colGroups.wordCount(); ++w) {
        const int first = colGroups.starts[std::size_t(w)], end = colGroups.starts[std::size_t(w) + 1];
        cols.col(w) = m.col(first);
        for (int j = first + 1; j < end; ++j)
            cols.col(w) += m.col(j);
    }
    Mat<double> out(rowGroups.wordCount(), cols.cols());
    for (int w = 0; w < rowGroups.wordCount(); ++w) {
        const int first = rowGroups.starts[std::size_t(w)], end = rowGroups.starts[std::size_t(w) + 1];
        out.row(w) = cols.row(first);
        for (int i = first + 1; i < end; ++i)
            out.row(w) += cols.row(i);
        out.row(w) /= double(end - first);
    }
    return out;
}

} // namespace attnscope
