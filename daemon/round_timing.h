// Where balloond's time goes: the wall-clock time of each phase of Balancer::round, the watch
// events between rounds, and the work after a round (metrics, D-Bus and other observers), summed
// over rounds, with the Xenstore requests each made (xen/counting_xenstore.h). A few steady_clock
// reads per round; the benchmarks divide by the counts (bench/steady_bench.cpp --breakdown).
#pragma once

#include <chrono>
#include <cstdint>

#include "counting_xenstore.h"

namespace balloon::daemon {

struct RoundTiming {
    using Duration = std::chrono::steady_clock::duration;

    std::uint64_t rounds = 0;
    Duration listing{};      // hypervisor's host and domain lists, new domains' keys and pins
    Duration reports{};      // each domain's report sampled (ReportReader::onSample)
    Duration convergence{};  // convergence judged, uncooperative flags, reservations expired
    Duration snapshot{};     // the planner's input built
    Duration planning{};     // policy::decide
    Duration actuation{};    // targets and maxmem written, writes logged
    xen::XenStoreCounts roundXenstore;  // requests made inside rounds

    std::uint64_t watchBatches = 0;  // Balancer::onWatchEvents calls
    std::uint64_t watchEvents = 0;
    Duration watchHandling{};           // reports read on change, memory and control keys
    xen::XenStoreCounts watchXenstore;  // requests made while handling watch events

    // Daemon::runRound after the round: the metrics file and the round observers (D-Bus
    // property changes and parked calls, the qmemman socket).
    Duration metrics{};
    Duration observers{};

    [[nodiscard]] Duration roundTotal() const {
        return listing + reports + convergence + snapshot + planning + actuation;
    }
};

// Adds the time since `from` to `into` and returns now: one clock read per phase.
inline std::chrono::steady_clock::time_point lap(RoundTiming::Duration& into,
                                                 std::chrono::steady_clock::time_point from) {
    const auto now = std::chrono::steady_clock::now();
    into += now - from;
    return now;
}

}  // namespace balloon::daemon
