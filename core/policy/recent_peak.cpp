#include "recent_peak.h"

#include <chrono>

namespace balloon::policy {
namespace {

long long minuteOf(TimePoint at) {
    return std::chrono::duration_cast<std::chrono::minutes>(at.time_since_epoch()).count();
}

}  // namespace

void RecentPeak::observe(TimePoint now, const GuestReport& report) {
    const long long minute = minuteOf(now);
    Bucket& b = buckets_[static_cast<std::size_t>(minute) % kMinutes];
    const KiB need = report.used + report.swapUsed.value_or(KiB{});
    if (b.minute != minute) {
        b = {minute, need};
    } else {
        b.most = max(b.most, need);
    }
}

std::optional<KiB> RecentPeak::peak(TimePoint now) const {
    const long long minute = minuteOf(now);
    std::optional<KiB> most;
    for (const Bucket& b : buckets_) {
        if (b.minute >= 0 && minute - b.minute < static_cast<long long>(kMinutes)) {
            most = max(most.value_or(KiB{}), b.most);
        }
    }
    return most;
}

}  // namespace balloon::policy
