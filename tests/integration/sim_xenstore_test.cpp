// The simulated host against the real xenstored: domains appear with xl's keys and permissions,
// @introduceDomain/@releaseDomain fire, guests follow memory/target and report in every format.
#include <algorithm>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "error.h"
#include "guest_ring_client.h"
#include "real_xenstore_fixture.h"
#include "simulation.h"
#include "stats_codec.h"
#include "watch_wait.h"

namespace balloon::sim {
namespace {

using harness::errnoOf;
using harness::GuestRingClient;

constexpr const char* kScenario = R"(
[host]
memory = "8G"
dom0 = "1G"
seed = 11

[[domain]]
name = "pv"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }

[[domain]]
name = "hvm"
type = "hvm"
memory = "1G"
agent = "qubes"
workload = { kind = "steady", base = "400M", noise = 0 }

[[domain]]
name = "xs"
memory = "512M"
min = "256M"
agent = "xenserver"
workload = { kind = "idle" }

[[domain]]
name = "bare"
memory = "256M"
driver = "none"

[[domain]]
name = "liar"
memory = "512M"
driver = "liar"
workload = { kind = "idle", base = "100M", noise = 0 }

[[domain]]
name = "late"
memory = "256M"
autostart = false
)";

class SimOnXenstore : public harness::RealXenstore {
protected:
    std::string read(DomId domid, const std::string& key) {
        return xs().read(xs().domainPath(domid) + "/" + key).value_or("<missing>");
    }
    // The simulation gets a connection of its own: it takes every watch event on it.
    std::unique_ptr<Simulation> start(DomainIntroducer introducer = {}) {
        simConnection_ = connectAnother();
        return std::make_unique<Simulation>(parseScenario(kScenario, "<test>"), *simConnection_,
                                            std::move(introducer));
    }

private:
    std::unique_ptr<xen::XenStoreClient> simConnection_;
};

TEST_F(SimOnXenstore, DomainsAppearWithTheKeysXlWrites) {
    auto sim = start();
    EXPECT_EQ(read(kDom0, "name"), "Domain-0");
    EXPECT_EQ(read(kDom0, "memory/target"), "1048576");
    const DomId pv = *sim->domid("pv");
    EXPECT_EQ(read(pv, "name"), "pv");
    EXPECT_EQ(read(pv, "domid"), std::to_string(pv));
    EXPECT_EQ(read(pv, "memory/static-max"), "2097152");
    EXPECT_EQ(read(pv, "memory/target"), "1048576");
    const std::string vm = read(pv, "vm");
    ASSERT_EQ(vm.rfind("/vm/", 0), 0U);
    EXPECT_EQ(xs().read(vm + "/name"), "pv");
    const DomId hvm = *sim->domid("hvm");
    EXPECT_EQ(read(hvm, "memory/videoram"), "8192");
    EXPECT_EQ(read(hvm, "memory/target"), std::to_string(1048576 - 8192));
    EXPECT_EQ(xs().read(xs().domainPath(pv) + "/memory/videoram"), std::nullopt);
    // A toolstack range (XenServer's): max defaults to maxmem; without one, no keys.
    const DomId ranged = *sim->domid("xs");
    EXPECT_EQ(read(ranged, "memory/dynamic-min"), "262144");
    EXPECT_EQ(read(ranged, "memory/dynamic-max"), "524288");
    EXPECT_EQ(xs().read(xs().domainPath(pv) + "/memory/dynamic-min"), std::nullopt);
    EXPECT_TRUE(xs().isDomainIntroduced(pv));
}

TEST_F(SimOnXenstore, AGuestGetsThePermissionsAnXlGuestGets) {
    std::map<DomId, std::unique_ptr<GuestRingClient>> rings;
    auto sim = start([&](DomId domid) {
        rings[domid] = std::make_unique<GuestRingClient>(xenstored(), xs(), domid);
    });
    GuestRingClient& guest = *rings.at(*sim->domid("pv"));
    const DomId other = *sim->domid("hvm");
    EXPECT_EQ(guest.read("memory/target"), "1048576");
    EXPECT_EQ(guest.read("name"), "pv");
    EXPECT_EQ(errnoOf([&] { guest.write("memory/target", "9999999"); }), EACCES);
    EXPECT_EQ(errnoOf([&] { guest.write("memory/static-max", "9999999"); }), EACCES);
    EXPECT_EQ(errnoOf([&] { guest.write("name", "evil"); }), EACCES);
    EXPECT_EQ(errnoOf([&] { guest.write("control/feature-balloon", "1"); }), EACCES);
    EXPECT_EQ(errnoOf([&] { guest.write("data/balloon-report", "v1"); }), 0);
    EXPECT_EQ(errnoOf([&] { guest.write("control/shutdown", ""); }), 0);
    EXPECT_EQ(errnoOf([&] { guest.read(xs().domainPath(other) + "/name"); }), EACCES);
    // The Qubes guest may write its meminfo; the plain one may not.
    GuestRingClient& qubes = *rings.at(other);
    EXPECT_EQ(errnoOf([&] { qubes.write("memory/meminfo", "12345"); }), 0);
    EXPECT_EQ(errnoOf([&] { guest.write("memory/meminfo", "12345"); }), EACCES);
}

TEST_F(SimOnXenstore, CreateAndDestroyFireIntroduceAndReleaseDomain) {
    auto sim = start();
    xs().watch("@introduceDomain", "intro");
    xs().watch("@releaseDomain", "release");
    const auto isToken = [](const std::string& token) {
        return [token](const xen::WatchEvent& e) { return e.token == token; };
    };
    const DomId late = sim->create("late");
    auto events = harness::waitForWatchEvent(xs(), isToken("intro"));
    EXPECT_TRUE(std::ranges::any_of(events, isToken("intro")));
    EXPECT_TRUE(xs().isDomainIntroduced(late));
    EXPECT_EQ(read(late, "name"), "late");

    sim->destroy("late");
    events = harness::waitForWatchEvent(xs(), isToken("release"));
    EXPECT_TRUE(std::ranges::any_of(events, isToken("release")));
    EXPECT_FALSE(xs().isDomainIntroduced(late));
    EXPECT_EQ(xs().read(xs().domainPath(late) + "/name"), std::nullopt);
    EXPECT_TRUE(sim->host().domain(late)->dying);
}

TEST_F(SimOnXenstore, AGuestFollowsATargetWrittenIntoXenstore) {
    auto sim = start();
    const DomId pv = *sim->domid("pv");
    // As balloond (or anyone privileged) would write it.
    xs().write(xs().domainPath(pv) + "/memory/target", std::to_string(mib(600).count()));
    sim->runFor(Duration{3000});
    EXPECT_EQ(sim->target("pv"), mib(600));
    EXPECT_EQ(toKiB(*sim->host().allocation(pv)), mib(600));
    // A value no kernel would accept is ignored: the guest keeps its last target.
    xs().write(xs().domainPath(pv) + "/memory/target", "0x100");
    sim->runFor(Duration{1000});
    EXPECT_EQ(toKiB(*sim->host().allocation(pv)), mib(600));
}

TEST_F(SimOnXenstore, XlMemSetWritesTheTargetAndSetsMaxmem) {
    auto sim = start();
    const DomId hvm = *sim->domid("hvm");
    const Actuation act = xlMemSet(xs(), sim->host(), hvm, mib(768));
    EXPECT_EQ(act.target, mib(760));  // videoram excluded
    EXPECT_EQ(read(hvm, "memory/target"), std::to_string(mib(760).count()));
    EXPECT_EQ(toKiB(sim->host().domain(hvm)->maxPages), act.maxmem);
    EXPECT_EQ(sim->host().podTarget(hvm), pagesFloor(*act.podTarget));
    sim->runFor(Duration{3000});
    EXPECT_EQ(toKiB(*sim->host().allocation(hvm)), mib(768));  // target plus videoram
    EXPECT_THROW(xlMemSet(xs(), sim->host(), hvm, gib(2)), Error);
    EXPECT_EQ(read(hvm, "memory/target"), std::to_string(mib(760).count()));
}

TEST_F(SimOnXenstore, ReportsDecodeWithTheCoreCodecInEveryAgentsFormat) {
    auto sim = start();
    sim->runFor(Duration{2000});
    const auto ours = decodeReport(read(*sim->domid("pv"), std::string(kReportKey)));
    ASSERT_TRUE(ours) << ours.error;
    EXPECT_EQ(ours.report->used, mib(300));
    EXPECT_EQ(ours.report->used, sim->guest("pv")->truth().used);
    EXPECT_EQ(ours.report->total, mib(1024));

    const auto qubes = parseQubesMeminfo(read(*sim->domid("hvm"), std::string(kQubesMeminfoKey)));
    ASSERT_TRUE(qubes) << qubes.error;
    EXPECT_EQ(qubes.report->used, mib(400));

    const DomId x = *sim->domid("xs");
    const auto xen = parseXenServerMeminfo(read(x, std::string(kXenServerTotalKey)),
                                           read(x, std::string(kXenServerFreeKey)));
    ASSERT_TRUE(xen) << xen.error;
    EXPECT_EQ(xen.report->total, mib(512));
    EXPECT_EQ(read(x, "control/feature-balloon"), "1");

    const auto lie = decodeReport(read(*sim->domid("liar"), std::string(kReportKey)));
    ASSERT_TRUE(lie) << lie.error;
    EXPECT_EQ(lie.report->used, lie.report->total);
    EXPECT_EQ(sim->guest("liar")->truth().used, mib(100));
}

TEST_F(SimOnXenstore, AGuestWithoutABalloonDriverWritesNothing) {
    auto sim = start();
    sim->runFor(Duration{3000});
    const DomId bare = *sim->domid("bare");
    EXPECT_TRUE(xs().directory(xs().domainPath(bare) + "/data").empty());
    EXPECT_EQ(xs().read(xs().domainPath(bare) + "/memory/meminfo"), std::nullopt);
    xs().write(xs().domainPath(bare) + "/memory/target", std::to_string(mib(128).count()));
    sim->runFor(Duration{3000});
    EXPECT_EQ(toKiB(*sim->host().allocation(bare)), mib(256));
}

}  // namespace
}  // namespace balloon::sim
