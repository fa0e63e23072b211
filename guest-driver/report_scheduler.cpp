#include "report_scheduler.h"

#include <cstdlib>

namespace balloon::guest {
namespace {

std::uint64_t distance(KiB a, KiB b) {
    return static_cast<std::uint64_t>(std::llabs(signedDelta(a, b)));
}

}  // namespace

const char* toString(PublishReason reason) {
    switch (reason) {
        case PublishReason::First:
            return "first";
        case PublishReason::Pressure:
            return "pressure";
        case PublishReason::Change:
            return "change";
        case PublishReason::Settings:
            return "settings";
        case PublishReason::Heartbeat:
            return "heartbeat";
    }
    return "unknown";
}

bool ReportScheduler::underPressure(const Sample& sample) const {
    if (sample.psiSomeAvg10 && *sample.psiSomeAvg10 >= config_.psiPressure) {
        return true;
    }
    if (sample.available.count() * 100 < sample.total.count() * config_.lowAvailablePercent) {
        return true;
    }
    return sample.swapInSinceLastWake >= config_.swapInPressurePages;
}

std::optional<PublishReason> ReportScheduler::decide(Clock::time_point now,
                                                     const Sample& sample) const {
    if (!lastPublish_) {
        return PublishReason::First;
    }
    const auto since = now - *lastPublish_;
    if (sample.settingsChanged) {
        return PublishReason::Settings;
    }
    if (underPressure(sample)) {
        // Every wake under pressure, but never more often than pressureWake.
        return since >= config_.pressureWake ? std::optional{PublishReason::Pressure}
                                             : std::nullopt;
    }
    const std::uint64_t threshold = config_.changeThreshold.count();
    // Calm changes at most once per calmWake, even when a watch wakes the loop early.
    if (since >= config_.calmWake &&
        (distance(sample.used, lastPublished_.used) >= threshold ||
         distance(sample.available, lastPublished_.available) >= threshold ||
         distance(sample.total, lastPublished_.total) >= threshold)) {
        return PublishReason::Change;
    }
    if (since >= config_.heartbeat) {
        return PublishReason::Heartbeat;
    }
    return std::nullopt;
}

void ReportScheduler::published(Clock::time_point now, const Sample& sample) {
    lastPublish_ = now;
    lastPublished_ = sample;
}

std::chrono::milliseconds ReportScheduler::nextWake(const Sample& sample) const {
    return underPressure(sample) ? config_.pressureWake : config_.calmWake;
}

}  // namespace balloon::guest
