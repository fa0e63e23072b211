#include "options.h"

#include <iostream>

#include "option_types.h"
#include "program.h"

namespace balloon::daemon {

cmdline::Parsed<Options> parseOptions(int argc, const char* const* argv) {
    cmdline::Parsed<Options> parsed;
    Options& o = parsed.options;
    CLI::App app("Balances memory between the domains of a Xen host (run in dom0, as root).",
                 "balloond");
    cmdline::applyConventions(
        app, BALLOOND_VERSION,
        {cmdline::kExitOk, cmdline::kExitUsage, cmdline::kExitUnreachable, cmdline::kExitRefused});
    app.add_option("-c,--config", o.configPath,
                   "configuration file (default /etc/balloond/balloond.toml; a missing file "
                   "means the defaults)")
        ->type_name("FILE");
    cmdline::addLogLevel(app, o.logLevel, "info");
    CLI::Option* sandbox =
        app.add_option("--sandbox", o.sandboxScenario,
                       "run on a simulated host with a private real xenstored instead of Xen; "
                       "SCENARIO is a scenario file (default: the built-in 8 GiB host with six "
                       "guests)")
            ->expected(0, 1)
            ->type_name("[SCENARIO]");
    cmdline::addDuration(
        app, "--for", [&o](Millis d) { o.runFor = d; },
        "with --sandbox: stop after this long (30s, 5m), as Ctrl-C would")
        ->needs(sandbox);
    // `balloond --sandbox --for 30s burst.toml`: the scenario may also follow the options.
    std::string trailingScenario;
    cmdline::addArgument(app, "SCENARIO", trailingScenario, "")->required(false)->group("");
    app.add_option("--bus-address", o.busAddress,
                   "serve the API on this D-Bus address instead of the system bus")
        ->type_name("ADDRESS");
    app.add_flag("--no-bus", o.noBus, "do not serve the D-Bus API");
    parsed.exitNow = cmdline::parse(app, argc, argv);
    if (parsed.exitNow) {
        return parsed;
    }
    if (sandbox->count() != 0 && !o.sandboxScenario) {
        o.sandboxScenario = "";  // --sandbox without a value: the built-in scenario
    }
    if (!trailingScenario.empty()) {
        if (!o.sandboxScenario || !o.sandboxScenario->empty()) {
            parsed.exitNow =
                cmdline::usageError(app, "a scenario file goes with --sandbox, once", std::cerr);
            return parsed;
        }
        o.sandboxScenario = trailingScenario;
    }
    return parsed;
}

}  // namespace balloon::daemon
