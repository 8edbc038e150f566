#pragma once
// numpy's .npy format (numpy/lib/format.py is the specification): versions 1.0, 2.0 and 3.0,
// dtypes b1, i1-i8, u1-u8, f2, f4, f8 in either byte order, C or Fortran order. Everything in
// the header is checked against the file before a byte of data is allocated.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "file_io.h"
#include "result.h"
#include "tensor.h"

namespace attnscope {

/// numpy refuses longer headers; so do we.
constexpr std::size_t kNpyMaxHeaderBytes = 10000;

/// Which dtypes a caller accepts: numbers only, or also unicode strings (`<U…`, token lists), or
/// any dtype numpy writes, so that a listing can name an array it does not read (object, `|S`,
/// complex, structured …): the header then says why in `unsupported`, and its data is never read.
enum class NpyAllow { Numeric, NumericAndUnicode, Any };

/// What an .npy header says, once validated.
struct NpyHeader {
    DType dtype = DType::F32;
    int unicodeChars = 0;     ///< > 0 for a `<U…` array: characters per element (4 bytes each)
    bool byteSwapped = false; ///< data is big-endian
    bool fortranOrder = false;
    Shape shape;
    std::size_t dataOffset = 0; ///< bytes from the start of the file to the data
    std::uint64_t dataBytes = 0; ///< numel * itemsize, overflow-checked
    std::uint64_t trailingBytes = 0; ///< bytes after the data, which numpy ignores (see npyWarnings)
    std::string descr;       ///< the dtype as the header gives it ("<f4", "|O", "|S5"; "structured" for a list)
    std::string unsupported; ///< NpyAllow::Any only: why this dtype is not read ("" when it is)
};

/// Parses and validates the header at the start of `data` (which may be only the first bytes of
/// a file of `fileSize` bytes). `what` names the file in messages. As numpy does, it accepts
/// headers without their final newline, bytes after the data (trailingBytes) and zero-size shapes.
Result<NpyHeader> parseNpyHeader(const std::byte *data, std::size_t available,
                                 std::uint64_t fileSize, const std::string &what,
                                 NpyAllow allow = NpyAllow::Numeric);

/// A whole `<U…` .npy in memory as UTF-8 strings (trailing NULs of each element removed).
Result<std::vector<std::string>> parseNpyStrings(const std::byte *data, std::size_t size, const std::string &what);

/// Parses a whole .npy held in memory (for example an .npz member).
Result<Tensor> parseNpy(const std::byte *data, std::size_t size, const std::string &what);
/// The same, taking over `data` as the tensor's storage (no second copy of the data).
Result<Tensor> parseNpy(std::vector<std::byte> &&data, const std::string &what);

/// The warnings a valid header earns: "x.npy: 3 bytes after the data are ignored (…)".
std::vector<std::string> npyWarnings(const NpyHeader &h, const std::string &what);

/// Reads and validates the header of an open .npy file; reads none of the data.
Result<NpyHeader> readNpyHeader(InputFile &file, NpyAllow allow = NpyAllow::Numeric);
/// Reads the data `h` (from readNpyHeader) describes, after reserveMemory() for it.
Result<Tensor> readNpyData(InputFile &file, const NpyHeader &h);

/// Reads an .npy file (readNpyHeader, then readNpyData).
Result<Tensor> readNpy(const std::string &path);

/// The .npy header (version 1.0, or 2.0 when it needs more than 65535 bytes), little-endian,
/// C order, for data of this dtype and shape that follows it directly. dtype must not be BF16.
std::vector<std::byte> npyHeader(DType dtype, const Shape &shape);

/// A 1-D numpy unicode array (`<U…`, UTF-32, as wide as the longest string) of UTF-8 `strings`.
std::vector<std::byte> encodeNpyStrings(const std::vector<std::string> &strings);

/// The .npy encoding (version 1.0, little-endian, C order) of `t`; BF16 is widened to float32.
std::vector<std::byte> encodeNpy(const Tensor &t);

} // namespace attnscope
