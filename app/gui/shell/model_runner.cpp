#include "model_runner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QImageReader>
#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <new>

#include "parallel.h"

namespace attnscope {

struct ModelRunner::Outcome {
    std::shared_ptr<const AttentionBundle> bundle;
    QString error;
    bool cancelled = false;
};

ModelRunner::ModelRunner(QObject *parent) : QObject(parent) {}

ModelRunner::~ModelRunner()
{
    // No waiting (that would run events inside the window's destructor): a run still going owns
    // its model, tokenizer and flag through shared pointers, its watcher goes with this object, and
    // its progress reaches this object only through a QPointer.
    cancel();
}

QString ModelRunner::description() const
{
    if (!m_folder.model)
        return {};
    const ModelInfo &i = m_folder.model->info();
    const double millions = double(i.parameters) / 1e6;
    return tr("%1 · %2, %3 layers × %4 heads, %5 M parameters")
        .arg(QString::fromStdString(i.name), QString::fromStdString(i.type))
        .arg(i.layers)
        .arg(i.heads)
        .arg(millions, 0, 'f', millions < 10 ? 2 : 1);
}

bool ModelRunner::load(const QString &dir, QString *error)
{
    cancel();
    waitForIdle();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancelFlag = m_cancel;
    QPointer<ModelRunner> self(this);
    ModelLoadOptions options;
    options.cancel = cancelFlag.get();
    options.progress = [self](double fraction) {
        QMetaObject::invokeMethod(qApp, [self, fraction] {
            if (self)
                emit self->loadProgress(int(fraction * 1000));
        });
    };
    QFutureWatcher<Result<ModelFolder>> watcher;
    QEventLoop loop;
    connect(&watcher, &QFutureWatcher<Result<ModelFolder>>::finished, &loop, &QEventLoop::quit);
    ++m_running;
    emit busyChanged(true);
    watcher.setFuture(QtConcurrent::run([dir, options, cancelFlag]() -> Result<ModelFolder> {
        try {
            return openModelFolder(dir.toStdString(), options);
        } catch (const std::bad_alloc &) {
            return makeError(Error::Code::OverBudget, dir.toStdString() + ": not enough memory to load the model");
        }
    }));
    loop.exec(); // the window-modal progress dialog keeps its Cancel button working, the window out of reach
    --m_running;
    emit busyChanged(false);
    Result<ModelFolder> opened = watcher.result();
    if (!opened) {
        if (error)
            *error = QString::fromStdString(opened.error().message);
        return false;
    }
    m_folder = std::move(opened.value());
    m_dir = dir;
    return true;
}

void ModelRunner::unload()
{
    cancel();
    waitForIdle();
    m_folder = {};
    m_dir.clear();
}

void ModelRunner::runText(const QString &text) { start(text, QString()); }

void ModelRunner::runImage(const QString &imagePath) { start(QString(), imagePath); }

void ModelRunner::start(const QString &text, const QString &imagePath)
{
    if (!m_folder.model)
        return;
    if (m_cancel)
        m_cancel->store(true); // the older run's result would be thrown away anyway
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++m_generation;
    auto cancelFlag = m_cancel;
    const ModelFolder folder = m_folder;
    QPointer<ModelRunner> self(this);
    ModelRunOptions options;
    options.cancel = cancelFlag.get();
    options.threads = threadCount(); // the engine's setting (parallel.h): every core by default
    options.progress = [self, generation](int layer, int layers) {
        QMetaObject::invokeMethod(qApp, [self, generation, layer, layers] {
            if (self && generation == self->m_generation)
                emit self->progress(layer, layers);
        });
    };
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation, text, imagePath] {
        const Outcome out = watcher->result();
        watcher->deleteLater();
        if (--m_running == 0)
            emit busyChanged(false);
        if (generation != m_generation || out.cancelled)
            return; // a newer request supersedes this one, or the user cancelled
        if (!out.error.isEmpty()) {
            emit failed(out.error);
            return;
        }
        emit finished(out.bundle, text, imagePath);
    });
    if (m_running++ == 0)
        emit busyChanged(true);
    watcher->setFuture(QtConcurrent::run([folder, text, imagePath, options, cancelFlag]() -> Outcome {
        Outcome out;
        try {
            Result<AttentionBundle> r = imagePath.isEmpty()
                                            ? runModelOnText(folder, text.toStdString(), true, options)
                                            : runModelOnImageFile(folder, imagePath.toStdString(), options);
            if (cancelFlag->load() || (!r && r.error().code == Error::Code::Cancelled)) {
                out.cancelled = true;
                return out;
            }
            if (!r) {
                out.error = QString::fromStdString(r.error().message);
                return out;
            }
            AttentionBundle b = std::move(r.value());
            if (folder.tokenizer) // the screen shows what each token says; files keep the strings
                b.tokens = b.keyTokens = folder.tokenizer->displayTokens(b.tokens);
            out.bundle = std::make_shared<const AttentionBundle>(std::move(b));
        } catch (const std::bad_alloc &) {
            out.error = tr("Not enough memory to run the model on this input; the previous result stays shown.");
        }
        return out;
    }));
}

bool ModelRunner::waitForIdle(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (m_running > 0 && clock.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return m_running == 0;
}

void ModelRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace attnscope
