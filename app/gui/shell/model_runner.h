#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "model_folder.h"

namespace attnscope {

/// The window's model: a Hugging Face model folder loaded once (off the GUI thread, with progress
/// and cancel), then run on each sentence typed or image opened. Like ExplorerSession, a newer
/// request cancels an older one and only the newest result is delivered.
class ModelRunner : public QObject {
    Q_OBJECT
public:
    explicit ModelRunner(QObject *parent = nullptr);
    ~ModelRunner() override; ///< cancels the work in flight (which then finishes on its own)

    /// Loads `dir` (config, weights, tokenizer or image processor). Blocks the caller in an event
    /// loop while a worker reads (progress() keeps coming; cancel() stops it). On failure the
    /// model loaded before stays and `error` names the file and the problem.
    bool load(const QString &dir, QString *error);
    bool isLoaded() const { return m_folder.model != nullptr; }
    const ModelFolder &folder() const { return m_folder; }
    QString dir() const { return m_dir; }
    /// "gpt2 · gpt2, 12 layers × 12 heads, 124.4 M parameters"
    QString description() const;
    void unload();

    /// Starts a run on `text` (text models) or on the image at `imagePath` (vit).
    void runText(const QString &text);
    void runImage(const QString &imagePath);
    /// Waits (in an event loop) until no work is in flight; false after `timeoutMs`.
    bool waitForIdle(int timeoutMs = 120000);
    void cancel();
    bool busy() const { return m_running > 0; }

signals:
    /// A run finished: the bundle (tokens as the screen shows them), with what it ran on.
    void finished(std::shared_ptr<const attnscope::AttentionBundle> bundle, const QString &text, const QString &imagePath);
    void failed(const QString &message);
    /// Loading: thousandths of the weights read.
    void loadProgress(int permille);
    /// Running: layers done of layers.
    void progress(int done, int total);
    void busyChanged(bool busy);

private:
    struct Outcome;
    void start(const QString &text, const QString &imagePath);

    ModelFolder m_folder;
    QString m_dir;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0;
    int m_running = 0;
};

} // namespace attnscope
