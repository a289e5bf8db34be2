#pragma once

#include <QPalette>
#include <QString>

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

} // namespace shardscope
