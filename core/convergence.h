// Does a guest follow its target? A per-domain state machine fed with (time, expected
// allocation, actual allocation) samples. Pure: the caller supplies the time.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "model.h"
#include "units.h"

namespace balloon {

// kConvergenceNames: "balanced", "converging", "slow", "stuck", "uncooperative".
inline std::string_view convergenceName(Convergence state) {
    return nameOf(kConvergenceNames, state);
}

struct ConvergenceConfig {
    std::chrono::steady_clock::duration stuckAfter = std::chrono::seconds(5);
    std::chrono::steady_clock::duration uncooperativeAfter = std::chrono::seconds(20);
    // Closer than this counts as reached: two of the Linux driver's 2 MiB batches.
    KiB tolerance = mib(4);
    // Less progress than this, per second, is "slow".
    KiB slowBelowPerSecond = mib(8);
    // A guest that stopped growing below its target is asked to grow past that point again
    // after this long (its kernel's limit may have been lifted: memory hotplug, a reboot).
    std::chrono::steady_clock::duration growRetryAfter = std::chrono::minutes(5);
};

class ConvergenceTracker {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit ConvergenceTracker(ConvergenceConfig config = {}) : config_(config) {}

    // `expected` is what Xen's allocation should become: the target plus videoram for HVM
    // guests (whose allocation counts it). Returns the state after this sample.
    Convergence observe(TimePoint now, KiB expected, KiB actual);

    // A target was just written: the state says at once whether the allocation is within the
    // tolerance of `expected`, and the next observe() starts the new target's clock as if it had
    // seen the change itself (what the policy sees is unchanged).
    void retarget(KiB expected, KiB actual);

    void setConfig(ConvergenceConfig config) { config_ = config; }
    [[nodiscard]] Convergence state() const { return state_; }
    // True when the domain holds memory above its target that it is not giving back.
    [[nodiscard]] bool withholding() const {
        return state_ == Convergence::Uncooperative && holdingAbove_;
    }
    // Since when the domain has made no progress (meaningful once Stuck or Uncooperative).
    [[nodiscard]] std::optional<TimePoint> lastProgress() const { return lastProgress_; }
    // The allocation at which the domain stopped growing short of its target (it was judged
    // stuck on a grow), until it grows past it or growRetryAfter has passed. Memory above it is
    // memory the guest cannot take: the policy plans it for others (squeezed's test "h").
    [[nodiscard]] std::optional<KiB> growLimit() const { return growLimit_; }

private:
    Convergence judge(TimePoint now, KiB expected, KiB actual);
    void updateGrowLimit(TimePoint now, KiB expected, KiB actual);

    ConvergenceConfig config_;
    Convergence state_ = Convergence::Balanced;
    std::optional<KiB> expected_;
    std::optional<TimePoint> lastProgress_;
    std::optional<TimePoint> targetSetAt_;
    KiB initialDistance_;  // how far the domain was when the target was set
    KiB bestDistance_;     // the closest it has come since
    bool holdingAbove_ = false;
    std::optional<KiB> growLimit_;
    std::optional<TimePoint> growLimitSince_;
};

}  // namespace balloon
