#include "recent_peak.h"

#include <stdexcept>
#include <string>

namespace balloon::policy {
namespace {

long long minuteOf(TimePoint at) {
    return std::chrono::duration_cast<std::chrono::minutes>(at.time_since_epoch()).count();
}

std::chrono::minutes checked(std::chrono::minutes window) {
    if (window.count() < 0 || window > kMaxBurstWindow) {
        throw std::invalid_argument("burst window of " + std::to_string(window.count()) +
                                    " minutes is outside 0 to " +
                                    std::to_string(kMaxBurstWindow.count()) + " minutes");
    }
    return window;
}

}  // namespace

RecentPeak::RecentPeak(std::chrono::minutes window)
    : window_(checked(window)), buckets_(static_cast<std::size_t>(window_.count())) {}

bool RecentPeak::remembers(const Bucket& b, long long minute) const {
    return b.minute >= 0 && minute - b.minute < window_.count();
}

void RecentPeak::observe(TimePoint now, const GuestReport& report) {
    if (buckets_.empty()) {
        return;
    }
    const long long minute = minuteOf(now);
    Bucket& b = buckets_[static_cast<std::size_t>(minute) % buckets_.size()];
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
        if (remembers(b, minute)) {
            most = max(most.value_or(KiB{}), b.most);
        }
    }
    return most;
}

void RecentPeak::setWindow(std::chrono::minutes window, TimePoint now) {
    if (checked(window) == window_) {
        return;
    }
    const long long minute = minuteOf(now);
    // Filtered under the old window first: a bucket it no longer counts must not come back.
    std::vector<Bucket> kept;
    for (const Bucket& b : buckets_) {
        if (remembers(b, minute)) {
            kept.push_back(b);
        }
    }
    window_ = window;
    buckets_.assign(static_cast<std::size_t>(window_.count()), Bucket{});
    for (const Bucket& b : kept) {
        if (!buckets_.empty() && remembers(b, minute)) {
            buckets_[static_cast<std::size_t>(b.minute) % buckets_.size()] = b;
        }
    }
}

}  // namespace balloon::policy
