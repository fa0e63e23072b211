#include "exit_codes.h"

#include <array>
#include <string_view>

#include <sdbus-c++/Error.h>

#include "errors.h"

namespace balloon::cli {
namespace {

// The bus's own errors that mean "nobody to talk to".
constexpr std::array<std::string_view, 8> kUnreachable{
    "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoServer",       "org.freedesktop.DBus.Error.NoReply",
    "org.freedesktop.DBus.Error.Disconnected",   "org.freedesktop.DBus.Error.FileNotFound",
    "org.freedesktop.DBus.Error.Timeout",        "org.freedesktop.DBus.Error.NoNetwork",
};

}  // namespace

cmdline::ExitStatus exitCodeFor(const sdbus::Error& error) {
    const std::string& name = error.getName();
    if (const auto code = dbus::errcFromErrorName(name)) {
        switch (*code) {
            case Errc::NotAuthorized:
                return cmdline::kExitNotAuthorized;
            case Errc::Timeout:
            case Errc::NotReached:
                return cmdline::kExitTimeout;
            default:
                return cmdline::kExitRefused;
        }
    }
    if (name == "org.freedesktop.DBus.Error.AccessDenied") {
        return cmdline::kExitNotAuthorized;
    }
    for (std::string_view unreachable : kUnreachable) {
        if (name == unreachable) {
            return cmdline::kExitUnreachable;
        }
    }
    // sdbus-c++ reports a failed connection under its own name, with errno in the message.
    if (name.starts_with("org.sdbuscpp.Error") || name.starts_with("System.Error.")) {
        return cmdline::kExitUnreachable;
    }
    return cmdline::kExitRefused;
}

std::string describe(const sdbus::Error& error) {
    switch (exitCodeFor(error)) {
        case cmdline::kExitUnreachable:
            return "balloond is not reachable (" + error.getMessage() +
                   "): is it running? (systemctl status balloond; a private bus is chosen with "
                   "--bus-address or BALLOONCTL_BUS_ADDRESS)";
        case cmdline::kExitNotAuthorized:
            // The socket itself refused us: its directory or mode admits only its owner (the
            // sandbox's bus lives in the run directory of the user who started it).
            if (error.getMessage().find("Failed to open bus") != std::string::npos) {
                return "not allowed to connect to balloond's bus (" + error.getMessage() +
                       "): its socket admits only its owner; run balloonctl as the user who "
                       "started balloond (the sandbox's), or as root";
            }
            if (!dbus::errcFromErrorName(error.getName())) {
                return "not allowed by the bus policy (" + error.getMessage() +
                       "): run it as root or as a member of balloond's admin group";
            }
            return error.getMessage();
        default:
            return error.getMessage();
    }
}

}  // namespace balloon::cli
