#include "lesson_card.h"

#include <QApplication>
#include <QFontMetrics>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace attnscope {
namespace {

constexpr int kMargin = 12;   ///< from the parent's edges
constexpr int kMaxWidth = 480; ///< at the normal font: a card wider than this reads like a page, not a note

} // namespace

LessonCard::LessonCard(QWidget *parent) : QFrame(parent)
{
    setObjectName("lessonCard");
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setCursor(Qt::OpenHandCursor);
    setToolTip(tr("Drag the card to move it off the heatmap"));
    // A light card with a strong blue frame that reads on any colour map beneath it (a fixed
    // colour, kFrameColour, so that tests find the card in a screenshot).
    setStyleSheet(QStringLiteral("#lessonCard { background: palette(base); border: 3px solid %1; border-radius: 8px; }")
                      .arg(QLatin1String(kFrameColour)));

    m_step = new QLabel(this);
    m_step->setObjectName("lessonStep");
    m_title = new QLabel(this);
    m_title->setObjectName("lessonTitle");
    m_title->setWordWrap(true);
    m_body = new QLabel(this);
    m_body->setObjectName("lessonBody");
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::PlainText);
    m_title->setTextFormat(Qt::PlainText);
    m_back = new QPushButton(tr("← &Back"), this);
    m_back->setObjectName("lessonBack");
    m_next = new QPushButton(tr("&Next →"), this);
    m_next->setObjectName("lessonNext");
    m_next->setDefault(true);
    m_close = new QPushButton(tr("&Close"), this);
    m_close->setObjectName("lessonClose");
    for (QPushButton *b : {m_back, m_next, m_close})
        b->setCursor(Qt::ArrowCursor);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_close);
    buttons->addStretch(1);
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(8);
    layout->addWidget(m_step);
    layout->addWidget(m_title);
    layout->addWidget(m_body);
    layout->addLayout(buttons);
    applyFonts();

    connect(m_back, &QPushButton::clicked, this, &LessonCard::backClicked);
    connect(m_next, &QPushButton::clicked, this, &LessonCard::nextClicked);
    connect(m_close, &QPushButton::clicked, this, &LessonCard::closeClicked);
    parent->installEventFilter(this);
    fit();
    raise();
}

void LessonCard::setStep(int number, int count, const QString &title, const QString &body)
{
    m_step->setText(tr("Step %1 of %2").arg(number).arg(count));
    m_title->setText(title);
    m_body->setText(body);
    m_back->setEnabled(number > 1);
    m_next->setEnabled(number < count);
    fit();
    raise();
}

void LessonCard::applyFonts()
{
    // Large enough to read from the back of a room: relative to the application's font, so
    // that presenter mode's larger font makes the card larger too.
    QFont base = QApplication::font();
    QFont body = base;
    body.setPointSizeF(base.pointSizeF() * 1.2);
    m_body->setFont(body);
    QFont title = base;
    title.setPointSizeF(base.pointSizeF() * 1.45);
    title.setBold(true);
    m_title->setFont(title);
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * 1.05);
    m_step->setFont(small);
    for (QPushButton *b : {m_back, m_next, m_close})
        b->setFont(small);
}

void LessonCard::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::ApplicationFontChange) {
        applyFonts();
        fit();
    }
}

void LessonCard::fit()
{
    if (m_fitting || !parentWidget())
        return;
    m_fitting = true;
    const QSize area = parentWidget()->size();
    // About 45 characters a line, in pixels of the body's font (presenter mode's is twice as large).
    const int widest = std::max(kMaxWidth, QFontMetrics(m_body->font()).averageCharWidth() * 45);
    const int width = std::clamp(area.width() * 2 / 5, std::min(320, area.width() - 2 * kMargin), widest);
    const int w = std::max(120, std::min(width, area.width() - 2 * kMargin));
    const int h = std::min(layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(w) : sizeHint().height(),
                           std::max(80, area.height() - 2 * kMargin));
    resize(w, h);
    // Bottom right until dragged: there it hides the end of the token strip and the last
    // columns' labels, not the stage buttons, the formula line or the tinted sentence.
    moveWithin(m_moved ? pos() : QPoint(area.width() - w - kMargin, area.height() - h - kMargin));
    m_fitting = false;
}

void LessonCard::moveWithin(QPoint topLeft)
{
    if (!parentWidget())
        return;
    const QSize area = parentWidget()->size();
    const int x = std::clamp(topLeft.x(), 0, std::max(0, area.width() - width()));
    const int y = std::clamp(topLeft.y(), 0, std::max(0, area.height() - height()));
    move(x, y);
}

bool LessonCard::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        fit();
    return QFrame::eventFilter(watched, event);
}

void LessonCard::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QFrame::mousePressEvent(event);
    m_dragging = true;
    m_grab = event->position().toPoint();
    setCursor(Qt::ClosedHandCursor);
    event->accept();
}

void LessonCard::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return QFrame::mouseMoveEvent(event);
    moveWithin(mapToParent(event->position().toPoint()) - m_grab);
    m_moved = true;
    event->accept();
}

void LessonCard::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return QFrame::mouseReleaseEvent(event);
    m_dragging = false;
    setCursor(Qt::OpenHandCursor);
    event->accept();
}

} // namespace attnscope
