#include "convergence.h"

namespace balloon {
namespace {

KiB distance(KiB a, KiB b) {
    return a < b ? b - a : a - b;
}

}  // namespace

void ConvergenceTracker::retarget(KiB expected, KiB actual) {
    expected_.reset();
    state_ = distance(expected, actual) <= config_.tolerance ? Convergence::Balanced
                                                             : Convergence::Converging;
}

Convergence ConvergenceTracker::observe(TimePoint now, KiB expected, KiB actual) {
    state_ = judge(now, expected, actual);
    updateGrowLimit(now, expected, actual);
    return state_;
}

void ConvergenceTracker::updateGrowLimit(TimePoint now, KiB expected, KiB actual) {
    if (growLimit_ && (actual > *growLimit_ + config_.tolerance ||
                       now - *growLimitSince_ >= config_.growRetryAfter)) {
        growLimit_.reset();
        growLimitSince_.reset();
    }
    const bool stalled = state_ == Convergence::Stuck || state_ == Convergence::Uncooperative;
    if (stalled && actual < expected && !growLimit_) {
        growLimit_ = actual;
        growLimitSince_ = now;
    }
}

Convergence ConvergenceTracker::judge(TimePoint now, KiB expected, KiB actual) {
    const KiB gap = distance(expected, actual);
    holdingAbove_ = actual > expected;
    if (!expected_ || *expected_ != expected) {
        // A new target restarts the clock: the guest gets its full grace period again.
        expected_ = expected;
        lastProgress_ = now;
        bestDistance_ = gap;
        initialDistance_ = gap;
        targetSetAt_ = now;
        return gap <= config_.tolerance ? Convergence::Balanced : Convergence::Converging;
    }
    if (gap <= config_.tolerance) {
        bestDistance_ = gap;
        lastProgress_ = now;
        return Convergence::Balanced;
    }

    // Progress means getting closer than ever before, by at least a 2 MiB balloon batch or
    // the remaining gap: jitter of a few pages is not progress.
    if (gap < bestDistance_ && bestDistance_ - gap >= min(mib(2), gap)) {
        bestDistance_ = gap;
        lastProgress_ = now;
    }

    const auto stalled = now - *lastProgress_;
    if (stalled >= config_.uncooperativeAfter) {
        return Convergence::Uncooperative;
    }
    if (stalled >= config_.stuckAfter) {
        return Convergence::Stuck;
    }
    if (now > *targetSetAt_) {
        // The average rate since the target was set: one slow sample is not a slow guest.
        const double seconds = std::chrono::duration<double>(now - *targetSetAt_).count();
        const KiB gained = initialDistance_ - gap;  // zero when it moved away
        const double ratePerSecond = static_cast<double>(gained.count()) / seconds;
        return ratePerSecond < static_cast<double>(config_.slowBelowPerSecond.count())
                   ? Convergence::Slow
                   : Convergence::Converging;
    }
    return state_;
}

}  // namespace balloon
