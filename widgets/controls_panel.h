#pragma once

#include <QWidget>

#include "explorer.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QSlider;
class QSpinBox;

namespace attnscope {


/// The parameter controls: sentence, cross-attention context, sizes, seed, scale, temperature,
/// mask and head. Every change emits changed() at once.
class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ControlsPanel(QWidget *parent = nullptr);

    ExplorerParams values() const;
    void setValues(const ExplorerParams &v);
    /// The key tokens, offered for padding.
    void setKeyTokens(const QStringList &tokens);
    /// How many heads there are to choose from (the tensors may fix it).
    void setHeadCount(int heads);
    /// Text controls are off while tensors from files are shown; their fields then show the
    /// file's model (setValues), whatever its size.
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
