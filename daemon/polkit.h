// Asks polkit whether the sender of a D-Bus call may do an action:
// org.freedesktop.PolicyKit1.Authority.CheckAuthorization on the bus the call came in on, for the
// subject ("system-bus-name", {name: sender}). Synchronous and bounded (kPolkitTimeout, or
// kPolkitInteractiveTimeout while a person may be typing a password): balloond's loop is
// single-threaded, so the daemon waits for polkit's answer.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

struct sd_bus;

namespace balloon::daemon {

inline constexpr std::chrono::seconds kPolkitTimeout{5};
inline constexpr std::chrono::seconds kPolkitInteractiveTimeout{25};

struct PolkitAnswer {
    enum class Kind {
        Authorized,
        ChallengeNeeded,  // polkit would allow it after the caller authenticates
        Denied,
        Unavailable,  // polkit could not be asked (not on the bus, timeout, bad reply)
    };
    Kind kind = Kind::Unavailable;
    std::string why;  // for Unavailable: what went wrong
};

// `interactive`: the caller allows interactive authorization (polkit may then ask an
// authentication agent, and the wait is kPolkitInteractiveTimeout).
PolkitAnswer checkPolkit(sd_bus* bus, const std::string& sender, std::string_view actionId,
                         bool interactive);

}  // namespace balloon::daemon
