// libFuzzer target: balloond.toml (core/config.h), fed arbitrary bytes. ConfigError is the
// expected refusal and must name a position in the fuzzed file; any other exception escaping
// parseConfig is a finding (libFuzzer reports it as a crash).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        const balloon::ParsedConfig parsed = balloon::parseConfig(in, "fuzz.toml");
        // Lookups the daemon does for every domain must hold on whatever was accepted.
        for (const auto& domain : parsed.config.domains) {
            if (domain.name.empty() == domain.uuid.empty() || domain.weight < 1 ||
                domain.weight > 10000) {
                __builtin_trap();
            }
            if (parsed.config.overrideFor(domain.name, domain.uuid) == nullptr) {
                __builtin_trap();
            }
        }
    } catch (const balloon::ConfigError& e) {
        if (e.position().source != "fuzz.toml") {
            __builtin_trap();
        }
    }
    return 0;
}
