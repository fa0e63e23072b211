#include "floor_enforcer.h"

#include <string>

#include "log.h"

namespace balloon::guest {

bool FloorEnforcer::check(Clock::time_point now, BalloonBackend& backend, std::optional<KiB> min) {
    KiB target = backend.kernelTarget();
    bool raised = false;
    if (min && target < *min) {
        backend.setKernelTarget(*min);
        BLOG(warning) << logattr::kib("target", target) << logattr::kib("min", *min)
                      << "dom0's target leaves the balloon driver at " << target.count()
                      << " KiB, below the guest's min of " << min->count()
                      << " KiB: raised the kernel's target to " << min->count() << " KiB";
        target = *min;
        raised = true;
    }
    if (tracked_ != target) {
        tracked_ = target;
        since_ = now;
        lastDiagnostic_.reset();
    }
    const KiB current = backend.current();
    const bool reached =
        (current > target ? current - target : target - current) <= config_.tolerance;
    if (reached) {
        lastDiagnostic_.reset();
        since_ = now;
        return raised;
    }
    const bool settled = now - since_ >= config_.settle;
    const bool quiet = !lastDiagnostic_ || now - *lastDiagnostic_ >= config_.repeat;
    if (settled && quiet) {
        BLOG(warning) << logattr::kib("target", target) << logattr::kib("current", current)
                      << "balloon could not reach target " << target.count() << " KiB (current "
                      << current.count() << " KiB)";
        lastDiagnostic_ = now;
    }
    return raised;
}

}  // namespace balloon::guest
