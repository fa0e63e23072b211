// The guest kernel's balloon driver as the guest side sees it: where the reservation is, where
// the driver is heading, and how low the guest may safely go. Linux (sysfs) implements it now;
// NetBSD (sysctl machdep.xen.balloon) is a compile-time alternative.
#pragma once

#include <optional>

#include "units.h"

namespace balloon::guest {

class BalloonBackend {
public:
    BalloonBackend() = default;
    virtual ~BalloonBackend() = default;
    BalloonBackend(const BalloonBackend&) = delete;
    BalloonBackend& operator=(const BalloonBackend&) = delete;
    BalloonBackend(BalloonBackend&&) = delete;
    BalloonBackend& operator=(BalloonBackend&&) = delete;

    // The domain's reservation now (balloon(4) "current").
    virtual KiB current() = 0;
    // What the driver is trying to reach; the kernel sets it from dom0's memory/target.
    virtual KiB kernelTarget() = 0;
    virtual void setKernelTarget(KiB target) = 0;
    // Whether freed pages are zeroed before they go back to Xen; nullopt when the kernel does
    // not say.
    virtual std::optional<bool> scrubsPages() = 0;
    // The lowest "min" the guest accepts (balloon(4)'s safeguard).
    virtual KiB safeguard() = 0;
};

}  // namespace balloon::guest
