// Version 1 of the .attnscope session file (docs/session-format.md, "Version 1"): such files still
// open, checked with exactly version 1's rules, and are converted to the version-2 state — the
// explorer's fields into pages["explorer"], view.tab into the page shown, view.pages "P.X" into
// pages[P][X]. Saved again, they are version 2. The expected values are written out by hand.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "npy.h"
#include "session_file.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;
using attnscope::test::qbytes;
using attnscope::test::vbytes;
using attnscope::test::writeBytes;

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson();
}

QJsonObject with(QJsonObject root, const QString &section, const QString &key, const QJsonValue &v)
{
    QJsonObject o = root.value(section).toObject();
    if (v.isUndefined())
        o.remove(key);
    else
        o.insert(key, v);
    root.insert(section, o);
    return root;
}

QJsonObject fileJson(const QString &name, const QString &role = {})
{
    QJsonObject f{{"name", name}, {"path", "/data/" + name}};
    if (!role.isEmpty())
        f.insert("role", role);
    return f;
}

/// The 2×2 float32 identity as .npy, base64: the documents' embedded example.
const char *kIdentityNpy = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIp"
                           "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/"
                           "AAAAAAAAAAAAAIA/";

/// A version-1 file as AttnScope 1 wrote it, every field away from its default.
QJsonObject v1Json()
{
    const QJsonObject q{{"name", "q.npy"},
                        {"path", "/data/my inputs/q.npy"},
                        {"relative", "../my inputs/q.npy"},
                        {"embedded", QJsonObject{{"encoding", "npy"}, {"data", kIdentityNpy}}}};
    const QJsonObject input{{"kind", "files"},        {"text", "Die Katze saß 🐈"}, {"context", "contexte « é »"},
                            {"cross", true},          {"bundleLayer", 3},           {"files", QJsonArray{q}}};
    const QJsonObject parameters{{"dModel", 128},     {"dHead", 8},           {"heads", 4},
                                 {"head", 3},         {"seed", "18446744073709551557"},
                                 {"scale", "custom"}, {"customScale", -0.1234567890123},
                                 {"temperature", 0.3}, {"mask", "padding"},    {"paddedKeys", QJsonArray{0, 5, 7}}};
    const QJsonObject view{{"stage", "masked"},
                           {"selectedQuery", 2},
                           {"selectedCell", QJsonArray{1, 6}},
                           {"colormap", "magma"},
                           {"reduction", "mean"},
                           {"tab", 2},
                           {"zoomX", QJsonArray{-0.5, 7.25}},
                           {"zoomY", QJsonArray{1.0 / 3.0, 2.5}},
                           {"pages", QJsonObject{{"image.alpha", "0.6"}, {"attention.layer", "2"}}}};
    return QJsonObject{{"format", "attnscope-session"}, {"version", 1},   {"input", input},
                       {"parameters", parameters},       {"view", view}};
}

Result<SessionState> decode(const QJsonObject &root)
{
    return decodeSession(vbytes(json(root)), "old.attnscope");
}

} // namespace

class TestSessionV1 : public QObject {
    Q_OBJECT
private slots:
    void documentedVersion1ExampleIsConverted();
    void everyFieldIsConverted();
    void tabsBecomePages_data();
    void tabsBecomePages();
    void pageSettingsAreSplitByTheirPrefix();
    void seedsKeepTheirVersion1Form_data();
    void seedsKeepTheirVersion1Form();
    void optionalFieldsAreDefaultedOrLeftOut();
    void savedAgainItIsVersion2();
    void fileWithoutRolesHasOnlyPrimaryInputs();
    void unknownFieldsAreIgnored();
    void corruptVersion1FilesAreRefused_data();
    void corruptVersion1FilesAreRefused();
};

void TestSessionV1::documentedVersion1ExampleIsConverted()
{
    const QString doc = QString::fromUtf8(fileBytes(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/docs/session-format.md")));
    const qsizetype marker = doc.indexOf("\"version\": 1,");
    QVERIFY2(marker >= 0, "the document has a version-1 example");
    const qsizetype start = doc.lastIndexOf("```json\n", marker), end = doc.indexOf("\n```", marker);
    QVERIFY(start >= 0 && end > start);
    auto s = decodeSession(vbytes(doc.mid(start + 8, end - start - 8).toUtf8()), "example-v1.attnscope");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());

    QCOMPARE(s->version, 1);
    QCOMPARE(s->sessionPath, std::string("example-v1.attnscope"));
    QCOMPARE(s->inputKind, SessionState::InputKind::Files);
    QCOMPARE(s->inputs.size(), std::size_t(2));
    QCOMPARE(s->inputs[0].name, std::string("q.npy"));
    QCOMPARE(s->inputs[0].absolutePath, std::string("/home/ada/runs/run 7/q.npy"));
    QCOMPARE(s->inputs[0].relativePath, std::string("run 7/q.npy"));
    QVERIFY(s->inputs[0].embedded && !s->inputs[1].embedded);
    QCOMPARE(s->inputs[0].encoding, SessionInput::Encoding::Npy);
    auto t = parseNpy(s->inputs[0].embedded->data(), s->inputs[0].embedded->size(), "q.npy");
    QVERIFY(t.ok());
    QCOMPARE(t->shape, (Shape{2, 2}));
    QCOMPARE(s->inputs[1].relativePath, std::string("run 7/k.npy"));
    QCOMPARE(s->page, std::string("attention")); // view.tab 1
    QCOMPARE(s->colormap, std::string("viridis"));
    QCOMPARE(s->reduction, SessionState::Reduction::Max);

    const QJsonObject explorer{
        {"text", "the cat sat on the mat"}, {"context", ""}, {"cross", false}, {"layer", -1}, {"dModel", 64},
        {"dHead", 16}, {"heads", 2}, {"head", 1}, {"seed", 7}, {"scale", "sqrt"}, {"customScale", 1},
        {"temperature", 0.5}, {"mask", "causal"}, {"paddedKeys", QJsonArray{}}, {"stage", "weights"},
        {"selectedQuery", 3}, {"selectedCell", QJsonArray{3, 1}}, {"zoomX", QJsonArray{-0.5, 5.5}},
        {"zoomY", QJsonArray{-0.5, 5.5}}};
    const std::map<std::string, QJsonObject> pages{
        {"explorer", explorer}, {"attention", {{"layer", "1"}}}, {"image", {{"opacity", "60"}}}};
    QCOMPARE(s->pages.at("explorer"), explorer);
    QCOMPARE(s->pages, pages);
    // The JSON types are version 1's: integers, numbers, strings, booleans, arrays.
    QVERIFY(s->pages.at("explorer").value("seed").isDouble());
    QVERIFY(s->pages.at("explorer").value("cross").isBool());
    QVERIFY(s->pages.at("attention").value("layer").isString());
}

void TestSessionV1::everyFieldIsConverted()
{
    auto s = decode(v1Json());
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->version, 1);
    QCOMPARE(s->page, std::string("image"));
    QCOMPARE(s->colormap, std::string("magma"));
    QCOMPARE(s->reduction, SessionState::Reduction::Mean);
    QCOMPARE(s->inputs.size(), std::size_t(1));
    const QJsonObject explorer{{"text", "Die Katze saß 🐈"},
                               {"context", "contexte « é »"},
                               {"cross", true},
                               {"layer", 3},
                               {"dModel", 128},
                               {"dHead", 8},
                               {"heads", 4},
                               {"head", 3},
                               {"seed", "18446744073709551557"},
                               {"scale", "custom"},
                               {"customScale", -0.1234567890123},
                               {"temperature", 0.3},
                               {"mask", "padding"},
                               {"paddedKeys", QJsonArray{0, 5, 7}},
                               {"stage", "masked"},
                               {"selectedQuery", 2},
                               {"selectedCell", QJsonArray{1, 6}},
                               {"zoomX", QJsonArray{-0.5, 7.25}},
                               {"zoomY", QJsonArray{1.0 / 3.0, 2.5}}};
    QCOMPARE(s->pages.at("explorer"), explorer);
    QCOMPARE(s->pages.at("explorer").keys().size(), 19);
    QCOMPARE(s->pages.at("attention"), (QJsonObject{{"layer", "2"}}));
    QCOMPARE(s->pages.at("image"), (QJsonObject{{"alpha", "0.6"}}));
    QCOMPARE(s->pages.size(), std::size_t(3));
}

void TestSessionV1::tabsBecomePages_data()
{
    QTest::addColumn<int>("tab");
    QTest::addColumn<QString>("page");
    QTest::newRow("0") << 0 << "explorer";
    QTest::newRow("1") << 1 << "attention";
    QTest::newRow("2") << 2 << "image";
    QTest::newRow("3: a tab this version never had") << 3 << "explorer";
    QTest::newRow("huge") << 2147483647 << "explorer";
}

void TestSessionV1::tabsBecomePages()
{
    QFETCH(int, tab);
    QFETCH(QString, page);
    auto s = decode(with(v1Json(), "view", "tab", tab));
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(QString::fromStdString(s->page), page);
}

void TestSessionV1::pageSettingsAreSplitByTheirPrefix()
{
    const QJsonObject settings{{"attention.mode", "rollout"},
                               {"attention.discardRatio", "0.25"},
                               {"image.patches", "1,2"},
                               {"lessons.step", "4"},          // a later page's key: kept under its page
                               {"a.b.c", "x"},                 // the first dot separates the page
                               {"nodot", "dropped"},           // no page: dropped
                               {".orphan", "dropped"},         // an empty page name: dropped
                               {"explorer.text", "not this"},  // the explorer's own field wins
                               {"explorer.extra", "kept"}};
    auto s = decode(with(v1Json(), "view", "pages", settings));
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->pages.at("attention"), (QJsonObject{{"mode", "rollout"}, {"discardRatio", "0.25"}}));
    QCOMPARE(s->pages.at("image"), (QJsonObject{{"patches", "1,2"}}));
    QCOMPARE(s->pages.at("lessons"), (QJsonObject{{"step", "4"}}));
    QCOMPARE(s->pages.at("a"), (QJsonObject{{"b.c", "x"}}));
    QCOMPARE(s->pages.at("explorer").value("text").toString(), QString("Die Katze saß 🐈"));
    QCOMPARE(s->pages.at("explorer").value("extra").toString(), QString("kept"));
    QCOMPARE(s->pages.size(), std::size_t(5));
    QVERIFY(!s->pages.count(""));
    QVERIFY(!s->pages.count("nodot"));
}

void TestSessionV1::seedsKeepTheirVersion1Form_data()
{
    QTest::addColumn<QJsonValue>("seed");
    QTest::addColumn<QJsonValue>("expected");
    QTest::newRow("number") << QJsonValue(7) << QJsonValue(7);
    QTest::newRow("0") << QJsonValue(0) << QJsonValue(0);
    QTest::newRow("small as a string") << QJsonValue("42") << QJsonValue(42);
    QTest::newRow("2^53 as a number") << QJsonValue(9007199254740992.0) << QJsonValue(9007199254740992.0);
    QTest::newRow("2^53 + 1 as a string") << QJsonValue("9007199254740993") << QJsonValue("9007199254740993");
    QTest::newRow("2^64 - 1") << QJsonValue("18446744073709551615") << QJsonValue("18446744073709551615");
}

void TestSessionV1::seedsKeepTheirVersion1Form()
{
    QFETCH(QJsonValue, seed);
    QFETCH(QJsonValue, expected);
    auto s = decode(with(v1Json(), "parameters", "seed", seed));
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    const QJsonValue got = s->pages.at("explorer").value("seed");
    QCOMPARE(got.type(), expected.type());
    QCOMPARE(got, expected);
}

void TestSessionV1::optionalFieldsAreDefaultedOrLeftOut()
{
    QJsonObject root = with(v1Json(), "input", "bundleLayer", QJsonValue::Undefined);
    root = with(root, "view", "zoomX", QJsonValue::Undefined);
    root = with(root, "view", "zoomY", QJsonValue::Undefined);
    root = with(root, "view", "pages", QJsonValue::Undefined);
    auto s = decode(root);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    const QJsonObject explorer = s->pages.at("explorer");
    QCOMPARE(explorer.value("layer"), QJsonValue(-1));
    QVERIFY(!explorer.contains("zoomX") && !explorer.contains("zoomY"));
    QCOMPARE(s->pages.size(), std::size_t(1)); // only the explorer's part
}

void TestSessionV1::savedAgainItIsVersion2()
{
    auto s = decode(v1Json());
    QVERIFY(s.ok());
    const auto bytes = encodeSession(*s);
    const QJsonObject root = QJsonDocument::fromJson(qbytes(bytes)).object();
    QCOMPARE(root.value("version").toInt(), 2);
    QVERIFY(!root.contains("parameters") && !root.contains("view"));
    QCOMPARE(root.value("window").toObject(),
             (QJsonObject{{"page", "image"}, {"colormap", "magma"}, {"reduction", "mean"}}));
    auto again = decodeSession(bytes, "old.attnscope");
    QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
    QCOMPARE(again->version, 2);
    again->version = 1;
    QVERIFY(*again == *s);
}

void TestSessionV1::fileWithoutRolesHasOnlyPrimaryInputs()
{
    // A file written before roles existed: every file is a primary input.
    const QJsonArray files{fileJson("q.npy"), fileJson("k.npy"), fileJson("v.npy")};
    auto s = decode(with(v1Json(), "input", "files", files));
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->version, 1);
    QCOMPARE(s->inputs.size(), std::size_t(3));
    for (const SessionInput &in : s->inputs)
        QCOMPARE(in.role, std::string());
}

void TestSessionV1::unknownFieldsAreIgnored()
{
    QJsonObject root = v1Json();
    root.insert("writtenBy", "AttnScope 1.9");
    root = with(root, "view", "someFutureSetting", QJsonObject{{"a", 1}});
    root = with(root, "parameters", "dropout", 0.1);
    root.insert("pages", 3); // version 2's section means nothing in version 1
    auto s = decode(root);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QVERIFY(!s->pages.at("explorer").contains("dropout"));
}

void TestSessionV1::corruptVersion1FilesAreRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    const QJsonObject ok = v1Json();
    for (const char *section : {"input", "parameters", "view"}) {
        QJsonObject missing = ok;
        missing.remove(section);
        QTest::addRow("missing %s", section) << json(missing) << QString("the field \"%1\" is missing").arg(section);
    }
    QTest::newRow("missing heads") << json(with(ok, "parameters", "heads", QJsonValue::Undefined))
                                   << "\"parameters.heads\" is missing";
    QTest::newRow("missing stage") << json(with(ok, "view", "stage", QJsonValue::Undefined))
                                   << "\"view.stage\" is missing";
    QTest::newRow("missing tab") << json(with(ok, "view", "tab", QJsonValue::Undefined)) << "\"view.tab\" is missing";
    QTest::newRow("cross not bool") << json(with(ok, "input", "cross", "yes"))
                                    << "\"input.cross\" must be true or false";
    QTest::newRow("text not string") << json(with(ok, "input", "text", 3)) << "\"input.text\" must be a string";
    QTest::newRow("context missing") << json(with(ok, "input", "context", QJsonValue::Undefined))
                                     << "\"input.context\" is missing";
    QTest::newRow("bundleLayer -2") << json(with(ok, "input", "bundleLayer", -2)) << "\"input.bundleLayer\"";
    QTest::newRow("dModel fractional") << json(with(ok, "parameters", "dModel", 6.5)) << "\"parameters.dModel\"";
    QTest::newRow("dModel too large") << json(with(ok, "parameters", "dModel", 65537)) << "\"parameters.dModel\"";
    QTest::newRow("unknown kind") << json(with(ok, "input", "kind", "video")) << "\"input.kind\" has the unknown value";
    QTest::newRow("heads 0") << json(with(ok, "parameters", "heads", 0))
                             << "\"parameters.heads\" must be an integer from 1";
    QTest::newRow("head too large") << json(with(ok, "parameters", "head", 4))
                                    << "\"parameters.head\" must be an integer from 0 to 3";
    QTest::newRow("temperature 0") << json(with(ok, "parameters", "temperature", 0))
                                   << "\"parameters.temperature\" must be greater than 0";
    QTest::newRow("temperature negative")
        << json(with(ok, "parameters", "temperature", -1)) << "\"parameters.temperature\"";
    QTest::newRow("customScale a string") << json(with(ok, "parameters", "customScale", "1"))
                                          << "\"parameters.customScale\" must be a finite number";
    QTest::newRow("negative seed") << json(with(ok, "parameters", "seed", -1)) << "\"parameters.seed\"";
    QTest::newRow("seed not digits") << json(with(ok, "parameters", "seed", "12x")) << "\"parameters.seed\"";
    QTest::newRow("seed 2^64") << json(with(ok, "parameters", "seed", "18446744073709551616")) << "\"parameters.seed\"";
    QTest::newRow("seed fractional") << json(with(ok, "parameters", "seed", 1.5)) << "\"parameters.seed\"";
    QTest::newRow("padded key negative") << json(with(ok, "parameters", "paddedKeys", QJsonArray{1, -2}))
                                         << "\"parameters.paddedKeys[1]\"";
    QTest::newRow("unknown scale") << json(with(ok, "parameters", "scale", "sqrt2"))
                                   << "\"parameters.scale\" has the unknown value \"sqrt2\" (expected one of sqrt, dim, none, custom)";
    QTest::newRow("unknown mask") << json(with(ok, "parameters", "mask", "diagonal")) << "\"parameters.mask\"";
    QTest::newRow("unknown stage") << json(with(ok, "view", "stage", "attention"))
                                   << "\"view.stage\" has the unknown value \"attention\"";
    QTest::newRow("unknown reduction") << json(with(ok, "view", "reduction", "median")) << "\"view.reduction\"";
    QTest::newRow("colormap a number") << json(with(ok, "view", "colormap", 3)) << "\"view.colormap\" must be a string";
    QTest::newRow("selection below -1") << json(with(ok, "view", "selectedQuery", -2)) << "\"view.selectedQuery\"";
    QTest::newRow("cell of one") << json(with(ok, "view", "selectedCell", QJsonArray{1})) << "\"view.selectedCell\"";
    QTest::newRow("cell column -2") << json(with(ok, "view", "selectedCell", QJsonArray{1, -2}))
                                    << "\"view.selectedCell[1]\"";
    QTest::newRow("tab negative") << json(with(ok, "view", "tab", -1)) << "\"view.tab\"";
    QTest::newRow("tab fractional") << json(with(ok, "view", "tab", 1.5)) << "\"view.tab\"";
    QTest::newRow("zoom reversed") << json(with(ok, "view", "zoomX", QJsonArray{3, 1})) << "\"view.zoomX\"";
    QTest::newRow("zoom of three") << json(with(ok, "view", "zoomY", QJsonArray{1, 2, 3})) << "\"view.zoomY\"";
    QTest::newRow("pages not an object") << json(with(ok, "view", "pages", QJsonArray{})) << "\"view.pages\" must be an object";
    QTest::newRow("page not string") << json(with(ok, "view", "pages", QJsonObject{{"image.alpha", 0.5}}))
                                     << "\"view.pages.image.alpha\" must be a string";
    QTest::newRow("files kind without files")
        << json(with(ok, "input", "files", QJsonArray())) << "\"input.files\" has no primary file";
    QTest::newRow("overlay image twice")
        << json(with(with(ok, "input", "kind", "bundle"), "input", "files",
                     QJsonArray{fileJson("a.npz"), fileJson("x.png", "overlayImage"), fileJson("y.png", "overlayImage")}))
        << "\"input.files[2].role\" is \"overlayImage\" a second time";
}

void TestSessionV1::corruptVersion1FilesAreRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("old session.attnscope");
    QVERIFY(writeBytes(path, content));
    auto s = loadSession(path.toStdString());
    QVERIFY(!s.ok());
    const QString msg = QString::fromStdString(s.error().message);
    QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
    QVERIFY2(msg.contains(expected), qPrintable(msg));
}

QTEST_GUILESS_MAIN(TestSessionV1)
#include "tst_session_v1.moc"
