#include "cli.h"

#include <ostream>
#include <string_view>

#include "controls.h"
#include "guest_daemon.h"
#include "guest_state.h"
#include "log.h"
#include "program.h"
#include "report_publisher.h"
#include "stats_codec.h"

namespace balloon::guest {
namespace {

constexpr std::string_view kStaticMaxKey = "memory/static-max";

std::string_view controlName(CliOptions::Control control) {
    return control == CliOptions::Control::Min ? "min" : "target";
}

std::string_view verbName(CliOptions::Verb verb) {
    switch (verb) {
        case CliOptions::Verb::Daemon:
            return "daemon";
        case CliOptions::Verb::Status:
            return "status";
        case CliOptions::Verb::Set:
            return "set";
        case CliOptions::Verb::Unset:
            return "unset";
    }
    return "command";
}

// min|target, as balloon(4)'s sysctl names them.
CLI::Option* addControlArgument(CLI::App& command, CliOptions::Control& into) {
    return command
        .add_option_function<std::string>(
            "CONTROL",
            [&into](const std::string& text) {
                into = text == "min" ? CliOptions::Control::Min : CliOptions::Control::Target;
            },
            "min or target")
        ->required()
        ->type_name("")
        ->check(CLI::Validator(
            [](std::string& text) {
                return text == "min" || text == "target"
                           ? std::string()
                           : "\"" + text + "\" is neither min nor target";
            },
            "", "CONTROL"));
}

// A number of KiB, bounded as every figure a guest reports.
CLI::Validator kibCheck() {
    return CLI::Validator(
        [](std::string& text) {
            std::string why;
            return parseBoundedDecimal(text, kMaxReportValue, why)
                       ? std::string()
                       : "\"" + text + "\" is not a number of KiB: " + why;
        },
        "", "KIB");
}

int setControl(BalloonControls& controls, const CliOptions& options, std::ostream& out,
               std::ostream& err) {
    try {
        if (options.control == CliOptions::Control::Min) {
            controls.setMin(KiB{options.kib});
        } else {
            controls.setTarget(KiB{options.kib});
        }
    } catch (const ControlRefused& e) {
        err << "balloon-guest: " << e.what() << "\n";
        return cmdline::kExitRefused;
    }
    out << "balloon." << controlName(options.control) << " = " << options.kib << "\n";
    return cmdline::kExitOk;
}

}  // namespace

cmdline::Parsed<CliOptions> parseCli(int argc, const char* const* argv, std::ostream& out,
                                     std::ostream& err) {
    using Verb = CliOptions::Verb;
    cmdline::Parsed<CliOptions> parsed;
    CliOptions& o = parsed.options;
    CLI::App app(
        "The guest side of balloond: reports the guest's memory to dom0 and keeps its "
        "balloon floor.\nAll values are KiB.",
        "balloon-guest");
    cmdline::applyConventions(
        app, {},
        {cmdline::kExitOk, cmdline::kExitUsage, cmdline::kExitUnreachable, cmdline::kExitRefused});
    app.add_option("--root", o.root, "read /proc, /sys and /var/lib under DIR (tests)")
        ->type_name("DIR");
    app.add_option("--domain-path", o.domainPath, "Xenstore domain path (default: relative paths)")
        ->type_name("PATH");
    cmdline::requireCommand(app);
    auto verb = [&](const char* name, const char* help, Verb v) {
        CLI::App* command = cmdline::addCommand(app, name, help);
        command->callback([&o, v] { o.verb = v; });
        return command;
    };
    verb("daemon", "publish data/balloon-report and keep the guest's min", Verb::Daemon);
    verb("status", "show balloon.current, min, max, target (KiB)", Verb::Status);
    CLI::App* set = verb("set", "set a control; refused beyond limits (EPERM)", Verb::Set);
    addControlArgument(*set, o.control);
    cmdline::addArgument(*set, "KIB", o.kib, "the value, in KiB")->check(kibCheck());
    CLI::App* unset = verb("unset", "forget a control set earlier", Verb::Unset);
    addControlArgument(*unset, o.control);
    parsed.exitNow = cmdline::parse(app, argc, argv, out, err);
    return parsed;
}

int runCommand(const CliOptions& options, xen::XenStore& store, BalloonBackend& backend,
               std::ostream& out, std::ostream& err, const std::atomic<bool>& stop) {
    using Verb = CliOptions::Verb;
    ReportPublisher publisher(store, options.domainPath);
    const SettingsStore settings(options.root);
    BalloonControls controls(backend, settings, [&] { return publisher.readKiB(kStaticMaxKey); });
    try {
        switch (options.verb) {
            case Verb::Status:
                out << formatStatus(controls.status());
                return cmdline::kExitOk;
            case Verb::Set:
                return setControl(controls, options, out, err);
            case Verb::Unset:
                if (options.control == CliOptions::Control::Min) {
                    controls.unsetMin();
                } else {
                    controls.unsetTarget();
                }
                return cmdline::kExitOk;
            case Verb::Daemon: {
                DaemonOptions daemonOptions;
                daemonOptions.root = options.root;
                GuestDaemon daemon(publisher, backend, settings, daemonOptions);
                daemon.start();
                BLOG(info) << "publishing " << publisher.path(kReportKey);
                daemon.run(stop);
                return cmdline::kExitOk;
            }
        }
    } catch (const std::exception& e) {
        err << "balloon-guest: " << verbName(options.verb) << " failed: " << e.what() << "\n";
    }
    return cmdline::kExitRefused;
}

}  // namespace balloon::guest
