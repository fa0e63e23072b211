// The per-round breakdown (daemon/round_timing.h) as the bench host's "figure" lines and as the
// rows steady_bench --breakdown prints: one list of names, labels and fields for both sides.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "round_timing.h"

namespace balloon::bench {

struct TimedPart {
    std::string_view name;   // figure "time_<name>_s"
    std::string_view label;  // the table's row
    bool inRound;            // part of Balancer::round (else between or after rounds)
    daemon::RoundTiming::Duration daemon::RoundTiming::*field;
};

inline constexpr std::array<TimedPart, 9> kTimedParts{{
    {"listing", "hypervisor listing, new domains", true, &daemon::RoundTiming::listing},
    {"reports", "report reads (onSample)", true, &daemon::RoundTiming::reports},
    {"convergence", "convergence, reservations", true, &daemon::RoundTiming::convergence},
    {"snapshot", "snapshot (planner input)", true, &daemon::RoundTiming::snapshot},
    {"planning", "planning (policy::decide)", true, &daemon::RoundTiming::planning},
    {"actuation", "actuation (target writes)", true, &daemon::RoundTiming::actuation},
    {"watch", "watch events (reports on change)", false, &daemon::RoundTiming::watchHandling},
    {"metrics", "metrics file, sd_notify", false, &daemon::RoundTiming::metrics},
    {"observers", "round observers (D-Bus)", false, &daemon::RoundTiming::observers},
}};

struct CountedPart {
    std::string_view name;  // figure "count_<name>"
    std::uint64_t (*get)(const daemon::RoundTiming&);
};

inline constexpr std::array<CountedPart, 9> kCountedParts{{
    {"rounds", [](const daemon::RoundTiming& t) { return t.rounds; }},
    {"round_reads", [](const daemon::RoundTiming& t) { return t.roundXenstore.reads; }},
    {"round_writes", [](const daemon::RoundTiming& t) { return t.roundXenstore.writes; }},
    {"round_transactions",
     [](const daemon::RoundTiming& t) { return t.roundXenstore.transactions; }},
    {"watch_batches", [](const daemon::RoundTiming& t) { return t.watchBatches; }},
    {"watch_events", [](const daemon::RoundTiming& t) { return t.watchEvents; }},
    {"watch_reads", [](const daemon::RoundTiming& t) { return t.watchXenstore.reads; }},
    {"watch_writes", [](const daemon::RoundTiming& t) { return t.watchXenstore.writes; }},
    {"watch_transactions",
     [](const daemon::RoundTiming& t) { return t.watchXenstore.transactions; }},
}};

inline std::string timeFigure(const TimedPart& part) {
    return "time_" + std::string(part.name) + "_s";
}

inline std::string countFigure(const CountedPart& part) {
    return "count_" + std::string(part.name);
}

}  // namespace balloon::bench
