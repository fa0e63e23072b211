#include "reaction_observers.h"

#include <algorithm>
#include <csignal>
#include <sstream>
#include <system_error>

#include <poll.h>
#include <sys/inotify.h>

#include "metrics_file.h"

namespace balloon::bench {

namespace {

// How often a follower thread looks at its stop flag while nothing arrives.
constexpr std::chrono::milliseconds kStopCheck{200};

}  // namespace

MetricsFileWatch::MetricsFileWatch(const std::filesystem::path& dir)
    : inotify_(inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) {
    if (!inotify_.valid() || inotify_add_watch(inotify_.get(), dir.c_str(), IN_MOVED_TO) < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "inotify on the metrics directory " + dir.string());
    }
    thread_ = std::thread([this] { follow(); });
}

MetricsFileWatch::~MetricsFileWatch() {
    stop_ = true;
    thread_.join();
}

void MetricsFileWatch::follow() {
    alignas(inotify_event) char buffer[4096];
    while (!stop_) {
        pollfd fd{inotify_.get(), POLLIN, 0};
        if (poll(&fd, 1, static_cast<int>(kStopCheck.count())) <= 0) {
            continue;
        }
        const ssize_t got = read(inotify_.get(), buffer, sizeof buffer);
        const auto now = ObservedClock::now();
        for (ssize_t at = 0; at < got;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
            if (event->len > 0 && event->name == std::string(daemon::kMetricsFileName)) {
                const std::lock_guard lock(mutex_);
                writes_.push_back(now);
            }
            at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        }
    }
}

double MetricsFileWatch::longestGapMs() const {
    const std::lock_guard lock(mutex_);
    auto previous = since_;
    ObservedClock::duration longest{0};
    for (const auto& at : writes_) {
        longest = std::max(longest, at - previous);
        previous = at;
    }
    longest = std::max(longest, ObservedClock::now() - previous);
    return std::chrono::duration<double, std::milli>(longest).count();
}

std::size_t MetricsFileWatch::writes() const {
    const std::lock_guard lock(mutex_);
    return writes_.size();
}

WatchFollower::WatchFollower(const std::string& busAddress, std::string domain)
    : domain_(std::move(domain)) {
    sandbox::SpawnSpec spec;
    spec.argv = {BALLOONCTL_PATH, "watch"};
    spec.setEnv = {{"BALLOONCTL_BUS_ADDRESS", busAddress}};
    spec.out = sandbox::Output::pipe();
    spec.err = sandbox::Output::null();
    child_ = std::make_unique<sandbox::ChildProcess>(std::move(spec));
    thread_ = std::thread([this] { follow(); });
}

WatchFollower::~WatchFollower() {
    stop_ = true;
    thread_.join();
    child_->stop(SIGTERM, std::chrono::seconds(5));
}

void WatchFollower::follow() {
    // Every redraw is the host line, then the table; the domain's row carries Target(MiB) third.
    while (!stop_) {
        const auto line = child_->readLine(kStopCheck);
        if (!line) {
            if (!child_->running()) {
                return;
            }
            continue;
        }
        const auto now = ObservedClock::now();
        std::istringstream words(*line);
        std::string name;
        std::string id;
        std::string target;
        words >> name >> id >> target;
        const std::lock_guard lock(mutex_);
        if (name == domain_ && target != target_) {
            target_ = target;
            targetSince_ = now;
            shown_.notify_all();
        }
    }
}

std::optional<ObservedClock::time_point> WatchFollower::awaitTarget(
    const std::string& targetMiB, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!shown_.wait_for(lock, timeout, [&] { return target_ == targetMiB; })) {
        return std::nullopt;
    }
    return targetSince_;
}

}  // namespace balloon::bench
