#include "cli.h"

#include <ostream>
#include <string_view>

#include "controls.h"
#include "guest_daemon.h"
#include "guest_state.h"
#include "report_publisher.h"
#include "stats_codec.h"

namespace balloon::guest {
namespace {

constexpr std::string_view kStaticMaxKey = "memory/static-max";

int usageError(std::ostream& err, const std::string& why) {
    err << "balloon-guest: " << why << "\n" << usageText();
    return kExitUsage;
}

int setControl(BalloonControls& controls, const std::vector<std::string>& cmd, std::ostream& out,
               std::ostream& err) {
    if (cmd.size() != 3 || (cmd[1] != "min" && cmd[1] != "target")) {
        return usageError(err, "set takes 'min KIB' or 'target KIB'");
    }
    std::string why;
    const auto value = parseBoundedDecimal(cmd[2], kMaxReportValue, why);
    if (!value) {
        return usageError(err, cmd[1] + " must be a number of KiB: " + why);
    }
    try {
        if (cmd[1] == "min") {
            controls.setMin(KiB{*value});
        } else {
            controls.setTarget(KiB{*value});
        }
    } catch (const ControlRefused& e) {
        err << "balloon-guest: " << e.what() << "\n";
        return kExitRefused;
    }
    out << "balloon." << cmd[1] << " = " << *value << "\n";
    return kExitOk;
}

int unsetControl(BalloonControls& controls, const std::vector<std::string>& cmd,
                 std::ostream& err) {
    if (cmd.size() != 2 || (cmd[1] != "min" && cmd[1] != "target")) {
        return usageError(err, "unset takes 'min' or 'target'");
    }
    if (cmd[1] == "min") {
        controls.unsetMin();
    } else {
        controls.unsetTarget();
    }
    return kExitOk;
}

}  // namespace

std::string usageText() {
    return "usage: balloon-guest [--root DIR] [--domain-path PATH] COMMAND\n"
           "  daemon                  publish data/balloon-report and keep the guest's min\n"
           "  status                  show balloon.current, min, max, target (KiB)\n"
           "  set min|target KIB      set a control; refused beyond limits (exit 1, EPERM)\n"
           "  unset min|target        forget a control set earlier\n"
           "  --root DIR              read /proc, /sys and /var/lib under DIR (tests)\n"
           "  --domain-path PATH      Xenstore domain path (default: relative paths)\n";
}

std::optional<CliOptions> parseCli(int argc, const char* const* argv, std::ostream& err) {
    CliOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool takesValue = arg == "--root" || arg == "--domain-path";
        if (takesValue && i + 1 >= argc) {
            usageError(err, std::string(arg) + " needs a value");
            return std::nullopt;
        }
        if (arg == "--root") {
            options.root = argv[++i];
        } else if (arg == "--domain-path") {
            options.domainPath = argv[++i];
        } else if (arg == "--help" || arg == "-h") {
            options.command.clear();
            return options;
        } else if (arg.starts_with("-") && options.command.empty()) {
            usageError(err, "unknown option " + std::string(arg));
            return std::nullopt;
        } else {
            options.command.emplace_back(arg);
        }
    }
    if (options.command.empty()) {
        usageError(err, "no command given");
        return std::nullopt;
    }
    return options;
}

int runCommand(const CliOptions& options, xen::XenStore& store, BalloonBackend& backend,
               std::ostream& out, std::ostream& err, const LogSink& log,
               const std::atomic<bool>& stop) {
    const auto& cmd = options.command;
    ReportPublisher publisher(store, options.domainPath);
    const SettingsStore settings(options.root);
    BalloonControls controls(backend, settings, [&] { return publisher.readKiB(kStaticMaxKey); });
    try {
        if (cmd.empty()) {
            out << usageText();
            return kExitOk;
        }
        if (cmd[0] == "status" && cmd.size() == 1) {
            out << formatStatus(controls.status());
            return kExitOk;
        }
        if (cmd[0] == "set") {
            return setControl(controls, cmd, out, err);
        }
        if (cmd[0] == "unset") {
            return unsetControl(controls, cmd, err);
        }
        if (cmd[0] == "daemon" && cmd.size() == 1) {
            DaemonOptions daemonOptions;
            daemonOptions.root = options.root;
            GuestDaemon daemon(publisher, backend, settings, log, daemonOptions);
            daemon.start();
            log(Severity::Info, "publishing " + publisher.path(kReportKey));
            daemon.run(stop);
            return kExitOk;
        }
        return usageError(err, "unknown command '" + cmd[0] + "'");
    } catch (const std::exception& e) {
        err << "balloon-guest: " << cmd[0] << " failed: " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace balloon::guest
