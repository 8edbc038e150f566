// The memory budget under the limits a machine really sets: an address-space limit (ulimit -v)
// and a memory cgroup. Work that would not fit is refused with one error line, never killed by
// the kernel or aborted by std::bad_alloc; work that fits runs to the end under the same limit.

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include "cli_run.h"
#include "npy.h"
#include "sanitizer_build.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::Run;

namespace {

const QString kCli = QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli");

/// Runs `sh -c SCRIPT sh ARGS…` (the script ends in `exec "$@"` with the CLI first in ARGS).
Run runShell(const QString &script, const QStringList &args, const QString &workDir)
{
    return test::runProgram("/bin/sh", QStringList{"-c", script, "sh"} + args, workDir,
                            QProcessEnvironment::systemEnvironment(), 300000);
}

QString describe(const Run &r)
{
    return QString("exit %1%2, stderr: %3").arg(r.exitCode).arg(r.crashed ? " (crashed)" : "").arg(r.err);
}

/// q, k, v of T rows and d = 8 columns (float32 ones and a ramp, so the weights are not uniform).
void writeQkv(const QString &dir, std::int64_t t)
{
    Tensor x;
    x.dtype = DType::F32;
    x.shape = {t, 8};
    x.bytes.resize(std::size_t(t * 8) * sizeof(float));
    auto *f = reinterpret_cast<float *>(x.bytes.data());
    for (std::int64_t i = 0; i < t * 8; ++i)
        f[i] = float((i * 37) % 101) / 101.0f;
    const auto bytes = encodeNpy(x);
    for (const char *name : {"q.npy", "k.npy", "v.npy"})
        QVERIFY(test::writeBytes(dir + "/" + name, QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()))));
}

void expectOneErrorLine(const Run &r, const QString &mustContain)
{
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(r)));
    const QStringList lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith("error: "), qPrintable(r.err));
    QVERIFY2(lines.first().contains(mustContain), qPrintable(r.err));
}

void putLE32(QByteArray &b, qsizetype at, quint32 v)
{
    for (int i = 0; i < 4; ++i)
        b[at + i] = char((v >> (8 * i)) & 0xff);
}

/// An .npz whose member x.npy declares (31744, 32768) float32, 3.9 GiB unpacked, in a few
/// hundred bytes: a real deflated .npy header and a little data, with the zip's uncompressed
/// sizes (local and central headers) raised to the size the .npy header claims.
QByteArray zipBomb(const QString &scratch)
{
    const QString py = QStringLiteral(
        "import io, zipfile, sys\n"
        "hdr = b\"{'descr': '<f4', 'fortran_order': False, 'shape': (31744, 32768), }\"\n"
        "hdr = hdr + b' ' * (118 - len(hdr) - 1) + b'\\n'\n"
        "data = b'\\x93NUMPY\\x01\\x00' + len(hdr).to_bytes(2, 'little') + hdr + bytes(4096)\n"
        "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
        "    z.writestr('x.npy', data)\n");
    QProcess p;
    p.start("/usr/bin/python3", {"-c", py, scratch});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return {};
    QByteArray zip = test::fileBytes(scratch);
    const quint32 declared = 128u + 31744u * 32768u * 4u; // 4,160,749,696 < 2^32: no Zip64 needed
    const qsizetype local = zip.indexOf(QByteArray("PK\x03\x04", 4));
    const qsizetype central = zip.indexOf(QByteArray("PK\x01\x02", 4));
    if (local < 0 || central < 0)
        return {};
    putLE32(zip, local + 22, declared);
    putLE32(zip, central + 24, declared);
    return zip;
}

/// A memory cgroup of `limit` bytes below this process's own (v1 or v2), or "" when this machine
/// does not let us make one (not root, no memory controller, a read-only hierarchy).
QString makeCgroup(std::uint64_t limit)
{
    QFile self("/proc/self/cgroup");
    if (!self.open(QIODevice::ReadOnly))
        return {};
    const QString name = QString("attnscope-test-%1").arg(getpid());
    for (const QByteArray &line : self.readAll().split('\n')) {
        const QList<QByteArray> f = line.split(':');
        if (f.size() < 3)
            continue;
        QString dir, limitFile;
        if (f[1].split(',').contains("memory")) {
            dir = "/sys/fs/cgroup/memory" + QString::fromUtf8(f[2]);
            limitFile = "memory.limit_in_bytes";
        } else if (f[0] == "0" && f[1].isEmpty() && QFile::exists("/sys/fs/cgroup/cgroup.controllers")) {
            dir = "/sys/fs/cgroup" + QString::fromUtf8(f[2]);
            limitFile = "memory.max";
        } else {
            continue;
        }
        // Only a real cgroup file system: its folders exist already and the kernel fills a new
        // one with files (in a chroot without /sys, mkpath would make plain folders).
        const QString child = dir + "/" + name;
        if (!QFile::exists(dir + "/cgroup.procs") || !QDir().mkdir(child))
            continue;
        if (!QFile::exists(child + "/cgroup.procs")) {
            QDir(child).removeRecursively();
            continue;
        }
        QFile lf(child + "/" + limitFile);
        if (lf.open(QIODevice::WriteOnly) && lf.write(QByteArray::number(qulonglong(limit))) > 0) {
            lf.close();
            return child;
        }
        QDir().rmdir(child);
    }
    return {};
}

constexpr std::uint64_t GiB = std::uint64_t(1) << 30;

} // namespace

class TstCliLimits : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void addressSpaceRefusesAttention();
    void addressSpaceRefusesZipBomb();
    void addressSpaceRunsWhatFits();
    void cgroup_data();
    void cgroup();
    void renderTakesTheBudget();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    QString m_cgroup;
};

// T = 32,768 keeps 4 GiB of float32 weights; T = 12,288 keeps 576 MiB, T = 20,480 1.56 GiB.
void TstCliLimits::initTestCase()
{
    QVERIFY(m_dir.isValid());
    for (int t : {32768, 20480, 12288}) {
        const QString d = m_dir.filePath(QString::number(t));
        QVERIFY(QDir().mkpath(d));
        writeQkv(d, t);
    }
    m_cgroup = makeCgroup(3 * GiB);
}

// ulimit -v 2 GiB: the default budget is what is left of the address space less headroom
// (about 1.3 GiB), so 4 GiB of weights are refused before anything is allocated. Before the
// budget read RLIMIT_AS, this ended in std::bad_alloc and abort().
void TstCliLimits::addressSpaceRefusesAttention()
{
    ATTNSCOPE_SKIP_UNDER_ASAN("the CLI cannot start under an address-space limit (ASan reserves terabytes of shadow memory)");
    const Run r = runShell("ulimit -v 2097152 && exec \"$@\"",
                           {kCli, "attention", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--weights-out", "w.npy"},
                           m_dir.filePath("32768"));
    expectOneErrorLine(r, "memory budget");
    QVERIFY2(r.err.contains("needs 4.0 GiB"), qPrintable(r.err));
    QVERIFY2(r.err.contains("the address-space limit (ulimit -v)"), qPrintable(r.err));
    QVERIFY(!QFile::exists(m_dir.filePath("32768/w.npy")));
}

void TstCliLimits::addressSpaceRefusesZipBomb()
{
    ATTNSCOPE_SKIP_UNDER_ASAN("the CLI cannot start under an address-space limit (ASan reserves terabytes of shadow memory)");
    const QByteArray bomb = zipBomb(m_dir.filePath("bomb-src.npz"));
    QVERIFY(!bomb.isEmpty());
    QVERIFY(test::writeBytes(m_dir.filePath("32768/bomb.npz"), bomb));
    const Run r = runShell("ulimit -v 2097152 && exec \"$@\"",
                           {kCli, "attention", "--q", "bomb.npz:x", "--k", "k.npy", "--v", "v.npy", "--output-out", "o.npy"},
                           m_dir.filePath("32768"));
    expectOneErrorLine(r, "bomb.npz");
}

// The same limit runs 576 MiB of weights to the end and writes them.
void TstCliLimits::addressSpaceRunsWhatFits()
{
    ATTNSCOPE_SKIP_UNDER_ASAN("the CLI cannot start under an address-space limit (ASan reserves terabytes of shadow memory)");
    const Run r = runShell("ulimit -v 2097152 && exec \"$@\"",
                           {kCli, "attention", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--weights-out", "w.npy"},
                           m_dir.filePath("12288"));
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QCOMPARE(QFileInfo(m_dir.filePath("12288/w.npy")).size(), qint64(128) + qint64(12288) * 12288 * 4);
    QFile::remove(m_dir.filePath("12288/w.npy"));
}

// A 3 GiB memory cgroup: the budget is its limit less an eighth (2.6 GiB). 4 GiB of weights
// are refused (before, the kernel's OOM killer ended the process without a word); 1.56 GiB run
// to the end and are not killed.
void TstCliLimits::cgroup_data()
{
    QTest::addColumn<QString>("size");
    QTest::addColumn<bool>("refused");
    QTest::newRow("4 GiB of weights") << "32768" << true;
    QTest::newRow("1.56 GiB of weights") << "20480" << false;
}

void TstCliLimits::cgroup()
{
    QFETCH(QString, size);
    QFETCH(bool, refused);
    if (m_cgroup.isEmpty())
        QSKIP("this machine does not let the test create a memory cgroup");
    const Run r = runShell("echo $$ > \"$1/cgroup.procs\" && shift && exec \"$@\"",
                           {m_cgroup, kCli, "attention", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--weights-out", "w.npy"},
                           m_dir.filePath(size));
    const QString out = m_dir.filePath(size + "/w.npy");
    if (refused) {
        expectOneErrorLine(r, "memory budget");
        QVERIFY2(r.err.contains("the cgroup's memory limit"), qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
    } else {
        QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
        const qint64 t = size.toLongLong();
        QCOMPARE(QFileInfo(out).size(), qint64(128) + t * t * 4);
        QFile::remove(out);
    }
}

// render --memory-budget: a 2000 × 2000 float32 matrix (15 MiB) drawn with labels holds its
// double copy (31 MiB) and the picture: refused at 40M, drawn at 200M.
void TstCliLimits::renderTakesTheBudget()
{
    Tensor m;
    m.dtype = DType::F32;
    m.shape = {2000, 2000};
    m.bytes.resize(std::size_t(2000 * 2000) * sizeof(float));
    auto *f = reinterpret_cast<float *>(m.bytes.data());
    for (int i = 0; i < 2000 * 2000; ++i)
        f[i] = float(i % 2000) / 2000.0f;
    const auto bytes = encodeNpy(m);
    QVERIFY(test::writeBytes(m_dir.filePath("m.npy"), QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()))));
    const QStringList args{"render", "--weights", "m.npy", "--out", "m.png", "--width", "800", "--height", "600"};
    Run r = test::runCli(args + QStringList{"--memory-budget", "40M"}, m_dir.path());
    expectOneErrorLine(r, "drawing m.npy needs");
    QVERIFY2(r.err.contains("memory budget of 40.0 MiB"), qPrintable(r.err));
    QVERIFY(!QFile::exists(m_dir.filePath("m.png")));
    r = test::runCli(args + QStringList{"--memory-budget", "200M"}, m_dir.path());
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY(QFile::exists(m_dir.filePath("m.png")));
}

void TstCliLimits::cleanupTestCase()
{
    if (!m_cgroup.isEmpty())
        QDir().rmdir(m_cgroup);
}

QTEST_GUILESS_MAIN(TstCliLimits)
#include "tst_cli_limits.moc"
