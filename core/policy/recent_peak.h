// The most a guest needed in the last few minutes, from its reports: what the demand policy keeps
// room for after a burst (docs/policy.md, "Burst reserve"). The comparison harness keeps one per
// guest and fills DomainSnapshot::recentPeak from it. The daemon does not yet (issue 10): wired in
// (a RecentPeak in DomainRecord, observe() on each accepted report, peak() into the snapshot) it
// keeps targets up after demand falls, which the integration and reliability tests must first be
// taught. Bounded: one maximum per minute, whatever the report rate.
#pragma once

#include <array>
#include <optional>

#include "guest_report.h"
#include "model.h"

namespace balloon::policy {

class RecentPeak {
public:
    // Minutes a peak is remembered.
    static constexpr std::size_t kMinutes = 5;

    // What the report says the guest needs: used, plus what it pushed to swap.
    void observe(TimePoint now, const GuestReport& report);
    // The highest need observed within the last kMinutes minutes; nullopt when none.
    [[nodiscard]] std::optional<KiB> peak(TimePoint now) const;

private:
    struct Bucket {
        long long minute = -1;  // minutes since the clock's epoch; -1: empty
        KiB most;
    };
    std::array<Bucket, kMinutes> buckets_{};
};

}  // namespace balloon::policy
