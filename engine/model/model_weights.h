#pragma once
// The weights of a model folder: model.safetensors, or the shards listed in
// model.safetensors.index.json. Each file is mapped (QFile::map) and its header validated
// (formats/safetensors.h); a tensor is converted to float32 only when read, one at a time.
// Names are taken as Hugging Face loads them: the task prefix (`bert.`, `transformer.`,
// `model.`, `vit.`) stripped, and `LayerNorm.gamma` / `LayerNorm.beta` renamed weight / bias.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "result.h"
#include "safetensors.h"
#include "tensor.h"

class QFile;

namespace attnscope {

/// `name` as Hugging Face loads it: prefix stripped, gamma/beta renamed.
std::string canonicalWeightName(const std::string &name);

class WeightFiles {
public:
    /// Maps the weight files of `dir` and validates their headers. Errors: no weights (and how
    /// to convert a pytorch_model.bin), a shard index naming a missing file, a bad header.
    static Result<std::unique_ptr<WeightFiles>> open(const std::string &dir);
    ~WeightFiles();

    struct Entry {
        std::size_t file = 0;     ///< index into the mapped files
        SafetensorsEntry tensor;  ///< its name as the file spells it
    };
    /// The tensor of canonical name `name`, or nullptr.
    const Entry *find(const std::string &name) const;
    /// The file holding `e`, for messages.
    const std::string &path(const Entry &e) const;
    /// Converts the tensor to float32, as a matrix [shape[0], product of the rest] (1 × n for
    /// a vector). F32, F16, BF16 and F64 are read; other dtypes are refused by name.
    Result<Mat<float>> read(const Entry &e) const;

private:
    struct File;
    WeightFiles();
    Status addFile(const std::string &path);
    std::vector<std::unique_ptr<File>> m_files;
    std::unordered_map<std::string, Entry> m_tensors;
};

} // namespace attnscope
