#include "comparison.h"

#include "scenario.h"

namespace balloon::compare {

std::vector<std::filesystem::path> comparisonScenarios(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const char* name :
         {"steady-mix", "burst", "many-idle", "overcommit", "reservation", "stuck-guest",
          "qubes-desktop", "xenserver-consolidation", "grow-limit"}) {
        out.push_back(dir / (std::string(name) + ".toml"));
    }
    return out;
}

std::vector<RunResult> compareAll(std::span<const std::filesystem::path> scenarios,
                                  std::span<const Contender> contenders, const RunConfig& config) {
    const std::vector<Contender> all = allContenders();
    if (contenders.empty()) {
        contenders = all;
    }
    std::vector<RunResult> results;
    for (const auto& path : scenarios) {
        sim::Scenario scenario = sim::loadScenario(path);
        scenario.duration = config.duration.value_or(scenario.duration);
        scenario.traceInterval = config.traceInterval.value_or(scenario.traceInterval);
        for (const Contender& c : contenders) {
            results.push_back(runScenario(scenario, c, config));
        }
    }
    return results;
}

}  // namespace balloon::compare
