// The .npz, .safetensors and CSV/TSV readers, PATH:NAME and attention bundles against files
// numpy and a small reference writer produced (tests/fixtures/gen_formats.py): every value,
// dtype and shape exact; the default array; every broken file refused with a message naming
// the file; zip bombs refused from what they declare, before anything is inflated.

#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <bit>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "budget_guard.h"
#include "test_values.h"
#include "bundle.h"
#include "csv.h"
#include "memory_budget.h"
#include "npy.h"
#include "printable.h"
#include "npz.h"
#include "safetensors.h"
#include "tensor_file.h"
#include "test_files.h"

using namespace attnscope;
using namespace attnscope::testsupport;
using attnscope::test::fileBytes;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/formats");

QJsonObject readManifest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::string str(const QString &s) { return s.toStdString(); }
QString qs(const std::string &s) { return QString::fromStdString(s); }

QByteArray hexOf(const std::vector<std::byte> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())).toHex();
}

QString shapeString(const Shape &s) { return qs(shapeToString(s)); }

Shape shapeOf(const QJsonArray &a)
{
    Shape s;
    for (const auto &v : a)
        s.push_back(std::int64_t(v.toDouble()));
    return s;
}

double fromBits(const QString &hex)
{
    bool ok = false;
    const qulonglong bits = hex.toULongLong(&ok, 16);
    return ok ? std::bit_cast<double>(std::uint64_t(bits)) : std::nan("");
}

using attnscope::test::codeName;
using attnscope::test::sameDouble;

QStringList toStringList(const QJsonArray &a)
{
    QStringList out;
    for (const auto &v : a)
        out << v.toString();
    return out;
}

QStringList toStringList(const std::vector<std::string> &v)
{
    QStringList out;
    for (const auto &s : v)
        out << qs(s);
    return out;
}

/// Checks a numeric tensor against its manifest entry (dtype, shape, bytes, values).
bool matches(const Tensor &t, const QJsonObject &e, QString &why)
{
    if (QString::fromLatin1(dtypeName(t.dtype)) != e["dtype"].toString()) {
        why = QString("dtype %1, expected %2").arg(dtypeName(t.dtype), e["dtype"].toString());
        return false;
    }
    if (shapeString(t.shape) != shapeString(shapeOf(e["shape"].toArray()))) {
        why = QString("shape %1, expected %2").arg(shapeString(t.shape), shapeString(shapeOf(e["shape"].toArray())));
        return false;
    }
    if (std::size_t(t.numel()) * dtypeSize(t.dtype) != t.bytes.size()) {
        why = "byte count does not match the shape";
        return false;
    }
    if (e.contains("hex") && hexOf(t.bytes) != e["hex"].toString().toLatin1()) {
        why = "bytes " + QString::fromLatin1(hexOf(t.bytes)) + ", expected " + e["hex"].toString();
        return false;
    }
    const QJsonArray values = e["values"].toArray();
    if (e.contains("values") && values.size() != t.numel()) {
        why = "value count";
        return false;
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        if (!sameDouble(t.at(i), fromBits(values[i].toString()))) {
            why = QString("value %1 is %2, expected %3").arg(i).arg(t.at(i), 0, 'g', 17).arg(fromBits(values[i].toString()), 0, 'g', 17);
            return false;
        }
    return true;
}

long maxRssKb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/// Copies `from` to `to` (replacing it).
bool copyFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    return QFile::copy(from, to);
}

} // namespace

class TstFormats : public QObject {
    Q_OBJECT

private slots:
    void fixturesExist();
    void validArrays_data();
    void validArrays();
    void fileInfo_data();
    void fileInfo();
    void specs_data();
    void specs();
    void colonInFileNames();
    void readStrings_data();
    void readStrings();
    void brokenFiles_data();
    void brokenFiles();
    void brokenSafetensorsInMemory();
    void bombsRefusedWithoutInflating_data();
    void bombsRefusedWithoutInflating();
    void npzMemberCap();
    void bundles_data();
    void bundles();
    void brokenBundles_data();
    void brokenBundles();
    void csvInMemory_data();
    void csvInMemory();
    void csvUnderGermanQLocale();
    void csvUnderGermanCLocale();
    void sparseHugeNpyListedNotRead();
    void budgetCapsEveryReader_data();
    void budgetCapsEveryReader();
    void printableNames();
    void colonNamesLongestPrefix();
    void zeroSizeListedRefusedOnRead();
};

void TstFormats::fixturesExist()
{
    for (const auto &sub : {"valid", "broken"}) {
        const QJsonObject m = readManifest(kDir + "/" + sub + "/expected.json");
        QVERIFY2(m.size() >= 20, qPrintable(QString("%1 manifest has %2 entries").arg(sub).arg(m.size())));
        const QStringList files = QDir(kDir + "/" + sub).entryList(QDir::Files);
        QCOMPARE(files.size(), m.size() + 1); // and expected.json
        for (const auto &f : files)
            QVERIFY2(f == "expected.json" || m.contains(f), qPrintable(QString(sub) + "/" + f + " is not in expected.json"));
    }
    const QJsonObject b = readManifest(kDir + "/bundles/expected.json");
    QVERIFY(b["valid"].toObject().size() >= 5);
    QVERIFY(b["broken"].toObject().size() >= 10);
}

void TstFormats::validArrays_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QJsonObject>("array");
    const QJsonObject m = readManifest(kDir + "/valid/expected.json");
    for (auto it = m.begin(); it != m.end(); ++it) {
        const QJsonObject f = it.value().toObject();
        for (const auto &a : f["arrays"].toArray()) {
            const QJsonObject e = a.toObject();
            QTest::newRow(qPrintable(it.key() + ":" + e["name"].toString())) << it.key() << f["format"].toString() << e;
        }
    }
}

void TstFormats::validArrays()
{
    QFETCH(QString, file);
    QFETCH(QString, format);
    QFETCH(QJsonObject, array);
    const QString path = kDir + "/valid/" + file;
    const std::string name = str(array["name"].toString());
    auto opened = openTensorFile(str(path));
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
    QCOMPARE(qs((*opened)->info().format), format);
    QCOMPARE(qs((*opened)->info().path), path);
    QVERIFY((*opened)->has(name));

    if (!array["numeric"].toBool()) {
        auto strings = (*opened)->readStrings(name);
        QVERIFY2(strings.ok(), strings.ok() ? "" : strings.error().message.c_str());
        QCOMPARE(toStringList(*strings), toStringList(array["strings"].toArray()));
        // A token list is not a tensor.
        auto t = (*opened)->read(name);
        QVERIFY(!t.ok());
        QVERIFY2(qs(t.error().message).contains("not numbers"), t.error().message.c_str());
        return;
    }

    if (array.contains("readable") && !array["readable"].toBool()) {
        // A dtype the safetensors crate has and AttnScope does not read: named when asked for.
        auto t = (*opened)->read(name);
        QVERIFY(!t.ok());
        QCOMPARE(t.error().code, Error::Code::Unsupported);
        QCOMPARE(qs(t.error().message), path + ": tensor '" + qs(name) + "' is " + array["dtype"].toString() +
                                            ", which AttnScope does not read");
        return;
    }
    auto t = (*opened)->read(name);
    QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
    QString why;
    QVERIFY2(matches(*t, array, why), qPrintable(why));
    if (array.contains("hex") || !array.contains("values")) {
        // A large array: all zeros.
        if (!array.contains("hex"))
            for (std::int64_t i = 0; i < t->numel(); i += 4099)
                QCOMPARE(t->at(i), 0.0);
    }

    // The same through a TENSOR spec, with and without the ".npy" suffix for .npz members.
    QStringList specs;
    specs << (name.empty() ? path : path + ":" + qs(name));
    if (format == "npz")
        specs << path + ":" + qs(name) + ".npy";
    for (const auto &spec : specs) {
        auto nt = readTensor(str(spec));
        QVERIFY2(nt.ok(), nt.ok() ? "" : nt.error().message.c_str());
        QCOMPARE(qs(nt->source), spec);
        QVERIFY2(matches(nt->tensor, array, why), qPrintable(spec + ": " + why));
    }
    // A .npy suffix is not a member name for safetensors.
    if (format == "safetensors") {
        auto nt = readTensor(str(path + ":" + qs(name) + ".npy"));
        QVERIFY(!nt.ok());
        QVERIFY2(qs(nt.error().message).contains("has no array named"), nt.error().message.c_str());
    }
}

void TstFormats::fileInfo_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject m = readManifest(kDir + "/valid/expected.json");
    for (auto it = m.begin(); it != m.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toObject();
}

void TstFormats::fileInfo()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);
    const QString path = kDir + "/valid/" + file;
    auto opened = openTensorFile(str(path));
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
    const TensorFileInfo &info = (*opened)->info();
    QCOMPARE(qs(info.format), expected["format"].toString());

    // Every array, once, with its dtype, shape and kind.
    const QJsonArray arrays = expected["arrays"].toArray();
    QCOMPARE(qsizetype(info.arrays.size()), arrays.size());
    std::map<QString, const ArrayInfo *> byName;
    for (const auto &a : info.arrays)
        QVERIFY2(byName.emplace(qs(a.name), &a).second, qPrintable("listed twice: " + qs(a.name)));
    QStringList numericNames;
    for (const auto &v : arrays) {
        const QJsonObject e = v.toObject();
        const auto it = byName.find(e["name"].toString());
        QVERIFY2(it != byName.end(), qPrintable("missing: " + e["name"].toString()));
        QCOMPARE(QString::fromLatin1(it->second->dtype.c_str()), e["dtype"].toString());
        QCOMPARE(shapeString(it->second->shape), shapeString(shapeOf(e["shape"].toArray())));
        QCOMPARE(it->second->numeric, e["numeric"].toBool());
        QCOMPARE(it->second->readable, !e.contains("readable") || e["readable"].toBool());
        if (e["numeric"].toBool())
            numericNames << e["name"].toString();
    }

    // Warnings: exactly those expected (a CSV header row, bytes after an npz member), naming the file.
    QStringList warnings;
    for (const auto &w : info.warnings)
        warnings << qs(w);
    for (const auto &a : info.arrays)
        for (const auto &w : a.warnings)
            warnings << qs(w);
    const QJsonArray expectedWarnings = expected["warnings"].toArray();
    QCOMPARE(warnings.size(), expectedWarnings.size());
    for (qsizetype i = 0; i < warnings.size(); ++i)
        QVERIFY2(warnings[i].startsWith(kDir + "/valid/" + expectedWarnings[i].toString()),
                 qPrintable(warnings[i] + "\n  expected: " + expectedWarnings[i].toString()));

    // Metadata: exactly the file's, each key once.
    const QJsonObject meta = expected["metadata"].toObject();
    QCOMPARE(qsizetype(info.metadata.size()), meta.size());
    std::set<std::string> keys;
    for (const auto &[k, val] : info.metadata) {
        QVERIFY2(keys.insert(k).second, k.c_str());
        QVERIFY2(meta.contains(qs(k)), k.c_str());
        QCOMPARE(qs(val), meta[qs(k)].toString());
    }

    // The array read without a name.
    auto def = (*opened)->defaultName();
    if (expected.contains("default")) {
        QVERIFY2(def.ok(), def.ok() ? "" : def.error().message.c_str());
        QCOMPARE(qs(*def), expected["default"].toString());
        auto nt = readTensor(str(path));
        QVERIFY2(nt.ok(), nt.ok() ? "" : nt.error().message.c_str());
    } else {
        QVERIFY(!def.ok());
        const QString msg = qs(def.error().message);
        QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
        QVERIFY2(msg.contains(expected["default_error"].toString()), qPrintable(msg));
        for (const auto &n : numericNames) // the error lists the names present
            QVERIFY2(msg.contains(n), qPrintable(msg + " does not list " + n));
        if (!numericNames.isEmpty())
            QVERIFY2(msg.contains(path + ":NAME"), qPrintable(msg));
        auto nt = readTensor(str(path));
        QVERIFY(!nt.ok());
        QCOMPARE(qs(nt.error().message), msg);
        QCOMPARE(nt.error().code, Error::Code::BadArgument);
    }
}

void TstFormats::specs_data()
{
    QTest::addColumn<QString>("spec");     // relative to the fixture directory
    QTest::addColumn<QString>("expected"); // "file|array" from valid/expected.json, or "!fragment"
    const auto row = [](const char *spec, const char *expected) { QTest::newRow(spec) << QString(spec) << QString(expected); };
    row("valid/mixed_savez.npz:f32", "mixed_savez.npz|f32");
    row("valid/mixed_savez.npz:f32.npy", "mixed_savez.npz|f32");
    row("valid/mixed_compressed.npz:layer.0.weight", "mixed_compressed.npz|layer.0.weight");
    row("valid/mixed_compressed.npz:layer.0.weight.npy", "mixed_compressed.npz|layer.0.weight");
    row("valid/single.npz", "single.npz|arr_0");
    row("valid/single.npz:arr_0", "single.npz|arr_0");
    row("valid/single_compressed.npz", "single_compressed.npz|weights");
    row("valid/one_numeric.npz", "one_numeric.npz|x");
    row("valid/keys_as_paths.npz:../evil", "keys_as_paths.npz|../evil");
    row("valid/keys_as_paths.npz:sub/dir/x.npy", "keys_as_paths.npz|sub/dir/x");
    row("valid/single.safetensors", "single.safetensors|w");
    row("valid/single.safetensors:w", "single.safetensors|w");
    row("valid/all_dtypes.safetensors:model.layers.0.attn", "all_dtypes.safetensors|model.layers.0.attn");
    row("valid/all_dtypes.safetensors:注意", "all_dtypes.safetensors|注意");
    row("valid/tricky_names.safetensors:data_offsets", "tricky_names.safetensors|data_offsets");
    row("valid/plain.csv", "plain.csv|");
    row("valid/table.tsv", "table.tsv|");
    row("valid/mixed_savez.npz", "!holds several arrays (");
    row("valid/mixed_savez.npz:nope", "!has no array named 'nope' (it holds: ");
    row("valid/mixed_savez.npz:", "!holds several arrays (");
    row("valid/mixed_savez.npz:tokens", "!holds strings (a token list), not numbers");
    row("valid/all_dtypes.safetensors", "!holds several arrays (");
    row("valid/all_dtypes.safetensors:nope", "!has no array named 'nope' (it holds: ");
    row("valid/plain.csv:x", "!holds one unnamed array; drop ':x'");
    row("valid/missing.npz", "!file not found");
    row("valid/missing.npz:x", "!file not found");
    row("valid", "!is a directory");
    row("valid:x", "!is a directory");
    row("bundles/bare.npy:attentions", "!holds one unnamed array; drop ':attentions'");
    row("valid/colon_names.safetensors:q:0", "colon_names.safetensors|q:0");
    row("valid/colon_names.safetensors:k:0:1", "colon_names.safetensors|k:0:1");
    row("valid/colon_names.npz:q:0", "colon_names.npz|q:0");
    row("valid/colon_names.npz:k:0:1.npy", "colon_names.npz|k:0:1");
    row("valid/colon_names.npz:q:1", "!has no array named 'q:1' (it holds: q:0, k:0:1)");
    row("valid/crate_dtypes.safetensors:u64", "crate_dtypes.safetensors|u64");
    row("valid/crate_dtypes.safetensors:w_c64", "!tensor 'w_c64' is C64, which AttnScope does not read");
}

void TstFormats::specs()
{
    QFETCH(QString, spec);
    QFETCH(QString, expected);
    const QString full = kDir + "/" + spec;
    auto t = readTensor(str(full));
    if (expected.startsWith('!')) {
        QVERIFY2(!t.ok(), qPrintable(full + " was read"));
        const QString msg = qs(t.error().message);
        QVERIFY2(msg.contains(expected.mid(1)), qPrintable(msg));
        // The message names the file (the part before the name, when there is one).
        const QString filePart = qs(splitTensorSpec(str(full)).first);
        QVERIFY2(msg.startsWith(filePart), qPrintable(msg + " does not name " + filePart));
        return;
    }
    QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
    QCOMPARE(qs(t->source), full);
    const QStringList parts = expected.split('|');
    const QJsonObject m = readManifest(kDir + "/valid/expected.json");
    for (const auto &a : m[parts[0]].toObject()["arrays"].toArray()) {
        if (a.toObject()["name"].toString() != parts[1])
            continue;
        QString why;
        QVERIFY2(matches(t->tensor, a.toObject(), why), qPrintable(why));
        return;
    }
    QFAIL("no such array in the manifest");
}

void TstFormats::colonInFileNames()
{
    // The text after the last ':' is a name only when the whole string is not an existing file.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString valid = kDir + "/valid/";
    const QString weird = tmp.filePath("we:ird.npz");
    QVERIFY(copyFile(valid + "single.npz", weird));
    const QJsonObject m = readManifest(valid + "expected.json");
    const QJsonObject single = m["single.npz"].toObject()["arrays"].toArray()[0].toObject();
    QString why;
    for (const auto &spec : {weird, weird + ":arr_0", weird + ":arr_0.npy"}) {
        auto t = readTensor(str(spec));
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
        QVERIFY2(matches(t->tensor, single, why), qPrintable(spec + ": " + why));
    }
    QCOMPARE(splitTensorSpec(str(weird)), std::make_pair(str(weird), std::string()));
    QCOMPARE(splitTensorSpec(str(weird + ":arr_0")), std::make_pair(str(weird), std::string("arr_0")));

    // An existing file "amb.npz:f32" beside "amb.npz": the whole string wins.
    const QString amb = tmp.filePath("amb.npz");
    QVERIFY(copyFile(valid + "mixed_savez.npz", amb));
    QVERIFY(copyFile(valid + "single.safetensors", amb + ":f32"));
    auto whole = readTensor(str(amb + ":f32"));
    QVERIFY2(whole.ok(), whole.ok() ? "" : whole.error().message.c_str());
    QVERIFY2(matches(whole->tensor, m["single.safetensors"].toObject()["arrays"].toArray()[0].toObject(), why), qPrintable(why));
    // ... while "amb.npz:f64" (no such file) names the member.
    auto member = readTensor(str(amb + ":f64"));
    QVERIFY2(member.ok(), member.ok() ? "" : member.error().message.c_str());
    QCOMPARE(QString::fromLatin1(dtypeName(member->tensor.dtype)), QString("float64"));
    QCOMPARE(shapeString(member->tensor.shape), QString("[2, 3]"));

    // A CSV whose name contains a colon; a bundle too.
    const QString csv = tmp.filePath("a:b.csv");
    QVERIFY(copyFile(valid + "plain.csv", csv));
    auto c = readTensor(str(csv));
    QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
    QCOMPARE(shapeString(c->tensor.shape), QString("[3, 3]"));
    const QString bundle = tmp.filePath("x:y.npz");
    QVERIFY(copyFile(kDir + "/bundles/bundle.npz", bundle));
    auto b = readAttentionBundle(str(bundle));
    QVERIFY2(b.ok(), b.ok() ? "" : b.error().message.c_str());
    QCOMPARE(b->tokens.size(), std::size_t(5));
    auto bq = readAttentionBundle(str(bundle + ":attentions"));
    QVERIFY2(bq.ok(), bq.ok() ? "" : bq.error().message.c_str());
    QCOMPARE(qs(bq->path), bundle);

    // A leading colon is part of the path.
    QCOMPARE(splitTensorSpec(":x"), std::make_pair(std::string(":x"), std::string()));
}

void TstFormats::readStrings_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("expected"); // or {"!fragment"}
    const QStringList toks5 = {"[CLS]", "猫", "が", "🐈", "走る"};
    QTest::newRow("npz tokens") << "bundles/bundle.npz" << "tokens" << toks5;
    QTest::newRow("npz key_tokens") << "bundles/bundle.npz" << "key_tokens" << toks5;
    QTest::newRow("npz tokens with .npy") << "bundles/bundle.npz" << "tokens.npy" << toks5;
    QTest::newRow("safetensors tokens") << "bundles/bundle.safetensors" << "tokens" << toks5;
    QTest::newRow("safetensors key_tokens") << "bundles/bundle.safetensors" << "key_tokens" << toks5;
    QTest::newRow("npz big-endian <U") << "valid/mixed_savez.npz" << "tokens_be" << QStringList{"ab", "Ωmega"};
    QTest::newRow("npz CJK and emoji") << "valid/mixed_compressed.npz" << "tokens"
                                       << QStringList{"你好", "世界", "😀🎉", "a", "", "déjà vu"};
    QTest::newRow("npz numbers") << "bundles/bundle.npz" << "attentions" << QStringList{"!expected a list of strings"};
    QTest::newRow("npz missing") << "bundles/bundle.npz" << "nope" << QStringList{"!has no array named 'nope'"};
    QTest::newRow("safetensors tensor") << "bundles/bundle.safetensors" << "attentions"
                                        << QStringList{"!has no metadata entry 'attentions'"};
    QTest::newRow("safetensors not JSON") << "bundles/bundle.safetensors" << "model"
                                          << QStringList{"!must hold a JSON list of strings"};
    QTest::newRow("csv") << "valid/plain.csv" << "" << QStringList{"!holds numbers, not strings"};
}

void TstFormats::readStrings()
{
    QFETCH(QString, file);
    QFETCH(QString, name);
    QFETCH(QStringList, expected);
    const QString path = kDir + "/" + file;
    auto opened = openTensorFile(str(path));
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
    auto s = (*opened)->readStrings(str(name));
    if (expected.size() == 1 && expected[0].startsWith('!')) {
        QVERIFY(!s.ok());
        QVERIFY2(qs(s.error().message).contains(expected[0].mid(1)), s.error().message.c_str());
        QVERIFY2(qs(s.error().message).contains(path), s.error().message.c_str());
        return;
    }
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(toStringList(*s), expected);
}

void TstFormats::brokenFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject m = readManifest(kDir + "/broken/expected.json");
    for (auto it = m.begin(); it != m.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toObject();
}

void TstFormats::brokenFiles()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);
    const QString path = kDir + "/broken/" + file;
    const QString fragment = expected["fragment"].toString();
    QVERIFY(QFile::exists(path));

    auto opened = openTensorFile(str(path));
    const bool atOpen = expected["stage"].toString() == "open";
    QString spec = path;
    if (!atOpen) {
        QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
        if (!expected["spec"].toString().isEmpty())
            spec += ":" + expected["spec"].toString();
    } else {
        QVERIFY2(!opened.ok(), qPrintable(path + " was opened"));
        const QString msg = qs(opened.error().message);
        QVERIFY2(msg.startsWith(path), qPrintable(msg));
        QVERIFY2(msg.contains(fragment), qPrintable(msg + "\n  expected: " + fragment));
        QVERIFY2(codeName(opened.error().code) == expected["code"].toString() ||
                     codeName(opened.error().code) == expected["alt_code"].toString(),
                 codeName(opened.error().code));
    }
    // readTensor refuses the file the same way, and so does a bundle.
    auto t = readTensor(str(spec));
    QVERIFY2(!t.ok(), qPrintable(spec + " was read"));
    const QString msg = qs(t.error().message);
    QVERIFY2(msg.startsWith(path), qPrintable(msg));
    QVERIFY2(msg.contains(fragment), qPrintable(msg + "\n  expected: " + fragment));
    QVERIFY2(codeName(t.error().code) == expected["code"].toString() || codeName(t.error().code) == expected["alt_code"].toString(),
             codeName(t.error().code));
    QVERIFY2(!msg.contains('\n'), qPrintable(msg));
    if (expected.contains("fragment2")) { // a long list of names is cut short
        QVERIFY2(msg.contains(expected["fragment2"].toString()), qPrintable(msg));
        QVERIFY2(msg.size() < 1000, qPrintable(QString("a %1-character message").arg(msg.size())));
    }
    auto b = readAttentionBundle(str(spec));
    QVERIFY(!b.ok());
}

void TstFormats::brokenSafetensorsInMemory()
{
    // The in-memory parser (the fuzzer's entry point) refuses every broken safetensors file too,
    // naming what it was given.
    const QJsonObject m = readManifest(kDir + "/broken/expected.json");
    int checked = 0;
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (!it.key().startsWith("st_") || it.value().toObject()["stage"].toString() != "open")
            continue;
        const QByteArray raw = fileBytes(kDir + "/broken/" + it.key());
        auto h = parseSafetensors(reinterpret_cast<const std::byte *>(raw.constData()), std::size_t(raw.size()), "memory");
        QVERIFY2(!h.ok(), qPrintable(it.key() + " was accepted in memory"));
        QVERIFY2(h.error().message.starts_with("memory: "), h.error().message.c_str());
        const QJsonObject e = it.value().toObject();
        const QString fragment = e.contains("memory_fragment") ? e["memory_fragment"].toString() : e["fragment"].toString();
        QVERIFY2(qs(h.error().message).contains(fragment), qPrintable(it.key() + ": " + qs(h.error().message)));
        ++checked;
    }
    QVERIFY(checked >= 20);
    // ... and accepts the valid ones.
    for (const auto &f : QDir(kDir + "/valid").entryList({"*.safetensors"})) {
        const QByteArray raw = fileBytes(kDir + "/valid/" + f);
        auto h = parseSafetensors(reinterpret_cast<const std::byte *>(raw.constData()), std::size_t(raw.size()), "memory");
        QVERIFY2(h.ok(), h.ok() ? "" : h.error().message.c_str());
    }
}

void TstFormats::bombsRefusedWithoutInflating_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("declares 2^50 bytes") << "npz_bomb_declared.npz";
    QTest::newRow("declares (100000, 100000) float64") << "npz_bomb_header_declared.npz";
    QTest::newRow("header claims (100000, 100000)") << "npz_bomb_header.npz";
    QTest::newRow("inflates past its declaration") << "npz_lying_size.npz";
}

void TstFormats::bombsRefusedWithoutInflating()
{
    QFETCH(QString, file);
    const QString path = kDir + "/broken/" + file;
    const long before = maxRssKb();
    QElapsedTimer timer;
    timer.start();
    auto t = readTensor(str(path));
    QVERIFY(!t.ok());
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString("took %1 ms").arg(timer.elapsed())));
    const long grownKb = maxRssKb() - before;
    QVERIFY2(grownKb < 64 * 1024, qPrintable(QString("peak memory grew by %1 KiB").arg(grownKb)));
    QVERIFY2(qs(t.error().message).startsWith(path), t.error().message.c_str());
    // With any cap that a real machine could have, the archive is refused at open.
    auto zip = NpzArchive::open(str(path), std::uint64_t(1) << 40);
    QVERIFY(!zip.ok());
}

void TstFormats::npzMemberCap()
{
    // A real deflate bomb in miniature: 16 MiB of zeros in 16 KiB. Refused by a 1 MiB cap before
    // inflating, read normally under the default cap.
    const QString path = kDir + "/valid/zeros16m.npz";
    auto capped = NpzArchive::open(str(path), 1 << 20);
    QVERIFY(!capped.ok());
    QCOMPARE(capped.error().code, Error::Code::OverBudget);
    QVERIFY2(qs(capped.error().message).contains("more than the limit of 1048576 (refused, not inflated)"),
             capped.error().message.c_str());
    QVERIFY2(qs(capped.error().message).startsWith(path + ": member 'z'"), capped.error().message.c_str());
    auto open = NpzArchive::open(str(path), 32 << 20);
    QVERIFY2(open.ok(), open.ok() ? "" : open.error().message.c_str());
    QCOMPARE(open->members().size(), std::size_t(1));
    QCOMPARE(open->members()[0].size, std::uint64_t(16 << 20) + 128);
    QVERIFY(open->find("z") && open->find("z.npy") && !open->find("y"));
    auto t = open->read(*open->find("z"));
    QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
    QCOMPARE(t->numel(), std::int64_t(2) << 20);
}

void TstFormats::bundles_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject m = readManifest(kDir + "/bundles/expected.json")["valid"].toObject();
    for (auto it = m.begin(); it != m.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.value().toObject()["spec"].toString() << it.value().toObject();
}

void TstFormats::bundles()
{
    QFETCH(QString, spec);
    QFETCH(QJsonObject, expected);
    const QString full = kDir + "/bundles/" + spec;
    auto b = readAttentionBundle(str(full));
    QVERIFY2(b.ok(), b.ok() ? "" : b.error().message.c_str());
    QCOMPARE(shapeString(b->attentions.shape), shapeString(shapeOf(expected["shape"].toArray())));
    QCOMPARE(b->attentions.rank(), 4);
    QCOMPARE(hexOf(b->attentions.bytes), expected["hex"].toString().toLatin1());
    QCOMPARE(b->layers() * b->heads() * b->queries() * b->keys(), b->attentions.numel());
    QCOMPARE(toStringList(b->tokens), toStringList(expected["tokens"].toArray()));
    QCOMPARE(toStringList(b->keyTokens), toStringList(expected["key_tokens"].toArray()));
    const QJsonArray grid = expected["grid"].toArray();
    QCOMPARE(b->gridRows, grid[0].toInt());
    QCOMPARE(b->gridCols, grid[1].toInt());
    QCOMPARE(b->leadingClsKey, expected["cls"].toBool());
    QCOMPARE(b->hasQkv(), expected["qkv"].toBool());
    QCOMPARE(b->causal.has_value(), expected.contains("causal"));
    if (b->causal)
        QCOMPARE(*b->causal, expected["causal"].toBool());
    QCOMPARE(layerIsCausal(*b, 0), expected["layer0_causal"].toBool());
    if (b->hasQkv()) {
        const QJsonObject qkv = readManifest(kDir + "/bundles/expected.json")["qkv_hex"].toObject();
        QCOMPARE(hexOf(stackLayers(b->q)->bytes), qkv["q"].toString().toLatin1());
        QCOMPARE(hexOf(stackLayers(b->k)->bytes), qkv["k"].toString().toLatin1());
        QCOMPARE(hexOf(stackLayers(b->v)->bytes), qkv["v"].toString().toLatin1());
        QCOMPARE(shapeString(stackLayers(b->q)->shape), QString("[2, 3, 5, 4]"));
    }
    // The bundle's path is the file's, never the spec.
    QVERIFY(!qs(b->path).contains(".npz:") && QFile::exists(qs(b->path)));

    // Without a name, a bundle file's default array is its attention.
    if (!spec.contains(':') && !spec.endsWith(".npy")) {
        auto opened = openTensorFile(str(full));
        QVERIFY(opened.ok());
        auto def = (*opened)->defaultName();
        QVERIFY2(def.ok(), def.ok() ? "" : def.error().message.c_str());
        QCOMPARE(qs(*def), QString("attentions"));
    }
}

void TstFormats::brokenBundles_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("fragment");
    const QJsonObject m = readManifest(kDir + "/bundles/expected.json")["broken"].toObject();
    for (auto it = m.begin(); it != m.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.value().toObject()["spec"].toString()
                                            << it.value().toObject()["fragment"].toString();
}

void TstFormats::brokenBundles()
{
    QFETCH(QString, spec);
    QFETCH(QString, fragment);
    const QString full = kDir + "/bundles/" + spec;
    auto b = readAttentionBundle(str(full));
    QVERIFY2(!b.ok(), qPrintable(full + " was read as a bundle"));
    const QString msg = qs(b.error().message);
    QVERIFY2(msg.startsWith(full), qPrintable(msg));
    QVERIFY2(msg.contains(fragment), qPrintable(msg + "\n  expected: " + fragment));
}

void TstFormats::csvInMemory_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("tabs");
    QTest::addColumn<QString>("expected"); // "[r, c] v v v …" or "!fragment"
    QTest::addColumn<QString>("header");   // the header names, joined with '|'
    const auto row = [](const char *name, const QByteArray &text, bool tabs, const char *expected, const char *header = "") {
        QTest::newRow(name) << text << tabs << QString(expected) << QString(header);
    };
    row("plain", "1,2\n3,4\n", false, "[2, 2] 1 2 3 4");
    row("header", "a,b\n1,2\n", false, "[1, 2] 1 2", "a|b");
    row("header with spaces", " alpha , beta \n1,2\n", false, "[1, 2] 1 2", "alpha|beta");
    row("crlf", "1,2\r\n3,4\r\n", false, "[2, 2] 1 2 3 4");
    row("bom", "\xEF\xBB\xBF" "1,2\n", false, "[1, 2] 1 2");
    row("bom and header", "\xEF\xBB\xBF" "x,y\r\n5,6\r\n", false, "[1, 2] 5 6", "x|y");
    row("comments and blanks", "# c\n\n1\n  \n# d\n2\n", false, "[2, 1] 1 2");
    row("spaces", "  1 ,  -2.5  \n", false, "[1, 2] 1 -2.5");
    row("plus sign", "+1,+2e3\n", false, "[1, 2] 1 2000");
    row("exponents", "1e-3,-4E+2\n", false, "[1, 2] 0.001 -400");
    row("tab detected", "1\t2\n", false, "[1, 2] 1 2");
    row("tab forced", "1\t2\n", true, "[1, 2] 1 2");
    row("tab forced keeps commas", "1\t2\n1,5\t2\n", true, "!line 2, column 1: '1,5' is not a number");
    row("german style", "0,5\n", false, "[1, 2] 0 5");
    row("single value", "42", false, "[1, 1] 42");
    row("ragged", "1,2\n3\n", false, "!line 2 has 1 values but earlier rows have 2");
    row("header ragged", "a,b,c\n1,2\n", false, "!line 2 has 2 values but the header names 3 columns");
    row("not a number", "1,2\n3,x4\n", false, "!line 2, column 2: 'x4' is not a number");
    row("trailing garbage", "1,2abc\n", false, "!line 1, column 2: '2abc' is not a number");
    row("empty field", "1,,2\n", false, "!line 1, column 2: empty value");
    row("comment line counts", "# one\n# two\n1,\n", false, "!line 3, column 2: empty value");
    row("crlf line numbers", "1,2\r\n3,4\r\n5,y\r\n", false, "!line 3, column 2: 'y' is not a number");
    row("empty", "", false, "!no numeric rows");
    row("only header", "a,b\n", false, "!no numeric rows");
    row("two headers", "a,b\nc,d\n", false, "!line 2, column 1: 'c' is not a number");
    row("decimal comma in TSV", "1\t2\n0,5\t1\n", false, "!line 2, column 1: '0,5' is not a number");
    row("a first row that is not numeric is a header", "0x10,1\n2,3\n", false, "[1, 2] 2 3", "0x10|1");
    row("long field is cut", QByteArray("1,") + QByteArray(100, 'z') + "\n", false,
        "!line 1, column 2: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' is not a number");
}

void TstFormats::csvInMemory()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, tabs);
    QFETCH(QString, expected);
    QFETCH(QString, header);
    auto t = parseCsv(reinterpret_cast<const std::byte *>(text.constData()), std::size_t(text.size()), "mem.csv", tabs);
    if (expected.startsWith('!')) {
        QVERIFY(!t.ok());
        QCOMPARE(t.error().code, Error::Code::BadFormat);
        QVERIFY2(t.error().message.starts_with("mem.csv: "), t.error().message.c_str());
        QVERIFY2(qs(t.error().message).contains(expected.mid(1)), t.error().message.c_str());
        if (expected.contains("zzz"))
            QVERIFY2(!qs(t.error().message).contains(QString(41, 'z')), t.error().message.c_str());
        return;
    }
    QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
    QCOMPARE(t->values.dtype, DType::F64);
    const auto close = expected.indexOf(']');
    QCOMPARE(shapeString(t->values.shape), expected.left(close + 1));
    const QStringList vals = expected.mid(close + 2).split(' ');
    QCOMPARE(qsizetype(t->values.numel()), vals.size());
    for (qsizetype i = 0; i < vals.size(); ++i)
        QCOMPARE(t->values.at(i), vals[i].toDouble());
    QCOMPARE(toStringList(t->header).join('|'), header);
}

namespace {

/// Reads locale_check.csv and a safetensors file, checking every value.
void checkNumbersUnderLocale()
{
    const QString path = kDir + "/valid/locale_check.csv";
    auto t = readTensor(str(path));
    QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
    const QJsonObject m = readManifest(kDir + "/valid/expected.json");
    QString why;
    QVERIFY2(matches(t->tensor, m["locale_check.csv"].toObject()["arrays"].toArray()[0].toObject(), why), qPrintable(why));
    QCOMPARE(t->tensor.at(0), 0.5);
    QCOMPARE(t->tensor.at(1), 1.25);
    const QByteArray text2 = "0.5,1e-3\n";
    auto c2 = parseCsv(reinterpret_cast<const std::byte *>(text2.constData()), std::size_t(text2.size()), "mem");
    QVERIFY(c2.ok());
    QCOMPARE(c2->values.at(0), 0.5);
    QCOMPARE(c2->values.at(1), 0.001);
    // The JSON of a safetensors header is parsed independently of the locale too.
    auto s = readTensor(str(kDir + "/valid/all_dtypes.safetensors:f64"));
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->tensor.at(0), 0.1);
}

} // namespace

void TstFormats::csvUnderGermanQLocale()
{
    // Qt's own locale (always available, unlike the C library's): a German default QLocale must
    // not change how numbers in files are read.
    const QLocale saved;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    bool ok = false;
    QCOMPARE(QLocale().toDouble(QStringLiteral("0,5"), &ok), 0.5); // the German locale is in effect
    QVERIFY(ok);
    checkNumbersUnderLocale();
    QLocale::setDefault(saved);
}

void TstFormats::csvUnderGermanCLocale()
{
    // setlocale(LC_ALL, "de_DE.UTF-8") makes strtod("0.5") return 0. If the system does not have
    // that locale, compile it into a temporary directory with localedef (LOCPATH).
    const std::string savedLocale = std::setlocale(LC_ALL, nullptr);
    QTemporaryDir locales;
    const QByteArray savedLocpath = qgetenv("LOCPATH");
    bool have = std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
    if (!have && locales.isValid()) {
        QProcess p;
        p.start("localedef", {"-i", "de_DE", "-f", "UTF-8", locales.filePath("de_DE.UTF-8")});
        if (p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit &&
            QFile::exists(locales.filePath("de_DE.UTF-8"))) {
            qputenv("LOCPATH", locales.path().toLocal8Bit());
            have = std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
        }
    }
    if (!have) {
        if (savedLocpath.isNull())
            qunsetenv("LOCPATH");
        else
            qputenv("LOCPATH", savedLocpath);
        QSKIP("no de_DE.UTF-8 locale, and localedef could not make one (csvUnderGermanQLocale still ran)");
    }
    const double viaStrtod = std::strtod("0.5", nullptr);
    checkNumbersUnderLocale();
    std::setlocale(LC_ALL, savedLocale.c_str());
    if (savedLocpath.isNull())
        qunsetenv("LOCPATH");
    else
        qputenv("LOCPATH", savedLocpath);
    QCOMPARE(viaStrtod, 0.0); // the pitfall was really in effect while the files were read
}

namespace {

/// An .npy file of `bytes` of data that occupies no disk space (truncate-extended, sparse).
bool writeSparseNpy(const QString &path, const Shape &shape)
{
    const auto header = npyHeader(DType::F32, shape);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(reinterpret_cast<const char *>(header.data()), qint64(header.size())) < 0)
        return false;
    std::int64_t n = 4;
    for (auto d : shape)
        n *= d;
    return f.resize(qint64(header.size()) + n);
}

} // namespace

void TstFormats::sparseHugeNpyListedNotRead()
{
    // 16 GiB claimed, none of it on disk: opening lists the array from the header alone, and
    // reading it is refused by the budget before anything is allocated.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("huge.npy");
    QVERIFY(writeSparseNpy(path, {65536, 65536}));
    const long before = maxRssKb();
    auto opened = openTensorFile(str(path));
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
    QCOMPARE(shapeString((*opened)->info().arrays.at(0).shape), QString("[65536, 65536]"));
    BudgetGuard budget(std::uint64_t(1) << 30);
    auto t = (*opened)->read("");
    QVERIFY(!t.ok());
    QCOMPARE(t.error().code, Error::Code::OverBudget);
    QVERIFY2(qs(t.error().message).startsWith(path + " needs 16.0 GiB, more than "), t.error().message.c_str());
    QVERIFY2(maxRssKb() - before < 64 * 1024, "opening or refusing the file took memory");
}

void TstFormats::budgetCapsEveryReader_data()
{
    QTest::addColumn<QString>("spec"); // relative to valid/
    QTest::addColumn<QString>("what"); // how the message starts after the directory
    QTest::newRow("npy") << "" << "";
    QTest::newRow("npz member") << "zeros16m.npz:z" << "zeros16m.npz:z needs ";
    QTest::newRow("safetensors tensor") << "big.safetensors:big" << "big.safetensors: tensor 'big' needs ";
    QTest::newRow("csv") << "big.csv" << "big.csv needs ";
}

void TstFormats::budgetCapsEveryReader()
{
    // A budget below what the array needs refuses it, naming the file and the array; the heap in
    // use is counted too, so the budget is set relative to it.
    QFETCH(QString, spec);
    QFETCH(QString, what);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QString full = kDir + "/valid/" + spec;
    if (spec.isEmpty()) { // 64 MiB of float32
        full = tmp.filePath("big.npy");
        what = "big.npy needs ";
        QVERIFY(writeSparseNpy(full, {4096, 4096}));
    } else if (spec.startsWith("big.safetensors")) {
        full = tmp.filePath(spec);
        const QByteArray json = R"({"big":{"dtype":"F32","shape":[4096,4096],"data_offsets":[0,67108864]}})";
        QByteArray raw(8, '\0');
        for (int i = 0; i < 8; ++i)
            raw[i] = char((quint64(json.size()) >> (8 * i)) & 0xff);
        QFile f(tmp.filePath("big.safetensors"));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(raw + json) > 0 && f.resize(8 + json.size() + 67108864));
    } else if (spec == "big.csv") {
        full = tmp.filePath(spec);
        QFile f(full);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray row = "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n";
        for (int i = 0; i < 200000; ++i) // 7.6 MB of text, 25.6 MB of float64
            f.write(row);
    }
    const std::uint64_t inUse = heapInUse();
    {
        BudgetGuard budget(inUse + (std::uint64_t(4) << 20)); // 4 MiB more than the heap in use now
        auto t = readTensor(str(full));
        QVERIFY2(!t.ok(), qPrintable(full + " was read within a 4 MiB budget"));
        QCOMPARE(t.error().code, Error::Code::OverBudget);
        QVERIFY2(qs(t.error().message).startsWith(QFileInfo(full).path() + "/" + what), t.error().message.c_str());
    }
    // ... and the default budget reads it.
    auto t = readTensor(str(full));
    QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
}

void TstFormats::printableNames()
{
    QCOMPARE(printableName("plain name/ü.猫"), std::string("plain name/ü.猫"));
    QCOMPARE(printableName("a\nb\tc\rd\\e"), std::string("a\\nb\\tc\\rd\\\\e"));
    QCOMPARE(printableName(std::string("x\0y\x1b[0m\x7f", 8)), std::string("x\\x00y\\x1b[0m\\x7f"));
    QCOMPARE(shortList({"a", "b"}), std::string("a, b"));
    QCOMPARE(shortList({}), std::string());
    std::vector<std::string> many;
    for (int i = 0; i < 300000; ++i)
        many.push_back(std::string("t").append(std::to_string(i)));
    const std::string list = shortList(many, 3);
    QCOMPARE(list, std::string("t0, t1, t2, … and 299,997 more"));
    QCOMPARE(shortList({"a\nb", "c"}, 1), std::string("a\\nb, … and 1 more"));
    QCOMPARE(groupThousands(0), std::string("0"));
    QCOMPARE(groupThousands(999), std::string("999"));
    QCOMPARE(groupThousands(1000), std::string("1,000"));
    QCOMPARE(groupThousands(18446744073709551615ull), std::string("18,446,744,073,709,551,615"));
}

void TstFormats::colonNamesLongestPrefix()
{
    // PATH:NAME takes the longest existing file before a ':'; the name may hold ':'.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString a = tmp.filePath("a");
    QVERIFY(copyFile(kDir + "/valid/colon_names.npz", a));
    QVERIFY(copyFile(kDir + "/valid/colon_names.safetensors", a + ":q"));
    QCOMPARE(splitTensorSpec(str(a + ":q:0")), std::make_pair(str(a + ":q"), std::string("0")));
    QCOMPARE(splitTensorSpec(str(a + ":k:0:1")), std::make_pair(str(a), std::string("k:0:1")));
    QCOMPARE(splitTensorSpec(str(a + ":q")), std::make_pair(str(a + ":q"), std::string()));
    // A directory is not a file to read from: "dir:x" is not split at the directory.
    QCOMPARE(splitTensorSpec(str(tmp.path() + ":x:y")), std::make_pair(str(tmp.path()), std::string("x:y")));
    // No existing prefix: split at the first ':' so that the error names the missing file.
    const QString missing = tmp.filePath("missing.npz");
    QCOMPARE(splitTensorSpec(str(missing + ":q:0")), std::make_pair(str(missing), std::string("q:0")));
    auto t = readTensor(str(missing + ":q:0"));
    QVERIFY(!t.ok());
    QCOMPARE(t.error().message, str(missing) + ": file not found");
}

void TstFormats::zeroSizeListedRefusedOnRead()
{
    // numpy writes zero-size arrays and safetensors holds them: listed everywhere, refused when read.
    const QString npy = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/npy/valid/zero_dim_3d.npy");
    auto opened = openTensorFile(str(npy));
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
    QCOMPARE(shapeString((*opened)->info().arrays.at(0).shape), QString("[2, 0, 4]"));
    auto t = readTensor(str(npy));
    QVERIFY(!t.ok());
    QCOMPARE(t.error().code, Error::Code::BadShape);
    QCOMPARE(qs(t.error().message), npy + ": the shape [2, 0, 4] has no elements; there is nothing to compute with");
    for (const char *f : {"st_zero_dim.safetensors", "npz_zero_size.npz"}) {
        auto o = openTensorFile(str(kDir + "/broken/" + f));
        QVERIFY2(o.ok(), o.ok() ? "" : o.error().message.c_str());
        QCOMPARE((*o)->info().arrays.size(), std::size_t(1));
    }
}

QTEST_GUILESS_MAIN(TstFormats)
#include "tst_formats.moc"
