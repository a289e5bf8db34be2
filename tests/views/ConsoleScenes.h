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
// Every shard serving, one with a request in flight for 8 to 11.5 s, selected.
void playStalled(ScriptedBackendClient &client, ConsoleModel &model, int shards, int stalledShard);
inline void playStalled16(ScriptedBackendClient &c, ConsoleModel &m) { playStalled(c, m, 16, 3); }
inline void playStalled1024(ScriptedBackendClient &c, ConsoleModel &m) { playStalled(c, m, 1024, 700); }
// 1024 shards serving while a few go through other states: 40 drains, restarts and serves
// again, 300 fails, 512 is canceled, 700 stalls, 901 is verifying at the end.
void playTroubled1024(ScriptedBackendClient &client, ConsoleModel &model);

// Prepares the application for stable pixels: Fusion, DejaVu Sans at a pixel size, light
// palette, test-mode settings.
void setUpDeterministicLook();

} // namespace shardscope::test
