// balloond finds domains, follows them coming and going, and reads what each guest reports.
#include <gtest/gtest.h>

#include "balloond_fixture.h"
#include "guest_ring_client.h"

namespace balloon::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kScenario = R"(
[host]
memory = "8G"
dom0 = "1G"
seed = 3
[[domain]]
name = "pv"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "win"
type = "hvm"
memory = "1G"
agent = "qubes"
workload = { kind = "steady", base = "400M", noise = 0 }
[[domain]]
name = "citrix"
type = "pvh"
memory = "512M"
agent = "xenserver"
workload = { kind = "idle" }
[[domain]]
name = "quiet"
memory = "512M"
agent = "none"
[[domain]]
name = "late"
memory = "256M"
autostart = false
)";

class BalloondDiscovery : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        start(kScenario);
    }
};

TEST_F(BalloondDiscovery, KnowsEveryDomainAsXenstoreDescribesIt) {
    EXPECT_EQ(balancer().registry().records().size(), 5U);  // dom0 and four guests
    const auto& pv = record("pv");
    EXPECT_EQ(pv.name, "pv");
    EXPECT_EQ(pv.type, DomainType::Pv);
    EXPECT_EQ(pv.staticMax, mib(2048));
    EXPECT_EQ(pv.target, mib(1024));
    EXPECT_EQ(pv.uuid.size(), 36U);
    const auto& win = record("win");
    EXPECT_EQ(win.type, DomainType::Hvm);
    EXPECT_EQ(win.videoram, mib(8));
    EXPECT_EQ(win.target, mib(1024 - 8));
    EXPECT_EQ(record("citrix").type, DomainType::Pvh);
}

TEST_F(BalloondDiscovery, PicksUpACreatedDomainAndForgetsADestroyedOne) {
    EXPECT_EQ(balancer().registry().find(5), nullptr);
    const DomId late = sim().create("late");
    step(milliseconds(100));
    ASSERT_NE(balancer().registry().find(late), nullptr);
    EXPECT_EQ(record("late").name, "late");

    sim().destroy("late");
    step(milliseconds(100));
    EXPECT_EQ(balancer().registry().find(late), nullptr);
}

TEST_F(BalloondDiscovery, ATargetWrittenAsTheDomainWasDestroyedDoesNotOutliveIt) {
    // An admin's target lands just after the toolstack removed the domain's tree (the write is
    // outside a transaction): balloond removes the stray node when it forgets the domain.
    const DomId pv = domid("pv");
    const DomId win = domid("win");
    const std::string pvHome = daemonXs().domainPath(pv);
    const std::string winHome = daemonXs().domainPath(win);
    sim().destroy("pv");
    sim().destroy("win");
    daemonXs().write(pvHome + "/memory/target", "524288");
    // Someone else's node in the other tree: not balloond's to remove.
    daemonXs().write(winHome + "/memory/target", "524288");
    daemonXs().write(winHome + "/other-tool", "1");
    step(milliseconds(100));
    ASSERT_EQ(balancer().registry().find(pv), nullptr);
    ASSERT_EQ(balancer().registry().find(win), nullptr);
    EXPECT_TRUE(daemonXs().directory(pvHome).empty());
    EXPECT_EQ(daemonXs().read(winHome + "/memory/target"), "524288");
}

TEST_F(BalloondDiscovery, ADomainDestroyedBeforeItsEventsArriveCausesNoErrorAndNoStaleState) {
    const DomId pv = domid("pv");
    sim().destroy("pv");
    // The round runs before the @releaseDomain event is delivered.
    const auto summary = balancer().round(now(), false);
    EXPECT_TRUE(summary.applied.failures.empty());
    EXPECT_EQ(balancer().registry().find(pv), nullptr);
    EXPECT_NO_THROW(step(milliseconds(100)));
}

TEST_F(BalloondDiscovery, ReadsEachAgentsStatistics) {
    run(milliseconds(500), 4);
    ASSERT_TRUE(record("pv").report.has_value());
    EXPECT_EQ(record("pv").report->source, ReportSource::Balloond);
    ASSERT_TRUE(record("win").report.has_value());
    EXPECT_EQ(record("win").report->source, ReportSource::Qubes);
    ASSERT_TRUE(record("citrix").report.has_value());
    EXPECT_EQ(record("citrix").report->source, ReportSource::XenServer);
    EXPECT_FALSE(record("quiet").report.has_value());
}

class BalloondHostileGuest : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        start(kScenario);
        guest_ = &guest("quiet");
        guest_->write("data/balloon-report", goodReport());
        step(milliseconds(100));
        ASSERT_TRUE(record("quiet").report.has_value());
    }
    static std::string goodReport() {
        return "v1 seq=1 ts=1764200000 total=500000 used=200000 avail=300000 cache=100000";
    }
    harness::GuestRingClient* guest_ = nullptr;
};

TEST_F(BalloondHostileGuest, KeepsTheLastGoodReportWhenTheGuestWritesGarbage) {
    const GuestReport before = *record("quiet").report;
    for (const char* bad : {"v1 total=abc", "v1 seq=2 total=-5", "v9 seq=3 total=1",
                            "v1 seq=4 ts=1 total=99999999999999999999999 used=1"}) {
        guest_->write("data/balloon-report", bad);
        step(milliseconds(1000));
        ASSERT_TRUE(record("quiet").report.has_value()) << bad;
        EXPECT_EQ(record("quiet").report->total, before.total) << bad;
    }
}

TEST_F(BalloondHostileGuest, RefusesAnOversizedReport) {
    guest_->write("data/balloon-report", std::string(600, '1'));
    step(milliseconds(1000));
    EXPECT_EQ(record("quiet").report->total, KiB{500000});
}

TEST_F(BalloondHostileGuest, ReadsAFloodingGuestOnlyAtItsRate) {
    const auto readsBefore = record("quiet").reportReads;
    for (int i = 0; i < 200; ++i) {
        guest_->write("data/balloon-report",
                      "v1 seq=" + std::to_string(i + 10) + " ts=1 total=500000 used=200000");
    }
    // One simulated second: a burst of two reads and two more for the second, however many
    // writes arrived.
    step(milliseconds(1000));
    EXPECT_LE(record("quiet").reportReads - readsBefore, 4U);
    EXPECT_TRUE(record("quiet").report.has_value());
}

}  // namespace
}  // namespace balloon::testing
