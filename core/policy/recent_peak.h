// The most a guest needed in the last few minutes, from its reports: what the demand policy keeps
// room for after a burst (docs/policy.md, "Burst reserve"). The daemon keeps one per domain and
// fills DomainSnapshot::recentPeak from it; the comparison harness does the same. Bounded: one
// maximum per minute, whatever the report rate.
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
