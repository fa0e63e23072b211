// One scenario under one policy, headless and in virtual time: the simulation steps, a balancing
// round (snapshot, plan, two-phase write) runs after every report interval, as the daemon runs
// one when a report changes, and the figures the comparison reports are taken at every step.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "contender.h"
#include "scenario.h"

namespace balloon::compare {

struct RunConfig {
    // The daemon's default sample interval: a round runs at least this often.
    sim::Duration sampleInterval = std::chrono::seconds(2);
    // Free host memory below this is a breach, whatever the policy keeps (PolicyConfig's slush).
    KiB slush = PolicyConfig{}.slush;
    // A guest is under pressure while MemAvailable is below this share of MemTotal, or swapping.
    double availableFloor = 0.10;
    // When set, each run's trace is written there as <scenario>-<policy>.csv (sim/trace.h).
    std::optional<std::filesystem::path> traceDir;
    // Overrides of every scenario's duration and trace interval (longer traces for the plots).
    std::optional<sim::Duration> duration;
    std::optional<sim::Duration> traceInterval;
};

struct RunResult {
    std::string scenario;
    std::string policy;
    double pressureSeconds = 0;  // summed over guests
    double idleMiB = 0;          // average of host free + every guest's MemFree (unused)
    std::uint64_t targetChanges = 0;
    std::uint64_t slushBreaches = 0;  // steps ending with host free below the slush
    std::uint64_t oomKills = 0;
    std::uint64_t createsFailed = 0;  // domains the toolstack could not build in time
    double seconds = 0;               // virtual time simulated
};

RunResult runScenario(const sim::Scenario& scenario, const Contender& contender,
                      const RunConfig& config = {});

}  // namespace balloon::compare
