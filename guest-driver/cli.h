// balloon-guest's command line: one binary, a daemon mode and the balloon(4) control commands.
//
//   balloon-guest [--root DIR] [--domain-path PATH] daemon
//   balloon-guest [...] status                      balloon.current = 524288 ...
//   balloon-guest [...] set min|target KIB
//   balloon-guest [...] unset min|target
//
// Exit codes (documented in guest-driver/README.md): 0 done; 1 refused, the value is beyond
// limits (EPERM, as balloon(4)); 2 usage error; 3 the system failed (files, Xenstore).
#pragma once

#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "balloon_backend.h"
#include "guest_log.h"
#include "xenstore_port.h"

namespace balloon::guest {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;  // EPERM
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 3;

struct CliOptions {
    std::filesystem::path root = "/";
    std::string domainPath;  // "" = the guest's own domain, through relative paths
    std::vector<std::string> command;
};

// Parses argv; nullopt (and a message on err) on a usage error. "--help" gives an empty command.
std::optional<CliOptions> parseCli(int argc, const char* const* argv, std::ostream& err);

std::string usageText();

// Runs a parsed command; returns the exit code. daemon runs until stop is set.
int runCommand(const CliOptions& options, xen::XenStore& store, BalloonBackend& backend,
               std::ostream& out, std::ostream& err, const LogSink& log,
               const std::atomic<bool>& stop);

}  // namespace balloon::guest
