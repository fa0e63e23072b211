// Populate-on-demand (issue 21): PVH guests built with memory < maxmem boot believing they have
// their maxmem, only memory backed. balloond judges them on what they believe they hold (a guest
// whose balloon driver has not caught up is converging; one without a driver becomes stuck, then
// uncooperative), never lowers them while their entries exceed their cache, and refuses an
// admin's lower target for them.
#include <gtest/gtest.h>

#include "balloond_fixture.h"
#include "error.h"

namespace balloon::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A hungry PV neighbour wants what the two idle PVH guests hold: without the rule the policy
// would lower both at once.
constexpr const char* kScenario = R"(
[host]
memory = "5G"
dom0 = "1G"
seed = 5
[[domain]]
name = "ballooning"
type = "pvh"
pod = true
memory = "1G"
maxmem = "3G"
rate = 100
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "nodriver"
type = "pvh"
pod = true
memory = "1G"
maxmem = "3G"
driver = "none"
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "hungry"
memory = "1G"
maxmem = "6G"
workload = { kind = "steady", base = "5G", noise = 0 }
)";

class BalloondPod : public BalloondOnSimulatedHost {};

TEST_F(BalloondPod, LowersNoGuestBeforeItsBalloonDriverHasCaughtUp) {
    start(kScenario);
    ASSERT_TRUE(record("ballooning").podDeficit()) << "the sim booted it without PoD";
    EXPECT_EQ(record("ballooning").guestAllocation(), mib(3072));
    bool sawConverging = false;
    for (int i = 0; i < 80; ++i) {
        step(milliseconds(500));
        for (const char* name : {"ballooning", "nodriver"}) {
            if (record(name).podDeficit()) {
                ASSERT_GE(target(name), mib(1024)) << name << " lowered at step " << i;
            }
        }
        sawConverging =
            sawConverging || record("ballooning").convergence.state() == Convergence::Converging;
    }
    EXPECT_TRUE(sawConverging);
    // Caught up: its entries are backed, it is balanced, and the policy may plan it again.
    EXPECT_FALSE(record("ballooning").podDeficit());
    EXPECT_EQ(record("ballooning").convergence.state(), Convergence::Balanced);
    EXPECT_FALSE(sim().host().podCrashed(domid("ballooning")));
    // Without a driver: stuck, then uncooperative, flagged, and still at its target.
    EXPECT_TRUE(record("nodriver").podDeficit());
    EXPECT_EQ(record("nodriver").convergence.state(), Convergence::Uncooperative);
    EXPECT_EQ(uncooperativeKey("nodriver"), "1");
    EXPECT_EQ(target("nodriver"), mib(1024));
    EXPECT_FALSE(sim().host().podCrashed(domid("nodriver")));
}

TEST_F(BalloondPod, RefusesAnAdminTargetThatLowersAGuestWithUnbackedMemory) {
    Config c;
    c.policy.kind = PolicyKind::Off;
    start(kScenario, c);
    try {
        balancer().setTarget(domid("nodriver"), mib(512), now());
        FAIL() << "a lower target was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::PodDeficit);
        const std::string text = e.what();
        EXPECT_NE(text.find("nodriver"), std::string::npos) << text;
        EXPECT_NE(text.find("2G of its populate-on-demand memory is not backed"), std::string::npos)
            << text;
        EXPECT_NE(text.find("xl mem-set"), std::string::npos) << text;
    }
    EXPECT_EQ(target("nodriver"), mib(1024));
    EXPECT_FALSE(record("nodriver").pinned);
    // A raise is no risk: allowed.
    balancer().setTarget(domid("nodriver"), mib(1536), now());
    EXPECT_EQ(target("nodriver"), mib(1536));
}

}  // namespace
}  // namespace balloon::testing
