// When the guest side writes its report: at once the first time and under memory pressure, on a
// meaningful change, and on a slow heartbeat otherwise. Pure logic over injected times, so the
// thresholds and rate limits are tested without waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "units.h"

namespace balloon::guest {

using Clock = std::chrono::steady_clock;

struct SchedulerConfig {
    // A change of used or available memory at least this big is worth a report (Qubes' writer
    // uses 30 MB; dom0's deadband is 16 MiB, so smaller changes would not move a target).
    KiB changeThreshold = mib(16);
    // Reported even when nothing changed, so dom0 can tell a silent guest from a dead one.
    std::chrono::seconds heartbeat{60};
    // Wake interval when calm: at most once a second.
    std::chrono::milliseconds calmWake{1000};
    // Wake interval and minimum spacing of reports under pressure.
    std::chrono::milliseconds pressureWake{250};
    // Pressure: PSI "some avg10" at or above this (hundredths of a percent: 10 %) ...
    std::uint32_t psiPressure = 1000;
    // ... or MemAvailable below this share of MemTotal (percent) ...
    std::uint64_t lowAvailablePercent = 5;
    // ... or at least this many pages swapped in since the previous wake.
    std::uint64_t swapInPressurePages = 256;
};

// The figures a decision looks at; taken fresh at every wake.
struct Sample {
    KiB total;
    KiB used;
    KiB available;
    std::optional<std::uint32_t> psiSomeAvg10;
    std::uint64_t swapInSinceLastWake = 0;
    // The admin changed min or target: dom0 must learn it at once.
    bool settingsChanged = false;
};

enum class PublishReason { First, Pressure, Change, Settings, Heartbeat };

const char* toString(PublishReason reason);

class ReportScheduler {
public:
    explicit ReportScheduler(SchedulerConfig config = {}) : config_(config) {}

    // Whether to publish now. Does not record anything: call published() after a successful
    // write, so a failed write is retried at the next wake.
    [[nodiscard]] std::optional<PublishReason> decide(Clock::time_point now,
                                                      const Sample& sample) const;
    void published(Clock::time_point now, const Sample& sample);

    [[nodiscard]] bool underPressure(const Sample& sample) const;
    // How long to sleep after a wake that saw this sample.
    [[nodiscard]] std::chrono::milliseconds nextWake(const Sample& sample) const;

    [[nodiscard]] const SchedulerConfig& config() const { return config_; }

private:
    SchedulerConfig config_;
    std::optional<Clock::time_point> lastPublish_;
    Sample lastPublished_;
};

}  // namespace balloon::guest
