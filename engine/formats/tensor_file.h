#pragma once
// One entry point for every tensor a user names, in every format: .npy, .npz, .safetensors,
// CSV/TSV. The format is recognised from the file's content (CSV/TSV from the extension).
//
// A TENSOR argument is `path` or `path:name`: when the whole string is not an existing file, the
// path is its longest prefix ending before a ':' that is an existing file, and the rest is the
// name, which may itself hold ':' (TensorFlow's `q:0`). A file holding one numeric array needs no
// name; an attention bundle (docs/bundle-format.md) without a name means its `attentions`; any
// other file with several arrays needs a name, and the error lists the names present.
//
// Opening a file reads its structure only (headers, zip directory, safetensors JSON; a CSV is
// parsed whole): `inspect` lists a 16 GiB .npy without reading it. read() reserves the memory
// of the array it reads (memory_budget.h) before allocating it, and refuses arrays with no
// elements, which are listed but hold nothing to compute with. An .npy or .npz member of a dtype
// AttnScope does not read (objects, `|S` bytes, complex, structured) is listed too, with
// `readable` false and `why`; opening the file does not fail because of it, reading it does.

#include <cstdint>
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
    std::string dtype;  ///< "float32", …, "str" for a token list, or a safetensors name ("F8_E4M3")
    Shape shape;
    bool numeric = true;
    bool readable = true; ///< false for a dtype AttnScope lists but does not read
    std::vector<std::string> warnings = {}; ///< about this array only (bytes after an npz member's data)
    std::string why = {};     ///< when not readable: why ("object arrays cannot be read: numpy pickles them; …")
    std::string storage = {}; ///< .npz: "stored" or "deflated"; "" elsewhere
    std::uint64_t packedBytes = 0, unpackedBytes = 0; ///< .npz: the member's size in the zip and unpacked
};

struct TensorFileInfo {
    std::string path;
    std::string format; ///< "npy", "npz", "safetensors", "csv", "tsv"
    std::vector<ArrayInfo> arrays;
    std::vector<std::pair<std::string, std::string>> metadata; ///< safetensors __metadata__
    std::vector<std::string> warnings = {}; ///< about the whole file (a CSV header row, bytes after .npy data)
};

/// An opened tensor file.
class TensorFile {
public:
    virtual ~TensorFile() = default;
    virtual const TensorFileInfo &info() const = 0;
    /// The numeric array `name` ("" when the file holds a single one); an array without
    /// elements is refused (BadShape) with a message naming it.
    Result<Tensor> read(const std::string &name);
    /// A list of strings: a `<U…` array in .npz, a JSON list in safetensors metadata.
    virtual Result<std::vector<std::string>> readStrings(const std::string &name) = 0;

    bool has(const std::string &name) const;
    /// The array read when no name is given (see above), or an error listing the names.
    Result<std::string> defaultName() const;
    /// The file's warnings and those of array `name`.
    std::vector<std::string> warningsFor(const std::string &name) const;

protected:
    /// read() without the check for elements.
    virtual Result<Tensor> readArray(const std::string &name) = 0;
};

/// Opens `path`, validating its structure (not yet the data of every array).
Result<std::unique_ptr<TensorFile>> openTensorFile(const std::string &path);

/// Splits a TENSOR argument into path and name (see above).
std::pair<std::string, std::string> splitTensorSpec(const std::string &spec);

/// Reads the tensor named by `spec`. The result's source is `spec`; its warnings are the file's
/// and the array's (warningsFor).
Result<NamedTensor> readTensor(const std::string &spec);

} // namespace attnscope
