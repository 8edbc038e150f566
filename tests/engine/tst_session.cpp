// The .attnscope session file, version 2 (docs/session-format.md): a saved and reopened session
// restores the same state, each page's part and the parts of pages this version does not know come
// back as they were, embedded inputs come back byte for byte, a missing input is named and its
// embedded copy used, every corrupt file is refused with a message naming the file and the field,
// and a failed save leaves the existing file as it was. Version 1: tst_session_v1.cpp.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <unistd.h>

#include "npy.h"
#include "session_file.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;
using attnscope::test::qbytes;
using attnscope::test::vbytes;
using attnscope::test::writeBytes;

namespace {

/// A small float32 .npy of shape [rows, 3] whose values depend on `salt`.
QByteArray npyBytes(int rows, float salt)
{
    Tensor t;
    t.dtype = DType::F32;
    t.shape = {rows, 3};
    t.bytes.resize(std::size_t(rows) * 3 * sizeof(float));
    for (int i = 0; i < rows * 3; ++i) {
        const float v = salt + 0.25f * float(i);
        std::memcpy(t.bytes.data() + std::size_t(i) * sizeof(float), &v, sizeof v);
    }
    return qbytes(encodeNpy(t));
}

SessionInput inputAt(const QString &path)
{
    SessionInput in;
    in.name = QFileInfo(path).fileName().toStdString();
    in.absolutePath = path.toStdString();
    return in;
}

/// Every field away from its default, and a page this version does not know.
SessionState fullState()
{
    SessionState s;
    s.inputKind = SessionState::InputKind::Files;
    SessionInput q;
    q.name = "q.npy";
    q.absolutePath = "/data/my inputs/q.npy";
    q.relativePath = "../my inputs/q.npy";
    q.embedded = vbytes(npyBytes(2, 1.5f));
    q.encoding = SessionInput::Encoding::Npy;
    SessionInput tok;
    tok.name = "tokens.txt";
    tok.absolutePath = "/data/my inputs/tokens.txt";
    tok.relativePath = "../my inputs/tokens.txt";
    tok.embedded = vbytes(QByteArray("the\ncat\n"));
    tok.encoding = SessionInput::Encoding::Raw;
    SessionInput k;
    k.name = "k v.npy";
    k.absolutePath = "/data/other place/k v.npy";
    s.inputs = {q, tok, k};
    s.page = "image";
    s.colormap = "magma";
    s.reduction = SessionState::Reduction::Mean;
    s.pages["explorer"] = QJsonObject{{"text", "Die Katze saß auf der Matte — 猫が座った 🐈"},
                                      {"context", "contexte « é » \"quoted\" \\ back"},
                                      {"cross", true},
                                      {"seed", "18446744073709551557"},
                                      {"customScale", -0.1234567890123},
                                      {"selectedCell", QJsonArray{1, 6}},
                                      {"zoomY", QJsonArray{1.0 / 3.0, 2.5}}};
    s.pages["attention"] = QJsonObject{{"layer", "2"}, {"mode", "rollout"}};
    s.pages["image"] = QJsonObject{{"opacity", "60"}};
    s.pages["ünïcode page"] = QJsonObject{{"välue", "🐈"}, {"nested", QJsonObject{{"a", QJsonArray{1, "b", false}}}},
                                          {"nothing", QJsonValue::Null}, {"big", 9007199254740993LL}};
    return s;
}

/// The JSON of a valid session, to corrupt.
QJsonObject validJson()
{
    SessionState s = fullState();
    s.inputs.resize(1);
    return QJsonDocument::fromJson(qbytes(encodeSession(s))).object();
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

QJsonObject withFile0(QJsonObject root, const QString &key, const QJsonValue &v)
{
    QJsonObject input = root.value("input").toObject();
    QJsonArray files = input.value("files").toArray();
    QJsonObject f = files[0].toObject();
    if (key == "data") {
        QJsonObject e = f.value("embedded").toObject();
        e.insert("data", v);
        f.insert("embedded", e);
    } else {
        f.insert(key, v);
    }
    files[0] = f;
    input.insert("files", files);
    root.insert("input", input);
    return root;
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson();
}

/// validJson() as a bundle session whose files are these, in order.
QJsonObject bundleWithFiles(const QJsonArray &files)
{
    return with(with(validJson(), "input", "kind", "bundle"), "input", "files", files);
}

QJsonObject fileJson(const QString &name, const QString &role = {})
{
    QJsonObject f{{"name", name}, {"path", "/data/" + name}};
    if (!role.isEmpty())
        f.insert("role", role);
    return f;
}

} // namespace

class TestSession : public QObject {
    Q_OBJECT
private slots:
    void encodeDecodeRestoresEveryField();
    void modelInputRoundTrips();
    void modelInputNeedsItsFolder();
    void saveAndOpenRestoresTheState();
    void defaultStateRoundTrips();
    void embeddedTensorsRoundTripByteIdentically();
    void missingInputIsNamedAndEmbeddedCopyUsed();
    void inputsAreFoundBesideAMovedSession();
    void missingInputWithoutCopyIsAnError();
    void savedFileIsJsonWithTheDocumentedKeys();
    void unknownFieldsAreIgnored();
    void corruptFilesAreRefused_data();
    void corruptFilesAreRefused();
    void oversizeFileIsRefusedBeforeReading();
    void saveOverADirectoryFailsAndChangesNothing();
    void saveIntoReadOnlyFolderLeavesTheOldFile();
    void stageKeysRoundTrip();
    void documentedExampleOpens();
    void rolesRoundTripAndOnlyNonEmptyOnesAreWritten();
    void unknownPagesAreKept();
    void unknownRoleIsLeftOut();
    void badRolesAreRefused_data();
    void badRolesAreRefused();
    void missingSecondaryInputIsNamedByItsRole();
    void sameNamedEmbeddedInputsDoNotOverwriteEachOther();
};

void TestSession::encodeDecodeRestoresEveryField()
{
    SessionState s = fullState();
    s.sessionPath = "/somewhere/a session.attnscope";
    auto back = decodeSession(encodeSession(s), s.sessionPath);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QCOMPARE(back->version, 2);
    QCOMPARE(back->page, std::string("image"));
    QCOMPARE(back->colormap, std::string("magma"));
    QCOMPARE(back->reduction, SessionState::Reduction::Mean);
    QCOMPARE(back->inputs, s.inputs);
    QCOMPARE(back->pages.size(), std::size_t(4));
    const QJsonObject explorer = back->pages.at("explorer");
    QCOMPARE(explorer.value("text").toString(), QString("Die Katze saß auf der Matte — 猫が座った 🐈"));
    QCOMPARE(explorer.value("customScale").toDouble(), -0.1234567890123); // exact: the shortest text that reads back
    QCOMPARE(explorer.value("zoomY").toArray()[0].toDouble(), 1.0 / 3.0);
    QCOMPARE(back->pages.at("ünïcode page").value("big").toInteger(), 9007199254740993LL); // above 2^53, exact
    QCOMPARE(back->pages, s.pages);
    QVERIFY(*back == s);
}

void TestSession::modelInputRoundTrips()
{
    SessionState s;
    s.inputKind = SessionState::InputKind::Model;
    s.modelDir = "/models/models--gpt2/snapshots/abc";
    s.modelImage = "/pictures/cat ü.png";
    s.pages["explorer"] = QJsonObject{{"text", "The cat sat."}};
    const std::vector<std::byte> bytes = encodeSession(s);
    const QJsonObject input = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())))
                                  .object()
                                  .value("input")
                                  .toObject();
    QCOMPARE(input.value("kind").toString(), QString("model"));
    QCOMPARE(input.value("model").toString(), QString("/models/models--gpt2/snapshots/abc"));
    QCOMPARE(input.value("image").toString(), QString("/pictures/cat ü.png"));
    auto back = decodeSession(bytes, "/tmp/s.attnscope");
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QCOMPARE(back->modelDir, s.modelDir);
    QCOMPARE(back->modelImage, s.modelImage);
    QCOMPARE(back->inputKind, SessionState::InputKind::Model);
}

void TestSession::modelInputNeedsItsFolder()
{
    SessionState s;
    s.inputKind = SessionState::InputKind::Model;
    s.modelDir = "/m";
    QByteArray json = QByteArray(reinterpret_cast<const char *>(encodeSession(s).data()), qsizetype(encodeSession(s).size()));
    json.replace("\"model\": \"/m\"", "\"modelx\": \"/m\"");
    const auto *p = reinterpret_cast<const std::byte *>(json.constData());
    auto back = decodeSession(std::vector<std::byte>(p, p + json.size()), "/tmp/s.attnscope");
    QVERIFY(!back.ok());
    QVERIFY2(back.error().message.find("input.model") != std::string::npos, back.error().message.c_str());
}

void TestSession::saveAndOpenRestoresTheState()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("my session ü.attnscope");
    SessionState s = fullState();
    QVERIFY(saveSession(s, path.toStdString()).ok());
    auto back = loadSession(path.toStdString());
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());

    // Saving recomputes the relative paths for the session's folder; everything else is as given.
    s.sessionPath = path.toStdString();
    for (SessionInput &in : s.inputs)
        in.relativePath = QDir(dir.path()).relativeFilePath(QString::fromStdString(in.absolutePath)).toStdString();
    QVERIFY(*back == s);

    // Saving again replaces the file in place and leaves no temporary file beside it.
    s.page = "attention";
    QVERIFY(saveSession(s, path.toStdString()).ok());
    QCOMPARE(loadSession(path.toStdString())->page, std::string("attention"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"my session ü.attnscope"});
}

void TestSession::defaultStateRoundTrips()
{
    SessionState s;
    s.sessionPath = "x.attnscope";
    auto back = decodeSession(encodeSession(s), s.sessionPath);
    QVERIFY(back.ok());
    QVERIFY(*back == s);
    QCOMPARE(back->page, std::string("explorer"));
    QVERIFY(back->pages.empty());
    // An empty map is written as "pages": {}, which is valid.
    const QJsonObject root = QJsonDocument::fromJson(qbytes(encodeSession(s))).object();
    QVERIFY(root.value("pages").isObject());
    QVERIFY(root.value("pages").toObject().isEmpty());
}

void TestSession::embeddedTensorsRoundTripByteIdentically()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir("in puts"));
    const QStringList names = {"q.npy", "k.npy", "v.npy", "tokens.txt", "bad.npy"};
    QList<QByteArray> contents = {npyBytes(3, 0.f), npyBytes(4, 1.f), npyBytes(4, 2.f), "a\nb\nc\n", "not an npy"};
    SessionState s;
    s.inputKind = SessionState::InputKind::Files;
    for (qsizetype i = 0; i < names.size(); ++i) {
        const QString p = dir.filePath("in puts/" + names[i]);
        QVERIFY(writeBytes(p, contents[i]));
        s.inputs.push_back(inputAt(p));
    }
    auto embedded = embedInputs(s);
    QVERIFY(embedded.ok());
    QVERIFY(*embedded);
    QCOMPARE(s.inputs[0].encoding, SessionInput::Encoding::Npy);
    QCOMPARE(s.inputs[3].encoding, SessionInput::Encoding::Raw);
    QCOMPARE(s.inputs[4].encoding, SessionInput::Encoding::Raw); // a broken .npy is kept as it is

    const QString path = dir.filePath("s.attnscope");
    QVERIFY(saveSession(s, path.toStdString()).ok());
    auto back = loadSession(path.toStdString());
    QVERIFY(back.ok());
    for (qsizetype i = 0; i < names.size(); ++i) {
        QVERIFY(back->inputs[std::size_t(i)].embedded);
        QCOMPARE(qbytes(*back->inputs[std::size_t(i)].embedded), contents[i]);
    }

    // Over the limit nothing is embedded.
    auto big = embedInputs(s, 10);
    QVERIFY(big.ok());
    QVERIFY(!*big);
    for (const auto &in : s.inputs)
        QVERIFY(!in.embedded);
}

void TestSession::missingInputIsNamedAndEmbeddedCopyUsed()
{
    QTemporaryDir dir, temp;
    QVERIFY(dir.isValid() && temp.isValid());
    const QString qPath = dir.filePath("q.npy"), kPath = dir.filePath("k.npy");
    const QByteArray q = npyBytes(2, 3.f), k = npyBytes(2, 4.f);
    QVERIFY(writeBytes(qPath, q) && writeBytes(kPath, k));
    SessionState s;
    s.inputKind = SessionState::InputKind::Files;
    s.inputs = {inputAt(qPath), inputAt(kPath)};
    QVERIFY(embedInputs(s).ok());
    const QString path = dir.filePath("s.attnscope");
    QVERIFY(saveSession(s, path.toStdString()).ok());
    QVERIFY(QFile::remove(qPath));

    auto back = loadSession(path.toStdString());
    QVERIFY(back.ok());
    const auto missing = missingInputs(*back);
    QCOMPARE(missing.size(), std::size_t(1));
    const QString msg = QString::fromStdString(missing[0]);
    QCOMPARE(msg, path + ": the input q.npy is missing (it was at " + qPath + ")");

    auto paths = materializeInputs(*back, temp.filePath("inputs").toStdString());
    QVERIFY2(paths.ok(), paths.ok() ? "" : paths.error().message.c_str());
    QCOMPARE(paths->size(), std::size_t(2));
    QCOMPARE(QString::fromStdString((*paths)[0]), temp.filePath("inputs/q.npy")); // its role name kept
    QCOMPARE(fileBytes(QString::fromStdString((*paths)[0])), q);
    QCOMPARE(QString::fromStdString((*paths)[1]), kPath); // the file on disk is preferred
    auto tensor = readNpy((*paths)[0]);
    QVERIFY(tensor.ok());
}

void TestSession::inputsAreFoundBesideAMovedSession()
{
    QTemporaryDir a, b;
    QVERIFY(a.isValid() && b.isValid());
    QVERIFY(QDir(a.path()).mkdir("data"));
    QVERIFY(writeBytes(a.filePath("data/q.npy"), npyBytes(2, 0.f)));
    SessionState s;
    s.inputKind = SessionState::InputKind::Files;
    s.inputs = {inputAt(a.filePath("data/q.npy"))};
    QVERIFY(saveSession(s, a.filePath("s.attnscope").toStdString()).ok());
    // The folder moves to another machine: the absolute path is gone, the relative one holds.
    QVERIFY(QDir(b.path()).mkdir("data"));
    QVERIFY(QFile::rename(a.filePath("data/q.npy"), b.filePath("data/q.npy")));
    QVERIFY(QFile::rename(a.filePath("s.attnscope"), b.filePath("s.attnscope")));
    auto back = loadSession(b.filePath("s.attnscope").toStdString());
    QVERIFY(back.ok());
    QVERIFY(missingInputs(*back).empty());
    QCOMPARE(QString::fromStdString(*resolveInput(*back, 0)), b.filePath("data/q.npy"));
}

void TestSession::missingInputWithoutCopyIsAnError()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SessionState s;
    s.sessionPath = dir.filePath("s.attnscope").toStdString();
    s.inputKind = SessionState::InputKind::Bundle;
    s.inputs = {inputAt(dir.filePath("gone bundle.npz"))};
    auto paths = materializeInputs(s, dir.filePath("tmp").toStdString());
    QVERIFY(!paths.ok());
    QCOMPARE(paths.error().code, Error::Code::FileNotFound);
    QVERIFY(QString::fromStdString(paths.error().message).contains("the input gone bundle.npz is missing"));
    QVERIFY(!embedInputs(s).ok());
}

void TestSession::savedFileIsJsonWithTheDocumentedKeys()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("s.attnscope");
    QVERIFY(saveSession(fullState(), path.toStdString()).ok());
    QJsonParseError err;
    const QJsonObject root = QJsonDocument::fromJson(fileBytes(path), &err).object();
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(root.value("format").toString(), QString("attnscope-session"));
    QCOMPARE(root.value("version").toInt(), 2);
    QCOMPARE(root.keys(), (QStringList{"format", "input", "pages", "version", "window"}));
    const QJsonObject input = root.value("input").toObject();
    QCOMPARE(input.keys(), (QStringList{"files", "kind"})); // the typed text is the explorer page's
    QCOMPARE(input.value("kind").toString(), QString("files"));
    const QJsonObject f = input.value("files").toArray()[0].toObject();
    for (const char *key : {"name", "path", "relative", "embedded"})
        QVERIFY2(f.contains(key), key);
    QCOMPARE(f.value("embedded").toObject().value("encoding").toString(), QString("npy"));
    const QJsonObject w = root.value("window").toObject();
    QCOMPARE(w, (QJsonObject{{"page", "image"}, {"colormap", "magma"}, {"reduction", "mean"}}));
    const QJsonObject pages = root.value("pages").toObject();
    QCOMPARE(pages.keys(), (QStringList{"attention", "explorer", "image", "ünïcode page"}));
    QCOMPARE(pages.value("attention").toObject(), (QJsonObject{{"layer", "2"}, {"mode", "rollout"}}));
    QCOMPARE(pages.value("explorer").toObject().value("seed").toString(), QString("18446744073709551557"));
}

void TestSession::unknownFieldsAreIgnored()
{
    QJsonObject root = validJson();
    root.insert("writtenBy", "AttnScope 9");
    root = with(root, "window", "someFutureSetting", QJsonObject{{"a", 1}});
    root = with(root, "input", "text", 3); // version 1's field, not read in version 2
    root = withFile0(root, "sha256", "abc");
    auto s = decodeSession(vbytes(json(root)), "f.attnscope");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
}

void TestSession::corruptFilesAreRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    const QJsonObject ok = validJson();
    const QByteArray good = json(ok);

    QTest::newRow("not JSON") << QByteArray("hello, world") << "not a valid session file";
    QTest::newRow("truncated") << good.left(good.size() / 2) << "not a valid session file";
    QTest::newRow("empty") << QByteArray() << "not a valid session file";
    QTest::newRow("array") << QByteArray("[1, 2]") << "not a JSON object";
    QJsonObject tag = ok;
    tag.insert("format", "something-else");
    QTest::newRow("wrong tag") << json(tag) << "\"format\" is \"something-else\"";
    QJsonObject noTag = ok;
    noTag.remove("format");
    QTest::newRow("no tag") << json(noTag) << "\"format\" is missing";
    QJsonObject version = ok;
    version.insert("version", 3);
    QTest::newRow("version 3") << json(version) << "written by a newer AttnScope (version 3); this one reads versions up to 2";
    version.insert("version", "2");
    QTest::newRow("version as a string") << json(version) << "\"version\" must be an integer";
    version.insert("version", 0);
    QTest::newRow("version 0") << json(version) << "\"version\" must be an integer from 1";
    version.insert("version", 2.5);
    QTest::newRow("version 2.5") << json(version) << "\"version\" must be an integer from 1";
    QTest::newRow("empty object") << QByteArray("{}") << "\"format\" is missing";
    for (const char *section : {"input", "window", "pages"}) {
        QJsonObject missing = ok;
        missing.remove(section);
        QTest::addRow("missing %s", section) << json(missing) << QString("the field \"%1\" is missing").arg(section);
        QJsonObject wrong = ok;
        wrong.insert(section, QJsonArray{});
        QTest::addRow("%s an array", section) << json(wrong) << QString("the field \"%1\" must be an object").arg(section);
    }
    // A version-2 file is read as version 2, not as version 1 with sections missing.
    QJsonObject asV1 = ok;
    asV1.insert("version", 1);
    QTest::newRow("version 2 layout as version 1") << json(asV1) << "the field \"input.text\" is missing";

    // window
    QTest::newRow("page missing") << json(with(ok, "window", "page", QJsonValue::Undefined)) << "\"window.page\" is missing";
    QTest::newRow("page empty") << json(with(ok, "window", "page", "")) << "\"window.page\" is empty";
    QTest::newRow("page a number") << json(with(ok, "window", "page", 1)) << "\"window.page\" must be a string";
    QTest::newRow("page null") << json(with(ok, "window", "page", QJsonValue::Null))
                               << "\"window.page\" must be a string";
    QTest::newRow("colormap missing") << json(with(ok, "window", "colormap", QJsonValue::Undefined))
                                      << "\"window.colormap\" is missing";
    QTest::newRow("colormap a number") << json(with(ok, "window", "colormap", 3)) << "\"window.colormap\" must be a string";
    QTest::newRow("reduction missing") << json(with(ok, "window", "reduction", QJsonValue::Undefined))
                                       << "\"window.reduction\" is missing";
    QTest::newRow("reduction median") << json(with(ok, "window", "reduction", "median"))
                                      << "\"window.reduction\" has the unknown value \"median\" (expected one of max, mean)";
    QTest::newRow("reduction upper case") << json(with(ok, "window", "reduction", "Max")) << "\"window.reduction\"";

    // pages: each member an object; its content is the page's own business
    QTest::newRow("explorer a string") << json(with(ok, "pages", "explorer", "the cat"))
                                       << "the field \"pages.explorer\" is not an object";
    QTest::newRow("attention an array") << json(with(ok, "pages", "attention", QJsonArray{1}))
                                        << "the field \"pages.attention\" is not an object";
    QTest::newRow("later page null") << json(with(ok, "pages", "lessons", QJsonValue::Null))
                                     << "the field \"pages.lessons\" is not an object";
    QTest::newRow("image a number") << json(with(ok, "pages", "image", 60)) << "the field \"pages.image\" is not an object";

    // input: every rule of version 1 that is still in version 2
    QTest::newRow("kind missing") << json(with(ok, "input", "kind", QJsonValue::Undefined)) << "\"input.kind\" is missing";
    QTest::newRow("unknown kind") << json(with(ok, "input", "kind", "video")) << "\"input.kind\" has the unknown value";
    QTest::newRow("files missing") << json(with(ok, "input", "files", QJsonValue::Undefined))
                                   << "\"input.files\" is missing";
    QTest::newRow("files not array") << json(with(ok, "input", "files", QJsonObject()))
                                     << "\"input.files\" must be an array";
    QTest::newRow("file not an object") << json(with(ok, "input", "files", QJsonArray{"q.npy"}))
                                        << "\"input.files[0]\" must be an object";
    QTest::newRow("bad base64") << json(withFile0(ok, "data", "@@not base64@@"))
                                << "\"input.files[0].embedded.data\" is not valid base64";
    QTest::newRow("base64 not npy") << json(withFile0(ok, "data", QString(QByteArray("hello npy").toBase64())))
                                    << "\"input.files[0].embedded.data\" is not a valid .npy file";
    QTest::newRow("name with a slash") << json(withFile0(ok, "name", "../../etc/passwd")) << "\"input.files[0].name\"";
    QTest::newRow("no path") << json(withFile0(withFile0(ok, "path", ""), "relative", "")) << "\"input.files[0].path\"";
    QTest::newRow("files kind without files")
        << json(with(ok, "input", "files", QJsonArray())) << "\"input.files\" has no primary file";
}

void TestSession::corruptFilesAreRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("broken session.attnscope");
    QVERIFY(writeBytes(path, content));
    auto s = loadSession(path.toStdString());
    QVERIFY(!s.ok());
    const QString msg = QString::fromStdString(s.error().message);
    QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
    QVERIFY2(msg.contains(expected), qPrintable(msg));
}

void TestSession::oversizeFileIsRefusedBeforeReading()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("huge.attnscope");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(f.resize(qint64(kSessionMaxFileBytes) + 1)); // sparse: no disk used
    f.close();
    auto s = loadSession(path.toStdString());
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, Error::Code::OverBudget);
    QVERIFY(QString::fromStdString(s.error().message).startsWith(path + ": "));
}

void TestSession::saveOverADirectoryFailsAndChangesNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString existing = dir.filePath("old.attnscope");
    QVERIFY(saveSession(SessionState{}, existing.toStdString()).ok());
    const QByteArray before = fileBytes(existing);
    QVERIFY(QDir(dir.path()).mkdir("a folder.attnscope"));
    const QStringList entries = QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);

    const auto st = saveSession(fullState(), dir.filePath("a folder.attnscope").toStdString());
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, Error::Code::WriteFailed);
    QVERIFY(QString::fromStdString(st.error().message).contains("a folder.attnscope"));
    QCOMPARE(fileBytes(existing), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), entries);
    QVERIFY(QDir(dir.filePath("a folder.attnscope")).isEmpty());

    // A folder that is a file fails even for root, and leaves nothing behind.
    QVERIFY(!saveSession(fullState(), dir.filePath("old.attnscope/s.attnscope").toStdString()).ok());
    QCOMPARE(fileBytes(existing), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), entries);
}

void TestSession::saveIntoReadOnlyFolderLeavesTheOldFile()
{
    if (geteuid() == 0)
        QSKIP("running as root: a read-only folder does not stop root from writing");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("s.attnscope");
    QVERIFY(saveSession(SessionState{}, path.toStdString()).ok());
    const QByteArray before = fileBytes(path);
    QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
    const auto st = saveSession(fullState(), path.toStdString());
    QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(!st.ok());
    QVERIFY(QString::fromStdString(st.error().message).contains("s.attnscope"));
    QCOMPARE(fileBytes(path), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"s.attnscope"});
}

void TestSession::stageKeysRoundTrip()
{
    for (Stage st :
         {Stage::Inputs, Stage::Qkv, Stage::Scores, Stage::Scaled, Stage::Masked, Stage::Weights, Stage::Output})
        QCOMPARE(stageFromKey(stageKey(st)), std::optional<Stage>(st));
    QCOMPARE(std::string(stageKey(Stage::Weights)), std::string("weights"));
    QVERIFY(!stageFromKey("Weights"));
}

void TestSession::documentedExampleOpens()
{
    const QString doc = QString::fromUtf8(fileBytes(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/docs/session-format.md")));
    const qsizetype start = doc.indexOf("```json\n"), end = doc.indexOf("\n```", start + 1);
    QVERIFY(start >= 0 && end > start);
    const QByteArray example = doc.mid(start + 8, end - start - 8).toUtf8();
    auto s = decodeSession(vbytes(example), "example.attnscope");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->inputKind, SessionState::InputKind::Files);
    QCOMPARE(s->inputs.size(), std::size_t(2));
    QCOMPARE(s->inputs[0].relativePath, std::string("run 7/q.npy"));
    QVERIFY(s->inputs[0].embedded && !s->inputs[1].embedded);
    QCOMPARE(s->version, 2);
    QCOMPARE(s->page, std::string("attention"));
    QCOMPARE(s->colormap, std::string("viridis"));
    QCOMPARE(s->reduction, SessionState::Reduction::Max);
    QCOMPARE(s->pages.size(), std::size_t(3));
    const QJsonObject explorer = s->pages.at("explorer");
    QCOMPARE(explorer.value("text").toString(), QString("the cat sat on the mat"));
    QCOMPARE(explorer.value("mask").toString(), QString("causal"));
    QCOMPARE(explorer.value("stage").toString(), QString("weights"));
    QCOMPARE(explorer.value("selectedCell").toArray(), (QJsonArray{3, 1}));
    QCOMPARE(explorer.value("zoomX").toArray(), (QJsonArray{-0.5, 5.5}));
    QCOMPARE(s->pages.at("attention").value("mode").toString(), QString("rollout"));
    QCOMPARE(s->pages.at("image").value("opacity").toString(), QString("60"));
    // And the example's embedded tensor is the 2×2 identity.
    auto t = parseNpy(s->inputs[0].embedded->data(), s->inputs[0].embedded->size(), "q.npy");
    QVERIFY(t.ok());
    QCOMPARE(t->shape, (Shape{2, 2}));
    QCOMPARE(t->at(0), 1.0);
    QCOMPARE(t->at(1), 0.0);
    QCOMPARE(t->at(3), 1.0);
}

void TestSession::rolesRoundTripAndOnlyNonEmptyOnesAreWritten()
{
    SessionState s;
    s.sessionPath = "roles.attnscope";
    s.inputKind = SessionState::InputKind::Bundle;
    s.inputs = {inputAt("/data/a/attn.npz"), inputAt("/data/scene.png"), inputAt("/data/b/attn.npz")};
    s.inputs[1].role = kSessionRoleOverlayImage;
    s.inputs[2].role = kSessionRoleSecondInput;
    s.inputs[2].embedded = vbytes(QByteArray("npz bytes"));
    s.inputs[2].encoding = SessionInput::Encoding::Raw;
    auto back = decodeSession(encodeSession(s), s.sessionPath);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(*back == s);

    const QJsonArray files =
        QJsonDocument::fromJson(qbytes(encodeSession(s))).object().value("input").toObject().value("files").toArray();
    QVERIFY(!files[0].toObject().contains("role")); // a primary input is written as before roles
    QCOMPARE(files[1].toObject()["role"].toString(), QString("overlayImage"));
    QCOMPARE(files[2].toObject()["role"].toString(), QString("secondInput"));
}

void TestSession::unknownPagesAreKept()
{
    // A later release's page (shown, with its own part) and a page part this version does not use:
    // both are read without a word and written back exactly as they were.
    const QJsonObject lessons{{"lesson", 4},
                              {"steps", QJsonArray{QJsonObject{{"done", true}}, QJsonObject{}}},
                              {"note", "välue 🐈"},
                              {"empty", QJsonValue::Null},
                              {"ratio", 0.1}};
    QJsonObject root = with(validJson(), "window", "page", "lessons");
    root = with(root, "pages", "lessons", lessons);
    root = with(root, "pages", "empty", QJsonObject{});
    auto s = decodeSession(vbytes(json(root)), "later.attnscope");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->page, std::string("lessons"));
    QCOMPARE(s->pages.at("lessons"), lessons);
    QVERIFY(s->pages.at("empty").isEmpty());
    const QJsonObject again = QJsonDocument::fromJson(qbytes(encodeSession(*s))).object();
    QCOMPARE(again.value("pages").toObject(), root.value("pages").toObject());
    QCOMPARE(again.value("window").toObject(), root.value("window").toObject());

    // The content of a page's part is not checked here: values a page would refuse pass through.
    root = with(validJson(), "pages", "explorer", QJsonObject{{"dModel", -3}, {"stage", 7}, {"text", false}});
    s = decodeSession(vbytes(json(root)), "odd.attnscope");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->pages.at("explorer").value("dModel").toInt(), -3);
}

void TestSession::unknownRoleIsLeftOut()
{
    // A later release's kind of file (even with fields this version would refuse) is dropped;
    // the known ones around it stay, in order.
    QJsonObject future{{"role", "depthMap"}, {"name", "../not/plain"}, {"format", 3}};
    const QJsonObject root = bundleWithFiles({fileJson("attn.npz"), future, fileJson("other.npz", "secondInput")});
    auto s = decodeSession(vbytes(json(root)), "future.attnscope");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(s->inputs.size(), std::size_t(2));
    QCOMPARE(s->inputs[0].name, std::string("attn.npz"));
    QCOMPARE(s->inputs[1].name, std::string("other.npz"));
    QCOMPARE(s->inputs[1].role, std::string(kSessionRoleSecondInput));
}

void TestSession::badRolesAreRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("role not a string") << json(withFile0(validJson(), "role", 1))
                                       << "\"input.files[0].role\" must be a string";
    QTest::newRow("overlay image twice") << json(bundleWithFiles({fileJson("a.npz"), fileJson("x.png", "overlayImage"),
                                                                  fileJson("y.png", "overlayImage")}))
                                         << "\"input.files[2].role\" is \"overlayImage\" a second time";
    QTest::newRow("second input beside tensor files")
        << json(with(validJson(), "input", "files", QJsonArray{fileJson("q.npy"), fileJson("b.npz", "secondInput")}))
        << "\"input.files[1].role\" is \"secondInput\", which only a \"bundle\" input has";
    QTest::newRow("only secondary files")
        << json(bundleWithFiles({fileJson("x.png", "overlayImage")})) << "\"input.files\" has no primary file";
    QTest::newRow("only unknown roles") << json(bundleWithFiles({fileJson("d.exr", "depthMap")}))
                                        << "\"input.files\" has no primary file";
}

void TestSession::badRolesAreRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    auto s = decodeSession(vbytes(content), "roles.attnscope");
    QVERIFY(!s.ok());
    const QString msg = QString::fromStdString(s.error().message);
    QVERIFY2(msg.startsWith("roles.attnscope: "), qPrintable(msg));
    QVERIFY2(msg.contains(expected), qPrintable(msg));
}

void TestSession::missingSecondaryInputIsNamedByItsRole()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeBytes(dir.filePath("attn.npz"), "npz"));
    SessionState s;
    s.sessionPath = dir.filePath("s.attnscope").toStdString();
    s.inputKind = SessionState::InputKind::Bundle;
    s.inputs = {inputAt(dir.filePath("attn.npz")), inputAt(dir.filePath("gone.png")), inputAt(dir.filePath("b.npz"))};
    s.inputs[1].role = kSessionRoleOverlayImage;
    s.inputs[2].role = kSessionRoleSecondInput;
    const auto missing = missingInputs(s);
    QCOMPARE(missing.size(), std::size_t(2));
    QCOMPARE(QString::fromStdString(missing[0]), dir.filePath("s.attnscope") +
                                                     ": the overlay image gone.png is missing (it was at " +
                                                     dir.filePath("gone.png") + ")");
    QVERIFY(QString::fromStdString(missing[1]).contains(": the second input b.npz is missing"));
    // Without an embedded copy a secondary input stops the session as a primary one does.
    auto paths = materializeInputs(s, dir.filePath("tmp").toStdString());
    QVERIFY(!paths.ok());
    QCOMPARE(paths.error().code, Error::Code::FileNotFound);
    QVERIFY(QString::fromStdString(paths.error().message).contains("the overlay image gone.png is missing"));
}

void TestSession::sameNamedEmbeddedInputsDoNotOverwriteEachOther()
{
    // A bundle and a second bundle, both attn.npz, from two folders: after both folders are gone,
    // each embedded copy comes back under its own name with its own bytes.
    QTemporaryDir dir, temp;
    QVERIFY(dir.isValid() && temp.isValid());
    QVERIFY(QDir(dir.path()).mkpath("run a") && QDir(dir.path()).mkpath("run b"));
    const QByteArray a = "first bundle", b = "second bundle, longer";
    QVERIFY(writeBytes(dir.filePath("run a/attn.npz"), a) && writeBytes(dir.filePath("run b/attn.npz"), b));
    QVERIFY(writeBytes(dir.filePath("scene.png"), "png"));
    SessionState s;
    s.inputKind = SessionState::InputKind::Bundle;
    s.inputs = {inputAt(dir.filePath("run a/attn.npz")), inputAt(dir.filePath("scene.png")),
                inputAt(dir.filePath("run b/attn.npz"))};
    s.inputs[1].role = kSessionRoleOverlayImage;
    s.inputs[2].role = kSessionRoleSecondInput;
    auto embedded = embedInputs(s);
    QVERIFY(embedded.ok() && *embedded);
    QCOMPARE(qbytes(*s.inputs[0].embedded), a);
    QCOMPARE(qbytes(*s.inputs[2].embedded), b);
    QTemporaryDir sessions;
    const QString path = sessions.filePath("s.attnscope");
    QVERIFY(saveSession(s, path.toStdString()).ok());
    QVERIFY(dir.remove());

    auto back = loadSession(path.toStdString());
    QVERIFY(back.ok());
    auto paths = materializeInputs(*back, temp.filePath("inputs").toStdString());
    QVERIFY2(paths.ok(), paths.ok() ? "" : paths.error().message.c_str());
    const QString first = QString::fromStdString((*paths)[0]), second = QString::fromStdString((*paths)[2]);
    QCOMPARE(first, temp.filePath("inputs/0/attn.npz"));
    QCOMPARE(second, temp.filePath("inputs/2/attn.npz"));
    QCOMPARE(fileBytes(first), a);
    QCOMPARE(fileBytes(second), b);
    QCOMPARE(QString::fromStdString((*paths)[1]), temp.filePath("inputs/scene.png")); // its name alone
    QCOMPARE(fileBytes(QString::fromStdString((*paths)[1])), QByteArray("png"));
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
