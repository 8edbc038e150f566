// The streamed path of the command line (issue 16) against numpy (fixtures/gen_overview.py):
// `attention --column-sums-out/--entropy-out` without V or any stored matrix (tolerance
// 5e-6·max(1, |x|) against numpy's float64: the scores are float32; 1e-6 against the entropy
// of the stored path's own weights), grouped-query heads with a causal mask and padded keys;
// `render --q --k --bare` colour indices against numpy's pooled pixels and against the same
// weights drawn from a file with --weights (equal except next to a colour boundary, where they
// may differ by one); the same files for every --threads; refusals as one `error:` line, exit 2,
// leaving existing outputs untouched.

#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "cli_run.h"
#include "npy.h"
#include "tensor_compare.h"
#include "tensor_file.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::runCli;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/overview");

Tensor expected(const QString &name)
{
    auto t = readTensor((kDir + "/expected.npz:" + name).toStdString());
    if (!t)
        qFatal("%s", t.error().message.c_str());
    return t->tensor;
}

double worstRelative(const Tensor &got, const Tensor &want)
{
    if (got.shape != want.shape)
        return std::numeric_limits<double>::infinity();
    double d = 0;
    for (std::int64_t i = 0; i < got.numel(); ++i)
        d = std::max(d, std::abs(got.at(i) - want.at(i)) / std::max(1.0, std::abs(want.at(i))));
    return d;
}

/// How many pixels differ from the numpy positions t (colour index ⌊256·t⌋, clamped); a
/// difference of one next to a boundary (256·t within 1e-3 of a whole number) is allowed and
/// counted apart in `nearBoundary`.
int mismatches(const QImage &img, const Tensor &t, int &nearBoundary)
{
    nearBoundary = 0;
    int bad = 0;
    const int w = int(t.shape[1]);
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const double pos = 256.0 * t.at(std::int64_t(y) * w + x);
            const int want = std::clamp(int(std::floor(pos)), 0, 255);
            const int got = img.pixelIndex(x, y);
            if (got == want)
                continue;
            if (std::abs(got - want) == 1 && std::abs(pos - std::round(pos)) < 1e-3)
                ++nearBoundary;
            else
                ++bad;
        }
    return bad;
}

} // namespace

class TstCliOverview : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(kDir + "/expected.npz"), qPrintable(kDir + " is not written (gen_overview.py)"));
    }

    /// Against numpy in float64 within 5e-6·max(1, |x|): the scores themselves are float32 (about
    /// 1e-6 off at |s| ~ 10); against the entropy of the weights the stored path writes within 1e-6.
    void byProductsWithoutValues()
    {
        const auto r = runCli({"attention", "--q", kDir + "/q.npy", "--k", kDir + "/k.npy", "--column-sums-out", "cs.npy",
                               "--entropy-out", "ent.npy"},
                              m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("no V needed"), qPrintable(r.out));
        for (auto [file, name] : {std::pair{"cs.npy", "cs_plain"}, {"ent.npy", "ent_plain"}}) {
            auto got = readNpy(m_dir.filePath(file).toStdString());
            QVERIFY2(got, got ? "" : got.error().message.c_str());
            QCOMPARE(got->dtype, DType::F64);
            const double d = worstRelative(*got, expected(name));
            QVERIFY2(d < 5e-6, qPrintable(QString("%1: off by %2").arg(name).arg(d)));
        }
        QVERIFY(runCli({"attention", "--q", kDir + "/q.npy", "--k", kDir + "/k.npy", "--v", kDir + "/k.npy",
                        "--weights-out", "stored.npy"},
                       m_dir.path())
                    .exitCode == 0);
        auto stored = readNpy(m_dir.filePath("stored.npy").toStdString());
        auto ent = readNpy(m_dir.filePath("ent.npy").toStdString());
        QVERIFY(stored && ent);
        const Mat<double> w = stored->matrix<double>(0);
        for (Eigen::Index i = 0; i < w.rows(); ++i) {
            double h = 0;
            for (Eigen::Index j = 0; j < w.cols(); ++j)
                if (w(i, j) > 0)
                    h -= w(i, j) * std::log2(w(i, j));
            QVERIFY2(std::abs(ent->at(i) - h) <= 1e-6 * std::max(1.0, h),
                     qPrintable(QString("row %1: %2, from the stored weights %3").arg(i).arg(ent->at(i)).arg(h)));
        }
    }

    void groupedHeadsCausalPadded()
    {
        const auto r = runCli({"attention", "--q", kDir + "/q4.npy", "--k", kDir + "/k4.npy", "--mask", "causal",
                               "--key-padding", kDir + "/kp.npy", "--column-sums-out", "cs4.npy", "--entropy-out",
                               "ent4.npy"},
                              m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (auto [file, name] : {std::pair{"cs4.npy", "cs_gqa"}, {"ent4.npy", "ent_gqa"}}) {
            auto got = readNpy(m_dir.filePath(file).toStdString());
            QVERIFY(got);
            const double d = worstRelative(*got, expected(name));
            QVERIFY2(d < 5e-6, qPrintable(QString("%1: off by %2").arg(name).arg(d)));
        }
    }

    /// With --weights-out as well, the weights come from the stored path and the by-products
    /// from the streamed one: the column sums of the written weights equal the streamed sums.
    void storedAndStreamedTogether()
    {
        const auto r = runCli({"attention", "--q", kDir + "/q.npy", "--k", kDir + "/k.npy", "--v", kDir + "/k.npy",
                               "--weights-out", "w.npy", "--column-sums-out", "cs2.npy"},
                              m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto w = readNpy(m_dir.filePath("w.npy").toStdString());
        auto cs = readNpy(m_dir.filePath("cs2.npy").toStdString());
        QVERIFY(w && cs);
        const Mat<double> m = w->matrix<double>(0);
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            QVERIFY(std::abs(m.col(j).sum() - cs->at(j)) < 1e-5);
    }

    void streamedPictureMatchesNumpy_data()
    {
        QTest::addColumn<QString>("reduce");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("max, fewer pixels") << "max" << 64 << 40;
        QTest::newRow("mean, fewer pixels") << "mean" << 64 << 40;
        QTest::newRow("max, more pixels") << "max" << 400 << 300;
        QTest::newRow("mean, more pixels") << "mean" << 400 << 300;
    }
    void streamedPictureMatchesNumpy()
    {
        QFETCH(QString, reduce);
        QFETCH(int, width);
        QFETCH(int, height);
        const Tensor t = expected(QString("t_%1_%2x%3").arg(reduce).arg(width).arg(height));
        // The streamed picture, and the same weights drawn from a file.
        QVERIFY(runCli({"attention", "--q", kDir + "/q.npy", "--k", kDir + "/k.npy", "--v", kDir + "/k.npy",
                        "--weights-out", "w.npy"},
                       m_dir.path())
                    .exitCode == 0);
        for (const QStringList &input : {QStringList{"--q", kDir + "/q.npy", "--k", kDir + "/k.npy"},
                                         QStringList{"--weights", m_dir.filePath("w.npy")}}) {
            const auto r = runCli(QStringList{"render"} << input << "--bare" << "--reduce" << reduce << "--width"
                                                        << QString::number(width) << "--height" << QString::number(height)
                                                        << "--out" << "p.png",
                                  m_dir.path());
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QImage img(m_dir.filePath("p.png"));
            QCOMPARE(img.format(), QImage::Format_Indexed8);
            QCOMPARE(img.size(), QSize(width, height));
            int near = 0;
            const int bad = mismatches(img, t, near);
            QVERIFY2(bad == 0, qPrintable(QString("%1 (%2): %3 pixels differ from numpy, %4 next to a boundary")
                                              .arg(input[0], reduce)
                                              .arg(bad)
                                              .arg(near)));
            QVERIFY2(near <= width * height / 100, qPrintable(QString("%1 pixels next to a boundary").arg(near)));
        }
    }

    void sameFilesForEveryThreadCount()
    {
        QByteArray pictures[2], sums[2];
        for (int i = 0; i < 2; ++i) {
            const QString n = QString::number(i + 1);
            const auto a = runCli({"render", "--q", kDir + "/q4.npy", "--k", kDir + "/k4.npy", "--head", "3", "--mask",
                                   "causal", "--bare", "--width", "50", "--height", "33", "--out", "t" + n + ".png",
                                   "--threads", n},
                                  m_dir.path());
            QVERIFY2(a.exitCode == 0, qPrintable(a.err));
            QVERIFY2(a.out.contains(n + " thread(s)"), qPrintable(a.out));
            const auto b = runCli({"attention", "--q", kDir + "/q4.npy", "--k", kDir + "/k4.npy", "--mask", "causal",
                                   "--column-sums-out", "s" + n + ".npy", "--threads", n},
                                  m_dir.path());
            QVERIFY2(b.exitCode == 0, qPrintable(b.err));
            pictures[i] = test::fileBytes(m_dir.filePath("t" + n + ".png"));
            sums[i] = test::fileBytes(m_dir.filePath("s" + n + ".npy"));
        }
        QVERIFY(!pictures[0].isEmpty() && pictures[0] == pictures[1]);
        QVERIFY(!sums[0].isEmpty() && sums[0] == sums[1]);
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        const QStringList qk{"--q", kDir + "/q.npy", "--k", kDir + "/k.npy"};
        QTest::newRow("no --bare") << (QStringList{"render"} << qk << "--out" << "keep.png") << "--bare";
        QTest::newRow("row normalisation") << (QStringList{"render"} << qk << "--bare" << "--normalize" << "row" << "--out"
                                                                     << "keep.png")
                                           << "--normalize";
        QTest::newRow("weights and q") << (QStringList{"render"} << qk << "--weights" << kDir + "/q.npy" << "--bare"
                                                                 << "--out" << "keep.png")
                                       << "not both";
        QTest::newRow("svg") << (QStringList{"render"} << qk << "--bare" << "--out" << "keep.svg") << "PNG only";
        QTest::newRow("bad reduce") << (QStringList{"render"} << qk << "--bare" << "--reduce" << "median" << "--out"
                                                              << "keep.png")
                                    << "--reduce";
        QTest::newRow("head out of range") << (QStringList{"render"} << qk << "--bare" << "--head" << "1" << "--out"
                                                                     << "keep.png")
                                           << "--head 1";
        // 4096 × 4096 pixels of bins (max and sum, 256 MiB) for 20000 tokens: over 64 MiB whatever
        // the heap holds already (under ASan malloc's count is not kept).
        QTest::newRow("render over budget")
            << QStringList{"render", "--q", kDir + "/q_long.npy", "--k", kDir + "/k_long.npy", "--bare", "--memory-budget",
                           "64M", "--out", "keep.png"}
            << "the overview of 1 head of 20000 × 20000 needs";
        QTest::newRow("by-products over budget")
            << QStringList{"attention", "--q", kDir + "/q_long.npy", "--k", kDir + "/k_long.npy", "--column-sums-out",
                           "keep.npy", "--memory-budget", "8M", "--threads", "2"}
            << "the overview of 1 head of 20000 × 20000 needs";
        QTest::newRow("bad threads") << (QStringList{"attention"} << qk << "--column-sums-out" << "keep.npy" << "--threads"
                                                                  << "0")
                                     << "--threads";
        QTest::newRow("output without V") << (QStringList{"attention"} << qk << "--output-out" << "keep.npy")
                                          << "--v";
    }
    void refusals()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        for (const char *name : {"keep.png", "keep.svg", "keep.npy"})
            QVERIFY(test::writeBytes(m_dir.filePath(name), "old"));
        const auto r = runCli(args, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
        const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].startsWith("error: ") && lines[0].contains(mentions), qPrintable(lines[0]));
        for (const char *name : {"keep.png", "keep.svg", "keep.npy"})
            QCOMPARE(test::fileBytes(m_dir.filePath(name)), QByteArray("old"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TstCliOverview)
#include "tst_cli_overview.moc"
