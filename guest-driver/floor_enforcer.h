// Honouring targets in the guest: the kernel applies dom0's memory/target by itself; this keeps
// the guest's floor (if dom0 asks for less than min, the kernel's target is raised to min) and
// says so when the kernel does not reach its target, with balloon(4)'s diagnostic, rate-limited.
#pragma once

#include <chrono>
#include <optional>

#include "balloon_backend.h"
#include "report_scheduler.h"
#include "units.h"

namespace balloon::guest {

struct FloorConfig {
    // Linux retries for about 15 s before it gives up on a target; judge after that.
    std::chrono::seconds settle{20};
    // While a target stays unreached, repeat the diagnostic at most this often.
    std::chrono::seconds repeat{300};
    // The driver moves whole pages in batches; closer than this counts as reached.
    KiB tolerance{1024};
};

class FloorEnforcer {
public:
    explicit FloorEnforcer(FloorConfig config = {}) : config_(config) {}

    // One check: enforce min, then follow the kernel's progress towards its target.
    // Returns true when it raised the kernel's target.
    bool check(Clock::time_point now, BalloonBackend& backend, std::optional<KiB> min);

private:
    FloorConfig config_;
    std::optional<KiB> tracked_;  // the target being followed
    Clock::time_point since_{};   // when it was first seen
    std::optional<Clock::time_point> lastDiagnostic_;
};

}  // namespace balloon::guest
