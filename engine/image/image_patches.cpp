#include "image_patches.h"

#include "memory_budget.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstring>
#include <numbers>
#include <optional>
#include <span>

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QScopeGuard>

namespace attnscope {
namespace {

using Bytes = std::span<const unsigned char>;

std::uint32_t be32(Bytes b, std::size_t at)
{
    return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}
std::uint32_t be16(Bytes b, std::size_t at) { return std::uint32_t(b[at]) << 8 | b[at + 1]; }
std::uint32_t le32(Bytes b, std::size_t at)
{
    return std::uint32_t(b[at + 3]) << 24 | std::uint32_t(b[at + 2]) << 16 | std::uint32_t(b[at + 1]) << 8 | b[at];
}
std::uint32_t le16(Bytes b, std::size_t at) { return std::uint32_t(b[at + 1]) << 8 | b[at]; }

bool startsWith(Bytes b, std::string_view magic)
{
    return b.size() >= magic.size() && std::memcmp(b.data(), magic.data(), magic.size()) == 0;
}

/// CRC-32 as PNG (and zlib) define it.
std::uint32_t crc32(Bytes b)
{
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (const unsigned char byte : b)
        c = table[(c ^ byte) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

Error truncated(const std::string &path, const std::string &format, const std::string &detail)
{
    return makeError(Error::Code::BadFormat, path + ": the " + format + " file is truncated: " + detail);
}

std::string chunkName(Bytes type)
{
    const bool letters = std::all_of(type.begin(), type.end(), [](unsigned char ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
    });
    if (!letters)
        return "with an invalid type";
    // Appended piecewise: g++ 12 gives a false -Wrestrict on "'" + std::string(…) at -O2.
    std::string name(1, '\'');
    name.append(reinterpret_cast<const char *>(type.data()), type.size());
    name += '\'';
    return name;
}

/// PNG: the chunks must follow one another to IEND, each with a matching CRC. libpng reads a
/// file cut inside IEND without complaint and only warns about bad CRCs in ancillary chunks.
Status checkPng(Bytes b, const std::string &path)
{
    std::size_t pos = 8; // after the signature
    while (true) {
        if (b.size() - pos < 8)
            return truncated(path, "PNG", "it ends at byte " + std::to_string(b.size()) + ", before the IEND chunk");
        const std::uint64_t length = be32(b, pos);
        const Bytes type = b.subspan(pos + 4, 4);
        if (length > 0x7FFFFFFFu)
            return makeError(Error::Code::BadFormat, path + ": the PNG file is corrupt: the chunk at byte " +
                                                         std::to_string(pos) + " claims " + std::to_string(length) +
                                                         " bytes");
        if (b.size() - pos < length + 12)
            return truncated(path, "PNG", "chunk " + chunkName(type) + " at byte " + std::to_string(pos) + " needs " +
                                              std::to_string(length + 12) + " bytes, the file ends after " +
                                              std::to_string(b.size() - pos));
        if (crc32(b.subspan(pos + 4, length + 4)) != be32(b, pos + 8 + length))
            return makeError(Error::Code::BadFormat, path + ": the PNG file is corrupt: chunk " + chunkName(type) +
                                                         " at byte " + std::to_string(pos) + " has a wrong CRC");
        if (startsWith(type, "IEND"))
            return okStatus();
        pos += length + 12;
    }
}

/// JPEG: segments from SOI to EOI, entropy-coded data after each SOS up to the next marker that
/// is not a restart marker (0xFF inside the data is stuffed as FF 00). libjpeg decodes a file
/// without EOI as far as it goes and fills the rest with grey, with only a warning.
Status checkJpeg(Bytes b, const std::string &path)
{
    const auto cut = [&] {
        return truncated(path, "JPEG", "it ends at byte " + std::to_string(b.size()) + ", before the end-of-image marker");
    };
    const auto nextFF = [&](std::size_t from) {
        const void *hit = from < b.size() ? std::memchr(b.data() + from, 0xFF, b.size() - from) : nullptr;
        return hit ? std::size_t(static_cast<const unsigned char *>(hit) - b.data()) : b.size();
    };
    std::size_t pos = 2; // after SOI
    while (true) {
        pos = nextFF(pos); // libjpeg skips stray bytes before a marker, with a warning
        while (pos < b.size() && b[pos] == 0xFF)
            ++pos;
        if (pos >= b.size())
            return cut();
        const unsigned marker = b[pos++];
        if (marker == 0xD9) // EOI
            return okStatus();
        if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue; // markers without a length
        if (b.size() - pos < 2)
            return cut();
        const std::size_t length = be16(b, pos);
        if (length < 2)
            return makeError(Error::Code::BadFormat, path + ": the JPEG file is corrupt: the segment at byte " +
                                                         std::to_string(pos - 2) + " has length " +
                                                         std::to_string(length));
        if (b.size() - pos < length)
            return cut();
        pos += length;
        if (marker != 0xDA) // not SOS
            continue;
        while (true) {
            pos = nextFF(pos);
            if (b.size() - pos < 2)
                return cut();
            const unsigned next = b[pos + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7))
                pos += 2; // stuffed 0xFF or a restart marker: still entropy-coded data
            else if (next == 0xFF)
                ++pos;    // fill byte
            else
                break;    // the next segment's marker
        }
    }
}

/// BMP: uncompressed pixel data must fit in the file; Qt returns the rows it did not find as
/// black, without an error. Compressed (RLE) bitmaps are left to Qt.
Status checkBmp(Bytes b, const std::string &path)
{
    if (b.size() < 26)
        return truncated(path, "BMP", "its header is cut short at byte " + std::to_string(b.size()));
    const std::uint32_t dataOffset = le32(b, 10);
    const std::uint32_t headerSize = le32(b, 14);
    std::int64_t width = 0, height = 0, bitsPerPixel = 0;
    std::uint32_t compression = 0;
    if (headerSize == 12) { // OS/2 BITMAPCOREHEADER
        width = le16(b, 18);
        height = le16(b, 20);
        bitsPerPixel = le16(b, 24);
    } else if (headerSize >= 40) {
        if (b.size() < 54)
            return truncated(path, "BMP", "its header is cut short at byte " + std::to_string(b.size()));
        width = std::int32_t(le32(b, 18));
        height = std::int32_t(le32(b, 22));
        bitsPerPixel = le16(b, 28);
        compression = le32(b, 30);
    } else {
        return okStatus(); // an unusual header: Qt decides
    }
    if (compression != 0 && compression != 3 && compression != 6) // RGB, BITFIELDS, ALPHABITFIELDS
        return okStatus();
    // |width| < 2^31 and bitsPerPixel < 2^16, so the row size fits; the rest is checked.
    const std::int64_t rowBytes = (std::abs(width) * bitsPerPixel + 31) / 32 * 4;
    std::int64_t pixelBytes = 0, needed = 0;
    if (__builtin_mul_overflow(rowBytes, std::abs(height), &pixelBytes) ||
        __builtin_add_overflow(pixelBytes, std::int64_t(dataOffset), &needed) ||
        std::uint64_t(needed) > b.size())
        return truncated(path, "BMP", "its pixel data needs " + std::to_string(pixelBytes) + " bytes from byte " +
                                          std::to_string(dataOffset) + ", the file has " +
                                          std::to_string(b.size()) + " bytes");
    return okStatus();
}

/// Formats whose truncation Qt does not report.
Status checkStructure(Bytes b, const std::string &path)
{
    if (startsWith(b, "\x89PNG\r\n\x1A\n"))
        return checkPng(b, path);
    if (startsWith(b, "\xFF\xD8"))
        return checkJpeg(b, path);
    if (startsWith(b, "BM"))
        return checkBmp(b, path);
    return okStatus();
}

struct Dimensions {
    std::int64_t width = 0, height = 0;
};

/// The size a PNG's IHDR or a BMP's header claims, read by us: Qt's PNG handler reports no size
/// for a file without IDAT, its BMP handler none for sizes it considers absurd.
std::optional<Dimensions> headerDimensions(Bytes b)
{
    if (startsWith(b, "\x89PNG\r\n\x1A\n") && b.size() >= 24 && std::memcmp(b.data() + 12, "IHDR", 4) == 0)
        return Dimensions{be32(b, 16), be32(b, 20)};
    if (startsWith(b, "BM") && b.size() >= 26 && le32(b, 14) >= 40)
        return Dimensions{std::abs(std::int64_t(std::int32_t(le32(b, 18)))), std::abs(std::int64_t(std::int32_t(le32(b, 22))))};
    if (startsWith(b, "BM") && b.size() >= 22 && le32(b, 14) == 12)
        return Dimensions{le16(b, 18), le16(b, 20)};
    return std::nullopt;
}

Status checkDimensions(Dimensions size, std::int64_t maxPixels, const std::string &path)
{
    const std::string dims = std::to_string(size.width) + " × " + std::to_string(size.height);
    if (size.width <= 0 || size.height <= 0)
        return makeError(Error::Code::BadFormat, path + ": the image claims " + dims + " pixels");
    // Each side is below 2^32 (a PNG's IHDR allows 2^32 − 1), so the product fits 64 unsigned
    // bits, not always 63.
    const std::uint64_t pixels = std::uint64_t(size.width) * std::uint64_t(size.height);
    if (maxPixels < 0 || pixels > std::uint64_t(maxPixels))
        return makeError(Error::Code::OverBudget, path + ": the image is " + dims + " = " + std::to_string(pixels) +
                                                      " pixels, more than the limit of " + std::to_string(maxPixels) +
                                                      " pixels");
    // The decoded image and its 32-bit conversion, 4 bytes a pixel each, within the memory budget.
    return reserveMemory(pixels * 8, path + ": decoding the " + dims + " image");
}

std::string supportedFormats()
{
    std::string list;
    for (const std::string &f : imageSuffixes())
        list += (list.empty() ? "" : ", ") + f;
    return list;
}

} // namespace

namespace {

/// What loadImage and loadImageData share: `device` is open for reading at its start and holds
/// `bytes` (the same content, walked by the structural checks); `what` names it in messages.
Result<QImage> decodeImage(QIODevice &device, Bytes bytes, const std::string &what, std::int64_t maxPixels)
{
    QImageReader reader(&device);
    reader.setDecideFormatFromContent(true);
    // A phone photo upright, as viewers show it and as transformers' load_image reads it
    // (PIL's ImageOps.exif_transpose): the EXIF orientation is applied.
    reader.setAutoTransform(true);
    if (!reader.canRead())
        return makeError(Error::Code::BadFormat, what + ": not an image in a format Qt can read (" +
                                                     supportedFormats() + ")");
    const std::string format = reader.format().toUpper().toStdString(); // empty once a read failed
    // The header's claim, before a single pixel is decoded. Not every format tells.
    std::optional<Dimensions> claimed;
    if (const QSize size = reader.size(); size.isValid())
        claimed = Dimensions{size.width(), size.height()};
    else
        claimed = headerDimensions(bytes);
    if (claimed)
        if (auto st = checkDimensions(*claimed, maxPixels, what); !st)
            return st.error();
    if (auto st = checkStructure(bytes, what); !st)
        return st.error();

    const std::int64_t limitMiB = std::min<std::int64_t>(INT_MAX, maxPixels / (std::int64_t(1) << 20) * 8 + 1);
    reader.setAllocationLimit(int(limitMiB));
    QImage image;
    if (!reader.read(&image) || image.isNull())
        return makeError(Error::Code::BadFormat, what + ": cannot decode the " + format +
                                                     " image: " + reader.errorString().toStdString());
    if (auto st = checkDimensions({image.width(), image.height()}, maxPixels, what); !st)
        return st.error();
    const QImage::Format target = image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32;
    if (image.format() != target)
        image = image.convertToFormat(target);
    if (image.isNull())
        return makeError(Error::Code::OverBudget, what + ": not enough memory to convert the image");
    return image;
}

} // namespace

std::vector<std::string> imageSuffixes()
{
    std::vector<std::string> out;
    for (const QByteArray &f : QImageReader::supportedImageFormats())
        out.push_back(f.toLower().toStdString());
    return out;
}

bool hasImageSuffix(const std::string &path)
{
    const std::string suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower().toStdString();
    const std::vector<std::string> known = imageSuffixes();
    return !suffix.empty() && std::find(known.begin(), known.end(), suffix) != known.end();
}

Result<QImage> loadImage(const std::string &path, std::int64_t maxPixels)
{
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!info.exists())
        return makeError(Error::Code::FileNotFound, path + ": file not found");
    if (info.isDir())
        return makeError(Error::Code::ReadFailed, path + ": is a directory, not a file");
    QFile file(qpath);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, path + ": cannot open: " + file.errorString().toStdString());
    if (file.size() == 0)
        return makeError(Error::Code::BadFormat, path + ": the file is empty, not an image");
    // Mapped, not read: the checks walk the file without a copy of it.
    uchar *mapped = file.map(0, file.size());
    const Bytes bytes = mapped ? Bytes(mapped, std::size_t(file.size())) : Bytes();
    const auto unmap = qScopeGuard([&] {
        if (mapped)
            file.unmap(mapped);
    });
    return decodeImage(file, bytes, path, maxPixels);
}

Result<QImage> loadImageData(const QByteArray &data, const std::string &what, std::int64_t maxPixels)
{
    if (data.isEmpty())
        return makeError(Error::Code::BadFormat, what + ": the data is empty, not an image");
    QBuffer buffer;
    buffer.setData(data); // shares `data`, no copy
    if (!buffer.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, what + ": cannot read the image data");
    const Bytes bytes(reinterpret_cast<const unsigned char *>(data.constData()), std::size_t(data.size()));
    return decodeImage(buffer, bytes, what, maxPixels);
}

Result<PatchGrid> PatchGrid::fromPatchSize(QSize image, int patchPixels)
{
    if (patchPixels < 1)
        return makeError(Error::Code::BadArgument,
                         "the patch size must be at least 1 pixel, not " + std::to_string(patchPixels));
    if (image.width() < 1 || image.height() < 1)
        return fromRowsCols(image, 1, 1); // reports the empty image
    const int rows = int((std::int64_t(image.height()) + patchPixels - 1) / patchPixels);
    const int cols = int((std::int64_t(image.width()) + patchPixels - 1) / patchPixels);
    return fromRowsCols(image, rows, cols);
}

Result<PatchGrid> PatchGrid::fromRowsCols(QSize image, int rows, int cols)
{
    const std::string dims = std::to_string(image.width()) + " × " + std::to_string(image.height());
    if (image.width() < 1 || image.height() < 1)
        return makeError(Error::Code::BadArgument, "cannot split an image of " + dims + " pixels into patches");
    if (rows < 1 || cols < 1)
        return makeError(Error::Code::BadArgument, "a patch grid needs at least 1 row and 1 column, not " +
                                                       std::to_string(rows) + " × " + std::to_string(cols));
    if (rows > image.height() || cols > image.width())
        return makeError(Error::Code::BadArgument, "a " + dims + " image cannot hold " + std::to_string(rows) +
                                                       " rows × " + std::to_string(cols) +
                                                       " columns of patches (at most one patch per pixel)");
    if (std::int64_t(rows) * cols > kMaxPatches)
        return makeError(Error::Code::OverBudget, std::to_string(rows) + " × " + std::to_string(cols) +
                                                      " patches is more than the limit of " +
                                                      std::to_string(kMaxPatches) + ": choose larger patches");
    return PatchGrid{image.width(), image.height(), rows, cols};
}

QRect PatchGrid::cell(int r, int c) const
{
    assert(r >= 0 && r < rows && c >= 0 && c < cols);
    const auto x0 = int(std::int64_t(c) * width / cols), x1 = int(std::int64_t(c + 1) * width / cols);
    const auto y0 = int(std::int64_t(r) * height / rows), y1 = int(std::int64_t(r + 1) * height / rows);
    return QRect(x0, y0, x1 - x0, y1 - y0);
}

namespace {

double luma(QRgb p) { return (0.2126 * qRed(p) + 0.7152 * qGreen(p) + 0.0722 * qBlue(p)) / 255.0; }

/// Sums over one patch, turned into the content features (columns kFeatMeanR … kFeatLumaRange).
struct PatchStats {
    double n = 0, r = 0, g = 0, b = 0, r2 = 0, g2 = 0, b2 = 0, y = 0, y2 = 0, chroma = 0;
    double yMin = 1, yMax = 0, gx = 0, gxCount = 0, gy = 0, gyCount = 0;

    void add(QRgb p, double yHere)
    {
        const double pr = qRed(p) / 255.0, pg = qGreen(p) / 255.0, pb = qBlue(p) / 255.0;
        n += 1;
        r += pr, g += pg, b += pb;
        r2 += pr * pr, g2 += pg * pg, b2 += pb * pb;
        y += yHere, y2 += yHere * yHere;
        chroma += std::max({pr, pg, pb}) - std::min({pr, pg, pb});
        yMin = std::min(yMin, yHere);
        yMax = std::max(yMax, yHere);
    }

    static double spread(double sum, double sumSq, double count)
    {
        const double mean = sum / count;
        return std::sqrt(std::max(0.0, sumSq / count - mean * mean));
    }

    void write(float *out) const
    {
        out[kFeatMeanR] = float(r / n);
        out[kFeatMeanG] = float(g / n);
        out[kFeatMeanB] = float(b / n);
        out[kFeatMeanLuma] = float(y / n);
        out[kFeatLumaStd] = float(spread(y, y2, n));
        const double varR = std::pow(spread(r, r2, n), 2), varG = std::pow(spread(g, g2, n), 2);
        out[kFeatColourSpread] = float(std::sqrt((varR + varG + std::pow(spread(b, b2, n), 2)) / 3));
        out[kFeatChroma] = float(chroma / n);
        const double mx = gxCount > 0 ? gx / gxCount : 0.0, my = gyCount > 0 ? gy / gyCount : 0.0;
        out[kFeatEdgeEnergy] = float((mx + my) / 2);
        out[kFeatEdgeBalance] = mx + my > 1e-12 ? float((mx - my) / (mx + my)) : 0.0f;
        out[kFeatLumaRange] = float(yMax - yMin);
    }
};

} // namespace

Mat<float> patchFeatures(const QImage &image, const PatchGrid &grid)
{
    assert(image.width() == grid.width && image.height() == grid.height);
    const bool direct = image.format() == QImage::Format_RGB32 || image.format() == QImage::Format_ARGB32;
    const QImage rgb = direct ? image : image.convertToFormat(QImage::Format_ARGB32);
    Mat<float> features(grid.count(), kPatchFeatureDim);
    for (int r = 0; r < grid.rows; ++r) {
        for (int c = 0; c < grid.cols; ++c) {
            const QRect cell = grid.cell(r, c);
            PatchStats s;
            for (int yy = cell.top(); yy <= cell.bottom(); ++yy) {
                const auto *line = reinterpret_cast<const QRgb *>(rgb.constScanLine(yy));
                const auto *below = yy < cell.bottom() ? reinterpret_cast<const QRgb *>(rgb.constScanLine(yy + 1)) : nullptr;
                for (int xx = cell.left(); xx <= cell.right(); ++xx) {
                    const double here = luma(line[xx]);
                    s.add(line[xx], here);
                    if (xx < cell.right()) {
                        s.gx += std::abs(luma(line[xx + 1]) - here);
                        s.gxCount += 1;
                    }
                    if (below) {
                        s.gy += std::abs(luma(below[xx]) - here);
                        s.gyCount += 1;
                    }
                }
            }
            float *row = features.row(std::int64_t(r) * grid.cols + c).data();
            s.write(row);
            // Position of the patch centre; the sin/cos pairs make nearby patches similar under
            // a dot product, as positional encodings do for tokens.
            const double x = (2.0 * cell.left() + cell.width()) / (2.0 * grid.width);
            const double y = (2.0 * cell.top() + cell.height()) / (2.0 * grid.height);
            row[kFeatX] = float(x);
            row[kFeatY] = float(y);
            row[kFeatSinX] = float(std::sin(2 * std::numbers::pi * x));
            row[kFeatCosX] = float(std::cos(2 * std::numbers::pi * x));
            row[kFeatSinY] = float(std::sin(2 * std::numbers::pi * y));
            row[kFeatCosY] = float(std::cos(2 * std::numbers::pi * y));
        }
    }
    return features;
}

std::vector<std::string> patchLabels(const PatchGrid &grid)
{
    std::vector<std::string> labels;
    labels.reserve(std::size_t(grid.count()));
    for (int r = 0; r < grid.rows; ++r)
        for (int c = 0; c < grid.cols; ++c)
            labels.push_back(std::string("r").append(std::to_string(r)).append("c").append(std::to_string(c)));
    return labels;
}

} // namespace attnscope
