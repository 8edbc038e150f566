#pragma once
// A Hugging Face model folder as a whole: the model (model/model.h), its tokenizer
// (text/hf_tokenizer.h) for text models or its image preprocessing (image/hf_image_processor.h)
// for vit, and running it on a sentence or an image into an attention bundle. The command line
// (`attnscope-cli model`) and the window share these.

#include <memory>
#include <optional>
#include <string>

#include "hf_image_processor.h"
#include "hf_tokenizer.h"
#include "model.h"

namespace attnscope {

struct ModelFolder {
    std::shared_ptr<const TransformerModel> model;
    std::shared_ptr<const HfTokenizer> tokenizer;       ///< text models
    std::shared_ptr<const HfImageProcessor> processor;  ///< image models
};

/// Opens `dir`: the model, then its tokenizer (text models) or image processor (vit). Errors
/// name the file and the problem.
Result<ModelFolder> openModelFolder(const std::string &dir, const ModelLoadOptions &options = {});

/// Tokenizes `text` (UTF-8; `addSpecialTokens` as add_special_tokens) and runs the model. The
/// bundle's tokens are the tokenizer's own strings. Errors: an image model, zero tokens, more
/// tokens than the model's positions (both numbers).
Result<AttentionBundle> runModelOnText(const ModelFolder &folder, const std::string &text, bool addSpecialTokens,
                                       const ModelRunOptions &options);

/// Reads the image at `path`, preprocesses it as the folder says and runs the (vit) model.
Result<AttentionBundle> runModelOnImageFile(const ModelFolder &folder, const std::string &path,
                                            const ModelRunOptions &options);

} // namespace attnscope
