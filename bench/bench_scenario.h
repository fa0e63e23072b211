// The hosts the reaction and steady-state benchmarks run: N identical steady guests on a host
// with room for all of them (a balanced host), and optionally one more guest, "probe", that
// reports nothing by itself so that the benchmark can write its reports and time the answer.
#pragma once

#include <string>

namespace balloon::bench {

struct BenchHostSpec {
    int guests = 100;
    // Adds the guest "probe" (agent none: the benchmark writes its data/balloon-report).
    bool probe = false;
    // How often each simulated guest agent writes its report. The real guest side writes on a
    // change of 16 MiB or more and otherwise once a minute (guest-driver/report_scheduler.h).
    std::string reportInterval = "60s";
    // Virtual time per simulation step; the host process paces steps in real time.
    std::string step = "100ms";
};

inline constexpr const char* kProbeName = "probe";

// The scenario as TOML (docs/simulator.md).
std::string benchScenario(const BenchHostSpec& spec);

}  // namespace balloon::bench
