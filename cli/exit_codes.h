// Which exit status (cmdline/exit_status.h, the same for every program) a failed D-Bus call
// gives balloonctl, and what it says about it.
#pragma once

#include <string>

#include "exit_status.h"

namespace sdbus {
class Error;
}

namespace balloon::cli {

// The exit status for an error a call ended with.
cmdline::ExitStatus exitCodeFor(const sdbus::Error& error);
// One line for stderr: the daemon's message, and for the bus's own errors what to check.
std::string describe(const sdbus::Error& error);

}  // namespace balloon::cli
