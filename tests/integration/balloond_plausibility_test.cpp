// A guest's report held to what Xen gave it (core/plausibility.h), end to end: the lies of the
// hostile-guest review written over the liar's own ring, balloond on the simulated host and the
// real xenstored. A petabyte in use counts as the allocation and is logged once; the burst reserve
// remembers no more than the guest had; a floor and a request above the max are clamped, and the
// target is never below the floor the plan shows. Honest guests, growing and shrinking, are never
// clamped.
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "balloond_fixture.h"
#include "log.h"
#include "plausibility.h"
#include "stats_codec.h"

namespace balloon::testing {
namespace {

using namespace std::chrono_literals;

constexpr KiB kPetabyte{kMaxReportValue};

// Two honest guests that need most of what they have, and a liar (no agent: it writes its own
// reports) holding 1G of a 2G max, on a host that cannot give everyone their max.
constexpr const char* kScenario = R"(
[host]
memory = "6G"
dom0 = "1G"
seed = 3
[[domain]]
name = "a"
memory = "2G"
maxmem = "2G"
workload = { kind = "steady", base = "1500M", noise = 0 }
[[domain]]
name = "b"
memory = "2G"
maxmem = "2G"
workload = { kind = "steady", base = "1300M", noise = 0 }
[[domain]]
name = "liar"
memory = "1G"
maxmem = "2G"
agent = "none"
workload = { kind = "idle", base = "200M", noise = 0 }
)";

class BalloondPlausibility : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        log::initLogging(log::Severity::Info, log::LogStyle::Plain, log_);
    }
    void TearDown() override {
        log::initLogging(log::Severity::Info);
        if (HasFailure()) {
            std::cerr << "balloond's log:\n" << log_->str();
        }
        BalloondOnSimulatedHost::TearDown();
    }

    // The liar writes a report over its own ring, a new sequence number each time.
    void lie(GuestReport report) {
        report.sequence = ++sequence_;
        guest("liar").write(kReportKey, encodeReport(report));
    }
    // What the liar's kernel really sees, as an honest agent would report it.
    GuestReport truth() { return sim().guest("liar")->truth(); }
    std::size_t logLines(const std::string& text) const {
        std::istringstream in(log_->str());
        std::size_t count = 0;
        for (std::string line; std::getline(in, line);) {
            count += line.find(text) != std::string::npos;
        }
        return count;
    }

    std::shared_ptr<std::ostringstream> log_ = std::make_shared<std::ostringstream>();
    std::uint64_t sequence_ = 0;
};

GuestReport claiming(KiB total, KiB used) {
    GuestReport r;
    r.total = total;
    r.used = used;
    return r;
}

TEST_F(BalloondPlausibility, APetabyteInUseCountsAsTheAllocationAndIsLoggedOnce) {
    start(kScenario);
    run(1s, 30);
    const KiB held = allocation("liar");
    for (int i = 0; i < 20; ++i) {
        lie(claiming(kPetabyte, kPetabyte));
        const auto summary = step(100ms);
        const DomainBounds bounds = record("liar").reportBounds();
        ASSERT_TRUE(record("liar").report);
        EXPECT_LE(record("liar").report->used, bounds.allocation) << "step " << i;
        EXPECT_LE(summary.plan.find(domid("liar"))->reason.demand, bounds.allocation);
    }
    // Every read of the liar's reports was clamped (the read rate lets through a few a second).
    EXPECT_GE(balancer().reportsClamped(), 3U);
    EXPECT_EQ(balancer().reportsClamped(), record("liar").reportReads);
    EXPECT_GE(held, gib(1) - mib(4));
    EXPECT_EQ(logLines("claims more than Xen gave it"), 1U) << "once per domain per minute";
    EXPECT_EQ(logLines("used 1024T is above what Xen gave it"), 1U);
}

TEST_F(BalloondPlausibility, TheBurstReserveRemembersNoMoreThanTheGuestHad) {
    Config c;
    c.policy.holdTime = 5s;
    start(kScenario, c);
    run(1s, 30);
    KiB mostHeld;
    for (int i = 0; i < 30; ++i) {
        lie(claiming(kPetabyte, kPetabyte));
        step(100ms);
        mostHeld = max(mostHeld, record("liar").reportBounds().allocation);
    }
    EXPECT_LT(mostHeld, gib(2) - mib(256)) << "the lie won it its max";
    // Back to the truth (200M used): the reserve remembers what it had, never its 2G max.
    for (int i = 0; i < 60; ++i) {
        lie(truth());
        step(1s);
        const auto peak = record("liar").peak.peak(now());
        ASSERT_TRUE(peak);
        ASSERT_LE(*peak, mostHeld) << "at +" << i << " s";
    }
}

TEST_F(BalloondPlausibility, AFloorAndARequestAboveTheMaxAreClampedAndTheTargetNeverBelowTheFloor) {
    start(kScenario);
    run(1s, 30);
    for (int i = 0; i < 120; ++i) {
        GuestReport r = truth();
        r.guestMin = gib(4);
        r.requestedTarget = gib(4);
        lie(r);
        const auto summary = step(500ms);
        ASSERT_TRUE(record("liar").report);
        EXPECT_EQ(record("liar").report->guestMin, gib(2)) << "clamped to its max";
        EXPECT_EQ(record("liar").report->requestedTarget, gib(2));
        const DomainPlan* plan = summary.plan.find(domid("liar"));
        ASSERT_NE(plan, nullptr);
        // MinKiB is the plan's floor: the target Xenstore holds never goes below it.
        ASSERT_GE(target("liar"), plan->floor) << "at +" << i * 500 << " ms";
    }
    EXPECT_EQ(logLines("min 4G is above its max 2G"), 1U);
}

// Bursts, growth and shrinks, a PVH and an HVM guest (videoram, firmware), every agent: honest
// reports written before a shrink and read after it are still within what the guest had.
constexpr const char* kHonestHost = R"(
[host]
memory = "6G"
dom0 = "1G"
seed = 7
report_interval = "300ms"
[[domain]]
name = "web"
type = "pvh"
memory = "1G"
maxmem = "2G"
workload = { kind = "burst", base = "400M", amplitude = "1200M", period = "40s", length = "15s" }
[[domain]]
name = "win"
type = "hvm"
memory = "1G"
maxmem = "2G"
workload = { kind = "burst", base = "300M", amplitude = "1000M", period = "30s", length = "10s" }
[[domain]]
name = "qubes"
memory = "1G"
maxmem = "2G"
agent = "qubes"
workload = { kind = "burst", base = "300M", amplitude = "900M", period = "50s", length = "20s" }
[[domain]]
name = "xs"
memory = "1G"
maxmem = "2G"
agent = "xenserver"
workload = { kind = "growth", base = "300M", amplitude = "1200M", rate = 20 }
)";

TEST_F(BalloondPlausibility, HonestGuestsAreNeverClamped) {
    Config c;
    c.policy.holdTime = 2s;  // targets move often: every shrink is a chance for a stale total
    start(kHonestHost, c);
    const int writing = run(100ms, 1500);
    EXPECT_GE(writing, 20) << "the guests' targets should have moved up and down";
    EXPECT_EQ(balancer().reportsClamped(), 0U) << log_->str();
}

}  // namespace
}  // namespace balloon::testing
