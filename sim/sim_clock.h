// The simulation's virtual clock. Nothing in sim/ reads a real clock: time only moves when the
// caller steps the simulation, which is what makes a scenario replay identically under its seed.
#pragma once

#include <chrono>

namespace balloon::sim {

using Duration = std::chrono::milliseconds;
// Time since the simulation started.
using SimTime = std::chrono::milliseconds;

inline double toSeconds(Duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace balloon::sim
