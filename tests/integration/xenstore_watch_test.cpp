// Watches against the real xenstored: delivery through the fd, the registration event kept out
// of the caller's sight, unwatch.
#include <algorithm>
#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>

#include "real_xenstore_fixture.h"
#include "watch_wait.h"

namespace balloon::xen {
namespace {

using harness::collectWatchEvents;
using harness::waitForWatchEvent;
using namespace std::chrono_literals;

class XenStoreWatch : public harness::RealXenstore {};

auto isEvent(std::string path, std::string token) {
    return [path = std::move(path), token = std::move(token)](const WatchEvent& event) {
        return event.path == path && event.token == token;
    };
}

bool contains(const std::vector<WatchEvent>& events, const std::string& path,
              const std::string& token) {
    return std::ranges::any_of(events, isEvent(path, token));
}

TEST_F(XenStoreWatch, DoesNotReportTheRegistrationEventAsAChange) {
    xs().write("/test/w", "1");
    xs().watch("/test/w", "tok");
    EXPECT_TRUE(xs().takeWatchEvents().empty());
    EXPECT_TRUE(collectWatchEvents(xs(), 100ms).empty());
}

TEST_F(XenStoreWatch, DeliversAnotherClientsWriteThroughTheFd) {
    xs().watch("/test/w", "tok");
    auto other = connectAnother();
    other->write("/test/w/child", "x");
    const auto events = waitForWatchEvent(xs(), isEvent("/test/w/child", "tok"));
    EXPECT_TRUE(contains(events, "/test/w/child", "tok"));
}

TEST_F(XenStoreWatch, KeepsChangesThatArriveWhileAnotherWatchIsRegistered) {
    xs().watch("/test/first", "one");
    auto other = connectAnother();
    // xenstored queues this event for us before it even reads our next watch request, so
    // watch() meets it while draining its own registration event and must keep it.
    other->write("/test/first", "changed");
    xs().watch("/test/second", "two");
    pollfd pfd{xs().watchFd(), POLLIN, 0};
    EXPECT_EQ(::poll(&pfd, 1, 0), 1) << "a queued event must keep the watch fd readable";
    const auto events = xs().takeWatchEvents();
    EXPECT_TRUE(contains(events, "/test/first", "one"));
    EXPECT_FALSE(contains(events, "/test/second", "two"));
}

TEST_F(XenStoreWatch, StopsDeliveringAfterUnwatch) {
    xs().watch("/test/w", "tok");
    xs().unwatch("/test/w", "tok");
    auto other = connectAnother();
    other->write("/test/w", "x");
    EXPECT_TRUE(collectWatchEvents(xs(), 100ms).empty());
}

TEST_F(XenStoreWatch, WatchesSpecialPaths) {
    xs().watch("@introduceDomain", "intro");
    EXPECT_TRUE(xs().takeWatchEvents().empty());
}

}  // namespace
}  // namespace balloon::xen
