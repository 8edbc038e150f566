#pragma once

#include <QFrame>
#include <QPoint>

class QLabel;
class QPushButton;

namespace attnscope {

/// The guided lesson's card: "Step n of N", a title, a short body in large type, and Back, Next
/// and Close. It floats over its parent (the window's central area), can be dragged anywhere by
/// its background and always stays wholly inside the parent, also when the parent shrinks. It only
/// shows texts and says which button was pressed; the lesson decides what they do.
class LessonCard : public QFrame {
    Q_OBJECT
public:
    /// The colour of the card's frame.
    static constexpr const char *kFrameColour = "#2f6fd6";

    /// A card over `parent`, at its bottom-right corner until moved.
    explicit LessonCard(QWidget *parent);

    /// Shows step `number` (1-based) of `count`: Back is enabled after the first, Next before the last.
    void setStep(int number, int count, const QString &title, const QString &body);
    /// Moves the card's top-left corner to `topLeft` (parent coordinates), kept inside the parent.
    void moveWithin(QPoint topLeft);
    /// Whether the card was dragged (it then keeps its place when the parent resizes, within it).
    bool wasMoved() const { return m_moved; }

    QLabel *stepLabel() const { return m_step; }
    QLabel *titleLabel() const { return m_title; }
    QLabel *bodyLabel() const { return m_body; }
    QPushButton *backButton() const { return m_back; }
    QPushButton *nextButton() const { return m_next; }
    QPushButton *closeButton() const { return m_close; }

signals:
    void backClicked();
    void nextClicked();
    void closeClicked();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    /// Width for the parent's size, height for the text, and a place inside the parent.
    void fit();
    void applyFonts();

    QLabel *m_step = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_body = nullptr;
    QPushButton *m_back = nullptr;
    QPushButton *m_next = nullptr;
    QPushButton *m_close = nullptr;
    QPoint m_grab; ///< where in the card the drag started
    bool m_dragging = false;
    bool m_moved = false;
    bool m_fitting = false;
};

} // namespace attnscope
