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
    // The common line every policy is also held to: Xen's own low-memory floor (qmemman's
    // XEN_FREE_MEM_MIN). Each policy's own reserve is the contender's slush.
    KiB lowLine = mib(25);
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
    // Free host memory beyond the policy's reserve while some guest was under pressure, summed
    // over time: memory the policy left idle when it was needed (GiB x s).
    double idlePressedGiBs = 0;
    std::uint64_t targetChanges = 0;
    std::uint64_t reserveBreaches = 0;  // steps ending with host free below the policy's reserve
    std::uint64_t lowLineBreaches = 0;  // ... below the common line (RunConfig::lowLine)
    std::uint64_t oomKills = 0;
    // OOM kills the balancer caused: the guest's target was below what its last report said
    // it used when the kill came.
    std::uint64_t oomKillsCaused = 0;
    std::uint64_t creates = 0;        // domains the toolstack built after waiting for memory
    std::uint64_t createsFailed = 0;  // domains the toolstack could not build in time
    double createLatencyMax = 0;      // seconds from the request to the build, the longest
    double seconds = 0;               // virtual time simulated
};

RunResult runScenario(const sim::Scenario& scenario, const Contender& contender,
                      const RunConfig& config = {});

}  // namespace balloon::compare
