#include "tensor.h"

#include <cassert>
#include <cstring>
#include <type_traits>

namespace attnscope {

std::size_t dtypeSize(DType t)
{
    switch (t) {
    case DType::Bool: case DType::I8: case DType::U8: return 1;
    case DType::I16: case DType::U16: case DType::F16: case DType::BF16: return 2;
    case DType::I32: case DType::U32: case DType::F32: return 4;
    case DType::I64: case DType::U64: case DType::F64: return 8;
    }
    return 1;
}

const char *dtypeName(DType t)
{
    switch (t) {
    case DType::Bool: return "bool";
    case DType::I8: return "int8";
    case DType::I16: return "int16";
    case DType::I32: return "int32";
    case DType::I64: return "int64";
    case DType::U8: return "uint8";
    case DType::U16: return "uint16";
    case DType::U32: return "uint32";
    case DType::U64: return "uint64";
    case DType::F16: return "float16";
    case DType::BF16: return "bfloat16";
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    }
    return "?";
}

bool dtypeIsFloat(DType t)
{
    return t == DType::F16 || t == DType::BF16 || t == DType::F32 || t == DType::F64;
}

std::string shapeToString(const Shape &shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

std::int64_t Tensor::numel() const
{
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = (h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1f;
    std::uint32_t mant = h & 0x3ffu;
    std::uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { // subnormal: normalise
            exp = 127 - 15 + 1;
            while (!(mant & 0x400u)) {
                mant <<= 1;
                --exp;
            }
            mant &= 0x3ffu;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

float bfloat16ToFloat(std::uint16_t h)
{
    const std::uint32_t bits = std::uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

namespace {

template <class From, class S>
void convertRun(const std::byte *src, S *out, std::int64_t count)
{
    for (std::int64_t i = 0; i < count; ++i) {
        From v;
        std::memcpy(&v, src + i * sizeof(From), sizeof(From));
        if constexpr (std::is_same_v<From, bool>)
            out[i] = v ? S(1) : S(0);
        else
            out[i] = static_cast<S>(v);
    }
}

template <class S, class Conv>
void convertHalfRun(const std::byte *src, S *out, std::int64_t count, Conv conv)
{
    for (std::int64_t i = 0; i < count; ++i) {
        std::uint16_t v;
        std::memcpy(&v, src + i * 2, 2);
        out[i] = static_cast<S>(conv(v));
    }
}

} // namespace

template <class S>
void Tensor::copyTo(S *out, std::int64_t first, std::int64_t count) const
{
    assert(first >= 0 && count >= 0 && first + count <= numel());
    const std::byte *src = bytes.data() + first * std::int64_t(dtypeSize(dtype));
    switch (dtype) {
    case DType::Bool: {
        for (std::int64_t i = 0; i < count; ++i)
            out[i] = src[i] != std::byte{0} ? S(1) : S(0);
        return;
    }
    case DType::I8: return convertRun<std::int8_t>(src, out, count);
    case DType::I16: return convertRun<std::int16_t>(src, out, count);
    case DType::I32: return convertRun<std::int32_t>(src, out, count);
    case DType::I64: return convertRun<std::int64_t>(src, out, count);
    case DType::U8: return convertRun<std::uint8_t>(src, out, count);
    case DType::U16: return convertRun<std::uint16_t>(src, out, count);
    case DType::U32: return convertRun<std::uint32_t>(src, out, count);
    case DType::U64: return convertRun<std::uint64_t>(src, out, count);
    case DType::F16: return convertHalfRun(src, out, count, halfToFloat);
    case DType::BF16: return convertHalfRun(src, out, count, bfloat16ToFloat);
    case DType::F32: return convertRun<float>(src, out, count);
    case DType::F64: return convertRun<double>(src, out, count);
    }
}

double Tensor::at(std::int64_t i) const
{
    double v = 0;
    copyTo(&v, i, 1);
    return v;
}

template <class S>
Mat<S> Tensor::matrix(std::int64_t lead) const
{
    assert(rank() >= 1);
    const std::int64_t cols = shape.back();
    const std::int64_t rows = rank() >= 2 ? shape[shape.size() - 2] : 1;
    Mat<S> m(rows, cols);
    copyTo(m.data(), lead * rows * cols, rows * cols);
    return m;
}

template <class S>
Tensor Tensor::fromMatrix(const Mat<S> &m)
{
    Tensor t;
    t.dtype = std::is_same_v<S, float> ? DType::F32 : DType::F64;
    t.shape = {m.rows(), m.cols()};
    t.bytes.resize(std::size_t(m.size()) * sizeof(S));
    if (m.size())
        std::memcpy(t.bytes.data(), m.data(), t.bytes.size());
    return t;
}

template <class S>
Tensor Tensor::fromMatrices(const std::vector<Mat<S>> &ms)
{
    Tensor t;
    t.dtype = std::is_same_v<S, float> ? DType::F32 : DType::F64;
    const std::int64_t rows = ms.empty() ? 0 : ms.front().rows();
    const std::int64_t cols = ms.empty() ? 0 : ms.front().cols();
    t.shape = {std::int64_t(ms.size()), rows, cols};
    t.bytes.resize(std::size_t(ms.size() * rows * cols) * sizeof(S));
    std::size_t offset = 0;
    for (const auto &m : ms) {
        assert(m.rows() == rows && m.cols() == cols);
        const std::size_t n = std::size_t(m.size()) * sizeof(S);
        if (n)
            std::memcpy(t.bytes.data() + offset, m.data(), n);
        offset += n;
    }
    return t;
}

template void Tensor::copyTo<float>(float *, std::int64_t, std::int64_t) const;
template void Tensor::copyTo<double>(double *, std::int64_t, std::int64_t) const;
template Mat<float> Tensor::matrix<float>(std::int64_t) const;
template Mat<double> Tensor::matrix<double>(std::int64_t) const;
template Tensor Tensor::fromMatrix<float>(const Mat<float> &);
template Tensor Tensor::fromMatrix<double>(const Mat<double> &);
Tensor Tensor::fromInt64s(const std::vector<std::int64_t> &values)
{
    Tensor t;
    t.dtype = DType::I64;
    t.shape = {std::int64_t(values.size())};
    t.bytes.resize(values.size() * sizeof(std::int64_t));
    if (!values.empty())
        std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    return t;
}

template Tensor Tensor::fromMatrices<float>(const std::vector<Mat<float>> &);
template Tensor Tensor::fromMatrices<double>(const std::vector<Mat<double>> &);

} // namespace attnscope
