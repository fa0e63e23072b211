// Polls the watch fd like an event loop; takeWatchEvents() never blocks.
#include "watch_wait.h"

#include <poll.h>

namespace balloon::harness {

namespace {

using Clock = std::chrono::steady_clock;

// Polls until the deadline; returns false on timeout.
bool pollReadable(int fd, Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
        return false;
    }
    pollfd pfd{fd, POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(left.count())) == 1;
}

}  // namespace

std::vector<xen::WatchEvent> waitForWatchEvent(
    xen::XenStore& xs, const std::function<bool(const xen::WatchEvent&)>& wanted,
    std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::vector<xen::WatchEvent> seen;
    for (;;) {
        bool found = false;
        for (xen::WatchEvent& event : xs.takeWatchEvents()) {
            found = found || wanted(event);
            seen.push_back(std::move(event));
        }
        if (found || !pollReadable(xs.watchFd(), deadline)) {
            return seen;
        }
    }
}

std::vector<xen::WatchEvent> collectWatchEvents(xen::XenStore& xs,
                                                std::chrono::milliseconds window) {
    const auto deadline = Clock::now() + window;
    std::vector<xen::WatchEvent> seen;
    do {
        for (xen::WatchEvent& event : xs.takeWatchEvents()) {
            seen.push_back(std::move(event));
        }
    } while (pollReadable(xs.watchFd(), deadline));
    return seen;
}

}  // namespace balloon::harness
