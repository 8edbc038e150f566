#include "hf_image_processor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include "memory_budget.h"

#include <cmath>
#include <cstring>

namespace attnscope {
namespace {

constexpr qint64 kMaxConfigBytes = qint64(1) << 20;
constexpr int kMaxSide = 8192;

Error configError(const std::string &file, const std::string &what)
{
    return makeError(Error::Code::BadFormat, file + ": " + what);
}

/// ViTImageProcessor's defaults, or DeiTImageProcessor's when `type` names DeiT.
HfImageProcessor classDefaults(const QString &type)
{
    HfImageProcessor p;
    p.resizeHeight = p.resizeWidth = 224;
    if (type.startsWith(QLatin1String("DeiT"))) {
        p.resizeHeight = p.resizeWidth = 256;
        p.resample = PilResample::Bicubic;
        p.doCenterCrop = true;
        p.cropHeight = p.cropWidth = 224; // mean and std stay 0.5 (IMAGENET_STANDARD_*), as ViT's
    }
    return p;
}

Status readBool(const QJsonObject &o, const char *key, bool &out, const std::string &file)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return okStatus();
    if (!v.isBool())
        return configError(file, std::string("\"") + key + "\" must be true or false");
    out = v.toBool();
    return okStatus();
}

bool sideOk(double v) { return std::isfinite(v) && v == std::floor(v) && v >= 1 && v <= kMaxSide; }

/// `size` / `crop_size`: {"height","width"}, {"shortest_edge"}, an int or [height, width].
Status readSize(const QJsonObject &o, const char *key, int &height, int &width, int *shortestEdge,
                const std::string &file)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return okStatus();
    const std::string bad = std::string("\"") + key + "\" must be {\"height\": H, \"width\": W}" +
                            (shortestEdge ? ", {\"shortest_edge\": N}" : "") + ", an integer or [H, W], each 1 to " +
                            std::to_string(kMaxSide);
    double h = 0, w = 0;
    if (v.isDouble()) {
        h = w = v.toDouble();
    } else if (v.isArray() && v.toArray().size() == 2) {
        h = v.toArray().at(0).toDouble(-1);
        w = v.toArray().at(1).toDouble(-1);
    } else if (v.isObject() && v.toObject().contains(QLatin1String("height"))) {
        h = v.toObject().value(QLatin1String("height")).toDouble(-1);
        w = v.toObject().value(QLatin1String("width")).toDouble(-1);
    } else if (shortestEdge && v.isObject() && v.toObject().contains(QLatin1String("shortest_edge"))) {
        const double s = v.toObject().value(QLatin1String("shortest_edge")).toDouble(-1);
        if (!sideOk(s))
            return configError(file, bad);
        *shortestEdge = int(s);
        return okStatus();
    } else {
        return configError(file, bad);
    }
    if (!sideOk(h) || !sideOk(w))
        return configError(file, bad);
    height = int(h);
    width = int(w);
    if (shortestEdge)
        *shortestEdge = 0;
    return okStatus();
}

/// image_mean / image_std: three numbers, or one for all channels.
Status readTriple(const QJsonObject &o, const char *key, std::array<float, 3> &out, bool nonzero,
                  const std::string &file)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return okStatus();
    QJsonArray a = v.isArray() ? v.toArray() : QJsonArray{v};
    if (a.size() == 1)
        a = QJsonArray{a.at(0), a.at(0), a.at(0)};
    const std::string bad = std::string("\"") + key + "\" must be three" + (nonzero ? " nonzero" : "") +
                            " numbers (R, G, B) or one";
    if (a.size() != 3)
        return configError(file, bad);
    for (int c = 0; c < 3; ++c) {
        const double d = a.at(c).toDouble(std::nan(""));
        if (!a.at(c).isDouble() || !std::isfinite(d) || (nonzero && float(d) == 0.0f))
            return configError(file, bad);
        out[std::size_t(c)] = float(d);
    }
    return okStatus();
}

Status readResample(const QJsonObject &o, HfImageProcessor &p, const std::string &file)
{
    const QJsonValue v = o.value(QLatin1String("resample"));
    if (v.isUndefined() || v.isNull())
        return okStatus();
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d != std::floor(d) || d < 0 || d > 5)
        return configError(file, "\"resample\" must be one of PIL's filter codes 0 (nearest), 1 (lanczos), "
                                 "2 (bilinear), 3 (bicubic), 4 (box), 5 (hamming)");
    p.resample = PilResample(int(d));
    return okStatus();
}

Status readProcessor(const QJsonObject &o, HfImageProcessor &p, const std::string &file)
{
    for (Status s : {readBool(o, "do_resize", p.doResize, file), readBool(o, "do_center_crop", p.doCenterCrop, file),
                     readBool(o, "do_rescale", p.doRescale, file), readBool(o, "do_normalize", p.doNormalize, file),
                     readSize(o, "size", p.resizeHeight, p.resizeWidth, &p.shortestEdge, file),
                     readSize(o, "crop_size", p.cropHeight, p.cropWidth, nullptr, file), readResample(o, p, file),
                     readTriple(o, "image_mean", p.imageMean, false, file),
                     readTriple(o, "image_std", p.imageStd, true, file)}) {
        if (!s)
            return s.error();
    }
    const QJsonValue f = o.value(QLatin1String("rescale_factor"));
    if (!f.isUndefined() && !f.isNull()) {
        if (!f.isDouble() || !std::isfinite(f.toDouble()))
            return configError(file, "\"rescale_factor\" must be a number");
        p.rescaleFactor = f.toDouble();
    }
    return okStatus();
}

} // namespace

const char *pilResampleName(PilResample r)
{
    static const char *names[] = {"nearest", "lanczos", "bilinear", "bicubic", "box", "hamming"};
    return names[int(r)];
}

Result<HfImageProcessor> loadImageProcessor(const std::string &dir)
{
    const QString path = QDir(QString::fromStdString(dir)).filePath(QStringLiteral("preprocessor_config.json"));
    const std::string file = path.toStdString();
    QFile f(path);
    if (!f.exists())
        return HfImageProcessor{};
    if (!f.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, file + ": cannot read it (" + f.errorString().toStdString() + ")");
    if (f.size() > kMaxConfigBytes)
        return configError(file, "larger than 1 MiB (" + std::to_string(f.size()) + " bytes); not an image processor");
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(kMaxConfigBytes), &err);
    if (err.error != QJsonParseError::NoError)
        return configError(file, "not valid JSON (" + err.errorString().toStdString() + " at offset " +
                                     std::to_string(err.offset) + ")");
    if (!doc.isObject())
        return configError(file, "not a JSON object");
    const QJsonObject o = doc.object();
    QString type = o.value(QLatin1String("image_processor_type")).toString();
    if (type.isEmpty())
        type = o.value(QLatin1String("feature_extractor_type")).toString();
    HfImageProcessor p = classDefaults(type);
    p.source = file;
    if (Status s = readProcessor(o, p, file); !s)
        return s.error();
    return p;
}

RgbImage toRgbImage(const QImage &image)
{
    // ARGB32 is unpremultiplied, so the colour channels are the file's; alpha is then dropped.
    // (Read as QRgb here: Qt's own conversion to RGB888 takes ten times as long.)
    const QImage::Format f = image.format();
    const QImage src = f == QImage::Format_RGB32 || f == QImage::Format_ARGB32
                           ? image
                           : image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    const std::size_t w = std::size_t(src.width());
    RgbImage out{src.width(), src.height(), std::vector<std::uint8_t>(w * std::size_t(src.height()) * 3)};
    for (int y = 0; y < src.height(); ++y) {
        const QRgb *line = reinterpret_cast<const QRgb *>(src.constScanLine(y));
        std::uint8_t *dst = &out.pixels[std::size_t(y) * w * 3];
        for (std::size_t x = 0; x < w; ++x, dst += 3) {
            dst[0] = std::uint8_t(qRed(line[x]));
            dst[1] = std::uint8_t(qGreen(line[x]));
            dst[2] = std::uint8_t(qBlue(line[x]));
        }
    }
    return out;
}

RgbImage centerCropLikeHf(const RgbImage &in, int width, int height)
{
    auto floorDiv = [](int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
    // The crop's top-left in the input; padding (where it lies outside) is zero.
    const int top = floorDiv(in.height - height, 2), left = floorDiv(in.width - width, 2);
    // transformers pads by ceil((new − orig) / 2) and shifts the crop by it: the same window.
    const int padTop = height > in.height ? (height - in.height + 1) / 2 : 0;
    const int padLeft = width > in.width ? (width - in.width + 1) / 2 : 0;
    const int newH = std::max(height, in.height), newW = std::max(width, in.width);
    const int y0 = std::max(0, top + padTop), x0 = std::max(0, left + padLeft);
    const int y1 = std::min(newH, top + padTop + height), x1 = std::min(newW, left + padLeft + width);
    RgbImage out{x1 - x0, y1 - y0, {}};
    out.pixels.assign(std::size_t(out.width) * std::size_t(out.height) * 3, 0);
    for (int y = y0; y < y1; ++y) {
        const int sy = y - padTop;
        if (sy < 0 || sy >= in.height)
            continue;
        for (int x = x0; x < x1; ++x) {
            const int sx = x - padLeft;
            if (sx < 0 || sx >= in.width)
                continue;
            std::memcpy(&out.pixels[(std::size_t(y - y0) * std::size_t(out.width) + std::size_t(x - x0)) * 3],
                        &in.pixels[(std::size_t(sy) * std::size_t(in.width) + std::size_t(sx)) * 3], 3);
        }
    }
    return out;
}

namespace {

/// transformers' get_resize_output_image_size(default_to_square=False): (height, width).
std::pair<int, int> shortestEdgeSize(int height, int width, int edge)
{
    const int shortSide = std::min(width, height), longSide = std::max(width, height);
    const int newLong = int(std::int64_t(edge) * longSide / shortSide);
    return width <= height ? std::pair{newLong, edge} : std::pair{edge, newLong};
}

std::string sizeText(int w, int h) { return std::to_string(w) + " × " + std::to_string(h); }

} // namespace

namespace {

/// The image after resize and centre crop, as transformers has it before rescaling.
RgbImage resizedAndCropped(const QImage &image, const HfImageProcessor &p, int imageSize)
{
    RgbImage rgb = toRgbImage(image);
    if (p.doResize) {
        auto [h, w] = p.shortestEdge > 0 ? shortestEdgeSize(rgb.height, rgb.width, p.shortestEdge)
                                         : std::pair{p.resizeHeight, p.resizeWidth};
        if (h <= 0 || w <= 0)
            h = w = imageSize;
        rgb = resizeLikePil(rgb, w, h, p.resample);
    }
    if (p.doCenterCrop) {
        const int ch = p.cropHeight > 0 ? p.cropHeight : imageSize, cw = p.cropWidth > 0 ? p.cropWidth : imageSize;
        rgb = centerCropLikeHf(rgb, cw, ch);
    }
    return rgb;
}

/// float32 [3, H, W]: x·rescaleFactor in float64 stored as float32, then (x − mean) / std in
/// float32, as transformers' numpy computes them.
Tensor pixelValues(const RgbImage &rgb, const HfImageProcessor &p)
{
    const std::size_t plane = std::size_t(rgb.width) * std::size_t(rgb.height);
    Tensor t;
    t.dtype = DType::F32;
    t.shape = {3, rgb.height, rgb.width};
    t.bytes.resize(plane * 3 * sizeof(float));
    auto *values = reinterpret_cast<float *>(t.bytes.data());
    for (std::size_t i = 0; i < plane; ++i) {
        for (std::size_t c = 0; c < 3; ++c) {
            const std::uint8_t u = rgb.pixels[i * 3 + c];
            float v = p.doRescale ? float(double(u) * p.rescaleFactor) : float(u);
            if (p.doNormalize)
                v = (v - p.imageMean[c]) / p.imageStd[c];
            values[c * plane + i] = v;
        }
    }
    return t;
}

} // namespace

Result<Tensor> preprocessImage(const QImage &image, const HfImageProcessor &p, int imageSize)
{
    if (image.isNull() || image.width() < 1 || image.height() < 1)
        return makeError(Error::Code::BadArgument, "the image is empty");
    if (imageSize < 1 || imageSize > kMaxSide)
        return makeError(Error::Code::BadArgument, "image_size " + std::to_string(imageSize) + " is out of range");
    // The RGB copy, and at most as much again for the passes of the resize.
    const std::uint64_t pixels = std::uint64_t(image.width()) * std::uint64_t(image.height());
    if (Status s = reserveMemory(satMul(pixels, 6), "preprocessing the " + sizeText(image.width(), image.height()) + " image"); !s)
        return s.error();
    const RgbImage rgb = resizedAndCropped(image, p, imageSize);
    if (rgb.width != imageSize || rgb.height != imageSize)
        return makeError(Error::Code::BadShape,
                         "the preprocessed image is " + sizeText(rgb.width, rgb.height) + " pixels, but the model reads " +
                             sizeText(imageSize, imageSize) + " (image_size " + std::to_string(imageSize) +
                             "); check size and crop_size in " + (p.source.empty() ? "preprocessor_config.json" : p.source));
    return pixelValues(rgb, p);
}

} // namespace attnscope
