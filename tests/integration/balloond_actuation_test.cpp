// balloond writes targets with xl's rules, two-phase, and never when nothing changes.
#include <gtest/gtest.h>

#include "balloond_fixture.h"
#include "error.h"
#include "watch_wait.h"

namespace balloon::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kScenario = R"(
[host]
memory = "6G"
dom0 = "1G"
seed = 5
[[domain]]
name = "pv"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "win"
type = "hvm"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "400M", noise = 0 }
)";

Errc codeOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& e) {
        return e.code();
    }
    return Errc::Failed;
}

class BalloondActuation : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        start(kScenario);
    }
};

TEST_F(BalloondActuation, SetsTargetMaxmemWithTheSlackAndPinsTheDomain) {
    balancer().setTarget(domid("pv"), mib(700), now());
    EXPECT_EQ(target("pv"), mib(700));
    EXPECT_EQ(toKiB(sim().host().domain(domid("pv"))->maxPages), mib(700) + KiB{1024});
    EXPECT_TRUE(record("pv").pinned);
}

TEST_F(BalloondActuation, SetsThePodTargetAndCountsVideoramForHvm) {
    balancer().setTarget(domid("win"), mib(900), now());
    EXPECT_EQ(target("win"), mib(900));
    EXPECT_EQ(toKiB(sim().host().domain(domid("win"))->maxPages), mib(908) + KiB{1024});
    ASSERT_TRUE(sim().host().podTarget(domid("win")).has_value());
    EXPECT_EQ(toKiB(*sim().host().podTarget(domid("win"))), mib(900) + KiB{1024});
}

TEST_F(BalloondActuation, RefusesAboveStaticMaxAndWritesNothing) {
    EXPECT_EQ(codeOf([&] { balancer().setTarget(domid("pv"), mib(2049), now()); }),
              Errc::AboveStaticMax);
    EXPECT_EQ(target("pv"), mib(1024));
    EXPECT_FALSE(record("pv").pinned);
}

TEST_F(BalloondActuation, NeverTakesDom0BelowItsFloor) {
    EXPECT_EQ(codeOf([&] { balancer().setTarget(kDom0, mib(100), now()); }), Errc::BelowMinimum);
    Config c;
    c.dom0.floor = mib(512);
    balancer().reconfigure(c);
    EXPECT_EQ(codeOf([&] { balancer().setTarget(kDom0, mib(400), now()); }), Errc::BelowMinimum);
}

TEST_F(BalloondActuation, MemMaxIsRefusedBelowTheTargetAndSetsStaticMax) {
    EXPECT_EQ(codeOf([&] { balancer().setMax(domid("pv"), mib(900)); }), Errc::BelowTarget);
    balancer().setMax(domid("pv"), mib(1500));
    EXPECT_EQ(daemonXs().read(daemonXs().domainPath(domid("pv")) + "/memory/static-max"),
              std::to_string(1500 * 1024));
    EXPECT_EQ(toKiB(sim().host().domain(domid("pv"))->maxPages), mib(1500) + KiB{1024});
}

TEST_F(BalloondActuation, WritesNothingOnceTheHostIsBalanced) {
    run(milliseconds(1000), 120);  // two simulated minutes to settle
    const auto writesBefore = balancer().stats().targetWrites;
    auto watcher = connectAnother();
    watcher->watch("/local/domain", "all");
    EXPECT_EQ(run(milliseconds(1000), 90), 0);
    EXPECT_EQ(balancer().stats().targetWrites, writesBefore);
    const auto events = harness::collectWatchEvents(*watcher, milliseconds(200));
    for (const auto& e : events) {
        EXPECT_EQ(e.path.find("/memory/target"), std::string::npos) << e.path;
    }
}

TEST_F(BalloondActuation, AnXlMemSetBehindItsBackPinsTheDomainThere) {
    sim().memSet("pv", mib(600));
    step(milliseconds(100));
    EXPECT_TRUE(record("pv").pinned);
    run(milliseconds(1000), 70);
    EXPECT_EQ(target("pv"), mib(600));
}

// A tight host: "hungry" needs memory that only "idle"'s shrink can free.
constexpr const char* kTightHost = R"(
[host]
memory = "4G"
dom0 = "1G"
seed = 8
[[domain]]
name = "idle"
memory = "2G"
maxmem = "2G"
driver = "slow"
workload = { kind = "idle", base = "200M", noise = 0 }
[[domain]]
name = "hungry"
memory = "512M"
maxmem = "2G"
workload = { kind = "steady", base = "1200M", noise = 0 }
)";

class BalloondTwoPhase : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        Config c;
        c.policy.holdTime = std::chrono::seconds(5);  // several steps within the test's minute
        start(kTightHost, c);
    }
};

TEST_F(BalloondTwoPhase, ShrinksFirstAndNeverBreachesTheSlush) {
    const KiB slush = config().policy.slush;
    bool sawDeferredGrow = false;
    for (int i = 0; i < 200; ++i) {
        const auto summary = step(milliseconds(500));

        sawDeferredGrow = sawDeferredGrow || !summary.applied.deferred.empty();
        ASSERT_GE(sim().host().hostInfo().freeKiB(), slush) << "step " << i;
    }
    EXPECT_TRUE(sawDeferredGrow) << "the grow never had to wait for the shrink";
    EXPECT_LT(target("idle"), mib(1024));
    EXPECT_GT(target("hungry"), mib(1200));
}

}  // namespace
}  // namespace balloon::testing
