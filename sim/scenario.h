// A scenario: the host, its domains with their drivers and workloads, and timed events. Loaded
// from TOML (sim/scenarios/*.toml, format in docs/simulator.md); strict: an unknown key, a bad
// value or a dangling reference is an error naming file:line:col.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim_clock.h"
#include "sim_guest.h"
#include "toml_reader.h"
#include "workload.h"

namespace balloon::sim {

enum class EventAction {
    Create,    // build a domain declared with autostart = false (or rebuild a destroyed one)
    Destroy,   // xl destroy
    MemSet,    // the admin runs `xl mem-set <domain> <size>`
    Workload,  // the domain's workload changes shape
};

struct ScenarioEvent {
    SimTime at{0};
    EventAction action = EventAction::Create;
    std::string domain;
    KiB size;               // mem-set
    WorkloadSpec workload;  // workload
    // create: how long the toolstack keeps retrying while the host lacks the memory (0: fail at
    // once, as `xl create` does).
    Duration wait{0};
    bool operator==(const ScenarioEvent&) const = default;
};

struct Scenario {
    std::string name;
    std::string description;
    KiB hostMemory = gib(8);
    KiB dom0Memory = gib(1);
    KiB dom0Maxmem = gib(1);
    std::uint64_t seed = 1;
    Duration duration{600000};
    Duration step{100};
    Duration reportInterval{1000};  // how often guest agents write their statistics
    Duration traceInterval{0};      // trace rows every this much virtual time (0: every step)
    std::vector<GuestSpec> domains;
    std::vector<ScenarioEvent> events;  // ordered by time (stable for equal times)
    bool operator==(const Scenario&) const = default;
};

// A scenario file that does not parse or does not make sense. what() is "file:line:col: what is
// wrong; what to write instead".
using ScenarioError = TomlError;

// `sourceName` is used in error positions (a file path, or e.g. "<test>").
Scenario parseScenario(std::string_view text, const std::string& sourceName);
Scenario loadScenario(const std::filesystem::path& path);

// The spec of a declared domain, or nullptr.
const GuestSpec* findDomain(const Scenario& scenario, std::string_view name);

}  // namespace balloon::sim
