#include "GoldenImage.h"

#include <QDir>
#include <QFile>
#include <QTextStream>

#include <cstdlib>

namespace shardscope::test {

GoldenResult GoldenCheck::compare(const QString &name, const QImage &rendered) const
{
    const QImage actual = rendered.convertToFormat(QImage::Format_RGB32);
    const QString goldenPath = goldenDir + u'/' + name + QStringLiteral(".png");
    GoldenResult r;
    if (qEnvironmentVariableIntValue("SHARDSCOPE_UPDATE_GOLDEN") == 1) {
        QDir().mkpath(goldenDir);
        r.ok = actual.save(goldenPath, "PNG", 0); // 0: smallest file (quality is compression for PNG)
        r.updated = true;
        r.message = (r.ok ? QStringLiteral("updated ") : QStringLiteral("could not write ")) + goldenPath;
        return r;
    }
    QImage golden(goldenPath);
    QDir().mkpath(outputDir);
    const QString base = outputDir + u'/' + name;
    if (golden.isNull()) {
        actual.save(base + QStringLiteral(".actual.png"));
        r.message = QStringLiteral("no golden image %1; wrote %2.actual.png. Create it with SHARDSCOPE_UPDATE_GOLDEN=1")
                        .arg(goldenPath, base);
        return r;
    }
    golden = golden.convertToFormat(QImage::Format_RGB32);
    if (golden.size() != actual.size()) {
        actual.save(base + QStringLiteral(".actual.png"));
        r.message = QStringLiteral("size %1x%2 differs from golden %3x%4")
                        .arg(actual.width()).arg(actual.height()).arg(golden.width()).arg(golden.height());
        return r;
    }
    QImage diff(actual.size(), QImage::Format_RGB32);
    qsizetype differing = 0;
    int worst = 0;
    for (int y = 0; y < actual.height(); ++y) {
        const QRgb *a = reinterpret_cast<const QRgb *>(actual.constScanLine(y));
        const QRgb *g = reinterpret_cast<const QRgb *>(golden.constScanLine(y));
        QRgb *d = reinterpret_cast<QRgb *>(diff.scanLine(y));
        for (int x = 0; x < actual.width(); ++x) {
            const int delta = std::max({std::abs(qRed(a[x]) - qRed(g[x])), std::abs(qGreen(a[x]) - qGreen(g[x])),
                                        std::abs(qBlue(a[x]) - qBlue(g[x]))});
            worst = std::max(worst, delta);
            if (delta > tolerance) {
                ++differing;
                d[x] = qRgb(255, 0, 0);
            } else {
                const int grey = 192 + qGray(g[x]) / 4;
                d[x] = qRgb(grey, grey, grey);
            }
        }
    }
    r.ok = differing <= allowedPixels;
    r.message = QStringLiteral("%1: %2 pixels differ by more than %3 (allowed %4), largest channel difference %5")
                    .arg(name).arg(differing).arg(tolerance).arg(allowedPixels).arg(worst);
    if (!r.ok) {
        actual.save(base + QStringLiteral(".actual.png"));
        diff.save(base + QStringLiteral(".diff.png"));
        QFile report(base + QStringLiteral(".report.txt"));
        if (report.open(QIODevice::WriteOnly | QIODevice::Text)) {
            QTextStream out(&report);
            out << r.message << "\ngolden: " << goldenPath << "\nactual: " << base << ".actual.png\ndiff:   " << base
                << ".diff.png\nIf the change is intended: SHARDSCOPE_UPDATE_GOLDEN=1 ctest -R tst_goldenimages\n";
        }
        r.message += QStringLiteral("; see ") + base + QStringLiteral(".report.txt");
    }
    return r;
}

} // namespace shardscope::test
