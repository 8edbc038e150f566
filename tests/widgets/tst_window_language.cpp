// The Chinese interface (issue 14): the language chosen from --lang, View → Language and the
// locale, in that order; the window's menus, tabs and stage buttons in Chinese once the
// translations are installed (and English again without them); the engine's stage and matrix
// names, which lupdate cannot see in tr(), translated too; Qt's own dialogs following; --lang
// refusing anything but en and zh_CN with one error: line, and never saved.
// That every tr() string has a translation is checked by tests/tools/test_translations.py.

#include <QAction>
#include <QComboBox>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>

#include <tuple>

#include "language.h"
#include "settings.h"
#include "stage_stepper.h"
#include "stages.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {

QStringList menuTitles(const MainWindow &w)
{
    QStringList titles;
    for (QAction *a : w.menuBar()->actions())
        if (a->isVisible())
            titles << a->text();
    return titles;
}

QString stageButtonText(const MainWindow &w, const char *key)
{
    auto *b = w.findChild<QToolButton *>(QStringLiteral("stage_") + QLatin1String(key));
    return b ? b->text() : QString();
}

/// Closes the next modal dialog (the language menu's note) once it is up.
void closeNextModal(QString *text)
{
    QTimer::singleShot(50, qApp, [text] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            *text = box->text();
            box->accept();
        } else {
            closeNextModal(text);
        }
    });
}

struct Run {
    int code = -1;
    QString err;
    QImage shot;
};

/// attnscope ARGS --screenshot, with its settings in `config` (XDG_CONFIG_HOME) and `lcAll` as the locale.
Run runWindow(const QString &config, const QString &lcAll, const QStringList &args)
{
    QTemporaryDir dir;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_CONFIG_HOME", config);
    env.insert("LC_ALL", lcAll);
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    const QString shot = dir.filePath("shot.png");
    p.start(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope"), args + QStringList{"--screenshot", shot});
    Run r;
    if (!p.waitForFinished(60000))
        return r;
    r.code = p.exitCode();
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.shot = QImage(shot);
    return r;
}

/// The menu bar's strip of a window screenshot: where the language shows first.
QImage menuStrip(const QImage &shot) { return shot.copy(0, 0, shot.width(), 20).convertToFormat(QImage::Format_RGB32); }

} // namespace

class TestWindowLanguage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void cleanup() { installTranslations(*qApp, QStringLiteral("en")); }
    void localeGivesTheLanguage_data();
    void localeGivesTheLanguage();
    void savedChoiceComesBeforeTheLocale();
    void chineseWindow();
    void toolBarTextHasNoAccelerator_data();
    void toolBarTextHasNoAccelerator();
    void engineNamesAreTranslated();
    void englishAgainWithoutTranslations();
    void unknownLanguageIsRefused();
    void languageMenuSavesTheChoice();
    void langOptionIsRefusedWithOneErrorLine();
    void langOptionWinsAndIsNotSaved();
};

void TestWindowLanguage::localeGivesTheLanguage_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("language");
    QTest::newRow("zh_CN") << "zh_CN" << "zh_CN";
    QTest::newRow("zh_TW: the only Chinese there is") << "zh_TW" << "zh_CN";
    QTest::newRow("zh_HK") << "zh_HK" << "zh_CN";
    QTest::newRow("en_US") << "en_US" << "en";
    QTest::newRow("de_DE") << "de_DE" << "en";
    QTest::newRow("ja_JP: not Chinese") << "ja_JP" << "en";
    QTest::newRow("C") << "C" << "en";
}

void TestWindowLanguage::localeGivesTheLanguage()
{
    QFETCH(QString, locale);
    QFETCH(QString, language);
    QCOMPARE(languageForLocale(QLocale(locale)), language);
}

void TestWindowLanguage::savedChoiceComesBeforeTheLocale()
{
    QSettings().clear();
    const QString system = languageForLocale(QLocale::system());
    QCOMPARE(startupLanguage(), system); // nothing saved: the locale's
    Settings::setValue(Settings::Key::Language, "zh_CN");
    QCOMPARE(startupLanguage(), QStringLiteral("zh_CN"));
    Settings::setValue(Settings::Key::Language, "en");
    QCOMPARE(startupLanguage(), QStringLiteral("en"));
    Settings::setValue(Settings::Key::Language, "system");
    QCOMPARE(startupLanguage(), system);
    Settings::setValue(Settings::Key::Language, "klingon"); // a hand-edited file: the locale's
    QCOMPARE(startupLanguage(), system);
}

void TestWindowLanguage::chineseWindow()
{
    QVERIFY(installTranslations(*qApp, "zh_CN"));
    QCOMPARE(uiLanguage(), QStringLiteral("zh_CN"));
    auto window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    const QStringList menus = menuTitles(*window);
    for (const char *title : {"文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"})
        QVERIFY2(menus.contains(QString::fromUtf8(title)), qPrintable(menus.join(" | ")));
    QCOMPARE(window->tabs()->tabText(0), QStringLiteral("探索器：逐阶段(&E)"));
    // The row shows full, short or numbered labels by its width (StageStepper): the full titles
    // in Chinese are in the tooltips, and any label with a word has the Chinese one.
    for (const auto &[key, number, word] : {std::tuple{"inputs", "1", "输入"}, {"scores", "3", "分数"}, {"weights", "6", "权重"}}) {
        const QString text = stageButtonText(*window, key);
        QVERIFY2(text.startsWith(QLatin1String(number)) && (text == QLatin1String(number) || text.contains(QString::fromUtf8(word))),
                 qPrintable(text));
        auto *button = window->findChild<QAbstractButton *>(QStringLiteral("stage_%1").arg(QLatin1String(key)));
        QVERIFY(button && button->toolTip().contains(QString::fromUtf8(word)));
    }
    auto *next = window->findChild<QToolButton *>("stageNext");
    QVERIFY(next);
    QCOMPARE(next->text(), QStringLiteral("下一步 ▶"));
    // The heatmap's title comes from the engine's table through the translation.
    QTest::mouseClick(window->findChild<QToolButton *>("stage_scores"), Qt::LeftButton);
    QTRY_VERIFY(explorerOf(window)->heatmap(0)->content().title.startsWith(QStringLiteral("分数 Q·Kᵀ，头 ")));
    // One English word, two meanings: "none" of the scale and of the mask reads right in both.
    auto *mask = window->findChild<QComboBox *>("mask");
    QVERIFY(mask);
    QCOMPARE(mask->itemText(0), QStringLiteral("无"));
    // The tool bar shows the menu texts without their accelerators, brackets and all.
    auto *bar = window->findChild<QToolBar *>("mainToolBar");
    QVERIFY(bar);
    QStringList shown;
    for (QAction *a : bar->actions())
        if (auto *b = qobject_cast<QToolButton *>(bar->widgetForAction(a)))
            shown << b->text();
    QVERIFY2(shown.contains(QStringLiteral("打开…")) && shown.contains(QStringLiteral("重置缩放")), qPrintable(shown.join(" | ")));
    // Qt's own strings (message box buttons) follow: qtbase_zh_CN from qt6-translations-l10n.
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("取消"));
}

void TestWindowLanguage::toolBarTextHasNoAccelerator_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shown");
    QTest::newRow("English") << "&Open…" << "Open…";
    QTest::newRow("English, inside") << "Zoom &in" << "Zoom in";
    QTest::newRow("Chinese") << "打开(&O)…" << "打开…";
    QTest::newRow("Chinese, full-width brackets") << "演示模式（大字体）（&P）" << "演示模式（大字体）";
    QTest::newRow("a literal &") << "Q && K" << "Q & K";
    QTest::newRow("none") << "输入" << "输入";
}

void TestWindowLanguage::toolBarTextHasNoAccelerator()
{
    QFETCH(QString, text);
    QFETCH(QString, shown);
    QCOMPARE(withoutAccelerator(text), shown);
}

void TestWindowLanguage::engineNamesAreTranslated()
{
    // The engine's tables (stages.h) reach tr() as variables: QT_TRANSLATE_NOOP lists them for
    // lupdate. A stage or matrix added to the engine without its line there stays English here.
    QVERIFY(installTranslations(*qApp, "zh_CN"));
    for (const StageInfo &s : kStageTable)
        QVERIFY2(StageStepper::title(s.stage) != QLatin1String(s.title), s.title);
    for (const StageMatrix &m : kStageMatrices) {
        if (std::string_view(m.title).size() > 1) // "Q", "K", "V" are the same in Chinese
            QVERIFY2(QObject::tr(m.title) != QLatin1String(m.title), m.title);
        QVERIFY2(QObject::tr(m.rowAxis) != QLatin1String(m.rowAxis), m.rowAxis);
        QVERIFY2(QObject::tr(m.colAxis) != QLatin1String(m.colAxis), m.colAxis);
    }
}

void TestWindowLanguage::englishAgainWithoutTranslations()
{
    QVERIFY(installTranslations(*qApp, "zh_CN"));
    QVERIFY(installTranslations(*qApp, "en"));
    QCOMPARE(uiLanguage(), QStringLiteral("en"));
    auto window = freshWindow();
    QVERIFY(menuTitles(*window).contains("&File"));
    QCOMPARE(stageButtonText(*window, "weights"), QStringLiteral("6  Softmax weights"));
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Cancel"));
}

void TestWindowLanguage::unknownLanguageIsRefused()
{
    QVERIFY(installTranslations(*qApp, "zh_CN"));
    QVERIFY(!installTranslations(*qApp, "fr"));
    QCOMPARE(uiLanguage(), QStringLiteral("en")); // what was installed is gone: English
    QCOMPARE(StageStepper::title(Stage::Weights), QStringLiteral("Softmax weights"));
}

void TestWindowLanguage::languageMenuSavesTheChoice()
{
    auto window = freshWindow();
    auto *menu = window->findChild<QMenu *>("languageMenu");
    QVERIFY(menu);
    QCOMPARE(menu->actions().size(), 3);
    QVERIFY(window->findChild<QAction *>("language_system")->isChecked()); // the default
    // Choosing Chinese in an English window: saved, and a note (in both languages) that it
    // applies at the next start.
    QString note;
    closeNextModal(&note);
    window->findChild<QAction *>("language_zh_CN")->trigger();
    QTRY_VERIFY(!note.isEmpty());
    QVERIFY(note.contains(QStringLiteral("下次启动")) && note.contains("starts again"));
    QCOMPARE(Settings::value(Settings::Key::Language).toString(), QStringLiteral("zh_CN"));
    QCOMPARE(startupLanguage(), QStringLiteral("zh_CN"));
    // Back to English, the language shown: saved, nothing to say.
    window->findChild<QAction *>("language_en")->trigger();
    QCOMPARE(Settings::value(Settings::Key::Language).toString(), QStringLiteral("en"));
    QVERIFY(!QApplication::activeModalWidget());
    // A new window checks the saved choice.
    window.reset();
    window = std::make_unique<MainWindow>();
    QVERIFY(window->findChild<QAction *>("language_en")->isChecked());
    QVERIFY(!window->findChild<QAction *>("language_system")->isChecked());
}

void TestWindowLanguage::langOptionIsRefusedWithOneErrorLine()
{
    QTemporaryDir config;
    for (const QString &bad : {QStringLiteral("xx"), QStringLiteral("zh"), QStringLiteral("zh_TW")}) {
        const Run r = runWindow(config.path(), "C", {"--lang", bad});
        QCOMPARE(r.code, 2);
        const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.filter("error:").size() == 1, qPrintable(r.err));
        QVERIFY2(lines.contains(QStringLiteral("error: --lang: '%1' is not en or zh_CN").arg(bad)), qPrintable(r.err));
        QVERIFY(r.shot.isNull());
    }
}

void TestWindowLanguage::langOptionWinsAndIsNotSaved()
{
    // Settings say English; --lang zh_CN shows Chinese for this run and leaves them saying English.
    QTemporaryDir config;
    const QString file = config.filePath("AttnScope/AttnScope.conf");
    QSettings(file, QSettings::IniFormat).setValue("view/language", "en");
    const Run zh = runWindow(config.path(), "C", {"--lang", "zh_CN"});
    QVERIFY2(zh.code == 0 && !zh.shot.isNull(), qPrintable(zh.err));
    QCOMPARE(QSettings(file, QSettings::IniFormat).value("view/language").toString(), QStringLiteral("en"));
    // The same menu bar as a Chinese locale with nothing saved (View → Language's System) …
    QTemporaryDir fresh;
    const Run locale = runWindow(fresh.path(), "zh_CN.UTF-8", {});
    QVERIFY2(locale.code == 0 && !locale.shot.isNull(), qPrintable(locale.err));
    QCOMPARE(menuStrip(locale.shot), menuStrip(zh.shot));
    // … and not the English one, which --lang en gives over that Chinese locale.
    QTemporaryDir third;
    const Run en = runWindow(third.path(), "zh_CN.UTF-8", {"--lang", "en"});
    QVERIFY2(en.code == 0 && !en.shot.isNull(), qPrintable(en.err));
    QVERIFY(menuStrip(en.shot) != menuStrip(zh.shot));
    QVERIFY(!QSettings(third.filePath("AttnScope/AttnScope.conf"), QSettings::IniFormat).contains("view/language"));
    // The saved English (the first run's settings) beats the Chinese locale when --lang is not given.
    const Run saved = runWindow(config.path(), "zh_CN.UTF-8", {});
    QVERIFY2(saved.code == 0 && !saved.shot.isNull(), qPrintable(saved.err));
    QCOMPARE(menuStrip(saved.shot), menuStrip(en.shot));
}

QTEST_MAIN(TestWindowLanguage)
#include "tst_window_language.moc"
