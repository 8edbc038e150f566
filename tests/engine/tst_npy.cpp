// The .npy reader and writer against numpy: every file numpy writes (tests/fixtures/gen_npy.py)
// reads back with its dtype, shape and exact values; every broken file is refused with a message
// naming the file; what we write, numpy reads.

#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>

#include "test_values.h"
#include "file_io.h"
#include "npy.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;

namespace {

const QString kFixtures = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/npy");
const char *kPython = "/usr/bin/python3";

QJsonObject readManifest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QByteArray hexOf(const std::vector<std::byte> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())).toHex();
}

QString shapeString(const Shape &s) { return QString::fromStdString(shapeToString(s)); }

Shape shapeOf(const QJsonArray &a)
{
    Shape s;
    for (const auto &v : a)
        s.push_back(std::int64_t(v.toDouble()));
    return s;
}

using attnscope::test::codeName;
using attnscope::test::sameDouble;

std::vector<std::byte> toBytes(const QByteArray &a)
{
    const auto *p = reinterpret_cast<const std::byte *>(a.constData());
    return std::vector<std::byte>(p, p + a.size());
}

template <class T>
Tensor makeTensor(DType dtype, Shape shape, const std::vector<T> &values)
{
    Tensor t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.bytes.resize(values.size() * sizeof(T));
    if (!values.empty())
        std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    return t;
}

Tensor boolTensor(Shape shape, const std::vector<std::uint8_t> &values) { return makeTensor(DType::Bool, std::move(shape), values); }

/// The tensors written for numpy to read back, by file name.
std::map<QString, Tensor> writerCases()
{
    std::map<QString, Tensor> m;
    m["f32_2d"] = makeTensor<float>(DType::F32, {2, 3}, {0.f, -0.f, 1.5f, -2.25f, std::numeric_limits<float>::max(),
                                                         std::numeric_limits<float>::denorm_min()});
    m["f64_3d"] = makeTensor<double>(DType::F64, {2, 2, 2}, {1.0, 0.1, -1e300, 5e-324, std::numeric_limits<double>::infinity(),
                                                             -std::numeric_limits<double>::infinity(), 3.0, -0.0});
    m["f64_scalar"] = makeTensor<double>(DType::F64, {}, {42.5});
    m["f16_1d"] = makeTensor<std::uint16_t>(DType::F16, {4}, {0x3c00, 0xc000, 0x7bff, 0x0001});
    m["bool_1d"] = boolTensor({5}, {1, 0, 0, 1, 1});
    m["bool_2d"] = boolTensor({2, 2}, {0, 1, 1, 0});
    m["i8_2d"] = makeTensor<std::int8_t>(DType::I8, {1, 3}, {-128, 0, 127});
    m["i16_1d"] = makeTensor<std::int16_t>(DType::I16, {3}, {-32768, 1, 32767});
    m["i32_2d"] = makeTensor<std::int32_t>(DType::I32, {2, 1}, {std::numeric_limits<std::int32_t>::min(), 7});
    m["i64_1d"] = makeTensor<std::int64_t>(DType::I64, {3},
                                           {std::numeric_limits<std::int64_t>::min(), -1, std::numeric_limits<std::int64_t>::max()});
    m["u8_3d"] = makeTensor<std::uint8_t>(DType::U8, {1, 2, 2}, {0, 1, 254, 255});
    m["u16_1d"] = makeTensor<std::uint16_t>(DType::U16, {2}, {0, 65535});
    m["u32_1d"] = makeTensor<std::uint32_t>(DType::U32, {2}, {0, 4294967295u});
    m["u64_1d"] = makeTensor<std::uint64_t>(DType::U64, {2}, {1, std::numeric_limits<std::uint64_t>::max()});
    std::vector<float> big(40 * 33);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = float(i) * 0.5f - 100.f;
    m["f32_4d"] = makeTensor<float>(DType::F32, {2, 4, 5, 33}, big);
    return m;
}

} // namespace

class TstNpy : public QObject {
    Q_OBJECT

private slots:
    void fixturesExist();
    void validFiles_data();
    void validFiles();
    void brokenFiles_data();
    void brokenFiles();
    void parseInMemory();
    void hugeShapeRefusedWithoutAllocating();
    void missingAndDirectory();
    void roundTrip_data();
    void roundTrip();
    void bf16IsWidened();
    void headerLayout_data();
    void headerLayout();
    void numpyReadsWhatWeWrite();
};

void TstNpy::fixturesExist()
{
    const QJsonObject valid = readManifest(kFixtures + "/valid/expected.json");
    const QJsonObject broken = readManifest(kFixtures + "/broken/expected.json");
    QVERIFY2(valid.size() >= 100, qPrintable(QString("valid manifest has %1 entries").arg(valid.size())));
    QVERIFY2(broken.size() >= 50, qPrintable(QString("broken manifest has %1 entries").arg(broken.size())));
    // Every fixture file is in its manifest, and every manifest entry is a file.
    for (const auto &[dir, manifest] : {std::pair{QString("valid"), valid}, {QString("broken"), broken}}) {
        const QStringList files = QDir(kFixtures + "/" + dir).entryList({"*.npy"}, QDir::Files);
        QCOMPARE(files.size(), manifest.size());
        for (const auto &f : files)
            QVERIFY2(manifest.contains(f), qPrintable(dir + "/" + f + " is not in expected.json"));
    }
}

void TstNpy::validFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject m = readManifest(kFixtures + "/valid/expected.json");
    for (auto it = m.begin(); it != m.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toObject();
}

void TstNpy::validFiles()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);
    const QString path = kFixtures + "/valid/" + file;
    const QByteArray raw = fileBytes(path);
    QVERIFY(!raw.isEmpty());

    // The file reader and the in-memory parser must agree with numpy.
    for (int pass = 0; pass < 2; ++pass) {
        auto t = pass == 0 ? readNpy(path.toStdString())
                           : parseNpy(reinterpret_cast<const std::byte *>(raw.constData()), std::size_t(raw.size()), "memory");
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
        QCOMPARE(QString::fromLatin1(dtypeName(t->dtype)), expected["dtype"].toString());
        QCOMPARE(shapeString(t->shape), shapeString(shapeOf(expected["shape"].toArray())));
        QCOMPARE(std::size_t(t->numel()) * dtypeSize(t->dtype), t->bytes.size());
        // Native (little-endian) C-order bytes, exactly as numpy has them.
        QCOMPARE(hexOf(t->bytes), expected["hex"].toString().toLatin1());
        // And every value as float64 through the conversion the pipeline uses.
        const QJsonArray values = expected["values"].toArray();
        QCOMPARE(qsizetype(t->numel()), values.size());
        for (std::int64_t i = 0; i < t->numel(); ++i) {
            const QByteArray text = values[qsizetype(i)].toString().toLatin1();
            const double want = std::strtod(text.constData(), nullptr);
            const double got = t->at(i);
            if (!sameDouble(got, want))
                QFAIL(qPrintable(QString("element %1: got %2 (%3), numpy has %4 (%5)")
                                     .arg(i)
                                     .arg(got, 0, 'g', 17)
                                     .arg(QString::number(std::bit_cast<std::uint64_t>(got), 16))
                                     .arg(want, 0, 'g', 17)
                                     .arg(QString::fromLatin1(text))));
        }
    }
    // Bytes after the data (numpy ignores them) earn exactly one warning naming the file; other
    // files none.
    auto input = InputFile::open(path.toStdString());
    QVERIFY(input.ok());
    auto h = readNpyHeader(*input);
    QVERIFY2(h.ok(), h.ok() ? "" : h.error().message.c_str());
    const auto warnings = npyWarnings(*h, path.toStdString());
    if (expected.contains("warning")) {
        QCOMPARE(warnings.size(), std::size_t(1));
        const QString w = QString::fromStdString(warnings[0]);
        QVERIFY2(w.startsWith(path + ": ") && w.contains(expected["warning"].toString()), qPrintable(w));
    } else {
        QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings[0].c_str());
    }
}

void TstNpy::brokenFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("fragment");
    QTest::addColumn<QString>("code");
    const QJsonObject m = readManifest(kFixtures + "/broken/expected.json");
    for (auto it = m.begin(); it != m.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        QTest::newRow(qPrintable(it.key())) << it.key() << o["fragment"].toString() << o["code"].toString();
    }
}

void TstNpy::brokenFiles()
{
    QFETCH(QString, file);
    QFETCH(QString, fragment);
    QFETCH(QString, code);
    const QString path = kFixtures + "/broken/" + file;
    QVERIFY(QFile::exists(path));

    QElapsedTimer timer;
    timer.start();
    auto t = readNpy(path.toStdString());
    QVERIFY2(!t.ok(), "a broken file was read");
    QVERIFY2(timer.elapsed() < 2000, "refusing a broken file took more than two seconds");
    const QString message = QString::fromStdString(t.error().message);
    QVERIFY2(message.startsWith(path + ": "), qPrintable("the message does not start with the path: " + message));
    QVERIFY2(message.contains(fragment), qPrintable("'" + fragment + "' not in: " + message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));
    QCOMPARE(QString::fromLatin1(codeName(t.error().code)), code);

    // The same bytes in memory are refused the same way, under the name given.
    const QByteArray raw = fileBytes(path);
    auto m = parseNpy(reinterpret_cast<const std::byte *>(raw.constData()), std::size_t(raw.size()), "member.npy");
    QVERIFY2(!m.ok(), "a broken buffer was parsed");
    const QString mm = QString::fromStdString(m.error().message);
    QVERIFY2(mm.startsWith("member.npy: ") && mm.contains(fragment), qPrintable(mm));
}

void TstNpy::parseInMemory()
{
    // A minimal hand-written buffer: version 1.0, no alignment, big-endian int16 in Fortran order.
    const QByteArray header = "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }\n";
    QByteArray buf = QByteArray("\x93NUMPY\x01\x00", 8);
    buf.append(char(header.size() & 0xff)).append(char(header.size() >> 8)).append(header);
    // Fortran order: column by column, [[1, 2, 3], [4, 5, 6]] is 1 4 2 5 3 6; big-endian.
    for (int v : {1, 4, 2, 5, 3, -6})
        buf.append(char((v >> 8) & 0xff)).append(char(v & 0xff));
    auto t = parseNpy(reinterpret_cast<const std::byte *>(buf.constData()), std::size_t(buf.size()), "buf");
    QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
    QCOMPARE(t->dtype, DType::I16);
    QCOMPARE(shapeString(t->shape), QString("[2, 3]"));
    const double want[] = {1, 2, 3, 4, 5, -6};
    for (int i = 0; i < 6; ++i)
        QCOMPARE(t->at(i), want[i]);

    // parseNpyHeader on just the first bytes of a larger file.
    auto h = parseNpyHeader(reinterpret_cast<const std::byte *>(buf.constData()), std::size_t(10 + header.size()),
                            std::uint64_t(buf.size()), "head");
    QVERIFY2(h.ok(), h.ok() ? "" : h.error().message.c_str());
    QCOMPARE(h->dataOffset, std::size_t(10 + header.size()));
    QCOMPARE(h->dataBytes, std::uint64_t(12));
    QVERIFY(h->byteSwapped);
    QVERIFY(h->fortranOrder);
    // ... but not on fewer bytes than the header has.
    auto cut = parseNpyHeader(reinterpret_cast<const std::byte *>(buf.constData()), 30, std::uint64_t(buf.size()), "head");
    QVERIFY(!cut.ok());
    QVERIFY2(QString::fromStdString(cut.error().message).startsWith("head: "), cut.error().message.c_str());

    // One byte short, one byte over.
    auto shortBuf = parseNpy(reinterpret_cast<const std::byte *>(buf.constData()), std::size_t(buf.size() - 1), "short");
    QVERIFY(!shortBuf.ok());
    QVERIFY2(QString::fromStdString(shortBuf.error().message).contains("truncated data"), shortBuf.error().message.c_str());
    // One byte over: numpy reads the array and ignores the byte; so do we, and say so.
    QByteArray over = buf + "!";
    auto overBuf = parseNpy(reinterpret_cast<const std::byte *>(over.constData()), std::size_t(over.size()), "over");
    QVERIFY2(overBuf.ok(), overBuf.ok() ? "" : overBuf.error().message.c_str());
    QCOMPARE(overBuf->bytes.size(), std::size_t(12));
    for (int i = 0; i < 6; ++i)
        QCOMPARE(overBuf->at(i), want[i]);
    auto overHeader = parseNpyHeader(reinterpret_cast<const std::byte *>(over.constData()), std::size_t(over.size()),
                                     std::uint64_t(over.size()), "over");
    QVERIFY(overHeader.ok());
    QCOMPARE(overHeader->trailingBytes, std::uint64_t(1));
    const auto overWarnings = npyWarnings(*overHeader, "over");
    QCOMPARE(overWarnings.size(), std::size_t(1));
    QCOMPARE(overWarnings[0], std::string("over: 1 bytes after the data are ignored (the shape [2, 3] of int16 needs 12; "
                                          "numpy reads the first array too)"));

    // Nothing at all, and a null pointer with size 0.
    auto none = parseNpy(nullptr, 0, "nothing");
    QVERIFY(!none.ok());
    QCOMPARE(QString::fromStdString(none.error().message), QString("nothing: the file is empty"));
    // Every prefix of a valid buffer is refused, never read out of bounds.
    for (qsizetype n = 1; n < buf.size(); ++n) {
        auto p = parseNpy(reinterpret_cast<const std::byte *>(buf.constData()), std::size_t(n), "prefix");
        QVERIFY2(!p.ok(), qPrintable(QString("a %1-byte prefix was parsed").arg(n)));
    }
}

void TstNpy::hugeShapeRefusedWithoutAllocating()
{
    // A header claiming 10^10 doubles (80 GB), or more elements than int64 holds, must be
    // refused from the header alone. Were the reader to allocate first this would abort or take
    // minutes; it must return within a fraction of a second.
    for (const char *shape : {"(100000, 100000)", "(4294967296, 4294967296)", "(9223372036854775807,)",
                              "(3037000499, 3037000499, 3037000499)"}) {
        QByteArray header = QByteArray("{'descr': '<f8', 'fortran_order': False, 'shape': ") + shape + ", }";
        header.append(QByteArray((64 - (10 + header.size() + 1) % 64) % 64, ' ')).append('\n');
        QByteArray buf = QByteArray("\x93NUMPY\x01\x00", 8);
        buf.append(char(header.size() & 0xff)).append(char(header.size() >> 8)).append(header).append(QByteArray(64, '\0'));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("huge.npy");
        QVERIFY(writeFileAtomically(path.toStdString(), toBytes(buf)).ok());
        QElapsedTimer timer;
        timer.start();
        auto t = readNpy(path.toStdString());
        const auto ms = timer.elapsed();
        QVERIFY2(!t.ok(), shape);
        QVERIFY2(ms < 500, qPrintable(QString("%1 took %2 ms").arg(shape).arg(ms)));
        const QString msg = QString::fromStdString(t.error().message);
        QVERIFY2(msg.startsWith(path + ": ") && (msg.contains("truncated data") || msg.contains("too large")), qPrintable(msg));
    }
}

void TstNpy::missingAndDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("nope.npy").toStdString();
    auto a = readNpy(missing);
    QVERIFY(!a.ok());
    QCOMPARE(a.error().code, Error::Code::FileNotFound);
    QCOMPARE(a.error().message, missing + ": file not found");
    auto b = readNpy(dir.path().toStdString());
    QVERIFY(!b.ok());
    QCOMPARE(b.error().message, dir.path().toStdString() + ": is a directory, not a file");
}

void TstNpy::roundTrip_data()
{
    QTest::addColumn<QString>("name");
    for (const auto &[name, t] : writerCases())
        QTest::newRow(qPrintable(name)) << name;
}

void TstNpy::roundTrip()
{
    QFETCH(QString, name);
    const Tensor t = writerCases().at(name);
    const auto encoded = encodeNpy(t);
    auto back = parseNpy(encoded.data(), encoded.size(), "encoded");
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QCOMPARE(back->dtype, t.dtype);
    QCOMPARE(shapeString(back->shape), shapeString(t.shape));
    QCOMPARE(hexOf(back->bytes), hexOf(t.bytes));
    // And through a file.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(name + ".npy").toStdString();
    QVERIFY(writeFileAtomically(path, encoded).ok());
    auto fromFile = readNpy(path);
    QVERIFY2(fromFile.ok(), fromFile.ok() ? "" : fromFile.error().message.c_str());
    QCOMPARE(hexOf(fromFile->bytes), hexOf(t.bytes));
}

void TstNpy::bf16IsWidened()
{
    // bfloat16 1.0, -2.0, 0.5, 3.0: numpy has no bfloat16, so it is written as float32.
    const Tensor t = makeTensor<std::uint16_t>(DType::BF16, {2, 2}, {0x3f80, 0xc000, 0x3f00, 0x4040});
    const auto encoded = encodeNpy(t);
    auto back = parseNpy(encoded.data(), encoded.size(), "bf16");
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QCOMPARE(back->dtype, DType::F32);
    QCOMPARE(shapeString(back->shape), QString("[2, 2]"));
    const double want[] = {1.0, -2.0, 0.5, 3.0};
    for (int i = 0; i < 4; ++i)
        QCOMPARE(back->at(i), want[i]);
}

void TstNpy::headerLayout_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("descr");
    QTest::addColumn<QString>("tuple");
    const std::pair<DType, const char *> dtypes[] = {{DType::F32, "<f4"}, {DType::F64, "<f8"}, {DType::Bool, "|b1"},
                                                     {DType::I8, "|i1"},  {DType::I64, "<i8"}, {DType::U8, "|u1"},
                                                     {DType::U64, "<u8"}, {DType::F16, "<f2"}, {DType::I16, "<i2"},
                                                     {DType::U32, "<u4"}};
    const std::pair<const char *, const char *> shapes[] = {
        {"", "()"}, {"7", "(7,)"}, {"2,3", "(2, 3)"}, {"1,2,3,4", "(1, 2, 3, 4)"},
        {"123456789012,1", "(123456789012, 1)"}, {"1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", ""}};
    for (const auto &[dt, descr] : dtypes)
        for (const auto &[shape, tuple] : shapes)
            QTest::addRow("%s %s", descr, shape) << int(dt) << QString(shape) << QString(descr) << QString(tuple);
}

void TstNpy::headerLayout()
{
    QFETCH(int, dtype);
    QFETCH(QString, shape);
    QFETCH(QString, descr);
    QFETCH(QString, tuple);
    Shape s;
    for (const auto &part : shape.split(',', Qt::SkipEmptyParts))
        s.push_back(part.toLongLong());
    const auto h = npyHeader(DType(dtype), s);
    const QByteArray bytes(reinterpret_cast<const char *>(h.data()), qsizetype(h.size()));
    QVERIFY(bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)));
    QCOMPARE(bytes.size() % 64, 0);
    const int len = std::uint8_t(bytes[8]) | (std::uint8_t(bytes[9]) << 8);
    QCOMPARE(len, bytes.size() - 10);
    QVERIFY(bytes.endsWith('\n'));
    const QByteArray dict = bytes.mid(10).trimmed();
    QVERIFY2(dict.startsWith("{'descr': '" + descr.toLatin1() + "', 'fortran_order': False, 'shape': "), dict.constData());
    if (!tuple.isEmpty())
        QVERIFY2(dict.endsWith("'shape': " + tuple.toLatin1() + ", }"), dict.constData());
    // The header describes exactly what follows it.
    std::uint64_t dataBytes = dtypeSize(DType(dtype));
    for (auto d : s)
        dataBytes *= std::uint64_t(d);
    auto parsed = parseNpyHeader(h.data(), h.size(), h.size() + dataBytes, "header");
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    QCOMPARE(parsed->dtype, DType(dtype));
    QCOMPARE(shapeString(parsed->shape), shapeString(s));
    QCOMPARE(parsed->dataOffset, h.size());
    QCOMPARE(parsed->dataBytes, dataBytes);
    QVERIFY(!parsed->fortranOrder);
    QVERIFY(!parsed->byteSwapped);
}

void TstNpy::numpyReadsWhatWeWrite()
{
    if (!QFile::exists(kPython))
        QFAIL("/usr/bin/python3 is missing");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto cases = writerCases();
    for (const auto &[name, t] : cases)
        QVERIFY(writeFileAtomically(dir.filePath(name + ".npy").toStdString(), encodeNpy(t)).ok());
    // Also a header followed by data written separately, as the CLI does.
    const Tensor f = cases.at("f32_4d");
    auto parts = npyHeader(f.dtype, f.shape);
    parts.insert(parts.end(), f.bytes.begin(), f.bytes.end());
    QVERIFY(writeFileAtomically(dir.filePath("header_plus_data.npy").toStdString(), parts).ok());

    const char *script = R"(
import json, os, sys
import numpy as np
import numpy.lib.format as npf
out = {}
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    with open(path, 'rb') as f:
        version = npf.read_magic(f)
        shape, fortran, dtype = npf._read_array_header(f, version)
        offset = f.tell()
    a = np.load(path, allow_pickle=False)
    out[name] = {'version': list(version), 'offset': offset, 'fortran': fortran, 'dtype': a.dtype.name,
                 'byteorder': a.dtype.byteorder, 'shape': list(a.shape),
                 'hex': np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes().hex()}
print(json.dumps(out))
)";
    QProcess py;
    py.start(kPython, {"-W", "error", "-c", script, dir.path()});
    QVERIFY(py.waitForFinished(60000));
    const QByteArray err = py.readAllStandardError();
    QVERIFY2(py.exitStatus() == QProcess::NormalExit && py.exitCode() == 0, err.constData());
    QVERIFY2(err.isEmpty(), err.constData());
    const QJsonObject got = QJsonDocument::fromJson(py.readAllStandardOutput()).object();
    QCOMPARE(got.size(), qsizetype(cases.size() + 1));

    auto check = [&](const QString &file, const Tensor &t) {
        const QJsonObject o = got[file].toObject();
        QVERIFY2(!o.isEmpty(), qPrintable(file));
        QCOMPARE(o["version"].toArray(), QJsonArray({1, 0}));
        QVERIFY2(o["offset"].toInt() % 64 == 0, qPrintable(file + ": data at " + QString::number(o["offset"].toInt())));
        QCOMPARE(o["fortran"].toBool(), false);
        QCOMPARE(o["dtype"].toString(), QString::fromLatin1(dtypeName(t.dtype)));
        QCOMPARE(shapeString(shapeOf(o["shape"].toArray())), shapeString(t.shape));
        QCOMPARE(o["hex"].toString().toLatin1(), hexOf(t.bytes));
    };
    for (const auto &[name, t] : cases)
        check(name + ".npy", t);
    check("header_plus_data.npy", f);
}

QTEST_GUILESS_MAIN(TstNpy)
#include "tst_npy.moc"
