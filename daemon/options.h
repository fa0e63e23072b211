// balloond's command line (cmdline/ conventions: --help and --version exit 0, a bad option is a
// usage error with exit status 1).
#pragma once

#include <optional>
#include <string>

#include "config.h"
#include "log.h"
#include "parsed.h"

namespace balloon::daemon {

struct Options {
    std::string configPath = "/etc/balloond/balloond.toml";
    log::Severity logLevel = log::Severity::Info;
    // --sandbox [SCENARIO]: a private real xenstored and the simulated host instead of Xen.
    std::optional<std::string> sandboxScenario;
    // --for DURATION (sandbox only): stop cleanly after this long, as Ctrl-C would.
    std::optional<Millis> runFor;
    std::optional<std::string> busAddress;  // a private bus instead of the system bus
    bool noBus = false;                     // run without D-Bus (tests, benchmarks)
};

cmdline::Parsed<Options> parseOptions(int argc, const char* const* argv);

}  // namespace balloon::daemon
