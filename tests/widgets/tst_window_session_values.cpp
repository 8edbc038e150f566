// Every enumerated value a session file holds, valid and invalid, fed to the window through a
// crafted session file (issue 11, item 1: an unknown colour map crashed render()), and the
// crash-recovery files of several windows (item 6).
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "main_window.h"
#include "session_file.h"
#include "session_values.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {

/// `doc` with the field at `path` ("window.colormap"; a page's field: "pages/explorer.stage") set
/// to `value`.
QByteArray withField(QJsonObject doc, const QString &path, const QJsonValue &value)
{
    const bool inPage = path.startsWith(QLatin1String("pages/"));
    const QStringList keys = (inPage ? path.mid(6) : path).split(QLatin1Char('.'));
    if (keys.size() == 1) {
        doc.insert(keys[0], value);
        return QJsonDocument(doc).toJson();
    }
    if (!inPage) {
        QJsonObject section = doc.value(keys[0]).toObject();
        section.insert(keys[1], value);
        doc.insert(keys[0], section);
        return QJsonDocument(doc).toJson();
    }
    QJsonObject pages = doc.value("pages").toObject();
    QJsonObject page = pages.value(keys[0]).toObject();
    page.insert(keys[1], value);
    pages.insert(keys[0], page);
    doc.insert("pages", pages);
    return QJsonDocument(doc).toJson();
}

/// What the window shows for the field at `path`, as the session would write it.
QString shownValue(const MainWindow &w, const QString &path)
{
    const SessionState s = w.captureSession();
    if (path == "window.colormap")
        return QString::fromStdString(s.colormap);
    if (path == "window.reduction")
        return reductionChoices().nameOf(s.reduction);
    if (path == "window.page")
        return QString::fromStdString(s.page);
    if (path == "input.kind")
        return s.inputKind == SessionState::InputKind::Text ? "text" : "other";
    const QStringList keys = path.mid(6).split(QLatin1Char('.'));
    return s.pages.at(keys[0].toStdString()).value(keys[1]).toString();
}

} // namespace

class TestWindowSessionValues : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void init();
    void everyEnumeratedValue_data();
    void everyEnumeratedValue();
    void secondWindowLeavesALiveWindowsCopyAlone();
    void restoredCopyIsKeptUntilSavedOrAutosaved();
    void declinedCopyIsDeleted();
    void copyOfAProcessThatIsStillRunningIsNotOffered();

private:
    std::unique_ptr<MainWindow> m_window;
};

void TestWindowSessionValues::init()
{
    m_window.reset(); // before its lock file goes
    QDir(MainWindow::autosaveFolder()).removeRecursively();
    m_window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY(explorerOf(m_window)->state()); // the first computation, maybe shown already
}

void TestWindowSessionValues::everyEnumeratedValue_data()
{
    // outcome: "ok" (shown as given), "fallback" (the default, and the status bar names the
    // ignored value), "refused" (the file is refused by naming the field; the window unchanged).
    // expected: the value shown afterwards; "=" the value shown before.
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<QString>("expected");
    const auto row = [](const QString &path, const QJsonValue &value, const char *outcome, const QString &expected) {
        const QString shown = value.isString() ? '"' + value.toString() + '"' : QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        QTest::newRow(qPrintable(path + " = " + shown)) << path << value << QString(outcome) << expected;
    };
    for (const char *name : {"viridis", "magma", "gray"})
        row("window.colormap", name, "ok", name);
    for (const char *name : {"coolwarm", "", "foo", "Viridis"})
        row("window.colormap", name, "fallback", "viridis");
    row("window.colormap", 3, "refused", "=");
    for (const char *name : {"max", "mean"})
        row("window.reduction", name, "ok", name);
    for (const char *name : {"min", ""})
        row("window.reduction", name, "refused", "=");
    for (const char *page : {"explorer", "attention", "image"})
        row("window.page", page, "ok", page);
    row("window.page", "lesson", "fallback", "="); // a page of a later version
    row("window.page", "", "refused", "=");
    row("window.page", 1, "refused", "=");
    // A page's own fields: a value it cannot use is ignored with a note, never refused.
    for (const char *name : {"inputs", "qkv", "scores", "scaled", "masked", "weights", "output"})
        row("pages/explorer.stage", name, "ok", name);
    for (const char *name : {"softmax", ""})
        row("pages/explorer.stage", name, "fallback", "weights");
    for (const char *name : {"sqrt", "dim", "none", "custom"})
        row("pages/explorer.scale", name, "ok", name);
    for (const char *name : {"foo", "", "SQRT"})
        row("pages/explorer.scale", name, "fallback", "=");
    for (const char *name : {"none", "causal", "padding"})
        row("pages/explorer.mask", name, "ok", name);
    row("pages/explorer.mask", "foo", "fallback", "=");
    row("input.kind", "text", "ok", "text");
    row("input.kind", "foo", "refused", "=");
    row("input.kind", "files", "refused", "="); // a kind with no file
    const QList<std::pair<QString, QStringList>> pages = {
        {"attention.mode", {"single", "mean", "max", "min", "rollout"}},
        {"attention.rolloutFusion", {"mean", "max", "min"}},
        {"attention.normalization", {"none", "row", "column", "global", "log"}},
        {"attention.grid", {"headsOfLayer", "layersOfHead"}},
        {"attention.differenceSource", {"this"}},
        {"attention.hideSpecial", {"true", "false"}},
        {"image.mode", {"patches"}},
        {"image.stage", {"scores", "scaled", "weights"}},
        {"image.upsampling", {"nearest", "bilinear"}},
        {"image.colormap", {"viridis", "magma", "gray"}},
    };
    for (const auto &[key, names] : pages) {
        for (const QString &name : names)
            row("pages/" + key, name, "ok", name);
        for (const char *bad : {"foo", ""})
            row("pages/" + key, bad, "fallback", "=");
    }
    row("pages/image.colormap", "coolwarm", "fallback", "=");
    row("pages/image.mode", "bundle", "fallback", "="); // no bundle is shown over an image
    row("pages/attention.hideSpecial", "yes", "fallback", "=");
}

void TestWindowSessionValues::everyEnumeratedValue()
{
    QFETCH(QString, path);
    QFETCH(QJsonValue, value);
    QFETCH(QString, outcome);
    QFETCH(QString, expected);
    const std::vector<std::byte> encoded = encodeSession(m_window->captureSession());
    const QJsonObject base =
        QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char *>(encoded.data()), qsizetype(encoded.size()))).object();
    QVERIFY(!base.isEmpty());
    QTemporaryDir dir;
    const QString file = dir.filePath("crafted.attnscope");
    QVERIFY(writeBytes(file, withField(base, path, value)));
    const QString before = shownValue(*m_window, path);
    const SessionState stateBefore = m_window->captureSession();
    QString error;
    const bool opened = m_window->openSession(file, &error);
    if (outcome == "refused") {
        QVERIFY2(!opened, "the session should be refused");
        QVERIFY2(error.contains(path.left(path.indexOf('.') + 1)) && error.contains("crafted.attnscope"), qPrintable(error));
        QVERIFY(m_window->captureSession() == stateBefore);
    } else {
        QVERIFY2(opened, qPrintable(error));
        QCOMPARE(shownValue(*m_window, path), expected == "=" ? before : expected);
        const QString message = m_window->statusBar()->currentMessage();
        const QString ignored = '"' + (value.isString() ? value.toString() : QString::number(value.toInt())) + '"';
        if (outcome == "fallback")
            QVERIFY2(message.contains(path.section('/', -1)) && message.contains(ignored), qPrintable(message));
        else
            QVERIFY2(!message.contains(ignored + " is not known") && !message.contains(ignored + " cannot be used"), qPrintable(message));
    }
    // The window still draws, in every stage and after a recomputation: nothing was left null.
    for (int s = 0; s <= int(Stage::Output); ++s)
        explorerOf(m_window)->showStage(Stage(s));
    QVERIFY(!explorerOf(m_window)->renderPicture(QSize(300, 200), 1).isNull());
    explorerOf(m_window)->setSentence("one two three");
    QVERIFY(waitForState(*m_window));
}

void TestWindowSessionValues::secondWindowLeavesALiveWindowsCopyAlone()
{
    explorerOf(m_window)->setSentence("first window work");
    QVERIFY(waitForState(*m_window));
    m_window->autosave();
    const QString copy = m_window->autosavePath();
    QVERIFY(QFileInfo::exists(copy));
    MainWindow second;
    QVERIFY(second.autosavePath() != copy);
    int asked = 0;
    second.setRecoveryQuestion([&asked](const QString &) { return ++asked, false; });
    second.offerRecovery();
    QCOMPARE(asked, 0);
    QVERIFY(QFileInfo::exists(copy)); // the old code asked, and No deleted it
}

void TestWindowSessionValues::restoredCopyIsKeptUntilSavedOrAutosaved()
{
    explorerOf(m_window)->setSentence("work to recover");
    QVERIFY(waitForState(*m_window));
    m_window->autosave();
    // A crash: the copy stays and nobody holds its lock (a window destroyed normally deletes it).
    const QString crashed = QDir(MainWindow::autosaveFolder()).filePath("autosave-999999-0.attnscope");
    QVERIFY(QFile::copy(m_window->autosavePath(), crashed));
    m_window.reset();
    QVERIFY(QFileInfo::exists(crashed));

    auto window = freshWindow();
    QStringList offered;
    window->setRecoveryQuestion([&offered](const QString &path) { return offered << path, true; });
    window->offerRecovery();
    QCOMPARE(offered, QStringList{QFileInfo(crashed).absoluteFilePath()});
    QCOMPARE(explorerOf(window)->controls()->values().text, std::string("work to recover"));
    QVERIFY(window->isModified());
    QVERIFY2(QFileInfo::exists(crashed), "a second crash before the next autosave must not lose the work");
    QCOMPARE(window->recoveredPath(), QFileInfo(crashed).absoluteFilePath());

    // While this window has it, another window does not offer it.
    MainWindow third;
    int asked = 0;
    third.setRecoveryQuestion([&asked](const QString &) { return ++asked, false; });
    third.offerRecovery();
    QCOMPARE(asked, 0);
    QVERIFY(QFileInfo::exists(crashed));

    window->autosave(); // the work is in this window's own copy now
    QVERIFY(QFileInfo::exists(window->autosavePath()));
    QVERIFY(!QFileInfo::exists(crashed));
    QVERIFY(window->recoveredPath().isEmpty());
}

void TestWindowSessionValues::declinedCopyIsDeleted()
{
    explorerOf(m_window)->setSentence("unwanted work");
    QVERIFY(waitForState(*m_window));
    m_window->autosave();
    const QString crashed = QDir(MainWindow::autosaveFolder()).filePath("autosave-999998-0.attnscope");
    QVERIFY(QFile::copy(m_window->autosavePath(), crashed));
    auto other = std::make_unique<MainWindow>();
    int asked = 0;
    other->setRecoveryQuestion([&asked](const QString &) { return ++asked, false; });
    other->offerRecovery();
    QCOMPARE(asked, 1);
    QVERIFY(!QFileInfo::exists(crashed));
    QVERIFY(QFileInfo::exists(m_window->autosavePath())); // the live window's copy is untouched
}

void TestWindowSessionValues::copyOfAProcessThatIsStillRunningIsNotOffered()
{
    // Another process (a second AttnScope) holds the lock of its copy while it lives.
    explorerOf(m_window)->setSentence("another process's work");
    QVERIFY(waitForState(*m_window));
    m_window->autosave();
    const QString theirs = QDir(MainWindow::autosaveFolder()).filePath("autosave-424242-0.attnscope");
    QVERIFY(QFile::copy(m_window->autosavePath(), theirs));
    QProcess holder; // holds the lock as QLockFile would, from a process that is alive
    holder.start("/usr/bin/python3", {"-c", "import os, sys, time\n"
                                           "name = os.path.basename(os.readlink('/proc/self/exe'))\n"
                                           "open(sys.argv[1], 'w').write('%d\\n%s\\n%s\\n' % (os.getpid(), name, os.uname().nodename))\n"
                                           "print('locked', flush=True)\ntime.sleep(30)\n",
                                      theirs + ".lock"});
    QVERIFY(holder.waitForReadyRead(10000));
    int asked = 0;
    MainWindow second;
    second.setRecoveryQuestion([&asked](const QString &) { return ++asked, false; });
    second.offerRecovery();
    holder.kill();
    holder.waitForFinished();
    QCOMPARE(asked, 0);
    QVERIFY(QFileInfo::exists(theirs));
}

QTEST_MAIN(TestWindowSessionValues)
#include "tst_window_session_values.moc"
