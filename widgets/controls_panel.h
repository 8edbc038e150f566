#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QSlider;
class QSpinBox;

namespace attnscope {

/// What the controls say, as plain values (the window turns them into a computation).
struct ControlValues {
    QString text;
    QString context;        ///< the keys' sentence for cross-attention
    bool cross = false;
    int dModel = 64;
    int dHead = 16;
    int heads = 2;
    int head = 0;
    qulonglong seed = 1;
    int scaleMode = 0;      ///< 0: 1/√d_k, 1: 1/d_k, 2: none, 3: custom
    double customScale = 1.0;
    double temperature = 1.0;
    int maskMode = 0;       ///< 0: none, 1: causal, 2: padding of chosen keys
    QList<int> paddedKeys;
    bool operator==(const ControlValues &) const = default;
};

/// The parameter controls: sentence, cross-attention context, sizes, seed, scale, temperature,
/// mask and head. Every change emits changed() at once.
class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ControlsPanel(QWidget *parent = nullptr);

    ControlValues values() const;
    void setValues(const ControlValues &v);
    /// The key tokens, offered for padding.
    void setKeyTokens(const QStringList &tokens);
    /// How many heads there are to choose from (the tensors may fix it).
    void setHeadCount(int heads);
    /// Text controls are off while tensors from files are shown.
    void setTextMode(bool on);

    QLineEdit *textEdit() const { return m_text; }

signals:
    void changed();

private:
    void emitChanged();

    QLineEdit *m_text = nullptr, *m_context = nullptr;
    QCheckBox *m_cross = nullptr;
    QSpinBox *m_dModel = nullptr, *m_dHead = nullptr, *m_heads = nullptr, *m_head = nullptr, *m_seed = nullptr;
    QComboBox *m_scale = nullptr, *m_mask = nullptr;
    QDoubleSpinBox *m_customScale = nullptr, *m_temperature = nullptr;
    QSlider *m_temperatureSlider = nullptr;
    QListWidget *m_padding = nullptr;
    bool m_updating = false;
};

} // namespace attnscope
