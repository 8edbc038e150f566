// Images as patches: grid geometry (every pixel in exactly one cell, boundaries at floor), the
// feature definitions on images whose answer is known, and loadImage refusing what it must:
// truncated PNG, JPEG and BMP files (which Qt decodes as partly grey without an error), corrupt
// chunks, headers claiming huge dimensions (refused before allocating), and non-images — every
// message naming the file.

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <numbers>
#include <vector>

#include "image_patches.h"
#include "memory_budget.h"

using namespace attnscope;

namespace {

std::uint32_t crc32(const QByteArray &b)
{
    std::uint32_t c = 0xFFFFFFFFu;
    for (const char ch : b) {
        c ^= std::uint8_t(ch);
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

QByteArray be32(std::uint32_t v)
{
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    return QByteArray(b, 4);
}
QByteArray le32(std::uint32_t v)
{
    const char b[4] = {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
    return QByteArray(b, 4);
}
QByteArray le16(std::uint16_t v)
{
    const char b[2] = {char(v), char(v >> 8)};
    return QByteArray(b, 2);
}

QByteArray pngChunk(const char *type, const QByteArray &data)
{
    const QByteArray body = QByteArray(type, 4) + data;
    return be32(std::uint32_t(data.size())) + body + be32(crc32(body));
}

const QByteArray kPngSignature("\x89PNG\r\n\x1A\n", 8);

/// A PNG made of a signature, an IHDR claiming width × height RGBA, optionally a tiny IDAT
/// (libpng reports the size only once it reached one), and IEND: almost no pixel data.
QByteArray pngHeaderOnly(std::uint32_t width, std::uint32_t height, bool withIdat)
{
    const QByteArray ihdr = be32(width) + be32(height) + QByteArray("\x08\x06\x00\x00\x00", 5);
    const QByteArray idat = withIdat ? pngChunk("IDAT", qCompress(QByteArray(16, '\0')).mid(4)) : QByteArray();
    return kPngSignature + pngChunk("IHDR", ihdr) + idat + pngChunk("IEND", {});
}

QByteArray encode(const QImage &img, const char *format, int quality = -1)
{
    QByteArray bytes;
    QBuffer buf(&bytes);
    buf.open(QIODevice::WriteOnly);
    if (!img.save(&buf, format, quality))
        qFatal("cannot encode %s", format);
    return bytes;
}

QImage gradientImage(int w, int h)
{
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixel(x, y, qRgb(x * 255 / w, y * 255 / h, (x * y) & 255));
    return img;
}

std::int64_t peakRssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

} // namespace

class TstImage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    /// Loads `path` expecting failure; returns the message after checking it names the file.
    QString expectRefused(const QString &path, std::int64_t maxPixels = kDefaultMaxImagePixels)
    {
        const auto r = loadImage(path.toStdString(), maxPixels);
        if (r.ok()) {
            QTest::qFail(qPrintable("loaded " + path + " although it should be refused"), __FILE__, __LINE__);
            return {};
        }
        const QString msg = QString::fromStdString(r.error().message);
        if (!msg.startsWith(path + ": "))
            QTest::qFail(qPrintable("message does not name the file: " + msg), __FILE__, __LINE__);
        return msg;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void gridGeometry_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::newRow("1x1 one cell") << 1 << 1 << 1 << 1;
        QTest::newRow("10x7 in 3x4") << 10 << 7 << 3 << 4;
        QTest::newRow("uneven 17x13 in 13x17") << 17 << 13 << 13 << 17;
        QTest::newRow("one pixel per cell") << 9 << 5 << 5 << 9;
        QTest::newRow("strip 100x1 in 1x7") << 100 << 1 << 1 << 7;
        QTest::newRow("224x224 in 14x14") << 224 << 224 << 14 << 14;
        QTest::newRow("1000x333 in 7x11") << 1000 << 333 << 7 << 11;
    }

    void gridGeometry()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, rows);
        QFETCH(int, cols);
        const auto grid = PatchGrid::fromRowsCols(QSize(width, height), rows, cols);
        QVERIFY2(grid.ok(), grid.ok() ? "" : grid.error().message.c_str());
        QCOMPARE(grid->count(), rows * cols);
        std::vector<int> owner(std::size_t(width) * height, 0);
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < cols; ++c) {
                const QRect cell = grid->cell(r, c);
                QVERIFY(!cell.isEmpty());
                QCOMPARE(cell.left(), int(std::floor(double(c) * width / cols)));
                QCOMPARE(cell.top(), int(std::floor(double(r) * height / rows)));
                QCOMPARE(cell.right() + 1, int(std::floor(double(c + 1) * width / cols)));
                QCOMPARE(cell.bottom() + 1, int(std::floor(double(r + 1) * height / rows)));
                QVERIFY(std::abs(cell.width() - width / cols) <= 1);
                for (int y = cell.top(); y <= cell.bottom(); ++y)
                    for (int x = cell.left(); x <= cell.right(); ++x)
                        ++owner[std::size_t(y) * width + x];
            }
        }
        for (const int n : owner)
            QCOMPARE(n, 1); // every pixel in exactly one cell
    }

    void gridFromPatchSize()
    {
        auto g = PatchGrid::fromPatchSize(QSize(10, 7), 4);
        QVERIFY(g.ok());
        QCOMPARE(g->rows, 2);
        QCOMPARE(g->cols, 3);
        QCOMPARE(g->cell(0, 0).width(), 3);
        QCOMPARE(g->cell(0, 1).width(), 3);
        QCOMPARE(g->cell(0, 2).width(), 4);
        QCOMPARE(g->cell(1, 2), QRect(6, 3, 4, 4));

        g = PatchGrid::fromPatchSize(QSize(224, 224), 16);
        QVERIFY(g.ok());
        QCOMPARE(g->rows, 14);
        QCOMPARE(g->cell(13, 13), QRect(208, 208, 16, 16));

        g = PatchGrid::fromPatchSize(QSize(5, 3), 100); // larger than the image: one patch
        QVERIFY(g.ok());
        QCOMPARE(g->count(), 1);
        QCOMPARE(g->cell(0, 0), QRect(0, 0, 5, 3));
    }

    void gridErrors()
    {
        QVERIFY(!PatchGrid::fromPatchSize(QSize(10, 10), 0).ok());
        QVERIFY(!PatchGrid::fromPatchSize(QSize(0, 10), 2).ok());
        QVERIFY(!PatchGrid::fromRowsCols(QSize(10, 10), 0, 3).ok());
        const auto tooMany = PatchGrid::fromRowsCols(QSize(10, 4), 5, 2);
        QVERIFY(!tooMany.ok());
        QVERIFY2(tooMany.error().message.find("10 × 4") != std::string::npos, tooMany.error().message.c_str());
        const auto overLimit = PatchGrid::fromPatchSize(QSize(1000, 1000), 1);
        QVERIFY(!overLimit.ok());
        QCOMPARE(overLimit.error().code, Error::Code::OverBudget);
        QVERIFY(overLimit.error().message.find("65536") != std::string::npos);
    }

    void labels()
    {
        const auto g = PatchGrid::fromRowsCols(QSize(4, 4), 2, 2);
        QVERIFY(g.ok());
        QCOMPARE(patchLabels(*g), (std::vector<std::string>{"r0c0", "r0c1", "r1c0", "r1c1"}));
    }

    void solidColour()
    {
        QImage img(37, 23, QImage::Format_RGB32);
        img.fill(qRgb(200, 100, 50));
        const auto g = PatchGrid::fromRowsCols(img.size(), 3, 4);
        QVERIFY(g.ok());
        const Mat<float> f = patchFeatures(img, *g);
        QCOMPARE(f.rows(), 12);
        QCOMPARE(f.cols(), kPatchFeatureDim);
        const double luma = (0.2126 * 200 + 0.7152 * 100 + 0.0722 * 50) / 255;
        for (int i = 0; i < f.rows(); ++i) {
            QVERIFY(std::abs(f(i, kFeatMeanR) - 200 / 255.0) < 1e-6);
            QVERIFY(std::abs(f(i, kFeatMeanG) - 100 / 255.0) < 1e-6);
            QVERIFY(std::abs(f(i, kFeatMeanB) - 50 / 255.0) < 1e-6);
            QVERIFY(std::abs(f(i, kFeatMeanLuma) - luma) < 1e-6);
            QVERIFY(std::abs(f(i, kFeatChroma) - 150 / 255.0) < 1e-6);
            for (const int k : {kFeatLumaStd, kFeatColourSpread, kFeatEdgeEnergy, kFeatEdgeBalance, kFeatLumaRange})
                QVERIFY2(std::abs(f(i, k)) < 1e-6, qPrintable(QString("feature %1 = %2").arg(k).arg(f(i, k))));
        }
    }

    void edgesOnlyAtTheBoundary()
    {
        // Black left half, white right half; the edge at x = 50 lies inside patch column 2
        // (pixels 40..59), so that column alone has texture, all of it horizontal change.
        QImage img(100, 40, QImage::Format_RGB32);
        img.fill(Qt::black);
        QPainter(&img).fillRect(50, 0, 50, 40, Qt::white);
        const auto g = PatchGrid::fromRowsCols(img.size(), 4, 5);
        QVERIFY(g.ok());
        const Mat<float> f = patchFeatures(img, *g);
        for (int r = 0; r < 4; ++r) {
            for (int c = 0; c < 5; ++c) {
                const auto row = f.row(r * 5 + c);
                if (c == 2) {
                    QVERIFY(std::abs(row(kFeatEdgeEnergy) - 1.0 / 19 / 2) < 1e-6); // one step in 19 pairs per row
                    QCOMPARE(row(kFeatEdgeBalance), 1.0f);
                    QVERIFY(std::abs(row(kFeatLumaStd) - 0.5) < 1e-6);
                    QVERIFY(std::abs(row(kFeatLumaRange) - 1.0) < 1e-6);
                } else {
                    QCOMPARE(row(kFeatEdgeEnergy), 0.0f);
                    QCOMPARE(row(kFeatLumaStd), 0.0f);
                    QCOMPARE(row(kFeatMeanLuma), c < 2 ? 0.0f : 1.0f);
                }
            }
        }
        // The same edge lying horizontally gives balance −1.
        const QImage turned = img.transformed(QTransform().rotate(90));
        const auto gt = PatchGrid::fromRowsCols(turned.size(), 5, 4);
        QVERIFY(gt.ok());
        const Mat<float> ft = patchFeatures(turned, *gt);
        QCOMPARE(ft(2 * 4 + 1, kFeatEdgeBalance), -1.0f);
        QCOMPARE(ft(0, kFeatEdgeEnergy), 0.0f);
    }

    void positionFeatures()
    {
        const QImage img = gradientImage(60, 45);
        const auto g = PatchGrid::fromPatchSize(img.size(), 15); // 3 rows × 4 columns
        QVERIFY(g.ok());
        const Mat<float> f = patchFeatures(img, *g);
        for (int r = 0; r < g->rows; ++r) {
            for (int c = 0; c < g->cols; ++c) {
                const auto row = f.row(r * g->cols + c);
                QVERIFY(std::abs(row(kFeatX) - (c + 0.5) / g->cols) < 1e-6);
                QVERIFY(std::abs(row(kFeatY) - (r + 0.5) / g->rows) < 1e-6);
                if (c > 0)
                    QVERIFY(row(kFeatX) > f(r * g->cols + c - 1, kFeatX)); // increases left to right
                if (r > 0)
                    QVERIFY(row(kFeatY) > f((r - 1) * g->cols + c, kFeatY));
                QVERIFY(std::abs(row(kFeatSinX) * row(kFeatSinX) + row(kFeatCosX) * row(kFeatCosX) - 1) < 1e-5);
                QVERIFY(std::abs(row(kFeatSinY) * row(kFeatSinY) + row(kFeatCosY) * row(kFeatCosY) - 1) < 1e-5);
                QVERIFY(std::abs(row(kFeatSinX) - std::sin(2 * std::numbers::pi * row(kFeatX))) < 1e-5);
            }
        }
    }

    void featureRangesAndDeterminism()
    {
        QImage img(64, 48, QImage::Format_RGB32);
        QRandomGenerator rng(7);
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                img.setPixel(x, y, rng.generate() | 0xFF000000u);
        const auto g = PatchGrid::fromPatchSize(img.size(), 8);
        QVERIFY(g.ok());
        const Mat<float> f = patchFeatures(img, *g);
        QVERIFY(f.allFinite());
        const float lo[kPatchFeatureDim] = {0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, -1, -1, -1, -1};
        const float hi[kPatchFeatureDim] = {1, 1, 1, 1, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        for (int i = 0; i < f.rows(); ++i)
            for (int k = 0; k < kPatchFeatureDim; ++k)
                QVERIFY2(f(i, k) >= lo[k] && f(i, k) <= hi[k], qPrintable(QString("patch %1 feature %2 = %3").arg(i).arg(k).arg(f(i, k))));
        QVERIFY(f(0, kFeatEdgeEnergy) > 0.1); // noise is texture
        QCOMPARE(patchFeatures(img, *g), f);
        // Another pixel format of the same pixels gives the same features.
        QCOMPARE(patchFeatures(img.convertToFormat(QImage::Format_RGB888), *g), f);
    }

    void loadRoundTrip_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<bool>("lossless");
        QTest::newRow("png") << "png" << true;
        QTest::newRow("bmp") << "bmp" << true;
        QTest::newRow("ppm") << "ppm" << true;
        QTest::newRow("jpeg") << "jpg" << false;
    }

    void loadRoundTrip()
    {
        QFETCH(QString, format);
        QFETCH(bool, lossless);
        const QImage img = gradientImage(40, 30);
        // A misleading suffix: the format is decided by content.
        const QString path = writeFile("image-" + format + ".dat", encode(img, qPrintable(format)));
        const auto r = loadImage(path.toStdString());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->size(), img.size());
        QCOMPARE(r->format(), QImage::Format_RGB32);
        if (lossless)
            QCOMPARE(*r, img);
    }

    void loadProgressiveJpeg()
    {
        // Several scans, each SOS followed by entropy-coded data: the structure walk follows them.
        QByteArray bytes;
        QBuffer buf(&bytes);
        buf.open(QIODevice::WriteOnly);
        QImageWriter writer(&buf, "jpeg");
        writer.setProgressiveScanWrite(true);
        QVERIFY(writer.write(gradientImage(120, 90)));
        QVERIFY(bytes.count("\xFF\xDA") > 1);
        const QString path = writeFile("progressive.jpg", bytes);
        const auto r = loadImage(path.toStdString());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->size(), QSize(120, 90));
        // Cut inside a later scan: still truncated.
        const QString cut = writeFile("progressive-cut.jpg", bytes.left(bytes.lastIndexOf("\xFF\xDA") + 20));
        QVERIFY(expectRefused(cut).contains("truncated"));
    }

    void trailingBytesAccepted()
    {
        // Bytes after IEND or EOI are ignored by the decoders, and by us.
        for (const char *format : {"png", "jpg"}) {
            const QString path = writeFile(QString("trailing.") + format,
                                           encode(gradientImage(20, 10), format) + QByteArray(100, 'x'));
            const auto r = loadImage(path.toStdString());
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        }
    }

    void loadKeepsAlpha()
    {
        QImage img(8, 8, QImage::Format_ARGB32);
        img.fill(qRgba(10, 20, 30, 128));
        const QString path = writeFile("alpha.png", encode(img, "png"));
        const auto r = loadImage(path.toStdString());
        QVERIFY(r.ok());
        QCOMPARE(r->format(), QImage::Format_ARGB32);
        QCOMPARE(r->pixel(3, 3), qRgba(10, 20, 30, 128));
    }

    void truncated_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("keepPercent"); // of the file; 0 means "all but cutBytes"
        QTest::addColumn<int>("cutBytes");
        for (const char *fmt : {"png", "jpg", "bmp"}) {
            QTest::addRow("%s cut to 50%%", fmt) << fmt << 50 << 0;
            QTest::addRow("%s cut to 90%%", fmt) << fmt << 90 << 0;
            QTest::addRow("%s without its last byte", fmt) << fmt << 0 << 1;
        }
        QTest::newRow("png inside the IEND crc") << "png" << 0 << 4;
        QTest::newRow("png without IEND") << "png" << 0 << 12;
        QTest::newRow("jpg without the end-of-image marker") << "jpg" << 0 << 2;
        QTest::newRow("png signature only") << "png" << 0 << -8; // keep just 8 bytes
        QTest::newRow("jpg SOI only") << "jpg" << 0 << -2;
    }

    void truncated()
    {
        QFETCH(QString, format);
        QFETCH(int, keepPercent);
        QFETCH(int, cutBytes);
        const QByteArray whole = encode(gradientImage(64, 48), qPrintable(format), 90);
        const qsizetype keep = keepPercent > 0 ? whole.size() * keepPercent / 100
                               : cutBytes > 0  ? whole.size() - cutBytes
                                               : -cutBytes;
        const QString path = writeFile("cut." + format, whole.left(keep));
        const QString msg = expectRefused(path);
        QVERIFY2(msg.contains("truncated"), qPrintable(msg));
    }

    void corrupt()
    {
        const QByteArray png = encode(gradientImage(64, 48), "png");
        const qsizetype idat = png.indexOf("IDAT");
        QVERIFY(idat > 0);

        // A flipped byte in the image data: the chunk CRC no longer matches.
        QByteArray flipped = png;
        flipped[idat + 20] = char(flipped[idat + 20] ^ 0x55);
        QString msg = expectRefused(writeFile("flipped.png", flipped));
        QVERIFY2(msg.contains("corrupt") && msg.contains("'IDAT'") && msg.contains("CRC"), qPrintable(msg));

        // Garbage compressed data with a correct CRC: the decoder fails, and we say so.
        const std::uint32_t idatLength = std::uint32_t(QByteArray(png.mid(idat - 4, 4)).toHex().toUInt(nullptr, 16));
        QByteArray garbage(qsizetype(idatLength), '\x5A');
        QByteArray rebuilt = png.left(idat - 4) + pngChunk("IDAT", garbage) + png.mid(idat + 4 + idatLength + 4);
        msg = expectRefused(writeFile("garbage-idat.png", rebuilt));
        QVERIFY2(msg.contains("cannot decode the PNG image"), qPrintable(msg));

        // Random bytes after a valid signature.
        QByteArray noise = kPngSignature;
        QRandomGenerator rng(3);
        for (int i = 0; i < 500; ++i)
            noise.append(char(rng.bounded(256)));
        expectRefused(writeFile("noise.png", noise));

        // A JPEG whose header segments are overwritten.
        QByteArray jpg = encode(gradientImage(64, 48), "jpg");
        for (int i = 2; i < 200; ++i)
            jpg[i] = char(0xFF - i);
        expectRefused(writeFile("scrambled.jpg", jpg));
    }

    void hugeDimensions_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("dims");
        QTest::newRow("png 100000x100000") << pngHeaderOnly(100000, 100000, true) << "100000 × 100000";
        QTest::newRow("png 100000x100000 without IDAT") << pngHeaderOnly(100000, 100000, false) << "100000 × 100000";
        QTest::newRow("png 70000x1000") << pngHeaderOnly(70000, 1000, true) << "70000 × 1000";
        QTest::newRow("png 2^31-1 square") << pngHeaderOnly(0x7FFFFFFF, 0x7FFFFFFF, true) << "2147483647 × 2147483647";
        // The product overflows a signed 64-bit integer (found by fuzzing: the cap was bypassed).
        QTest::newRow("png 2^32-1 square") << pngHeaderOnly(0xFFFFFFFF, 0xFFFFFFFF, true) << "4294967295 × 4294967295";
        // BITMAPINFOHEADER claiming 100000 × 100000 × 24 bit, no pixel data.
        const QByteArray bmp = "BM" + le32(54) + le32(0) + le32(54) + le32(40) + le32(100000) + le32(100000) +
                               le16(1) + le16(24) + le32(0) + le32(0) + le32(2835) + le32(2835) + le32(0) + le32(0);
        QTest::newRow("bmp 100000x100000") << bmp << "100000 × 100000";
        // A real JPEG whose SOF0 frame header is patched to claim 65000 × 65000.
        QByteArray jpg = encode(gradientImage(16, 16), "jpg");
        const qsizetype sof = jpg.indexOf("\xFF\xC0");
        for (int i = 0; i < 4; ++i) // height, then width, big-endian 0xFDE8 = 65000
            jpg[sof + 5 + i] = char(i % 2 == 0 ? 0xFD : 0xE8);
        QTest::newRow("jpeg 65000x65000") << jpg << "65000 × 65000";
    }

    void hugeDimensions()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, dims);
        const QString path = writeFile("huge.img", bytes);
        const std::int64_t rssBefore = peakRssKiB();
        QElapsedTimer timer;
        timer.start();
        // Qt's own limit raised as far as it goes: our cap still holds.
        qputenv("QT_IMAGEIO_MAXALLOC", "0");
        const QString msg = expectRefused(path);
        qunsetenv("QT_IMAGEIO_MAXALLOC");
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed()) + " ms"));
        QVERIFY2(msg.contains(dims), qPrintable(msg));
        QVERIFY2(msg.contains("more than the limit"), qPrintable(msg));
        if (rssBefore > 0)
            QVERIFY2(peakRssKiB() - rssBefore < 64 * 1024, "the refused image was allocated");
    }

    void ownPixelCap()
    {
        const QString path = writeFile("small.png", encode(gradientImage(300, 200), "png"));
        QString msg = expectRefused(path, 50000);
        QVERIFY2(msg.contains("300 × 200 = 60000 pixels, more than the limit of 50000 pixels"), qPrintable(msg));
        QVERIFY(loadImage(path.toStdString(), 60000).ok());
    }

    // The decoded pixels count against the process's memory budget: 1000 × 800 needs 6.1 MiB
    // (the image and its 32-bit copy), refused with 4 MiB left and decoded with 16 MiB left.
    void memoryBudget()
    {
        const QString path = writeFile("budget.png", encode(gradientImage(1000, 800), "png"));
        setMemoryBudget(heapInUse() + (std::uint64_t(4) << 20));
        const QString msg = expectRefused(path);
        QVERIFY2(msg.contains("decoding the 1000 × 800 image needs 6.1 MiB"), qPrintable(msg));
        QVERIFY2(msg.contains("memory budget"), qPrintable(msg));
        setMemoryBudget(heapInUse() + (std::uint64_t(16) << 20));
        QVERIFY(loadImage(path.toStdString()).ok());
        setMemoryBudget(0);
    }

    void notAnImage()
    {
        QString msg = expectRefused(writeFile("words.png", "hello world, not an image\n"));
        QVERIFY2(msg.contains("not an image"), qPrintable(msg));
        msg = expectRefused(writeFile("empty.png", QByteArray()));
        QVERIFY2(msg.contains("empty"), qPrintable(msg));
        msg = expectRefused(m_dir.filePath("missing.png"));
        QVERIFY2(msg.contains("file not found"), qPrintable(msg));
        msg = expectRefused(m_dir.path());
        QVERIFY2(msg.contains("directory"), qPrintable(msg));
    }
};

QTEST_GUILESS_MAIN(TstImage)
#include "tst_image.moc"
