// balloond's command line.
#pragma once

#include <optional>
#include <string>

#include "log.h"

namespace balloon::daemon {

struct Options {
    std::string configPath = "/etc/balloond/balloond.toml";
    log::Severity logLevel = log::Severity::Info;
    // --sandbox [SCENARIO]: a private real xenstored and the simulated host instead of Xen.
    std::optional<std::string> sandboxScenario;
    std::optional<std::string> busAddress;  // a private bus instead of the system bus
    bool noBus = false;                     // run without D-Bus (tests, benchmarks)
};

// Exits the process for --help and --version; throws std::invalid_argument on a bad option.
Options parseOptions(int argc, char** argv);

}  // namespace balloon::daemon
