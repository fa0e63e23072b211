#include "event_loop.h"

#include <array>
#include <cerrno>
#include <system_error>
#include <vector>

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace balloon::daemon {
namespace {

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

timespec toTimespec(EventLoop::Clock::duration d) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    // A zero it_value disarms a timerfd: "now" is one nanosecond.
    const auto clamped = ns <= 0 ? 1 : ns;
    return timespec{static_cast<time_t>(clamped / 1'000'000'000),
                    static_cast<long>(clamped % 1'000'000'000)};
}

}  // namespace

struct EventLoop::Timer {
    int fd = -1;
    Callback callback;
};

EventLoop::EventLoop() {
    epollFd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epollFd_ < 0) {
        fail("epoll_create1");
    }
    sigemptyset(&signals_);
}

EventLoop::~EventLoop() {
    for (auto& [id, timer] : timers_) {
        close(timer->fd);
    }
    if (signalFd_ >= 0) {
        close(signalFd_);
    }
    close(epollFd_);
}

void EventLoop::watchFd(int fd, Callback onReadable) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    const bool known = fdCallbacks_.contains(fd);
    if (epoll_ctl(epollFd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
        fail("epoll_ctl(add)");
    }
    fdCallbacks_[fd] = std::move(onReadable);
}

void EventLoop::unwatchFd(int fd) {
    if (fdCallbacks_.erase(fd) > 0) {
        epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
    }
}

EventLoop::TimerId EventLoop::addTimer(Clock::duration after, std::optional<Clock::duration> period,
                                       Callback onExpiry) {
    const int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) {
        fail("timerfd_create");
    }
    itimerspec spec{};
    spec.it_value = toTimespec(after);
    if (period) {
        spec.it_interval = toTimespec(*period);
    }
    if (timerfd_settime(fd, 0, &spec, nullptr) != 0) {
        close(fd);
        fail("timerfd_settime");
    }
    const TimerId id = nextTimerId_++;
    auto timer = std::make_unique<Timer>();
    timer->fd = fd;
    timer->callback = std::move(onExpiry);
    timers_[id] = std::move(timer);
    timerByFd_[fd] = id;
    watchFd(fd, [this, fd] {
        std::uint64_t expirations = 0;
        if (read(fd, &expirations, sizeof expirations) < 0) {
            return;  // EAGAIN: rearmed or cancelled since epoll reported it
        }
        const auto it = timerByFd_.find(fd);
        if (it != timerByFd_.end()) {
            // Copy: the callback may cancel its own timer.
            const Callback callback = timers_.at(it->second)->callback;
            callback();
        }
    });
    return id;
}

void EventLoop::rearmTimer(TimerId id, Clock::duration after) {
    const auto it = timers_.find(id);
    if (it == timers_.end()) {
        return;
    }
    itimerspec spec{};
    if (timerfd_gettime(it->second->fd, &spec) != 0) {
        fail("timerfd_gettime");
    }
    spec.it_value = toTimespec(after);
    if (timerfd_settime(it->second->fd, 0, &spec, nullptr) != 0) {
        fail("timerfd_settime");
    }
}

void EventLoop::cancelTimer(TimerId id) {
    const auto it = timers_.find(id);
    if (it == timers_.end()) {
        return;
    }
    const int fd = it->second->fd;
    unwatchFd(fd);
    timerByFd_.erase(fd);
    close(fd);
    timers_.erase(it);
}

void EventLoop::onSignal(int signo, Callback handler) {
    sigaddset(&signals_, signo);
    if (sigprocmask(SIG_BLOCK, &signals_, nullptr) != 0) {
        fail("sigprocmask");
    }
    const bool first = signalFd_ < 0;
    signalFd_ = signalfd(signalFd_, &signals_, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signalFd_ < 0) {
        fail("signalfd");
    }
    signalHandlers_[signo] = std::move(handler);
    if (first) {
        watchFd(signalFd_, [this] { handleSignals(); });
    }
}

void EventLoop::handleSignals() {
    signalfd_siginfo info{};
    while (read(signalFd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        const auto it = signalHandlers_.find(static_cast<int>(info.ssi_signo));
        if (it != signalHandlers_.end()) {
            it->second();
        }
    }
}

void EventLoop::setPrepareHook(std::function<std::optional<Clock::duration>()> hook) {
    prepare_ = std::move(hook);
}

void EventLoop::dispatch(int fd) {
    const auto it = fdCallbacks_.find(fd);
    if (it != fdCallbacks_.end()) {
        const Callback callback = it->second;  // the callback may unwatch its own fd
        callback();
    }
}

void EventLoop::run() {
    running_ = true;
    std::array<epoll_event, 16> events{};
    while (running_) {
        int timeoutMs = -1;
        if (prepare_) {
            if (const auto limit = prepare_()) {
                const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*limit).count();
                timeoutMs =
                    static_cast<int>(std::max<long long>(0, std::min<long long>(ms, 60'000)));
            }
        }
        const int n =
            epoll_wait(epollFd_, events.data(), static_cast<int>(events.size()), timeoutMs);
        ++wakeups_;
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("epoll_wait");
        }
        for (int i = 0; i < n && running_; ++i) {
            dispatch(events[static_cast<std::size_t>(i)].data.fd);
        }
    }
}

}  // namespace balloon::daemon
