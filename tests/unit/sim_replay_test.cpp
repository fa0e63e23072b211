// Simulation (headless): replay under a seed, events, xl semantics, accounting over whole runs.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "error.h"
#include "simulation.h"

namespace balloon::sim {
namespace {

Scenario shipped(const char* name) {
    return loadScenario(std::filesystem::path(BALLOON_SCENARIO_DIR) / name);
}

std::string csvOf(const Trace& trace) {
    std::ostringstream out;
    trace.writeCsv(out);
    return out.str();
}

TEST(SimulationReplay, TheSameScenarioAndSeedGiveAnIdenticalTrace) {
    Simulation a(shipped("default.toml"));
    Simulation b(shipped("default.toml"));
    a.runFor(Duration{120000});
    b.runFor(Duration{120000});
    ASSERT_EQ(a.trace().rows().size(), 6U * 1200U);
    EXPECT_EQ(a.trace().rows(), b.trace().rows());
    EXPECT_EQ(csvOf(a.trace()), csvOf(b.trace()));
}

TEST(SimulationReplay, AnotherSeedGivesAnotherTrace) {
    Scenario other = shipped("default.toml");
    other.seed += 1;
    Simulation a(shipped("default.toml"));
    Simulation b(other);
    a.runFor(Duration{30000});
    b.runFor(Duration{30000});
    EXPECT_NE(a.trace().rows(), b.trace().rows());
}

TEST(SimulationReplay, TheTraceIsCsvWithOneRowPerGuestPerRecordedStep) {
    Scenario s = shipped("steady-mix.toml");
    s.traceInterval = Duration{1000};
    Simulation sim(s);
    sim.runFor(Duration{5000});
    const std::string csv = csvOf(sim.trace());
    EXPECT_EQ(csv.rfind(std::string(kTraceCsvHeader) + "\n", 0), 0U);
    EXPECT_EQ(sim.trace().rows().size(), 4U * 5U);
    EXPECT_NE(csv.find("\n1000,small,1,"), std::string::npos);
}

TEST(Simulation, BuildsTheAutostartDomainsWithXlTargets) {
    Simulation sim(shipped("default.toml"));
    EXPECT_EQ(sim.guests().size(), 6U);
    EXPECT_EQ(sim.domid("web"), 1);
    EXPECT_EQ(sim.target("build"), mib(1024 - 8));  // HVM: the target excludes videoram
    const auto info = sim.host().domain(*sim.domid("db"));
    ASSERT_TRUE(info);
    EXPECT_EQ(toKiB(info->maxPages), gib(3) + mib(1));  // maxmem + LIBXL_MAXMEM_CONSTANT
}

TEST(Simulation, MemSetFollowsXlAndTheGuestFollowsTheTarget) {
    Simulation sim(shipped("steady-mix.toml"));
    const Actuation act = sim.memSet("large", mib(2304));
    EXPECT_EQ(act.target, mib(2304));
    EXPECT_EQ(act.maxmem, mib(2305));
    ASSERT_TRUE(act.podTarget);  // PVH: populate-on-demand follows
    EXPECT_EQ(sim.host().podTarget(*sim.domid("large")), pagesFloor(*act.podTarget));
    sim.runFor(Duration{3000});
    EXPECT_EQ(toKiB(*sim.host().allocation(*sim.domid("large"))), mib(2304));
    try {
        sim.memSet("large", gib(4));
        FAIL() << "above static-max must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::AboveStaticMax);
    }
    EXPECT_EQ(sim.target("large"), mib(2304));
}

TEST(Simulation, AppliesScenarioEventsAtTheirTimes) {
    Simulation sim(shipped("steady-mix.toml"));
    sim.runFor(Duration{119900});
    EXPECT_EQ(sim.target("small"), mib(512));
    sim.runFor(Duration{200});
    EXPECT_EQ(sim.target("small"), mib(768));
    const auto log = sim.takeLog();
    ASSERT_FALSE(log.empty());
    EXPECT_NE(log.back().find("small: mem-set"), std::string::npos);
}

TEST(Simulation, AppliesWorkloadAndDestroyEventsAndLogsARefusedOne) {
    const Scenario s = parseScenario(R"(
[[domain]]
name = "a"
memory = "1G"
workload = { kind = "steady", base = "200M", noise = 0 }
[[event]]
at = "5s"
action = "workload"
domain = "a"
workload = { kind = "steady", base = "700M", noise = 0 }
[[event]]
at = "6s"
action = "mem-set"
domain = "a"
size = "4G"
[[event]]
at = "8s"
action = "destroy"
domain = "a"
)",
                                     "<test>");
    Simulation sim(s);
    sim.runFor(Duration{4900});
    EXPECT_EQ(sim.guest("a")->demand(), mib(200));
    sim.runFor(Duration{200});
    EXPECT_EQ(sim.guest("a")->demand(), mib(700));
    sim.runFor(Duration{1000});
    EXPECT_EQ(sim.target("a"), mib(1024));  // above static-max: refused, like xl
    sim.runFor(Duration{2000});
    EXPECT_EQ(sim.guest("a"), nullptr);
    std::string log;
    for (const auto& line : sim.takeLog()) {
        log += line + "\n";
    }
    EXPECT_NE(log.find("a: event failed: "), std::string::npos) << log;
    EXPECT_NE(log.find("a: destroyed"), std::string::npos) << log;
}

TEST(Simulation, ACreateWaitsForMemoryAndSucceedsOnceOthersShrink) {
    Simulation sim(shipped("reservation.toml"));
    sim.runFor(Duration{61000});
    EXPECT_EQ(sim.guest("newvm"), nullptr);  // the host is full: the toolstack waits
    sim.setTarget("fat-a", gib(1));
    sim.runFor(Duration{10000});
    ASSERT_NE(sim.guest("newvm"), nullptr);
    EXPECT_EQ(toKiB(*sim.host().allocation(*sim.domid("newvm"))), gib(2));
}

TEST(Simulation, ACreateThatNeverGetsItsMemoryFailsAfterItsWait) {
    Simulation sim(shipped("reservation.toml"));
    sim.runFor(Duration{125000});
    EXPECT_EQ(sim.guest("newvm"), nullptr);
    bool reported = false;
    for (const auto& line : sim.takeLog()) {
        reported = reported || line.find("newvm: create failed") != std::string::npos;
    }
    EXPECT_TRUE(reported);
}

TEST(Simulation, DestroyReturnsTheDomainsPagesToTheHost) {
    Simulation sim(shipped("steady-mix.toml"));
    sim.runFor(Duration{1000});
    const KiB before = sim.host().hostInfo().freeKiB();
    const DomId domid = *sim.domid("medium");
    sim.destroy("medium");
    EXPECT_EQ(sim.guest("medium"), nullptr);
    EXPECT_TRUE(sim.host().domain(domid)->dying);
    sim.runFor(Duration{1000});
    EXPECT_FALSE(sim.host().domain(domid));
    EXPECT_EQ(sim.host().hostInfo().freeKiB(), before + gib(1));
}

TEST(Simulation, NeverAllocatesAboveMaxmemOrAboveWhatTheHostHas) {
    Simulation sim(shipped("overcommit.toml"));
    // Give every guest its maximum: together they want far more than the host has.
    for (const auto* g : sim.guests()) {
        sim.setTarget(g->spec().name, g->spec().maxmem);
    }
    const Pages total = sim.host().hostInfo().total;
    for (int i = 0; i < 600; ++i) {
        sim.step(Duration{100});
        const auto info = sim.host().hostInfo();
        ASSERT_EQ(info.free + info.scrub + sim.host().allocatedPages(), total);
        for (const auto& d : sim.host().domains()) {
            ASSERT_LE(d.totPages, d.maxPages) << "domain " << d.domid;
        }
    }
    EXPECT_LT(sim.host().hostInfo().freeKiB(), mib(4));  // the growth stalled on a full host
}

}  // namespace
}  // namespace balloon::sim
