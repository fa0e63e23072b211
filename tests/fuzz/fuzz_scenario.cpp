// libFuzzer target: simulator scenario files (sim/scenario.h). ScenarioError is the expected
// refusal; any other exception escaping parseScenario is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const balloon::sim::Scenario scenario = balloon::sim::parseScenario(text, "fuzz.toml");
        // Events are promised in time order; every event names a declared domain.
        for (std::size_t i = 0; i < scenario.events.size(); ++i) {
            const auto& event = scenario.events[i];
            if ((i > 0 && event.at < scenario.events[i - 1].at) ||
                balloon::sim::findDomain(scenario, event.domain) == nullptr) {
                __builtin_trap();
            }
        }
    } catch (const balloon::sim::ScenarioError&) {
    }
    return 0;
}
