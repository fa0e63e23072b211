// balloonctl's exit codes, documented in balloonctl(8) and --help; scripts depend on them.
#pragma once

#include <string>

namespace sdbus {
class Error;
}

namespace balloon::cli {

enum ExitCode : int {
    kExitOk = 0,
    kExitUsage = 1,          // a bad command line
    kExitUnreachable = 2,    // no bus, or balloond is not on it
    kExitRefused = 3,        // balloond refused: a named error, whose message is printed
    kExitNotAuthorized = 4,  // balloond or the bus policy said no to this user
    kExitTimeout = 5,        // a wait ran out, or the guest did not reach its target
};

// The exit code for an error a call ended with.
ExitCode exitCodeFor(const sdbus::Error& error);
// One line for stderr: the daemon's message, and for the bus's own errors what to check.
std::string describe(const sdbus::Error& error);

// A command-line mistake: printed with a pointer to --help, exit code 1.
struct UsageError {
    std::string message;
};

}  // namespace balloon::cli
