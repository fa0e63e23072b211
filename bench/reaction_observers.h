// What else must keep up while every guest reports (issue 20, item 4), seen from outside
// balloond the way an admin sees it: the Prometheus metrics file being replaced, and
// `balloonctl watch` redrawing. Each runs on a thread of its own for the benchmark's duration.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "owned_fd.h"

namespace balloon::bench {

using ObservedClock = std::chrono::steady_clock;

// The moments <dir>/balloond.prom was replaced (inotify IN_MOVED_TO: the metrics file is renamed
// into place).
class MetricsFileWatch {
public:
    explicit MetricsFileWatch(const std::filesystem::path& dir);
    ~MetricsFileWatch();
    MetricsFileWatch(const MetricsFileWatch&) = delete;
    MetricsFileWatch& operator=(const MetricsFileWatch&) = delete;
    MetricsFileWatch(MetricsFileWatch&&) = delete;
    MetricsFileWatch& operator=(MetricsFileWatch&&) = delete;

    // The longest time between two writes, or from the last write until now; and how many
    // writes were seen.
    [[nodiscard]] double longestGapMs() const;
    [[nodiscard]] std::size_t writes() const;

private:
    void follow();

    OwnedFd inotify_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    ObservedClock::time_point since_ = ObservedClock::now();
    std::vector<ObservedClock::time_point> writes_;
    std::thread thread_;
};

// `balloonctl watch` on the rig's bus, following one domain's Target(MiB) column.
class WatchFollower {
public:
    WatchFollower(const std::string& busAddress, std::string domain);
    ~WatchFollower();
    WatchFollower(const WatchFollower&) = delete;
    WatchFollower& operator=(const WatchFollower&) = delete;
    WatchFollower(WatchFollower&&) = delete;
    WatchFollower& operator=(WatchFollower&&) = delete;

    // Waits until the watch shows `targetMiB` for the domain; returns when it first did, or
    // nullopt at the deadline.
    std::optional<ObservedClock::time_point> awaitTarget(const std::string& targetMiB,
                                                         std::chrono::milliseconds timeout);

private:
    void follow();

    std::string domain_;
    std::unique_ptr<sandbox::ChildProcess> child_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::condition_variable shown_;
    std::string target_;  // as the last redraw showed it
    ObservedClock::time_point targetSince_;
    std::thread thread_;
};

}  // namespace balloon::bench
