// The memory budget: which limit bounds it (physical memory, cgroup v1/v2, RLIMIT_AS), read from
// fake /proc and /sys/fs/cgroup trees, and reserveMemory() against the heap really in use.

#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "memory_budget.h"

using namespace attnscope;

namespace {

constexpr std::uint64_t MiB = std::uint64_t(1) << 20;
constexpr std::uint64_t GiB = std::uint64_t(1) << 30;

void writeText(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TstMemoryBudget : public QObject {
    Q_OBJECT
private slots:
    void cgroupLimits_data();
    void cgroupLimits();
    void defaultBudget_data();
    void defaultBudget();
    void reserveCountsTheHeap();
    void processBudget();
};

void TstMemoryBudget::cgroupLimits_data()
{
    QTest::addColumn<QByteArray>("procCgroup");     // /proc/self/cgroup
    QTest::addColumn<QStringList>("files");         // "relative/path=content" under the cgroup root
    QTest::addColumn<qint64>("expected");           // -1: no limit

    QTest::newRow("v2, limit on own cgroup") << QByteArray("0::/user.slice/app\n")
                                             << QStringList{"user.slice/app/memory.max=3221225472\n",
                                                            "user.slice/memory.max=max\n"}
                                             << qint64(3 * GiB);
    QTest::newRow("v2, tighter parent") << QByteArray("0::/a/b\n")
                                        << QStringList{"a/b/memory.max=8589934592\n", "a/memory.max=1073741824\n"}
                                        << qint64(GiB);
    QTest::newRow("v2, max everywhere") << QByteArray("0::/a\n") << QStringList{"a/memory.max=max\n"} << qint64(-1);
    QTest::newRow("v2, namespace root") << QByteArray("0::/\n") << QStringList{"memory.max=536870912\n"} << qint64(512 * MiB);
    QTest::newRow("v1, memory controller") << QByteArray("5:cpu,cpuacct:/x\n4:memory:/docker/abc\n0::/\n")
                                           << QStringList{"memory/docker/abc/memory.limit_in_bytes=2147483648\n"}
                                           << qint64(2 * GiB);
    QTest::newRow("v1, unlimited") << QByteArray("4:memory:/\n")
                                   << QStringList{"memory/memory.limit_in_bytes=9223372036854771712\n"} << qint64(-1);
    QTest::newRow("no cgroup file content") << QByteArray() << QStringList{} << qint64(-1);
    QTest::newRow("garbage") << QByteArray("0::/a\n") << QStringList{"a/memory.max=lots\n"} << qint64(-1);
}

void TstMemoryBudget::cgroupLimits()
{
    QFETCH(QByteArray, procCgroup);
    QFETCH(QStringList, files);
    QFETCH(qint64, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeText(dir.filePath("proc/self/cgroup"), procCgroup);
    writeText(dir.filePath("proc/self/status"), "Name:\tx\nVmSize:\t  204800 kB\n");
    for (const QString &f : files) {
        const auto eq = f.indexOf('=');
        writeText(dir.filePath("cg/" + f.left(eq)), f.mid(eq + 1).toUtf8());
    }
    const MemoryLimits m = readMemoryLimits(dir.filePath("proc").toStdString(), dir.filePath("cg").toStdString());
    QCOMPARE(m.cgroup.has_value(), expected >= 0);
    if (expected >= 0)
        QCOMPARE(qint64(*m.cgroup), expected);
    QCOMPARE(m.addressSpaceUsed, std::uint64_t(204800) * 1024);
    QVERIFY(m.physical > 0);
}

void TstMemoryBudget::defaultBudget_data()
{
    QTest::addColumn<qint64>("physical");
    QTest::addColumn<qint64>("cgroup");      // -1: none
    QTest::addColumn<qint64>("rlimitAs");    // -1: none
    QTest::addColumn<qint64>("vmSize");
    QTest::addColumn<qint64>("expected");
    QTest::addColumn<QString>("source");

    // Half of 24 GiB.
    QTest::newRow("physical") << qint64(24 * GiB) << qint64(-1) << qint64(-1) << qint64(0) << qint64(12 * GiB)
                              << "half of the physical memory";
    // 3 GiB cgroup: headroom max(128 MiB, 3 GiB / 8 = 384 MiB) → 2688 MiB.
    QTest::newRow("cgroup 3G") << qint64(24 * GiB) << qint64(3 * GiB) << qint64(-1) << qint64(0)
                               << qint64(3 * GiB - 384 * MiB) << "the cgroup's memory limit less headroom";
    // 512 MiB cgroup: headroom 128 MiB → 384 MiB.
    QTest::newRow("cgroup 512M") << qint64(24 * GiB) << qint64(512 * MiB) << qint64(-1) << qint64(0)
                                 << qint64(384 * MiB) << "the cgroup's memory limit less headroom";
    // A cgroup above half the memory does not bind.
    QTest::newRow("cgroup loose") << qint64(8 * GiB) << qint64(6 * GiB) << qint64(-1) << qint64(0) << qint64(4 * GiB)
                                  << "half of the physical memory";
    // ulimit -v 2 GiB with 200 MiB mapped: free 1848 MiB, headroom max(256 MiB, 462 MiB) → 1386 MiB.
    QTest::newRow("rlimit 2G") << qint64(24 * GiB) << qint64(-1) << qint64(2 * GiB) << qint64(200 * MiB)
                               << qint64(1386 * MiB) << "the address-space limit (ulimit -v) less headroom";
    // Already past the limit: nothing left.
    QTest::newRow("rlimit exhausted") << qint64(24 * GiB) << qint64(-1) << qint64(100 * MiB) << qint64(300 * MiB)
                                      << qint64(0) << "the address-space limit (ulimit -v) less headroom";
    // Cgroup tighter than the rlimit.
    QTest::newRow("both") << qint64(24 * GiB) << qint64(1 * GiB) << qint64(4 * GiB) << qint64(0)
                          << qint64(GiB - 128 * MiB) << "the cgroup's memory limit less headroom";
}

void TstMemoryBudget::defaultBudget()
{
    QFETCH(qint64, physical);
    QFETCH(qint64, cgroup);
    QFETCH(qint64, rlimitAs);
    QFETCH(qint64, vmSize);
    QFETCH(qint64, expected);
    QFETCH(QString, source);
    MemoryLimits m;
    m.physical = std::uint64_t(physical);
    if (cgroup >= 0)
        m.cgroup = std::uint64_t(cgroup);
    if (rlimitAs >= 0)
        m.addressSpace = std::uint64_t(rlimitAs);
    m.addressSpaceUsed = std::uint64_t(vmSize);
    const DefaultBudget b = defaultBudgetFor(m);
    QCOMPARE(qint64(b.bytes), expected);
    QCOMPARE(QString::fromStdString(b.source), source);
}

void TstMemoryBudget::reserveCountsTheHeap()
{
    // 64 MiB held: a budget of what is in use + 32 MiB refuses 33 MiB and grants 31 MiB.
    const std::uint64_t before = heapInUse();
    auto held = std::make_unique<char[]>(64 * MiB);
    held[0] = 1;
    const std::uint64_t used = heapInUse();
    QVERIFY2(used >= before + 64 * MiB, qPrintable(QString::number(used - before)));
    const std::uint64_t budget = used + 32 * MiB;
    QVERIFY(reserveMemory(31 * MiB, "a", budget).ok());
    const auto refused = reserveMemory(33 * MiB, "x.npy: array 'q'", budget);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::OverBudget);
    const QString msg = QString::fromStdString(refused.error().message);
    QVERIFY2(msg.startsWith("x.npy: array 'q' needs 33.0 MiB, more than the "), qPrintable(msg));
    QVERIFY2(msg.endsWith(" left of the memory budget of " + QString::fromStdString(formatBytes(budget))), qPrintable(msg));
    held.reset();
    QVERIFY(heapInUse() < used);
    QVERIFY(reserveMemory(33 * MiB, "a", budget).ok());
}

void TstMemoryBudget::processBudget()
{
    QCOMPARE(memoryBudget(), defaultMemoryBudget());
    setMemoryBudget(std::uint64_t(heapInUse()) + 10 * MiB);
    QVERIFY(!reserveMemory(20 * MiB, "y").ok());
    QVERIFY(reserveMemory(5 * MiB, "y").ok());
    setMemoryBudget(0);
    QCOMPARE(memoryBudget(), defaultMemoryBudget());
    QVERIFY(defaultMemoryBudget() > 0);
}

QTEST_GUILESS_MAIN(TstMemoryBudget)
#include "tst_memory_budget.moc"
