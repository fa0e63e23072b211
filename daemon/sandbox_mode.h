// `balloond --sandbox [SCENARIO]`: balloond's main job on its embedded default. A private real
// xenstored (sandbox/), the simulated host (sim/) with the scenario's guests, and the real daemon
// on its event loop, paced in real time, with a live view of the balancing in the terminal.
#pragma once

#include <string>

#include "config.h"
#include "daemon.h"
#include "options.h"

namespace balloon::daemon {

// Runs until SIGINT/SIGTERM or the scenario's end; returns the exit code.
int runSandbox(const Options& options, const Config& config, const Daemon::ConfigLoader& reload);

// The built-in scenario (sim/scenarios/default.toml, embedded at build time).
extern const char* const kDefaultScenario;

}  // namespace balloon::daemon
