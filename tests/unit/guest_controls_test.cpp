// The balloon(4) controls: validation with EPERM-style errors, persistence, status output.
#include <stdexcept>

#include <gtest/gtest.h>

#include "controls.h"
#include "guest_fixture.h"
#include "guest_state.h"
#include "linux_balloon.h"
#include "netbsd_balloon.h"
#include "report_builder.h"
#include "stats_codec.h"

namespace balloon::guest {
namespace {

constexpr std::string_view kTargetFile = "/sys/devices/system/xen_memory/xen_memory0/target_kb";

class Controls : public ::testing::Test {
protected:
    Controls() { tree_.linuxGuest(1024000, 600000, 1000000, 1000000); }

    testing::FixtureTree tree_;
    LinuxBalloon backend_{tree_.root()};
    SettingsStore store_{tree_.root()};
    std::optional<KiB> max_ = KiB{2097152};
    BalloonControls controls_{backend_, store_, [this] { return max_; }};
};

TEST(ControlChecks, RefuseMinBelowTheSafeguardOrAboveMax) {
    EXPECT_EQ(checkMin(KiB{100}, KiB{100}, KiB{200}), "");
    const std::string low = checkMin(KiB{99}, KiB{100}, KiB{200});
    EXPECT_NE(low.find("below the guest's safeguard of 100 KiB"), std::string::npos) << low;
    EXPECT_NE(low.find("Operation not permitted"), std::string::npos) << low;
    EXPECT_NE(checkMin(KiB{201}, KiB{100}, KiB{200}).find("above max"), std::string::npos);
}

TEST(ControlChecks, RefuseTargetBelowMinOrAboveMax) {
    EXPECT_EQ(checkTarget(KiB{100}, KiB{100}, KiB{200}), "");
    EXPECT_EQ(checkTarget(KiB{200}, KiB{100}, KiB{200}), "");
    EXPECT_NE(checkTarget(KiB{99}, KiB{100}, KiB{200}).find("below min 100 KiB"),
              std::string::npos);
    EXPECT_NE(checkTarget(KiB{201}, KiB{100}, KiB{200}).find("above max 200 KiB"),
              std::string::npos);
    EXPECT_THROW(checkTarget(KiB{150}, KiB{100}, std::nullopt), std::runtime_error);
}

TEST_F(Controls, StatusReadsLikeSysctl) {
    EXPECT_EQ(formatStatus(controls_.status()),
              "balloon.current = 1000000\n"
              "balloon.min = 45056\n"
              "balloon.max = 2097152\n"
              "balloon.target = 1000000\n"
              "balloon.safeguard = 45056\n"
              "balloon.scrub_pages = 1\n");
}

TEST_F(Controls, SetMinPersistsAndRefusesBelowTheSafeguard) {
    EXPECT_THROW(controls_.setMin(KiB{45055}), ControlRefused);
    EXPECT_FALSE(store_.load().min);
    controls_.setMin(KiB{262144});
    EXPECT_EQ(store_.load().min, KiB{262144});
    EXPECT_EQ(tree_.read("/var/lib/balloon-guest/state"), "min=262144\n");
}

TEST_F(Controls, SetMinRaisesALowerKernelTargetAndRequest) {
    controls_.setTarget(KiB{300000});
    controls_.setMin(KiB{400000});
    EXPECT_EQ(store_.load().target, KiB{400000});
    EXPECT_EQ(tree_.read(kTargetFile), "400000\n");
}

TEST_F(Controls, SetTargetPersistsTheRequestAndHandsItToTheKernel) {
    controls_.setTarget(KiB{1500000});
    EXPECT_EQ(store_.load().target, KiB{1500000});
    EXPECT_EQ(tree_.read(kTargetFile), "1500000\n");
    EXPECT_NE(formatStatus(controls_.status()).find("balloon.requested = 1500000\n"),
              std::string::npos);
}

TEST_F(Controls, SetTargetRefusesBelowMinAndAboveMax) {
    controls_.setMin(KiB{262144});
    EXPECT_THROW(controls_.setTarget(KiB{262143}), ControlRefused);
    EXPECT_THROW(controls_.setTarget(KiB{2097153}), ControlRefused);
    EXPECT_FALSE(store_.load().target);
    EXPECT_EQ(tree_.read(kTargetFile), "1000000\n");
}

TEST_F(Controls, UnsetForgetsASetting) {
    controls_.setMin(KiB{262144});
    controls_.setTarget(KiB{500000});
    controls_.unsetTarget();
    EXPECT_EQ(store_.load(), (GuestSettings{KiB{262144}, std::nullopt}));
    controls_.unsetMin();
    EXPECT_EQ(store_.load(), GuestSettings{});
}

TEST(GuestSettingsFile, RoundTripsAndRefusesGarbage) {
    const GuestSettings s{KiB{1}, KiB{2}};
    EXPECT_EQ(parseSettings(formatSettings(s)), s);
    EXPECT_THROW(parseSettings("min=1\nmin=2\n"), std::runtime_error);
    EXPECT_THROW(parseSettings("max=1\n"), std::runtime_error);
    EXPECT_THROW(parseSettings("min=-1\n"), std::runtime_error);
    EXPECT_THROW(parseSettings("min 1\n"), std::runtime_error);
}

TEST(GuestSettingsFile, ACorruptFileNamesItselfInTheError) {
    const testing::FixtureTree tree;
    tree.write("/var/lib/balloon-guest/state", "min=lots\n");
    try {
        (void)SettingsStore(tree.root()).load();
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/var/lib/balloon-guest/state"), std::string::npos);
    }
}

TEST(ReportBuilder, ClampsAndTakesCounterDeltas) {
    KernelStats stats;
    stats.meminfo.total = KiB{1000};
    stats.meminfo.free = KiB{100};
    stats.meminfo.available = KiB{400};
    stats.meminfo.cached = KiB{300};
    stats.counters = {10, 20, 30, std::uint64_t{40}};
    const VmCounters baseline{4, 25, 0, std::uint64_t{1}};
    ReportContext context;
    context.sequence = 7;
    context.min = KiB{500};
    context.requestedTarget = KiB{400};  // below min: raised
    const GuestReport r = buildReport(stats, baseline, context);
    EXPECT_EQ(r.used, KiB{600});
    EXPECT_EQ(r.swapInPages, 6u);
    EXPECT_EQ(r.swapOutPages, 20u);  // went backwards: counts from 0
    EXPECT_EQ(r.refaults, 39u);
    EXPECT_EQ(r.requestedTarget, KiB{500});
    EXPECT_TRUE(decodeReport(encodeReport(r))) << encodeReport(r);
}

TEST(NetbsdSysctl, ParsesBothTreeNames) {
    const auto now = parseNetbsdSysctl(
        "machdep.xen.balloon.current = 524288\nmachdep.xen.balloon.min = 65536\n"
        "machdep.xen.balloon.max = 1048576\nmachdep.xen.balloon.target = 524288\n");
    EXPECT_EQ(now.current, KiB{524288});
    EXPECT_EQ(now.min, KiB{65536});
    EXPECT_EQ(now.max, KiB{1048576});
    const auto old = parseNetbsdSysctl(
        "kern.xen.balloon.current = 1\nkern.xen.balloon.min = 2\n"
        "kern.xen.balloon.max = 3\nkern.xen.balloon.target = 4");
    EXPECT_EQ(old.target, KiB{4});
}

TEST(NetbsdSysctl, RefusesIncompleteOrForeignOutput) {
    EXPECT_THROW(parseNetbsdSysctl("machdep.xen.balloon.current = 1\n"), std::runtime_error);
    EXPECT_THROW(parseNetbsdSysctl("machdep.xen.balloon.current = 1\nkern.xen.balloon.min = 2\n"
                                   "machdep.xen.balloon.max = 3\nmachdep.xen.balloon.target = 4\n"),
                 std::runtime_error);
    EXPECT_THROW(parseNetbsdSysctl("sysctl: unknown variable"), std::runtime_error);
    EXPECT_THROW(parseNetbsdSysctl("machdep.xen.balloon.current = 1\n"
                                   "machdep.xen.balloon.current = 1\n"
                                   "machdep.xen.balloon.max = 3\nmachdep.xen.balloon.target = 4\n"
                                   "machdep.xen.balloon.min = 2\n"),
                 std::runtime_error);
    EXPECT_THROW(parseNetbsdSysctl("machdep.xen.balloon.current: 1\n"), std::runtime_error);
}

TEST(NetbsdBalloon, IsABackendOverInjectedSysctlAccess) {
    std::string written;
    NetbsdBalloon backend(
        [] {
            return std::string(
                "machdep.xen.balloon.current = 500\nmachdep.xen.balloon.min = 100\n"
                "machdep.xen.balloon.max = 900\nmachdep.xen.balloon.target = 600\n");
        },
        [&](std::string_view name, KiB value) {
            written = std::string(name) + "=" + std::to_string(value.count());
        });
    EXPECT_EQ(backend.current(), KiB{500});
    EXPECT_EQ(backend.kernelTarget(), KiB{600});
    EXPECT_EQ(backend.scrubsPages(), true);
    backend.setKernelTarget(KiB{700});
    EXPECT_EQ(written, "target=700");
}

}  // namespace
}  // namespace balloon::guest
