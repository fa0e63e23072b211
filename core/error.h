// The one error type users meet. Each code maps to one D-Bus error name (dbus/errors.h) and one
// balloonctl exit code; the message says what failed, for which domain, and what to do.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace balloon {

enum class Errc {
    InvalidArgument,    // a malformed size, domain or option
    NoSuchDomain,       // no domain by that name, id or uuid
    AboveStaticMax,     // mem-set above the domain's static-max
    BelowMinimum,       // below the dom0 floor, the configured min or the guest's own min
    BelowTarget,        // mem-max below the current target
    Excluded,           // the domain opted out of ballooning
    CannotFreeEnough,   // a reservation the other domains could not cover
    NoSuchReservation,  // an unknown reservation id
    NotAuthorized,      // a mutating call from an unprivileged caller
    Timeout,            // a wait that ran out before the guest reached its target
    NotReached,         // the guest stopped short of its target
    PodDeficit,         // lowering a guest whose populate-on-demand memory is not backed yet
    Failed,             // Xenstore or the hypervisor refused
};

// The name used in D-Bus error names and logs, e.g. "AboveStaticMax".
std::string_view errcName(Errc code);

class Error : public std::runtime_error {
public:
    Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
    [[nodiscard]] Errc code() const { return code_; }

private:
    Errc code_;
};

}  // namespace balloon
