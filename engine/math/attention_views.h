#pragma once
// Views of imported attention (an AttentionBundle): one head, the heads of a layer fused, or a
// rollout across layers; special tokens hidden; sub-word pieces merged into words; a
// normalisation; and the difference A − B of two such views. Rows are queries, columns keys.
//
/// Order of operations in computeView (each view, A and B alike):
///   1. select   one head [Tq, Tk] | fuseHeads over a layer's heads | rollout over layers 0..layer
///   2. hide     drop the hidden key columns (with `hideRows` their rows too, Tq == Tk only);
///               with `renormalize` each remaining row divided by its sum
///   3. merge    sub-word pieces into words: a word's column is the SUM over its pieces' columns
///               (attention *to* the word), a word's row the MEAN of its pieces' rows (attention
///               *from* the word); rows that summed to 1 still do
///   4. normalise per row | per column | global (min..max → 0..1) | log10
///   5. difference A − B of the two final matrices (shapes must match; otherwise an error)
/// Hiding comes before merging so that renormalised weights are merged (and a hidden special
/// never joins a word); normalising comes last because it is a display scale, not a weight.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attention_bundle.h"
#include "combine.h"
#include "result.h"
#include "tensor.h"

namespace attnscope {

/// The display scale applied last (combine.h: normalizeRows/Columns/Global, log10Values).
enum class Normalization { None, Row, Column, Global, Log };

/// "none", "rows", "columns", "global", "log10".
const char *normalizationName(Normalization n);

/// What to show. Layers and heads are 0-based, as in the file.
struct ViewRequest {
    enum class Mode {
        Single,    ///< head `head` of layer `layer`
        FuseHeads, ///< `fusion` over every head of layer `layer`
        Rollout,   ///< rollout over layers 0..`layer`, heads fused by `fusion` (needs Tq == Tk)
    };
    /// The second view B of a difference A − B: the same request with this layer and head, read
    /// from the `other` bundle passed to computeView when there is one, else from the same bundle.
    struct Difference {
        int layer = 0, head = 0;
    };

    int layer = 0, head = 0;
    Mode mode = Mode::Single;
    Fusion fusion = Fusion::Mean;
    double discardRatio = 0.0;   ///< rollout only; 0 <= ratio < 1
    Normalization norm = Normalization::None;
    std::vector<int> hiddenKeys; ///< key indices of the file (0-based), before any merging
    bool hideRows = false;       ///< the hidden tokens' rows (queries) dropped too; needs Tq == Tk
    bool renormalize = false;    ///< after hiding, each row divided by its sum
    bool mergeSubwords = false;
    std::optional<Difference> difference;
};

/// A computed view. Invariant: values is rowLabels.size() × colLabels.size().
struct ViewResult {
    Mat<double> values;
    /// Tokens (merged words when merging), or the file's indices as text when there are none.
    std::vector<std::string> rowLabels, colLabels;
    /// Each remaining row's and column's ORIGINAL 0-based index in the file (a merged word: its
    /// first piece's); same sizes as rowLabels and colLabels, ascending.
    std::vector<std::int64_t> rowIndex, colIndex;
    /// Whether rows or columns were hidden: then picture labels name the original index too.
    bool rowsHidden = false, colsHidden = false;
    std::vector<std::string> warnings;
    /// One line, e.g. "mean of 12 heads, layer 3; keys hidden: [CLS], [SEP], renormalised;
    /// sub-words merged (WordPiece); rows normalised".
    std::string description;
    bool diverging = false;      ///< a difference: signed values, centred on zero
    bool subwordsMerged = false; ///< merging was asked for and found sub-word pieces
};

/// A picture's label for a token after hiding: "TEXT #i" (the token as shown, its original
/// index). When the text is the index itself (a file without tokens), just the index.
std::string indexedLabel(const std::string &text, std::int64_t index);
/// The labels a picture of `v` shows: v.rowLabels, as indexedLabel(text, original index) when
/// rows were hidden (v.rowsHidden).
std::vector<std::string> pictureRowLabels(const ViewResult &v);
/// As pictureRowLabels, for the columns (v.colsHidden).
std::vector<std::string> pictureColLabels(const ViewResult &v);

/// The special tokens recognised by default: [CLS] [SEP] [PAD] [MASK] <s> </s> <pad> <bos> <eos>
/// <|endoftext|> <|begin_of_text|> <|end_of_text|> <|eot_id|> BOS EOS. Unknown-word markers
/// ([UNK], <unk>) are left out on purpose: they stand for content, not structure.
const std::vector<std::string> &defaultSpecialTokens();

/// Indices of the tokens equal to one of `specials`, ascending. The match is exact and
/// case-sensitive ("bos" is a word, "BOS" a marker; "[cls]" is not "[CLS]"), on the whole token.
std::vector<int> specialTokenIndices(const std::vector<std::string> &tokens,
                                     const std::vector<std::string> &specials = defaultSpecialTokens());

/// How a tokenizer marks sub-word pieces.
enum class SubwordScheme {
    None,          ///< no markers found: every token is a word
    WordPiece,     ///< BERT: "##x" continues the previous word
    Gpt2,          ///< byte-level BPE (GPT-2, RoBERTa, Llama 3): "Ġx" starts a word
    SentencePiece, ///< T5, Llama 2, XLM-R: "▁x" (U+2581) starts a word
};
const char *subwordSchemeName(SubwordScheme s); ///< "none", "WordPiece", "GPT-2 BPE", "SentencePiece"

/// The scheme whose marker most non-special tokens carry: a "##" prefix followed by at least one
/// character (WordPiece), a leading "Ġ" U+0120 (GPT-2) or a leading "▁" U+2581 (SentencePiece).
/// Ties go to WordPiece, then SentencePiece, then GPT-2; no marker at all gives None.
SubwordScheme detectSubwordScheme(const std::vector<std::string> &tokens,
                                  const std::vector<std::string> &specials = defaultSpecialTokens());

/// Consecutive tokens grouped into words. Invariant: starts[0] == 0, strictly increasing,
/// starts.back() == the token count; word w is tokens [starts[w], starts[w + 1]).
struct WordGroups {
    SubwordScheme scheme = SubwordScheme::None;
    std::vector<int> starts;
    std::vector<std::string> words; ///< one per word: its pieces joined, markers removed ("▁" alone stays)

    int wordCount() const { return int(words.size()); }
    int tokenCount() const { return starts.empty() ? 0 : starts.back(); }
};

/// Groups `tokens` by `scheme`. Always: a special token is a word of its own and the token after
/// it starts a new word; the first token starts a word. Then, per scheme:
///   WordPiece      a token "##x" continues the previous word; any other token starts one
///   GPT-2          a token "Ġx" starts a word; a token without Ġ continues the previous word,
///                  except after a whitespace-only token (only Ġ, Ċ, ĉ: spaces, newlines, tabs),
///                  which is a word of its own
///   SentencePiece  a token "▁x" (or "▁" alone) starts a word; one without ▁ continues
///   None           every token is a word
/// Words are whitespace-delimited as the tokenizer saw them, so "dog" + "." is one GPT-2 word.
WordGroups groupSubwords(const std::vector<std::string> &tokens, SubwordScheme scheme,
                         const std::vector<std::string> &specials = defaultSpecialTokens());
/// groupSubwords with the scheme detected from the tokens themselves.
WordGroups mergeSubwords(const std::vector<std::string> &tokens,
                         const std::vector<std::string> &specials = defaultSpecialTokens());

/// `m` [Tq, Tk] merged into [rowGroups words, colGroups words]: each word's column is the sum of
/// its pieces' columns, each word's row the mean of its pieces' rows (sums in token order).
/// Requires rowGroups.tokenCount() == Tq and colGroups.tokenCount() == Tk (asserts).
Mat<double> mergeMatrix(const Mat<double> &m, const WordGroups &rowGroups, const WordGroups &colGroups);

/// What a tensor says about being softmax weights, over every row of its last dimension (for
/// attentions [L, H, Tq, Tk]: every query of every head of every layer, as in the file).
struct WeightRowsCheck {
    std::int64_t rows = 0;         ///< numel / last dimension
    std::int64_t negativeRows = 0; ///< rows holding a value < 0
    /// Rows of finite values, not all zero (a fully masked query), whose sum differs from 1 by
    /// more than the tolerance.
    std::int64_t badSumRows = 0;
    double worstSum = 1.0;         ///< of the finite rows that are not all zero, the sum furthest from 1
    std::int64_t nanValues = 0, infValues = 0; ///< values; their rows count in neither of the above

    bool looksLikeWeights() const { return negativeRows == 0 && badSumRows == 0 && nanValues == 0 && infValues == 0; }
};

/// Checks each row of `t` (rank >= 1; a rank-1 tensor is one row), converted to double, its sum
/// accumulated in double. Reads the tensor once, a row at a time.
WeightRowsCheck checkWeightRows(const Tensor &t, double tolerance = 1e-3);

/// One line for a failed check, e.g. "Warning: 48 of 48 rows do not sum to 1 (worst 7.000) and
/// 3 rows have negative values: these may not be softmax weights."; empty when it looks like
/// weights.
std::string weightRowsWarning(const WeightRowsCheck &c);

/// The view `request` of `bundle` (see the order of operations above). With a difference, B is
/// computed from `other` when given (a second input of the same shape), else from `bundle`.
/// Errors (BadArgument, BadShape): a layer or head out of range, rollout on Tq != Tk or on
/// negative or non-finite weights, a discard ratio outside [0, 1), a hidden key out of range or
/// every key hidden, hideRows with Tq != Tk or every row hidden, A and B of different shapes.
Result<ViewResult> computeView(const AttentionBundle &bundle, const ViewRequest &request,
                               const AttentionBundle *other = nullptr);

} // namespace attnscope
