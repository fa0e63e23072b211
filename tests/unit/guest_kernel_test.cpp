// The guest side's readers of /proc and the xen_memory sysfs, on fixture trees.
#include <stdexcept>

#include <gtest/gtest.h>

#include "guest_fixture.h"
#include "kernel_stats.h"
#include "linux_balloon.h"

namespace balloon::guest {
namespace {

using testing::FixtureTree;

TEST(Meminfo, ParsesTheFieldsTheReportNeeds) {
    const Meminfo m = parseMeminfo(
        "MemTotal:        2048000 kB\nMemFree:          300000 kB\nMemAvailable:    1148000 kB\n"
        "Buffers:           10000 kB\nCached:           690000 kB\nSwapCached:            0 kB\n"
        "SwapTotal:        102400 kB\nSwapFree:          98304 kB\nHugePages_Total:       0\n");
    EXPECT_EQ(m.total, KiB{2048000});
    EXPECT_EQ(m.free, KiB{300000});
    EXPECT_EQ(m.available, KiB{1148000});
    EXPECT_EQ(m.buffers + m.cached, KiB{700000});
    EXPECT_EQ(m.swapTotal - m.swapFree, KiB{4096});
}

TEST(Meminfo, WithoutMemAvailableUsedCountsCachesAsFree) {
    KernelStats stats;
    stats.meminfo =
        parseMeminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n");
    EXPECT_FALSE(stats.meminfo.available);
    EXPECT_EQ(stats.used(), KiB{600});
}

TEST(Meminfo, RefusesGarbageAndMissingTotals) {
    EXPECT_THROW(parseMeminfo("MemTotal: lots kB\nMemFree: 1 kB\n"), std::runtime_error);
    EXPECT_THROW(parseMeminfo("MemTotal: -5 kB\nMemFree: 1 kB\n"), std::runtime_error);
    EXPECT_THROW(parseMeminfo("MemFree: 1 kB\n"), std::runtime_error);
    EXPECT_THROW(parseMeminfo("MemTotal: 99999999999999999999999 kB\nMemFree: 1 kB\n"),
                 std::runtime_error);
}

TEST(Vmstat, SumsRefaultCountersOfBothKinds) {
    const VmCounters c = parseVmstat(
        "pgmajfault 42\npswpin 3\npswpout 4\nworkingset_refault_anon 5\n"
        "workingset_refault_file 6\nnr_free_pages 1\n");
    EXPECT_EQ(c.majorFaults, 42u);
    EXPECT_EQ(c.swapInPages, 3u);
    EXPECT_EQ(c.swapOutPages, 4u);
    EXPECT_EQ(c.refaults, 11u);
}

TEST(Vmstat, OlderKernelsHaveOneRefaultCounterAndNoneIsAbsent) {
    EXPECT_EQ(parseVmstat("workingset_refault 9\n").refaults, 9u);
    EXPECT_FALSE(parseVmstat("pswpin 1\n").refaults);
}

TEST(Pressure, ReadsSomeAvg10InHundredthsOfAPercent) {
    EXPECT_EQ(parsePressure("some avg10=12.34 avg60=1.00 avg300=0.00 total=99\n"
                            "full avg10=50.00 avg60=0.00 avg300=0.00 total=9\n"),
              1234u);
    EXPECT_EQ(parsePressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"), 0u);
    EXPECT_EQ(parsePressure("some avg10=100.00 avg60=0.00 avg300=0.00 total=0\n"), 10000u);
}

TEST(Pressure, RefusesMalformedAverages) {
    EXPECT_THROW(parsePressure("some avg10=1.5 avg60=0.00\n"), std::runtime_error);
    EXPECT_THROW(parsePressure("some avg10=x.00 avg60=0.00\n"), std::runtime_error);
    EXPECT_THROW(parsePressure("some avg10=100.01 avg60=0.00\n"), std::runtime_error);
    EXPECT_THROW(parsePressure("some avg60=0.00\n"), std::runtime_error);
}

TEST(KernelStats, ReadsAFixtureTreeAndTreatsPsiAsOptional) {
    const FixtureTree tree;
    tree.linuxGuest(1024000, 600000, 1024000, 1024000);
    KernelStats stats = readKernelStats(tree.root());
    EXPECT_EQ(stats.meminfo.total, KiB{1024000});
    EXPECT_EQ(stats.used(), KiB{424000});
    EXPECT_EQ(stats.counters.refaults, 15u);
    EXPECT_FALSE(stats.psiSomeAvg10);

    tree.write("/proc/pressure/memory", "some avg10=3.10 avg60=0.00 avg300=0.00 total=5\n");
    stats = readKernelStats(tree.root());
    EXPECT_EQ(stats.psiSomeAvg10, 310u);
}

TEST(KernelStats, MissingMeminfoSaysWhichFile) {
    const FixtureTree tree;
    try {
        readKernelStats(tree.root());
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/proc/meminfo"), std::string::npos) << e.what();
    }
}

TEST(LinuxBalloon, ReadsAndWritesTheXenMemorySysfs) {
    const FixtureTree tree;
    tree.linuxGuest(1024000, 600000, 1000000, 900000);
    LinuxBalloon balloon(tree.root());
    EXPECT_EQ(balloon.current(), KiB{1000000});
    EXPECT_EQ(balloon.kernelTarget(), KiB{900000});
    balloon.setKernelTarget(KiB{950000});
    EXPECT_EQ(tree.read("/sys/devices/system/xen_memory/xen_memory0/target_kb"), "950000\n");
    EXPECT_EQ(balloon.kernelTarget(), KiB{950000});
}

TEST(LinuxBalloon, ReportsWhetherTheKernelScrubsPages) {
    const FixtureTree tree;
    tree.linuxGuest(1024000, 600000, 1000000, 900000);
    LinuxBalloon balloon(tree.root());
    EXPECT_EQ(balloon.scrubsPages(), true);
    tree.write("/sys/devices/system/xen_memory/xen_memory0/scrub_pages", "0\n");
    EXPECT_EQ(balloon.scrubsPages(), false);
    std::filesystem::remove(tree.path("/sys/devices/system/xen_memory/xen_memory0/scrub_pages"));
    EXPECT_EQ(balloon.scrubsPages(), std::nullopt);
}

TEST(LinuxBalloon, SafeguardIsMinFreePlus256PagesPlusWhatTheKernelHolds) {
    const FixtureTree tree;
    tree.linuxGuest(1024000, 600000, 1000000, 900000);
    // 11264 min_free_kbytes + 1024 (256 pages) + 20480 SUnreclaim + 4096 + 8192
    EXPECT_EQ(LinuxBalloon(tree.root()).safeguard(), KiB{45056});
}

TEST(LinuxBalloon, WithoutTheDriverTheErrorSaysWhatToCheck) {
    const FixtureTree tree;
    LinuxBalloon balloon(tree.root());
    try {
        (void)balloon.current();
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("xen_balloon"), std::string::npos) << e.what();
    }
}

TEST(LinuxBalloon, RefusesANonNumericSysfsValue) {
    const FixtureTree tree;
    tree.linuxGuest(1024000, 600000, 1000000, 900000);
    tree.write("/sys/devices/system/xen_memory/xen_memory0/info/current_kb", "lots\n");
    EXPECT_THROW((void)LinuxBalloon(tree.root()).current(), std::runtime_error);
}

}  // namespace
}  // namespace balloon::guest
