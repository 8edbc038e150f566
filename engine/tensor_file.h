#pragma once
// One entry point for every tensor a user names, in every format: .npy, .npz, .safetensors,
// CSV/TSV. The format is recognised from the file's content (CSV/TSV from the extension).
//
// A TENSOR argument is `path` or `path:name`: the text after the last ':' is a name only when
// the whole string is not an existing file. A file holding one numeric array needs no name; an
// attention bundle (docs/bundle-format.md) without a name means its `attentions`; any other
// file with several arrays needs a name, and the error lists the names present.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "attention_request.h"
#include "result.h"

namespace attnscope {

/// One array of a file, as `inspect` lists it.
struct ArrayInfo {
    std::string name;   ///< "" for a file that holds a single unnamed array (.npy, CSV)
    std::string dtype;  ///< "float32", …, or "str" for a token list
    Shape shape;
    bool numeric = true;
};

struct TensorFileInfo {
    std::string path;
    std::string format; ///< "npy", "npz", "safetensors", "csv", "tsv"
    std::vector<ArrayInfo> arrays;
    std::vector<std::pair<std::string, std::string>> metadata; ///< safetensors __metadata__
};

/// An opened tensor file.
class TensorFile {
public:
    virtual ~TensorFile() = default;
    virtual const TensorFileInfo &info() const = 0;
    /// The numeric array `name` ("" when the file holds a single one).
    virtual Result<Tensor> read(const std::string &name) = 0;
    /// A list of strings: a `<U…` array in .npz, a JSON list in safetensors metadata.
    virtual Result<std::vector<std::string>> readStrings(const std::string &name) = 0;

    bool has(const std::string &name) const;
    /// The array read when no name is given (see above), or an error listing the names.
    Result<std::string> defaultName() const;
};

/// Opens `path`, validating its structure (not yet the data of every array).
Result<std::unique_ptr<TensorFile>> openTensorFile(const std::string &path);

/// Splits a TENSOR argument into path and name (see above).
std::pair<std::string, std::string> splitTensorSpec(const std::string &spec);

/// Reads the tensor named by `spec`. The result's source is `spec`.
Result<NamedTensor> readTensor(const std::string &spec);

} // namespace attnscope
