#pragma once
// A dense numeric tensor as read from a file: C-order (row-major), native byte order, in the
// element type the file had. Conversion to float or double happens when a 2-D slice is taken,
// so a file costs its own size in memory and no more.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace attnscope {

enum class DType { Bool, I8, I16, I32, I64, U8, U16, U32, U64, F16, BF16, F32, F64 };

/// Bytes per element of `t`.
std::size_t dtypeSize(DType t);
/// numpy-style short name: "bool", "int8" … "float16", "bfloat16", "float32", "float64".
const char *dtypeName(DType t);
bool dtypeIsFloat(DType t);

/// Row-major dynamic matrix; rows are queries, columns are keys, everywhere in AttnScope.
template <class S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class S>
using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;

using Shape = std::vector<std::int64_t>;
/// "[2, 3, 4]"
std::string shapeToString(const Shape &shape);

/// Invariant: bytes.size() == numel() * dtypeSize(dtype); every dimension >= 0.
struct Tensor {
    DType dtype = DType::F32;
    Shape shape;
    std::vector<std::byte> bytes;

    int rank() const { return static_cast<int>(shape.size()); }
    std::int64_t numel() const;
    /// Element `i` (flat, C-order) converted to double.
    double at(std::int64_t i) const;
    /// Copies `count` elements from flat offset `first` into `out`, converting.
    template <class S>
    void copyTo(S *out, std::int64_t first, std::int64_t count) const;
    /// The trailing two dimensions at leading index `lead` (flat over the leading dims) as a
    /// matrix. A rank-1 tensor is a single row; requires rank >= 1.
    template <class S>
    Mat<S> matrix(std::int64_t lead = 0) const;

    /// A tensor owning a copy of `m`, with the given dtype (F32 or F64).
    template <class S>
    static Tensor fromMatrix(const Mat<S> &m);
    /// Stacks equally sized matrices into [n, rows, cols].
    template <class S>
    static Tensor fromMatrices(const std::vector<Mat<S>> &ms);
    /// A one-dimensional int64 tensor holding `values`.
    static Tensor fromInt64s(const std::vector<std::int64_t> &values);
};

float halfToFloat(std::uint16_t h);
float bfloat16ToFloat(std::uint16_t h);

} // namespace attnscope
