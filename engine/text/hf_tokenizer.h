#pragma once
// Hugging Face tokenizers, natively: what `tokenizers.Tokenizer.from_file(path).encode(text,
// add_special_tokens=…)` gives (`.ids`, `.tokens`), from a model folder's `tokenizer.json`, or
// from the older files — `vocab.txt` (BertTokenizer) or `vocab.json` + `merges.txt`
// (GPT2Tokenizer). `tokenizer.json` wins when present; `tokenizer_config.json` is then not read.
// Everything works on Unicode code points; Unicode properties come from Qt.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "result.h"

namespace attnscope {

/// The ids and the tokenizer's own token strings (byte-level pieces as "Ġthe", WordPiece "##s").
struct TokenizerEncoding {
    std::vector<std::int64_t> ids;
    std::vector<std::string> tokens;
};

class HfTokenizer {
public:
    /// Loads `path`: a model folder (tokenizer.json, else vocab.txt, else vocab.json + merges.txt,
    /// with tokenizer_config.json / special_tokens_map.json when present) or a tokenizer.json file.
    /// Refuses (an error naming the file) unknown components, broken or hostile files, and files
    /// whose vocabulary or merges would not fit `memoryBudget` bytes (0: the process budget).
    static Result<std::shared_ptr<const HfTokenizer>> load(const std::string &path, std::uint64_t memoryBudget = 0);
    ~HfTokenizer();
    HfTokenizer(const HfTokenizer &) = delete;
    HfTokenizer &operator=(const HfTokenizer &) = delete;

    /// Encodes UTF-8 `text`; `addSpecialTokens` is add_special_tokens (the post-processor's
    /// template, [CLS] … [SEP] for BERT). Invalid UTF-8 is an error.
    Result<TokenizerEncoding> encode(const std::string &text, bool addSpecialTokens = true) const;

    /// Labels for the screen: what each token says. Byte-level pieces are decoded to UTF-8 text
    /// ("Ġthe" → " the"), Metaspace's "▁" shown as a space, byte-fallback "<0xE5>" kept; a piece
    /// that is only part of a UTF-8 sequence reads "<0xE5>" (one per byte). Same length as `tokens`.
    std::vector<std::string> displayTokens(const std::vector<std::string> &tokens) const;

    /// The file the tokenizer came from (tokenizer.json, vocab.txt or vocab.json).
    const std::string &source() const;
    /// Entries in the vocabulary, added tokens included.
    std::int64_t vocabularySize() const;

    struct Impl;

private:
    explicit HfTokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace attnscope
