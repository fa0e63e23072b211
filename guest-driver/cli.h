// balloon-guest's command line: one binary, a daemon mode and the balloon(4) control commands.
//
//   balloon-guest [--root DIR] [--domain-path PATH] daemon
//   balloon-guest [...] status                      balloon.current = 524288 ...
//   balloon-guest [...] set min|target KIB
//   balloon-guest [...] unset min|target
//
// Exit statuses (cmdline/exit_status.h, the same for every program; balloon-guest(8)): 0 done;
// 1 usage error; 2 Xenstore cannot be reached; 3 refused (the value is beyond limits: EPERM, as
// balloon(4)) or the system failed (a file under /proc or /sys, the state file, Xenstore).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "balloon_backend.h"
#include "parsed.h"
#include "xenstore_port.h"

namespace balloon::guest {

struct CliOptions {
    enum class Verb { Daemon, Status, Set, Unset };
    enum class Control { Min, Target };

    std::filesystem::path root = "/";
    std::string domainPath;  // "" = the guest's own domain, through relative paths
    Verb verb = Verb::Status;
    Control control = Control::Min;  // set, unset
    std::uint64_t kib = 0;           // set
};

// Parses argv; --help, --version and usage errors are answered on out/err with exitNow set.
cmdline::Parsed<CliOptions> parseCli(int argc, const char* const* argv, std::ostream& out,
                                     std::ostream& err);

// Runs a parsed command; returns the exit status. daemon runs until stop is set.
int runCommand(const CliOptions& options, xen::XenStore& store, BalloonBackend& backend,
               std::ostream& out, std::ostream& err, const std::atomic<bool>& stop);

}  // namespace balloon::guest
