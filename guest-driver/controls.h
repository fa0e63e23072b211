// The balloon(4) controls of the guest: current (ro), min (rw), max (ro), target (rw), all KiB.
// Values beyond limits are refused as balloon(4) does, with EPERM: min below the safeguard or
// above max, target below min or above max.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "balloon_backend.h"
#include "guest_state.h"
#include "units.h"

namespace balloon::guest {

// A setting refused because the value is beyond limits (balloon(4) ERRORS: EPERM).
class ControlRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ControlStatus {
    KiB current;
    KiB min;                       // the admin's min, or the safeguard when none was set
    std::optional<KiB> max;        // memory/static-max; nullopt when Xenstore does not say
    KiB target;                    // the kernel's balloon target
    std::optional<KiB> requested;  // a target the admin set here, published as a request
    KiB safeguard;
    std::optional<bool> scrubsPages;
};

// "balloon.current = 524288" lines, like `sysctl kern.xen.balloon` (absent values: "unknown").
std::string formatStatus(const ControlStatus& status);

// Empty when acceptable, else why not (the EPERM message).
std::string checkMin(KiB value, KiB safeguard, std::optional<KiB> max);
std::string checkTarget(KiB value, KiB min, std::optional<KiB> max);

class BalloonControls {
public:
    // readMax returns memory/static-max (KiB) or nullopt.
    BalloonControls(BalloonBackend& backend, const SettingsStore& store,
                    std::function<std::optional<KiB>()> readMax)
        : backend_(backend), store_(store), readMax_(std::move(readMax)) {}

    ControlStatus status();
    // Both throw ControlRefused beyond limits. setMin raises a lower requested target and the
    // kernel's target to the new min; setTarget persists the request and hands it to the kernel.
    void setMin(KiB value);
    void setTarget(KiB value);
    void unsetMin();
    void unsetTarget();

private:
    BalloonBackend& backend_;
    const SettingsStore& store_;
    std::function<std::optional<KiB>()> readMax_;
};

}  // namespace balloon::guest
