#include "views/Theme.h"

#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QSettings>
#include <QStyle>

namespace shardscope {

QPalette paletteFor(Theme theme)
{
    if (theme == Theme::Light)
        return QApplication::style()->standardPalette();
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1f, 0x21, 0x24), text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(0x6a, 0xa7, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    p.setColor(QPalette::Mid, QColor(0x44, 0x46, 0x4a));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Light, QColor(0x50, 0x52, 0x56));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    return p;
}

void applyTheme(Theme theme)
{
    QApplication::setPalette(paletteFor(theme));
}

QString themeName(Theme theme)
{
    return theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light");
}

Theme themeFromName(const QString &name)
{
    return name == QStringLiteral("dark") ? Theme::Dark : Theme::Light;
}

Theme rememberedTheme()
{
    return themeFromName(QSettings().value(QStringLiteral("window/theme"), themeName(Theme::Light)).toString());
}

void rememberTheme(Theme theme)
{
    QSettings().setValue(QStringLiteral("window/theme"), themeName(theme));
}

ThemeActions addThemeActions(QMenu *menu, const std::function<void(Theme)> &choose)
{
    auto *group = new QActionGroup(menu);
    const ThemeActions out{menu->addAction(QStringLiteral("&Light theme"), menu, [choose] { choose(Theme::Light); }),
                           menu->addAction(QStringLiteral("&Dark theme"), menu, [choose] { choose(Theme::Dark); })};
    for (QAction *a : {out.light, out.dark}) {
        a->setCheckable(true);
        group->addAction(a);
    }
    out.light->setChecked(true);
    return out;
}

} // namespace shardscope
