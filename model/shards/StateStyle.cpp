#include "model/shards/StateStyle.h"

#include <array>

namespace shardscope {
namespace {

constexpr std::array<const char *, kStateStyleCount> kNames = {
    "serving", "gated", "draining", "restarting", "verifying", "canceled", "stopped", "failed", "stalled"};
constexpr std::array<const char *, kStateStyleCount> kSymbols = {
    "SRV", "GATE", "DRN", "RST", "VER", "CAN", "STOP", "FAIL", "STLD"};
// green, amber, orange, blue, teal, red, grey, magenta; stalled is a dark brown, apart
// from every restart colour and from both failure colours
constexpr std::array<QRgb, kStateStyleCount> kColours = {
    0x2e9d4a, 0xf2b600, 0xf57c00, 0x2f6fdb, 0x12999b, 0xd32f2f, 0x8c8c8c, 0xc2189b, 0x6d4c41};

bool valid(int i) { return i >= 0 && i < kStateStyleCount; }

} // namespace

QString stateName(int i)
{
    return valid(i) ? QString::fromLatin1(kNames[std::size_t(i)]) : QStringLiteral("unknown");
}

QString stateSymbol(int i)
{
    return valid(i) ? QString::fromLatin1(kSymbols[std::size_t(i)]) : QStringLiteral("?");
}

QColor stateColour(int i)
{
    return valid(i) ? QColor::fromRgb(kColours[std::size_t(i)]) : QColor(Qt::black);
}

QColor stateTextColour(int i)
{
    const QColor c = stateColour(i);
    // Relative luminance, rough: amber and orange want dark text, the rest white.
    const double lum = 0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF();
    return lum > 0.6 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace shardscope
