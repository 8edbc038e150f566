// libFuzzer target: image loading from memory (Qt's image plugins behind our size limits and
// structural checks), then patch features of what loaded, and a ViT's preprocessing of it (PIL's
// resampling, centre crop) with a filter and sizes taken from the input's last bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <QByteArray>
#include <QGuiApplication>

#include "hf_image_processor.h"
#include "image_patches.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // Image plugins (and SVG's fonts) want an application object; no display needed.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "fuzz_image";
    static char *argv[] = {name, nullptr};
    static QGuiApplication app(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    constexpr std::int64_t kMaxPixels = std::int64_t(4) << 20; // 4 Mpixel: keeps each run fast
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto image = attnscope::loadImageData(bytes, "fuzz.img", kMaxPixels);
    if (!image)
        return 0;
    const QSize dims = image->size();
    const auto grid =
        attnscope::PatchGrid::fromRowsCols(dims, std::min(4, dims.height()), std::min(4, dims.width()));
    if (grid)
        (void)attnscope::patchFeatures(*image, *grid);
    attnscope::HfImageProcessor p;
    const std::uint8_t last = size > 0 ? data[size - 1] : 0;
    p.resample = attnscope::PilResample(last % 6);
    p.resizeHeight = p.resizeWidth = 1 + (last >> 3); // 1 … 32
    p.doCenterCrop = (last & 4) != 0;
    p.cropHeight = p.cropWidth = 1 + (last >> 4);
    (void)attnscope::preprocessImage(*image, p, p.doCenterCrop ? p.cropHeight : p.resizeHeight);
    return 0;
}
