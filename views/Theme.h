#pragma once

#include <QPalette>
#include <QString>

#include <functional>

class QAction;
class QMenu;

namespace shardscope {

enum class Theme { Light, Dark };

// Fusion palettes for the View menu. Tile colours stay the same in both themes: they
// carry the state, and DESIGN.md fixes them.
QPalette paletteFor(Theme theme);
void applyTheme(Theme theme);
QString themeName(Theme theme);
Theme themeFromName(const QString &name);
// The theme chosen last in either window (settings "window/theme"), so both consoles open in it.
Theme rememberedTheme();
void rememberTheme(Theme theme);

// The View menu's two exclusive theme entries (both consoles have them); `choose` runs on a pick.
struct ThemeActions {
    QAction *light;
    QAction *dark;
};
ThemeActions addThemeActions(QMenu *menu, const std::function<void(Theme)> &choose);

} // namespace shardscope
