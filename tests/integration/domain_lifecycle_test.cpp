// @introduceDomain and @releaseDomain as a dom0 watcher sees them, with domains introduced for
// real and released either by the toolstack (xs_release_domain) or by dying (fake hypervisor).
#include <algorithm>
#include <array>
#include <chrono>

#include <gtest/gtest.h>

#include "domain_tree.h"
#include "guest_ring_client.h"
#include "real_xenstore_fixture.h"
#include "watch_wait.h"

namespace balloon::harness {
namespace {

using Clock = std::chrono::steady_clock;

class DomainLifecycle : public RealXenstore {
protected:
    void SetUp() override {
        RealXenstore::SetUp();
        xs().watch("@introduceDomain", "intro");
        xs().watch("@releaseDomain", "release");
    }

    bool sawEvent(const std::string& token) {
        const auto events = waitForWatchEvent(
            xs(), [&](const xen::WatchEvent& event) { return event.token == token; });
        return std::ranges::any_of(events,
                                   [&](const xen::WatchEvent& e) { return e.token == token; });
    }

    // Polls until xenstored no longer knows the domain, or the deadline passes.
    bool becomesUnknown(DomId domid) {
        const auto deadline = Clock::now() + std::chrono::seconds(5);
        while (Clock::now() < deadline) {
            if (!xs().isDomainIntroduced(domid)) {
                return true;
            }
            (void)waitForWatchEvent(
                xs(), [](const xen::WatchEvent&) { return true; }, std::chrono::milliseconds(50));
        }
        return false;
    }
};

TEST_F(DomainLifecycle, IntroducingADomainFiresIntroduceDomain) {
    EXPECT_FALSE(xs().isDomainIntroduced(5));
    GuestRingClient guest(xenstored(), xs(), 5);
    EXPECT_TRUE(sawEvent("intro"));
    EXPECT_TRUE(xs().isDomainIntroduced(5));
}

TEST_F(DomainLifecycle, ADomainWithoutASharedRingCanBeIntroduced) {
    // What the simulated host does for domains nobody acts as: an anonymous ring page.
    xs().introduceDomain(7, 0, 1);
    EXPECT_TRUE(sawEvent("intro"));
    EXPECT_TRUE(xs().isDomainIntroduced(7));
}

TEST_F(DomainLifecycle, ReleasingADomainFiresReleaseDomain) {
    GuestRingClient guest(xenstored(), xs(), 5);
    ASSERT_TRUE(sawEvent("intro"));
    xs().releaseDomain(5);
    EXPECT_TRUE(sawEvent("release"));
    EXPECT_FALSE(xs().isDomainIntroduced(5));
}

TEST_F(DomainLifecycle, ADyingDomainIsReleasedOnceXenstoredLooks) {
    GuestRingClient guest(xenstored(), xs(), 5);
    GuestRingClient other(xenstored(), xs(), 6);
    ASSERT_TRUE(sawEvent("intro"));
    const std::array dying{DomId{5}};
    xenstored().setDying(dying);
    EXPECT_TRUE(sawEvent("release"));
    EXPECT_TRUE(becomesUnknown(5));
    EXPECT_TRUE(xs().isDomainIntroduced(6));
}

TEST_F(DomainLifecycle, ReleaseRemovesOnlyTheNodesTheDomainOwned) {
    createDomainHome(xs(), 5, mib(256), mib(512));
    GuestRingClient guest(xenstored(), xs(), 5);
    guest.write("data/x", "1");
    xs().releaseDomain(5);
    ASSERT_TRUE(sawEvent("release"));
    EXPECT_EQ(xs().read("/local/domain/5/memory/target"), "262144");
    EXPECT_EQ(xs().read("/local/domain/5/data/x"), std::nullopt);
}

TEST_F(DomainLifecycle, ReintroducingADomainKeepsItsConnection) {
    createDomainHome(xs(), 5, mib(256), mib(512));
    GuestRingClient guest(xenstored(), xs(), 5);
    ASSERT_TRUE(sawEvent("intro"));
    // A toolstack may introduce the same domain again (e.g. after a restart of its own);
    // xenstored keeps the existing ring connection.
    xs().introduceDomain(5, 0, 1);
    EXPECT_TRUE(xs().isDomainIntroduced(5));
    EXPECT_EQ(guest.read("memory/target"), "262144");
}

}  // namespace
}  // namespace balloon::harness
