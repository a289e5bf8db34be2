#pragma once

#include <QLabel>

#include <algorithm>

namespace shardscope {

// One line of plain text that never asks for more width than it is given: elided, whole in
// its tooltip, so a long status cannot widen the window.
class ElidedLabel : public QLabel
{
public:
    static constexpr int kMinWidth = 90;

    using QLabel::QLabel;
    QString fullText() const { return m_full; }
    void setFullText(const QString &text)
    {
        if (text == m_full)
            return;
        m_full = text;
        setToolTip(text);
        elide();
        updateGeometry();
    }
    QSize sizeHint() const override
    {
        const QMargins m = contentsMargins();
        return {fontMetrics().horizontalAdvance(m_full) + m.left() + m.right() + 2, QLabel::sizeHint().height()};
    }
    QSize minimumSizeHint() const override { return {std::min(kMinWidth, sizeHint().width()), QLabel::minimumSizeHint().height()}; }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QLabel::resizeEvent(event);
        elide();
    }

private:
    void elide() { setText(fontMetrics().elidedText(m_full, Qt::ElideRight, std::max(0, contentsRect().width()))); }
    QString m_full;
};

} // namespace shardscope
