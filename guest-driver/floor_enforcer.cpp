#include "floor_enforcer.h"

#include <string>

namespace balloon::guest {

bool FloorEnforcer::check(Clock::time_point now, BalloonBackend& backend, std::optional<KiB> min) {
    KiB target = backend.kernelTarget();
    bool raised = false;
    if (min && target < *min) {
        backend.setKernelTarget(*min);
        log_(Severity::Warning,
             "dom0's target leaves the balloon driver at " + std::to_string(target.count()) +
                 " KiB, below the guest's min of " + std::to_string(min->count()) +
                 " KiB: raised the kernel's target to " + std::to_string(min->count()) + " KiB");
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
        log_(Severity::Warning, "balloon could not reach target " + std::to_string(target.count()) +
                                    " KiB (current " + std::to_string(current.count()) + " KiB)");
        lastDiagnostic_ = now;
    }
    return raised;
}

}  // namespace balloon::guest
