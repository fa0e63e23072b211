// Simulated guests: each balloon driver behaviour and the guest's view of its memory, on a real
// SimulatedHost (the dynamics are pure: no Xenstore involved).
#include "sim_guest.h"

#include <functional>

#include <gtest/gtest.h>

#include "policy/demand.h"
#include "stats_codec.h"

namespace balloon::sim {
namespace {

constexpr Duration kStep{100};

WorkloadSpec steady(KiB demand) {
    WorkloadSpec w;
    w.kind = WorkloadKind::Steady;
    w.base = demand;
    w.noise = 0;
    return w;
}

GuestSpec guestSpec(DriverKind kind, KiB memory, KiB maxmem, KiB demand) {
    GuestSpec g;
    g.name = "guest";
    g.memory = memory;
    g.maxmem = maxmem;
    g.driver.kind = kind;
    g.workload = steady(demand);
    return g;
}

// One host, one guest, and a loop that plays the kernel's view of time.
class Bed {
public:
    explicit Bed(const GuestSpec& spec, KiB hostMemory = gib(8))
        : host(pagesFloor(hostMemory), pagesFloor(gib(1)), pagesFloor(gib(1))),
          domid(host.createDomain(pagesCeil(spec.memory), pagesCeil(spec.maxmem),
                                  spec.type != DomainType::Pv)),
          guest(spec, domid, 1) {}

    // Runs for `total`; `each` is called after every step.
    void run(Duration total, const std::function<void()>& each = {}) {
        for (Duration t{0}; t < total; t += kStep) {
            now += kStep;
            guest.readTarget(target);
            guest.step(now, kStep, host);
            host.advance(kStep);
            if (each) {
                each();
            }
        }
    }
    [[nodiscard]] KiB allocation() const { return toKiB(*host.allocation(domid)); }

    SimulatedHost host;
    DomId domid;
    SimGuest guest;
    std::optional<KiB> target;
    SimTime now{0};
};

TEST(SimGuestLinux, ShrinksToItsTargetAtItsRateIn2MiBBatches) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(1024), mib(2048), mib(200));
    spec.driver.rateMiBps = 100;
    Bed bed(spec);
    bed.target = mib(524);
    bed.run(Duration{2000});
    // 2 s at 100 MiB/s: 200 MiB, give or take one batch.
    EXPECT_LE(bed.allocation(), mib(1024 - 198));
    EXPECT_GE(bed.allocation(), mib(1024 - 202));
    EXPECT_EQ((mib(1024) - bed.allocation()).count() % kBatch.count(), 0U);
    bed.run(Duration{2800});
    EXPECT_GT(bed.allocation(), mib(524));
    bed.run(Duration{400});
    EXPECT_EQ(bed.allocation(), mib(524));
    EXPECT_EQ(bed.guest.driver().state(), DriverState::Idle);
}

TEST(SimGuestLinux, GrowsToItsTargetUpToMaxmem) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(512), mib(1024), mib(200));
    spec.driver.rateMiBps = 256;
    Bed bed(spec);
    bed.target = mib(1000);
    bed.run(Duration{1000});
    EXPECT_LT(bed.allocation(), mib(1000));
    bed.run(Duration{1000});
    EXPECT_EQ(bed.allocation(), mib(1000));
}

TEST(SimGuestLinux, CannotGiveMemoryItsWorkloadUses) {
    Bed bed(guestSpec(DriverKind::Linux, mib(1024), mib(1024), mib(600)));
    bed.target = mib(256);
    bed.run(Duration{5000});
    // The floor: what the workload uses plus what the kernel keeps free.
    EXPECT_EQ(bed.allocation(), mib(600) + bed.guest.spec().kernelReserve);
    EXPECT_FALSE(bed.guest.underPressure());
}

TEST(SimGuestLinux, BacksOffOneTwoFourEightSecondsThenGivesUp) {
    Bed bed(guestSpec(DriverKind::Linux, mib(1024), mib(1024), mib(600)));
    bed.target = mib(256);
    std::vector<double> failures;  // when retries went up, then when it gave up
    int lastRetries = 0;
    bool gaveUp = false;
    bed.run(Duration{40000}, [&] {
        const auto& driver = bed.guest.driver();
        if (driver.retries() > lastRetries || (!gaveUp && driver.state() == DriverState::GaveUp)) {
            failures.push_back(toSeconds(bed.now));
            gaveUp = driver.state() == DriverState::GaveUp;
        }
        lastRetries = driver.retries();
    });
    ASSERT_EQ(failures.size(), 5U) << "four retries, then giving up";
    const double expected[] = {1, 2, 4, 8};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_NEAR(failures[i + 1] - failures[i], expected[i], 0.15) << "gap " << i;
    }
    EXPECT_EQ(bed.guest.driver().state(), DriverState::GaveUp);
}

TEST(SimGuestLinux, StaysGivenUpUntilTheTargetChanges) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(1024), mib(1024), mib(600));
    Bed bed(spec);
    bed.target = mib(256);
    bed.run(Duration{20000});
    ASSERT_EQ(bed.guest.driver().state(), DriverState::GaveUp);
    const KiB stuckAt = bed.allocation();
    // The workload shrinks: memory could go now, but nobody asks again.
    bed.guest.changeWorkload(steady(mib(100)), bed.now);
    bed.run(Duration{5000});
    EXPECT_EQ(bed.allocation(), stuckAt);
    // A new target starts a new attempt.
    bed.target = mib(300);
    bed.run(Duration{3000});
    EXPECT_EQ(bed.allocation(), mib(300));
}

TEST(SimGuestLinux, AGrowStallsWhileTheHostHasNoFreeMemory) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(512), gib(4), mib(200));
    Bed bed(spec, gib(2));
    // Another domain takes what is left of the host.
    const DomId hog = bed.host.createDomain(bed.host.hostInfo().free, pagesFloor(gib(4)), false);
    bed.target = mib(1024);
    bed.run(Duration{20000});
    EXPECT_EQ(bed.allocation(), mib(512));
    EXPECT_EQ(bed.guest.driver().state(), DriverState::GaveUp);
    bed.host.release(hog, pagesFloor(mib(600)));
    bed.target = mib(1000);
    bed.run(Duration{3000});
    EXPECT_EQ(bed.allocation(), mib(1000));
}

// squeezed's test "h": a guest whose kernel cannot hold more than a point, however much the host
// has free and whatever its maxmem: it stops there, gives up, and still shrinks on request.
TEST(SimGuestLinux, AGrowLimitStopsTheGuestThereWhileShrinkingStillWorks) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(512), gib(2), mib(200));
    spec.driver.growLimit = mib(768);
    Bed bed(spec);
    bed.target = mib(1536);
    bed.run(Duration{20000});
    EXPECT_EQ(bed.allocation(), mib(768));
    EXPECT_EQ(bed.guest.driver().state(), DriverState::GaveUp);
    bed.target = mib(400);
    bed.run(Duration{3000});
    EXPECT_EQ(bed.allocation(), mib(400));
}

TEST(SimGuestLinux, PvhSettlesWithItsOwnTargetTheFirmwareOffsetBelowXenstores) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(1024), mib(1024), mib(200));
    spec.type = DomainType::Pvh;
    spec.firmware = kDefaultFirmware;
    Bed bed(spec);
    bed.target = mib(512);
    bed.run(Duration{3000});
    EXPECT_EQ(bed.guest.driver().kernelTarget(), mib(512) - kDefaultFirmware);
    EXPECT_EQ(bed.guest.kernelMemory(), mib(512) - kDefaultFirmware);
    EXPECT_EQ(bed.allocation(), mib(512));  // what `xl list` shows matches the target
}

TEST(SimGuestLinux, HvmAllocationIncludesVideoramAboveTheTarget) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(1024), mib(1024), mib(200));
    spec.type = DomainType::Hvm;
    spec.videoram = mib(8);
    spec.firmware = kDefaultFirmware;
    Bed bed(spec);
    bed.target = mib(512);
    bed.run(Duration{3000});
    EXPECT_EQ(bed.allocation(), mib(512) + mib(8));
}

TEST(SimGuestNetBsd, MovesIn512PageStepsAndGivesUpAtTheFirstFailure) {
    GuestSpec spec = guestSpec(DriverKind::NetBsd, mib(1024), mib(1024), mib(600));
    spec.driver.rateMiBps = 30;  // 3 MiB per step: the driver still moves whole 512-page steps
    Bed bed(spec);
    bed.target = mib(256);
    KiB previous = bed.allocation();
    std::vector<std::string> log;
    bed.run(Duration{30000}, [&] {
        const KiB now = bed.allocation();
        if (now > mib(600) + spec.kernelReserve + kBatch) {
            EXPECT_EQ((previous - now).count() % kBatch.count(), 0U);
        }
        previous = now;
        for (auto& line : bed.guest.driver().takeLog()) {
            log.push_back(line);
        }
    });
    EXPECT_EQ(bed.allocation(), mib(632));
    EXPECT_EQ(bed.guest.driver().state(), DriverState::GaveUp);
    EXPECT_EQ(bed.guest.driver().retries(), 0);
    ASSERT_EQ(log.size(), 1U);
    EXPECT_NE(log[0].find("could not reach target"), std::string::npos);
}

TEST(SimGuestSlow, MovesAtItsLowRate) {
    Bed bed(guestSpec(DriverKind::Slow, mib(1024), mib(1024), mib(100)));
    bed.target = mib(512);
    bed.run(Duration{10000});
    // 4 MiB/s by default: 40 MiB in 10 s, give or take a batch.
    EXPECT_GE(bed.allocation(), mib(1024 - 42));
    EXPECT_LE(bed.allocation(), mib(1024 - 38));
}

TEST(SimGuestStuck, NeverMoves) {
    Bed bed(guestSpec(DriverKind::Stuck, mib(1024), mib(2048), mib(100)));
    bed.target = mib(256);
    bed.run(Duration{60000});
    EXPECT_EQ(bed.allocation(), mib(1024));
    bed.target = mib(2000);
    bed.run(Duration{10000});
    EXPECT_EQ(bed.allocation(), mib(1024));
    EXPECT_TRUE(bed.guest.report().has_value());  // its agent still reports
}

TEST(SimGuestLiar, ReportsStatisticsThatDoNotMatchReality) {
    Bed bed(guestSpec(DriverKind::Liar, mib(1024), mib(1024), mib(100)));
    bed.target = mib(512);
    bed.run(Duration{3000});
    EXPECT_EQ(bed.allocation(), mib(512));  // it does balloon
    const auto lie = bed.guest.report();
    ASSERT_TRUE(lie);
    EXPECT_EQ(bed.guest.truth().used, mib(100));
    EXPECT_EQ(lie->used, lie->total);
    EXPECT_EQ(lie->available, KiB{0});
    // A lie still obeys the format: dom0 cannot tell it from the report alone.
    EXPECT_TRUE(decodeReport(encodeReport(*lie)));
}

TEST(SimGuestNone, NeverMovesAndReportsNothing) {
    GuestSpec spec = guestSpec(DriverKind::None, mib(1024), mib(1024), mib(100));
    spec.agent = Agent::None;
    Bed bed(spec);
    bed.target = mib(256);
    bed.run(Duration{10000});
    EXPECT_EQ(bed.allocation(), mib(1024));
    EXPECT_FALSE(bed.guest.report());
}

TEST(SimGuest, IsUnderPressureWhileDemandExceedsItsMemory) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(512), mib(512), mib(800));
    Bed bed(spec);
    bed.run(Duration{10000});
    EXPECT_TRUE(bed.guest.underPressure());
    EXPECT_NEAR(bed.guest.pressureSeconds(), 10.0, 0.01);
    const GuestReport& truth = bed.guest.truth();
    EXPECT_EQ(truth.used, mib(512));
    EXPECT_EQ(truth.available, KiB{0});
    EXPECT_EQ(truth.swapUsed, mib(288));
    EXPECT_GT(*truth.psiSomeAvg10, 5000U);
    EXPECT_GT(*truth.swapInPages, 0U);
    EXPECT_EQ(bed.guest.oomKills(), 0U);
}

// Caught up with its demand, its PSI still decaying: MemAvailable under a hundredth of MemTotal,
// where Linux reclaims and refaults. Without refaults the report is what only a liar sends, and
// demand cut the guest to its floor (docs/policy.md, "The simulator's guests reclaim").
TEST(SimGuest, CaughtUpWithNothingAvailableItRefaultsAndIsNotTakenForALiar) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(512), mib(1024), mib(800));
    Bed bed(spec);
    bed.run(Duration{10000});  // short by 288 MiB: PSI climbs
    bed.target = mib(800);
    bed.run(Duration{3000});  // grown to exactly its demand
    ASSERT_FALSE(bed.guest.underPressure());
    const GuestReport& truth = bed.guest.truth();
    ASSERT_LT(truth.available->count() * 100, truth.total.count());
    ASSERT_GE(*truth.psiSomeAvg10, 1000U);  // still above 10 %
    EXPECT_EQ(*truth.swapInPages, 0U);
    EXPECT_GT(*truth.refaults, 0U);
    EXPECT_FALSE(policy::estimateDemand(truth, PolicyConfig{}).contradicted);
}

TEST(SimGuest, ALeakRunsOutOfMemoryAndTheOomKillerStartsItOver) {
    GuestSpec spec = guestSpec(DriverKind::Linux, mib(512), mib(512), mib(100));
    spec.workload.kind = WorkloadKind::Leak;
    spec.workload.rateMiBps = 100;
    spec.swap = mib(128);
    Bed bed(spec);
    bed.run(Duration{5000});
    EXPECT_EQ(bed.guest.oomKills(), 0U);
    EXPECT_TRUE(bed.guest.underPressure());  // 600 MiB wanted, 512 held
    bed.run(Duration{1000});                 // 700 > 512 + 128
    EXPECT_EQ(bed.guest.oomKills(), 1U);
    bed.run(Duration{500});
    EXPECT_LE(bed.guest.demand(), mib(200));  // restarted from its base of 100 MiB
}

TEST(SimGuest, ReportsItsViewAndTheCodecRoundTripsIt) {
    Bed bed(guestSpec(DriverKind::Linux, mib(1024), mib(1024), mib(300)));
    bed.run(Duration{1000});
    const auto report = bed.guest.report();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->total, mib(1024));
    EXPECT_EQ(report->used, mib(300));
    EXPECT_EQ(report->available, mib(724));
    EXPECT_EQ(*report->caches + *report->free, mib(724));
    EXPECT_EQ(report->sequence, 10U);
    const auto decoded = decodeReport(encodeReport(*report));
    ASSERT_TRUE(decoded) << decoded.error;
    EXPECT_EQ(decoded.report->used, report->used);
    EXPECT_EQ(decoded.report->available, report->available);
    EXPECT_EQ(decoded.report->sequence, report->sequence);
}

TEST(SimGuest, ForeignAgentsReportInTheirOwnTerms) {
    GuestSpec qubes = guestSpec(DriverKind::Linux, mib(512), mib(512), mib(600));
    qubes.agent = Agent::Qubes;
    Bed q(qubes);
    q.run(Duration{1000});
    ASSERT_TRUE(q.guest.report());
    EXPECT_EQ(q.guest.report()->source, ReportSource::Qubes);
    EXPECT_EQ(q.guest.report()->used, mib(600));  // used plus swap, as meminfo-writer counts

    GuestSpec xs = guestSpec(DriverKind::Linux, mib(1024), mib(1024), mib(300));
    xs.agent = Agent::XenServer;
    Bed x(xs);
    x.run(Duration{1000});
    ASSERT_TRUE(x.guest.report());
    EXPECT_EQ(x.guest.report()->source, ReportSource::XenServer);
    EXPECT_EQ(x.guest.report()->total, mib(1024));
    EXPECT_EQ(x.guest.report()->free, mib(724));
}

}  // namespace
}  // namespace balloon::sim
