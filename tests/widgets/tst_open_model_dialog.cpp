// The Open Model dialog driven as a person would, on a fake Hugging Face cache (HF_HUB_CACHE):
// the cached models listed with type, size and folder, broken ones greyed with their reason,
// the filter box, keys and double-clicks choosing a snapshot folder, "Browse for a folder…",
// the last folder remembered, the empty cache saying where it looked and how to get a model,
// and the static getModelFolder().

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include "open_model_dialog.h"
#include "settings.h"
#include "test_files.h"

using namespace attnscope;

namespace {

bool writeFile(const QString &path, const QByteArray &content) { return test::writeBytes(path, content); }

/// A snapshot ROOT/models--REPO/snapshots/REV with the given files (content = name).
bool addModel(const QString &root, const QString &repo, const QByteArray &config, const QStringList &files)
{
    const QString snap = root + "/models--" + repo + "/snapshots/0123abcd";
    bool ok = writeFile(snap + "/config.json", config) && writeFile(root + "/models--" + repo + "/refs/main", "0123abcd");
    for (const QString &f : files)
        ok = ok && writeFile(snap + "/" + f, QByteArray(2048, 'w'));
    return ok;
}

QString snapshot(const QString &root, const QString &repo) { return root + "/models--" + repo + "/snapshots/0123abcd"; }

QTreeWidget *listOf(OpenModelDialog &d) { return d.findChild<QTreeWidget *>("models"); }
QLineEdit *filterOf(OpenModelDialog &d) { return d.findChild<QLineEdit *>("filter"); }
QPushButton *okOf(OpenModelDialog &d)
{
    return d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

QStringList visibleNames(QTreeWidget *list)
{
    QStringList names;
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (!list->topLevelItem(i)->isHidden())
            names << list->topLevelItem(i)->text(OpenModelDialog::NameColumn);
    return names;
}

QTreeWidgetItem *itemNamed(QTreeWidget *list, const QString &name)
{
    const auto found = list->findItems(name, Qt::MatchExactly, OpenModelDialog::NameColumn);
    return found.value(0);
}

void doubleClick(QTreeWidget *list, QTreeWidgetItem *item)
{
    const QPoint at = list->visualItemRect(item).center();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, at);
}

} // namespace

class TstOpenModelDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void listsCachedModels();
    void filterAndKeys();
    void doubleClickChooses();
    void greyedCannotBeChosen();
    void browseRemembersFolder();
    void emptyCacheSaysWhereAndHow();
    void staticHelper();
    void screenshot();

private:
    QTemporaryDir m_cache;
};

void TstOpenModelDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("AttnScopeTest");
    QCoreApplication::setApplicationName("AttnScopeTest-tst_open_model_dialog");
    const QString root = m_cache.path();
    QVERIFY(addModel(root, "gpt2", R"({"model_type": "gpt2"})", {"model.safetensors", "vocab.json", "merges.txt"}));
    QVERIFY(addModel(root, "google--vit-base-patch16-224", R"({"model_type": "vit"})",
                     {"model.safetensors", "preprocessor_config.json"}));
    QVERIFY(addModel(root, "bert-base-chinese", R"({"model_type": "bert"})", {"model.safetensors", "vocab.txt"}));
    QVERIFY(addModel(root, "Qwen--Qwen3-0.6B", R"({"model_type": "qwen3"})", {"model.safetensors", "tokenizer.json"}));
    QVERIFY(addModel(root, "old--pickled", R"({"model_type": "bert"})", {"pytorch_model.bin"}));
    QVERIFY(addModel(root, "broken--config", "{ not json", {"model.safetensors"}));
}

void TstOpenModelDialog::init()
{
    QSettings().clear();
    qputenv("HF_HUB_CACHE", QFile::encodeName(m_cache.path()));
}

void TstOpenModelDialog::listsCachedModels()
{
    OpenModelDialog d;
    QTreeWidget *list = listOf(d);
    QVERIFY(list);
    QCOMPARE(visibleNames(list), QStringList({"bert-base-chinese", "broken/config", "google/vit-base-patch16-224",
                                               "gpt2", "old/pickled", "Qwen/Qwen3-0.6B"}));
    QTreeWidgetItem *vit = itemNamed(list, "google/vit-base-patch16-224");
    QCOMPARE(vit->text(OpenModelDialog::TypeColumn), QString("vit"));
    QCOMPARE(vit->text(OpenModelDialog::SizeColumn), QLocale().formattedDataSize(2048));
    QCOMPARE(vit->text(OpenModelDialog::FolderColumn),
             QDir::toNativeSeparators(snapshot(m_cache.path(), "google--vit-base-patch16-224")));
    QVERIFY(!vit->isDisabled());
    QVERIFY(d.findChild<QLabel *>("where")->text().contains(m_cache.path()));
    QVERIFY(!d.findChild<QLabel *>("empty")->isVisibleTo(&d));
    // Nothing remembered: the first openable model is current.
    QCOMPARE(list->currentItem()->text(0), QString("bert-base-chinese"));
    QVERIFY(okOf(d)->isEnabled());
}

void TstOpenModelDialog::filterAndKeys()
{
    OpenModelDialog d;
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QTreeWidget *list = listOf(d);
    QLineEdit *filter = filterOf(d);
    filter->setFocus();
    QTest::keyClicks(filter, "QWEN");
    QCOMPARE(visibleNames(list), QStringList({"Qwen/Qwen3-0.6B"}));
    QCOMPARE(list->currentItem()->text(0), QString("Qwen/Qwen3-0.6B"));
    filter->clear();
    QTest::keyClicks(filter, "bert"); // matches the type too
    QCOMPARE(visibleNames(list), QStringList({"bert-base-chinese", "old/pickled"}));
    QTest::keyClicks(filter, "zzz");
    QVERIFY(visibleNames(list).isEmpty());
    QVERIFY(!okOf(d)->isEnabled());
    filter->clear();
    QTest::keyClicks(filter, "g");
    QCOMPARE(visibleNames(list), QStringList({"broken/config", "google/vit-base-patch16-224", "gpt2"}));
    QCOMPARE(list->currentItem()->text(0), QString("google/vit-base-patch16-224")); // the greyed one skipped
    // Down moves into the list, Down again to gpt2, Return opens it.
    QTest::keyClick(filter, Qt::Key_Down);
    QVERIFY(d.focusWidget() == list);
    QTest::keyClick(list, Qt::Key_Down);
    QCOMPARE(list->currentItem()->text(0), QString("gpt2"));
    QTest::keyClick(list, Qt::Key_Return);
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(d.selectedFolder(), snapshot(m_cache.path(), "gpt2"));
    QCOMPARE(Settings::value(Settings::Key::LastModelFolder).toString(), snapshot(m_cache.path(), "gpt2"));

    // Reopened, the remembered model is current; Return in the filter box opens it, Escape cancels.
    OpenModelDialog again;
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(listOf(again)->currentItem()->text(0), QString("gpt2"));
    QTest::keyClick(filterOf(again), Qt::Key_Return);
    QCOMPARE(again.selectedFolder(), snapshot(m_cache.path(), "gpt2"));
    OpenModelDialog cancelled;
    cancelled.show();
    QVERIFY(QTest::qWaitForWindowExposed(&cancelled));
    QTest::keyClick(listOf(cancelled), Qt::Key_Escape);
    QCOMPARE(cancelled.result(), int(QDialog::Rejected));
    QVERIFY(cancelled.selectedFolder().isEmpty());
}

void TstOpenModelDialog::doubleClickChooses()
{
    OpenModelDialog d;
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QTreeWidget *list = listOf(d);
    doubleClick(list, itemNamed(list, "google/vit-base-patch16-224"));
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(d.selectedFolder(), snapshot(m_cache.path(), "google--vit-base-patch16-224"));
}

void TstOpenModelDialog::greyedCannotBeChosen()
{
    OpenModelDialog d;
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QTreeWidget *list = listOf(d);
    QTreeWidgetItem *pickled = itemNamed(list, "old/pickled");
    QTreeWidgetItem *broken = itemNamed(list, "broken/config");
    QVERIFY(pickled->isDisabled() && broken->isDisabled());
    QVERIFY(pickled->toolTip(0).contains("pytorch_model.bin"));
    QVERIFY(broken->toolTip(OpenModelDialog::FolderColumn).contains("config.json is not a valid JSON object"));
    doubleClick(list, pickled);
    QVERIFY(d.isVisible());
    QVERIFY(d.selectedFolder().isEmpty());
    QVERIFY(list->currentItem() != pickled);
    // Filtering down to greyed models only leaves nothing to open.
    QTest::keyClicks(filterOf(d), "old/");
    QVERIFY(!okOf(d)->isEnabled());
    QTest::mouseClick(okOf(d), Qt::LeftButton);
    QVERIFY(d.isVisible());
}

void TstOpenModelDialog::browseRemembersFolder()
{
    QTemporaryDir elsewhere;
    QStringList starts;
    OpenModelDialog d;
    d.setFolderChooser([&](QWidget *, const QString &, const QString &start) {
        starts << start;
        return elsewhere.path();
    });
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QTest::mouseClick(d.findChild<QPushButton *>("browse"), Qt::LeftButton);
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(d.selectedFolder(), elsewhere.path());
    QCOMPARE(starts, QStringList({QDir::homePath()})); // nothing remembered yet

    OpenModelDialog again;
    again.setFolderChooser([&](QWidget *, const QString &, const QString &start) {
        starts << start;
        return QString(); // cancelled: the dialog stays open
    });
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QTest::mouseClick(again.findChild<QPushButton *>("browse"), Qt::LeftButton);
    QCOMPARE(starts.value(1), elsewhere.path());
    QVERIFY(again.isVisible());
    QVERIFY(again.selectedFolder().isEmpty());
}

void TstOpenModelDialog::emptyCacheSaysWhereAndHow()
{
    QTemporaryDir empty;
    qputenv("HF_HUB_CACHE", QFile::encodeName(empty.path() + "/hub"));
    OpenModelDialog d;
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QLabel *note = d.findChild<QLabel *>("empty");
    QVERIFY(note->isVisible());
    QVERIFY(!listOf(d)->isVisible());
    const QString text = note->text();
    QVERIFY2(text.contains(empty.path() + "/hub"), qPrintable(text));
    QVERIFY(text.contains("huggingface-cli download gpt2"));
    QVERIFY(text.contains("git clone"));
    QVERIFY(!okOf(d)->isEnabled());
    QVERIFY(d.findChild<QPushButton *>("browse")->isEnabled());
    QVERIFY(d.grab().save(QCoreApplication::applicationDirPath() + "/../open_model_dialog_empty.png"));
}

void TstOpenModelDialog::staticHelper()
{
    QString seen;
    QTimer::singleShot(0, [&] {
        auto *d = qobject_cast<OpenModelDialog *>(QApplication::activeModalWidget());
        if (!d)
            return;
        QTreeWidget *list = listOf(*d);
        list->setCurrentItem(itemNamed(list, "bert-base-chinese"));
        seen = list->currentItem()->text(0);
        QTest::mouseClick(okOf(*d), Qt::LeftButton);
    });
    QCOMPARE(OpenModelDialog::getModelFolder(nullptr), snapshot(m_cache.path(), "bert-base-chinese"));
    QCOMPARE(seen, QString("bert-base-chinese"));
    QTimer::singleShot(0, [] {
        if (QWidget *d = QApplication::activeModalWidget())
            QTest::keyClick(d, Qt::Key_Escape);
    });
    QVERIFY(OpenModelDialog::getModelFolder(nullptr).isEmpty());
}

void TstOpenModelDialog::screenshot()
{
    // For a person to look at: build/tests/open_model_dialog.png (and _empty.png, above).
    OpenModelDialog d;
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QVERIFY(d.grab().save(QCoreApplication::applicationDirPath() + "/../open_model_dialog.png"));
}

QTEST_MAIN(TstOpenModelDialog)
#include "tst_open_model_dialog.moc"
