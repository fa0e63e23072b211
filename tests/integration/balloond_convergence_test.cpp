// balloond judges whether each guest follows its target, flags the ones that do not, and keeps
// its state across a restart.
#include <gtest/gtest.h>

#include "balloond_fixture.h"

namespace balloon::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kScenario = R"(
[host]
memory = "8G"
dom0 = "1G"
seed = 9
[[domain]]
name = "fast"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "slow"
memory = "1G"
maxmem = "2G"
driver = "slow"
rate = 2
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "stuck"
memory = "1G"
maxmem = "2G"
driver = "stuck"
workload = { kind = "steady", base = "300M", noise = 0 }
)";

class BalloondConvergence : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        Config c;
        c.policy.kind = PolicyKind::Off;  // targets only from the test
        start(kScenario, c);
    }
};

TEST_F(BalloondConvergence, AFastGuestConvergesAndBalances) {
    balancer().setTarget(domid("fast"), mib(600), now());
    step(milliseconds(200));
    EXPECT_EQ(record("fast").convergence.state(), Convergence::Converging);
    run(milliseconds(500), 4);
    EXPECT_EQ(record("fast").convergence.state(), Convergence::Balanced);
}

TEST_F(BalloondConvergence, ANewTargetFarFromTheAllocationIsConvergingAtOnce) {
    ASSERT_EQ(record("fast").convergence.state(), Convergence::Balanced);
    // What `balloonctl set` then `balloonctl list` see: no sample has run since the write.
    balancer().setTarget(domid("fast"), mib(600), now());
    EXPECT_EQ(record("fast").convergence.state(), Convergence::Converging);
    // A target within the tolerance of the allocation is reached already.
    balancer().setTarget(domid("slow"), mib(1024) - mib(2), now());
    EXPECT_EQ(record("slow").convergence.state(), Convergence::Balanced);
}

TEST_F(BalloondConvergence, ASlowGuestIsSlowNotStuck) {
    balancer().setTarget(domid("slow"), mib(600), now());
    run(milliseconds(1000), 3);
    EXPECT_EQ(record("slow").convergence.state(), Convergence::Slow);
    EXPECT_FALSE(uncooperativeKey("slow").has_value());
}

TEST_F(BalloondConvergence, AStuckGuestIsFlaggedUncooperativeAndUnflaggedWhenItFollows) {
    balancer().setTarget(domid("stuck"), mib(600), now());
    run(milliseconds(1000), 6);
    EXPECT_EQ(record("stuck").convergence.state(), Convergence::Stuck);
    EXPECT_FALSE(uncooperativeKey("stuck").has_value());
    run(milliseconds(1000), 15);
    EXPECT_EQ(record("stuck").convergence.state(), Convergence::Uncooperative);
    EXPECT_EQ(uncooperativeKey("stuck"), "1");
    // The admin gives it back what it holds: it is at its target again.
    balancer().setTarget(domid("stuck"), mib(1024), now());
    step(milliseconds(1000));
    EXPECT_EQ(record("stuck").convergence.state(), Convergence::Balanced);
    EXPECT_FALSE(uncooperativeKey("stuck").has_value());
}

TEST_F(BalloondConvergence, ARestartedDaemonChangesNoTargetAndKeepsPins) {
    Config demand;
    balancer().setTarget(domid("fast"), mib(700), now());
    balancer().reconfigure(demand);
    run(milliseconds(1000), 90);
    const KiB fast = target("fast");
    const KiB slow = target("slow");
    restartDaemon();
    EXPECT_TRUE(record("fast").pinned);
    EXPECT_EQ(run(milliseconds(1000), 30), 0);
    EXPECT_EQ(target("fast"), fast);
    EXPECT_EQ(target("slow"), slow);
}

}  // namespace
}  // namespace balloon::testing
