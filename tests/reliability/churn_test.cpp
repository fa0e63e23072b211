// 1,000 domains created and destroyed on the simulated host while balloond's Balancer manages
// them over the real xenstored: nothing may accumulate (resident memory, heap, descriptors,
// xenstored's watches, registry records). Run it under valgrind with
// `meson test -C <build> --setup valgrind churn_test` (docs/reliability.md).
#include <iostream>

#include <gtest/gtest.h>

#include "balancer.h"
#include "process_usage.h"
#include "real_xenstore_fixture.h"
#include "scenario.h"
#include "simulation.h"

namespace balloon::reliability {
namespace {

constexpr int kCycles = 1000;
constexpr int kWarmUp = 100;  // caches, the allocator's arenas and the trace settle first

const char* const kScenario = R"(
[host]
memory = "4G"
dom0 = "1G"
report_interval = "100ms"
trace_interval = "1h"  # the simulation's own trace must not grow with the cycles

[[domain]]
name = "steady"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "400M", noise = 0 }

[[domain]]
name = "churn"
memory = "512M"
maxmem = "1G"
autostart = false
workload = { kind = "steady", base = "300M", noise = 0 }
)";

class DomainChurn : public harness::RealXenstore {};

TEST_F(DomainChurn, AThousandCreateDestroyCyclesGrowNothing) {
    auto simXs = connectAnother();
    auto daemonXs = connectAnother();
    sim::Simulation sim(sim::parseScenario(kScenario, "<churn>"), *simXs);
    daemon::Balancer balancer(*daemonXs, sim.host(), Config{});
    const auto now = [&] { return TimePoint{} + sim.now(); };
    const auto step = [&](sim::Duration dt) {
        sim.step(dt);
        balancer.onWatchEvents(daemonXs->takeWatchEvents(), now());
        balancer.round(now(), true);
        sim.takeLog();  // the simulation's messages for a human: dropped, not accumulated
    };
    balancer.start(now());
    const auto trace = xenstored().runDir() / "trace";

    ProcessUsage warm;
    std::size_t managedWhileAlive = 0;
    for (int cycle = 1; cycle <= kCycles; ++cycle) {
        const DomId domid = sim.create("churn");
        step(sim::Duration(100));
        managedWhileAlive += balancer.registry().records().contains(domid) ? 1 : 0;
        sim.destroy("churn");
        step(sim::Duration(600));  // past the dying time: Xen frees it
        ASSERT_FALSE(balancer.registry().records().contains(domid)) << "cycle " << cycle;
        if (cycle == kWarmUp) {
            warm = measureUsage(trace);
        }
    }
    const ProcessUsage end = measureUsage(trace);
    std::cout << "[figures] after " << kWarmUp << " cycles: " << warm.describe() << "\n"
              << "[figures] after " << kCycles << " cycles: " << end.describe() << "\n";

    EXPECT_EQ(managedWhileAlive, static_cast<std::size_t>(kCycles));
    EXPECT_EQ(balancer.registry().records().size(), 2U);  // dom0 and steady
    EXPECT_EQ(end.openFds, warm.openFds);
    EXPECT_EQ(end.xenstoredWatches, warm.xenstoredWatches);
    // Allocator noise is a few KiB; a leak of one record per cycle would be hundreds of KiB.
    EXPECT_LT(end.heapBytes, warm.heapBytes + std::size_t{64} * 1024)
        << "heap grew by " << (end.heapBytes - warm.heapBytes) << " bytes";
    if (!underMemoryChecker()) {
        EXPECT_LT(end.rssKiB, warm.rssKiB + 1024)
            << "RSS grew by " << (end.rssKiB - warm.rssKiB) << " KiB";
    }
}

}  // namespace
}  // namespace balloon::reliability
