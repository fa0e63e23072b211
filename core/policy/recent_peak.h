// The most a guest needed in the last few minutes, from its reports: what the demand policy keeps
// room for after a burst (docs/policy.md, "Burst reserve"). The daemon keeps one per domain
// (DomainRecord::peak): ReportReader observes each accepted report, Balancer::snapshot fills
// DomainSnapshot::recentPeak with peak(). The comparison harness keeps one per guest the same way,
// at the default window. Bounded: one maximum per minute of the window, whatever the report rate,
// and the window at most kMaxBurstWindow ([policy] burst-window).
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "guest_report.h"
#include "model.h"
#include "policy_config.h"

namespace balloon::policy {

class RecentPeak {
public:
    // The default window ([policy] burst-window's default, the comparison harness's).
    RecentPeak() : RecentPeak(PolicyConfig{}.burstWindow) {}
    // A window of zero remembers nothing: the burst reserve is off. Throws std::invalid_argument
    // above kMaxBurstWindow (the config parser refuses such a window first).
    explicit RecentPeak(std::chrono::minutes window);

    // What the report says the guest needs: used, plus what it pushed to swap.
    void observe(TimePoint now, const GuestReport& report);
    // The highest need observed in the current minute and the window - 1 minutes before it;
    // nullopt when none (or the window is zero).
    [[nodiscard]] std::optional<KiB> peak(TimePoint now) const;

    // A new window (a reload): from `now` on, new observations are kept for it. Peaks already
    // observed stay only while both windows would still remember them: a shorter window forgets
    // the older ones at once, a longer one keeps the current ones longer but brings back nothing
    // the old window had dropped. Zero forgets everything. No-op when the window is unchanged.
    void setWindow(std::chrono::minutes window, TimePoint now);
    [[nodiscard]] std::chrono::minutes window() const { return window_; }

private:
    struct Bucket {
        long long minute = -1;  // minutes since the clock's epoch; -1: empty
        KiB most;
    };
    [[nodiscard]] bool remembers(const Bucket& b, long long minute) const;

    std::chrono::minutes window_;
    std::vector<Bucket> buckets_;  // one per minute of the window, at minute % window
};

}  // namespace balloon::policy
