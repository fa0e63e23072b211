// balloond writes targets with xl's rules, two-phase, and never when nothing changes; Xen's maxmem
// and the target move together or not at all, even when an admin's xl mem-set races the write.
#include <functional>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balloond_fixture.h"
#include "error.h"
#include "private_paths.h"
#include "watch_wait.h"

namespace balloon::testing {
namespace {

using std::chrono::milliseconds;

struct RoundTimingSample {
    std::uint64_t rounds;
    xen::XenStoreCounts counts;
};

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

TEST_F(BalloondActuation, AnAdminsTargetCostsOneCheckAndOneBatchOfWrites) {
    // Target and last change, plus the pin when the domain was not pinned yet: no transaction, so
    // that `balloonctl set` stays quick on a busy xenstored (docs/benchmarks.md).
    const auto writesOf = [&](KiB size) {
        const xen::XenStoreCounts before = balancer().xenstoreCounts();
        balancer().setTarget(domid("pv"), size, now());
        return balancer().xenstoreCounts() - before;
    };
    const xen::XenStoreCounts first = writesOf(mib(700));
    EXPECT_EQ(first.reads, 1U);
    EXPECT_EQ(first.writes, 3U);
    EXPECT_EQ(first.transactions, 0U);
    EXPECT_EQ(writesOf(mib(650)).writes, 2U);
    EXPECT_EQ(target("pv"), mib(650));
    EXPECT_EQ(daemonXs().read(daemon::pinPath(domid("pv"))), record("pv").uuid);
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

// The breakdown's counts (daemon/round_timing.h) follow the Xenstore traffic: a target written
// is one transaction writing memory/target and balloond's last-change node; a round that writes
// nothing counts no writes.
TEST_F(BalloondActuation, TimingCountsEachRoundsXenstoreWrites) {
    bool sawWrite = false;
    for (int i = 0; i < 120 && !sawWrite; ++i) {
        const xen::XenStoreCounts before = balancer().timing().roundXenstore;
        const auto summary = step(milliseconds(1000));
        const xen::XenStoreCounts delta = balancer().timing().roundXenstore - before;
        const std::size_t written = summary.applied.shrunk.size() + summary.applied.grown.size();
        if (written > 0) {
            sawWrite = true;
            EXPECT_EQ(delta.writes, 2 * written);
            EXPECT_GE(delta.transactions, 1U);
        }
    }
    ASSERT_TRUE(sawWrite) << "no round wrote a target in two simulated minutes";

    run(milliseconds(1000), 120);  // settled
    const RoundTimingSample before{balancer().timing().rounds, balancer().timing().roundXenstore};
    EXPECT_EQ(run(milliseconds(1000), 5), 0);
    EXPECT_EQ(balancer().timing().rounds, before.rounds + 5);
    EXPECT_EQ((balancer().timing().roundXenstore - before.counts).writes, 0U);
    EXPECT_EQ((balancer().timing().roundXenstore - before.counts).transactions, 0U);
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

// The simulated hypervisor with an admin's `xl mem-set` run at balloond's maxmem call for one
// domain: after balloond planned (it read the target) and before its transaction writes the
// target. The race made deterministic; the admin's side talks to the simulated host directly.
class AdminRacesTheWrite final : public xen::HypervisorPort {
public:
    enum class Order {
        AdminFirst,     // the admin's mem-set lands just before balloond's maxmem call
        BalloondFirst,  // just after it
    };

    explicit AdminRacesTheWrite(sim::SimulatedHost& host) : host_(host) {}

    void arm(DomId domid, Order order, std::function<void()> admin) {
        domid_ = domid;
        order_ = order;
        admin_ = std::move(admin);
    }
    [[nodiscard]] bool raced() const { return !admin_; }

    xen::HostInfo hostInfo() override { return host_.hostInfo(); }
    std::vector<xen::DomainInfo> domains() override { return host_.domains(); }
    std::optional<xen::DomainInfo> domain(DomId domid) override { return host_.domain(domid); }
    void setPodTarget(DomId domid, KiB target) override { host_.setPodTarget(domid, target); }
    void setMaxMem(DomId domid, KiB maxmem) override {
        const bool now = admin_ && domid == domid_;
        if (now && order_ == Order::AdminFirst) {
            std::exchange(admin_, nullptr)();
        }
        host_.setMaxMem(domid, maxmem);
        if (now && admin_) {
            std::exchange(admin_, nullptr)();
        }
    }

private:
    sim::SimulatedHost& host_;
    DomId domid_ = 0;
    Order order_ = Order::AdminFirst;
    std::function<void()> admin_;
};

// A roomy host (kScenario): balloond grows "pv" from 1G toward its 2G max, 512M at a time.
class BalloondMaxmemRace : public BalloondOnSimulatedHost {
protected:
    [[nodiscard]] virtual const char* scenario() const { return kScenario; }
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        start(scenario());
        racing_ = std::make_unique<AdminRacesTheWrite>(sim().host());
        balloond().useHypervisor(*racing_);
    }
    void TearDown() override {
        BalloondOnSimulatedHost::TearDown();
        racing_.reset();
    }

    // Steps until balloond's next write for the domain has raced `xl mem-set <name> <size>`;
    // returns that round.
    daemon::RoundSummary race(const std::string& name, KiB size, AdminRacesTheWrite::Order order) {
        racing_->arm(domid(name), order,
                     [this, name, size] { sim::xlMemSet(xs(), sim().host(), domid(name), size); });
        for (int i = 0; i < 100; ++i) {
            auto summary = step(std::chrono::milliseconds(100));
            if (racing_->raced()) {
                return summary;
            }
        }
        ADD_FAILURE() << "balloond never wrote a target for " << name;
        return {};
    }
    KiB maxmem(const std::string& name) {
        return toKiB(sim().host().domain(domid(name))->maxPages);
    }

    std::unique_ptr<AdminRacesTheWrite> racing_;
};

using Order = AdminRacesTheWrite::Order;
using ::testing::Contains;

TEST_F(BalloondMaxmemRace, AnAdminsLargerTargetIsNotCappedByTheWriteItRaced) {
    const auto round = race("pv", mib(1900), Order::AdminFirst);
    EXPECT_THAT(round.applied.raced, Contains(domid("pv")));
    EXPECT_EQ(target("pv"), mib(1900));
    EXPECT_EQ(maxmem("pv"), mib(1900) + kMaxmemSlack);
    run(milliseconds(100), 30);
    EXPECT_TRUE(record("pv").pinned);
    EXPECT_EQ(target("pv"), mib(1900));
    EXPECT_GE(allocation("pv"), mib(1900)) << "the guest could not take the admin's target";
}

TEST_F(BalloondMaxmemRace, AnAdminsSmallerTargetKeepsItsOwnMaxmem) {
    race("pv", mib(600), Order::AdminFirst);
    EXPECT_EQ(target("pv"), mib(600));
    EXPECT_EQ(maxmem("pv"), mib(600) + kMaxmemSlack);
}

TEST_F(BalloondMaxmemRace, AnAdminsMaxmemLandingLastStandsToo) {
    const auto round = race("pv", mib(700), Order::BalloondFirst);
    EXPECT_THAT(round.applied.raced, Contains(domid("pv")));
    EXPECT_EQ(target("pv"), mib(700));
    EXPECT_EQ(maxmem("pv"), mib(700) + kMaxmemSlack);
}

TEST_F(BalloondMaxmemRace, AnHvmDomainsPodTargetFollowsTheTargetThatStands) {
    race("win", mib(1800), Order::AdminFirst);  // 1800M with videoram: target 1792M
    EXPECT_EQ(target("win"), mib(1792));
    EXPECT_EQ(maxmem("win"), mib(1800) + kMaxmemSlack);
    ASSERT_TRUE(sim().host().podTarget(domid("win")));
    EXPECT_EQ(toKiB(*sim().host().podTarget(domid("win"))), mib(1792) + kMaxmemSlack);
}

// A tight host (kTightHost): balloond's first write shrinks "idle" from 2G.
class BalloondMaxmemOnATightHost : public BalloondMaxmemRace {
protected:
    [[nodiscard]] const char* scenario() const override { return kTightHost; }
};

TEST_F(BalloondMaxmemOnATightHost, ALostXenstoreLeavesXenRoomForEitherTarget) {
    // xenstored goes away between balloond's maxmem call and its transaction: whether the shrink
    // was written is unknown, so maxmem must not cap the target that was there before it.
    racing_->arm(domid("idle"), Order::BalloondFirst, [this] { xenstored().stop(); });
    bool lost = false;
    for (int i = 0; i < 100 && !lost; ++i) {
        try {
            step(milliseconds(100));
        } catch (const xen::XenStoreError&) {
            lost = true;
        }
    }
    ASSERT_TRUE(lost) << "balloond never shrank idle";
    EXPECT_EQ(maxmem("idle"), gib(2) + kMaxmemSlack);
}

}  // namespace
}  // namespace balloon::testing
