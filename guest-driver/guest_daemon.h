// The guest side's daemon: at every wake it samples the kernel, keeps the guest's floor, and
// publishes a report when the scheduler says so. Wakes once a second when calm, faster under
// pressure, and at once when dom0 changes memory/target.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "balloon_backend.h"
#include "floor_enforcer.h"
#include "guest_state.h"
#include "kernel_stats.h"
#include "report_publisher.h"
#include "report_scheduler.h"

namespace balloon::guest {

struct DaemonOptions {
    std::filesystem::path root = "/";
    SchedulerConfig scheduler;
    FloorConfig floor;
};

class GuestDaemon {
public:
    GuestDaemon(ReportPublisher& publisher, BalloonBackend& backend, const SettingsStore& settings,
                DaemonOptions options);
    // Removes the watch start() placed, so the connection can serve another daemon.
    ~GuestDaemon();
    GuestDaemon(const GuestDaemon&) = delete;
    GuestDaemon& operator=(const GuestDaemon&) = delete;
    GuestDaemon(GuestDaemon&&) = delete;
    GuestDaemon& operator=(GuestDaemon&&) = delete;

    // Start-up: the security check on page scrubbing, the sequence to continue from, and the
    // watch on memory/target.
    void start();
    // One wake at steady time now and wall-clock seconds wallSeconds; returns the sleep until
    // the next one. Throws on a failed read or write (run() logs and carries on).
    std::chrono::milliseconds step(Clock::time_point now, std::uint64_t wallSeconds);
    // Wakes until stop becomes true (set it from a signal handler).
    void run(const std::atomic<bool>& stop);

    [[nodiscard]] std::uint64_t reportsPublished() const { return published_; }
    [[nodiscard]] std::optional<PublishReason> lastReason() const { return lastReason_; }

private:
    ReportPublisher& publisher_;
    BalloonBackend& backend_;
    const SettingsStore& settingsStore_;
    DaemonOptions options_;
    ReportScheduler scheduler_;
    FloorEnforcer floor_;

    bool watching_ = false;
    bool settingsErrorLogged_ = false;
    std::optional<bool> scrubsPages_;
    std::uint64_t sequence_ = 0;
    std::uint64_t published_ = 0;
    std::optional<PublishReason> lastReason_;
    std::optional<GuestSettings> lastSettings_;   // as last published
    std::optional<VmCounters> previousCounters_;  // at the previous wake
    VmCounters baseline_;                         // at the previous report
};

}  // namespace balloon::guest
