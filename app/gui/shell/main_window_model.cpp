// The window's model: File → Open Model…, the line that names it, and its runs on the sentence
// typed in the Explorer or the image opened (docs/models.md).

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressDialog>
#include <QStatusBar>

#include "controls_panel.h"
#include "explorer_page.h"
#include "image_patches.h"
#include "main_window.h"
#include "model_runner.h"
#include "open_model_dialog.h"

namespace attnscope {

bool isModelFolder(const QString &path)
{
    const QFileInfo info(path);
    return info.isDir() && QFileInfo::exists(QDir(path).filePath(QStringLiteral("config.json")));
}

void MainWindow::createModelActions(QMenu *file)
{
    m_modelRunner = new ModelRunner(this);
    QAction *open = file->addAction(tr("Open &Model…"), this, [this] {
        const QString dir = OpenModelDialog::getModelFolder(this);
        if (!dir.isEmpty())
            openModel(dir);
    });
    open->setShortcut(QKeySequence(tr("Ctrl+M")));
    open->setToolTip(tr("Open a Hugging Face model folder (config.json, safetensors, tokenizer) and run it on the sentence"));
    m_modelImageAction = file->addAction(tr("Run the Model on an &Image…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("An image for %1").arg(m_modelRunner->description()), QString(),
                                                          tr("Images (*.png *.jpg *.jpeg *.bmp *.gif)"));
        if (!path.isEmpty())
            runModel(QString(), path);
    });
    m_closeModelAction = file->addAction(tr("&Close Model"), this, &MainWindow::closeModel);
    m_modelImageAction->setVisible(false);
    m_closeModelAction->setEnabled(false);

    m_modelLabel = new QLabel(this);
    m_modelLabel->setObjectName("modelLine");
    m_modelLabel->setVisible(false);
    statusBar()->addPermanentWidget(m_modelLabel);

    connect(m_modelRunner, &ModelRunner::finished, this, &MainWindow::showModelResult);
    connect(m_modelRunner, &ModelRunner::failed, this, &MainWindow::reportFailure);
    connect(m_modelRunner, &ModelRunner::progress, this, [this](int done, int total) {
        if (m_modelRunner->isLoaded() && total > 0)
            statusBar()->showMessage(tr("Running %1: layer %2 of %3…").arg(m_modelRunner->folder().model->info().name.c_str()).arg(done).arg(total), 2000);
    });
}

void MainWindow::connectModelToPages()
{
    connect(page<ExplorerPage>(), &ExplorerPage::modelSentenceEdited, this, [this](const QString &text) {
        if (m_modelRunner->isLoaded() && !m_modelRunner->folder().model->info().image)
            m_modelRunner->runText(text);
    });
}

bool MainWindow::openModel(const QString &dir, QString *error)
{
    if (!loadModel(dir, error))
        return false;
    const ModelInfo &info = m_modelRunner->folder().model->info();
    if (info.image) { // nothing to run until an image is given
        statusBar()->showMessage(tr("%1 reads images: File → Run the Model on an Image…").arg(info.name.c_str()), 15000);
        return true;
    }
    return runModel(QString::fromStdString(page<ExplorerPage>()->model()->params().text), QString(), error);
}

bool MainWindow::loadModel(const QString &dir, QString *error)
{
    const bool interactive = error == nullptr;
    QProgressDialog progress(tr("Reading the weights of %1…").arg(QDir::toNativeSeparators(dir)), tr("Cancel"), 0, 1000, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(interactive ? 400 : 1 << 30);
    connect(m_modelRunner, &ModelRunner::loadProgress, &progress, &QProgressDialog::setValue);
    connect(&progress, &QProgressDialog::canceled, m_modelRunner, &ModelRunner::cancel);
    QString message;
    const bool loaded = m_modelRunner->load(dir, &message);
    progress.reset();
    if (!loaded) // the model shown before, if any, stays
        return failOpen(message, error);
    const ModelInfo &info = m_modelRunner->folder().model->info();
    m_modelLabel->setText(tr("Model: %1").arg(m_modelRunner->description()));
    m_modelLabel->setToolTip(QDir::toNativeSeparators(dir));
    m_modelLabel->setVisible(true);
    m_modelImageAction->setVisible(info.image);
    m_closeModelAction->setEnabled(true);
    page<ExplorerPage>()->setModelMode(m_modelRunner->description(), info.image);
    if (!m_restoring)
        addRecentFile(dir);
    setModified(true);
    return true;
}

bool MainWindow::runModel(const QString &text, const QString &imagePath, QString *error)
{
    if (!m_modelRunner->isLoaded())
        return failOpen(tr("no model is open"), error);
    QString failure;
    const auto onFail = connect(m_modelRunner, &ModelRunner::failed, this, [&failure](const QString &m) { failure = m; });
    if (imagePath.isEmpty()) {
        page<ExplorerPage>()->model()->setModelSentence(text.toStdString());
        page<ExplorerPage>()->controls()->textEdit()->setText(text);
        m_modelRunner->runText(text);
    } else {
        m_modelRunner->runImage(imagePath);
    }
    m_modelRunner->waitForIdle();
    disconnect(onFail);
    if (!failure.isEmpty())
        return failOpen(failure, error);
    return true;
}

void MainWindow::showModelResult(std::shared_ptr<const AttentionBundle> bundle, const QString &text, const QString &imagePath)
{
    PageInput input;
    input.kind = SessionState::InputKind::Model;
    input.paths = {m_modelRunner->dir()};
    input.bundle = std::move(bundle);
    m_modelImagePath = imagePath;
    (void)text; // the Explorer keeps the sentence (sessions save it there)
    m_input = input;
    for (Page *p : std::as_const(m_pages)) {
        QString message;
        if (p->opensKind(SessionState::InputKind::Model)) {
            if (!p->openInput(m_input, &message))
                reportFailure(message);
        } else {
            p->followInput(m_input);
        }
    }
    if (!imagePath.isEmpty()) // a vit's attention over the picture it ran on
        openRoleOnPages(QString::fromLatin1(kSessionRoleOverlayImage), imagePath);
    m_fileName = QString::fromStdString(m_input.bundle->model);
    updateTitle();
    setModified(true);
}

void MainWindow::closeModel()
{
    const bool had = m_modelRunner->isLoaded();
    m_modelRunner->unload();
    m_modelLabel->setVisible(false);
    m_modelImageAction->setVisible(false);
    m_closeModelAction->setEnabled(false);
    m_modelImagePath.clear();
    auto *explorer = page<ExplorerPage>();
    explorer->setModelMode(QString(), false);
    if (had && m_input.kind == SessionState::InputKind::Model) { // back to the sentence, synthetic
        explorer->setSentence(QString::fromStdString(explorer->model()->params().text));
        m_input = PageInput{};
        for (Page *p : std::as_const(m_pages))
            p->followInput(m_input);
    }
}

} // namespace attnscope
