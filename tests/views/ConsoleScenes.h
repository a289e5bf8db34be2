#pragma once

#include "ScriptedBackendClient.h"

#include <QString>

namespace shardscope {
class ConsoleModel;
}

namespace shardscope::test {

// Scripted service states for the golden images: each plays a few frames (500 ms apart,
// fixed times) into the client and pumps them into the model, so the charts have lines.
inline constexpr qint64 kSceneStartMs = 1'780'000'000'000; // a fixed "now": no clock in pictures

void playAllServing(ScriptedBackendClient &client, ConsoleModel &model);
void playMixedStates(ScriptedBackendClient &client, ConsoleModel &model);
void playVersionSkew(ScriptedBackendClient &client, ConsoleModel &model);

// Prepares the application for stable pixels: Fusion, DejaVu Sans at a pixel size, light
// palette, test-mode settings.
void setUpDeterministicLook();

} // namespace shardscope::test
