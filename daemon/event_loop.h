// balloond's single-threaded event loop: epoll over file descriptors (the Xenstore watch fd, the
// D-Bus connection), timerfd timers and signalfd signals. Nothing polls: an idle host sleeps in
// epoll_wait until a watch fires, a timer expires or a signal arrives.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace balloon::daemon {

class EventLoop {
public:
    using Clock = std::chrono::steady_clock;
    using Callback = std::function<void()>;
    using TimerId = std::uint64_t;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    EventLoop(EventLoop&&) = delete;
    EventLoop& operator=(EventLoop&&) = delete;

    // Calls onReadable whenever fd is readable. The loop does not own fd.
    void watchFd(int fd, Callback onReadable);
    void unwatchFd(int fd);

    // A timer that fires after `after`, then every `period` when one is given.
    TimerId addTimer(Clock::duration after, std::optional<Clock::duration> period,
                     Callback onExpiry);
    // Moves a timer's next expiry (e.g. an earlier rebalance); the period stays.
    void rearmTimer(TimerId id, Clock::duration after);
    void cancelTimer(TimerId id);

    // Delivers signo through the loop instead of an async handler; blocks it for the process.
    void onSignal(int signo, Callback handler);

    // Called before every wait; returns how long the loop may sleep at most (D-Bus needs this).
    void setPrepareHook(std::function<std::optional<Clock::duration>()> hook);

    // Runs until stop(); callbacks may call stop().
    void run();
    void stop() { running_ = false; }

    // How many times epoll_wait returned: the wake-up count the steady-state benchmark reports.
    [[nodiscard]] std::uint64_t wakeups() const { return wakeups_; }

private:
    struct Timer;
    void handleSignals();
    void dispatch(int fd);

    int epollFd_ = -1;
    int signalFd_ = -1;
    sigset_t signals_{};
    std::map<int, Callback> fdCallbacks_;
    std::map<int, Callback> signalHandlers_;
    std::map<TimerId, std::unique_ptr<Timer>> timers_;
    std::map<int, TimerId> timerByFd_;
    std::function<std::optional<Clock::duration>()> prepare_;
    TimerId nextTimerId_ = 1;
    std::uint64_t wakeups_ = 0;
    bool running_ = false;
};

}  // namespace balloon::daemon
