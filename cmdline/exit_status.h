// The exit status of every program balloond builds (balloond, balloonctl, balloon-guest,
// balloon-compare, the benchmarks). Documented once, in balloond(8) EXIT STATUS; the other man
// pages list the ones their program uses. Scripts depend on them: never renumber.
#pragma once

#include <string_view>

namespace balloon::cmdline {

enum ExitStatus : int {
    kExitOk = 0,             // done; also --help and --version
    kExitUsage = 1,          // a bad command line: nothing was done
    kExitUnreachable = 2,    // something it needs is not there: balloond, the bus, Xenstore, Xen
    kExitRefused = 3,        // understood, but refused or failed; the message says why
    kExitNotAuthorized = 4,  // balloond or the bus policy said no to this user
    kExitTimeout = 5,        // a wait ran out, or a guest did not reach its target
};

// A few words for --help: "usage error", "refused or failed", ...
std::string_view describe(ExitStatus status);

}  // namespace balloon::cmdline
