#pragma once

#include <QImage>
#include <QString>

namespace shardscope::test {

// Compares a rendered image with a golden PNG the way QGIS' render checker does: a pixel
// differs when any channel is off by more than `tolerance`; the check passes while at
// most `allowedPixels` differ. On failure it writes <name>.actual.png, <name>.diff.png
// (differing pixels in red over a faded copy) and <name>.report.txt to the output folder.
//
// Refresh the golden files after an intended change to the look:
//   SHARDSCOPE_UPDATE_GOLDEN=1 ctest --test-dir build -R tst_goldenimages
// then look at the PNGs in tests/views/golden/ before committing them.
struct GoldenResult {
    bool ok = false;
    bool updated = false;
    QString message;
};

struct GoldenCheck {
    QString goldenDir;   // where <name>.png lives
    QString outputDir;   // where failures are written
    int tolerance = 24;
    qsizetype allowedPixels = 400;

    GoldenResult compare(const QString &name, const QImage &actual) const;
};

} // namespace shardscope::test
