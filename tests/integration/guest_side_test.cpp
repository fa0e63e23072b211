// The guest side against the real xenstored: balloon-guest publishes its report into a domain
// home laid out as xl does, dom0 decodes it, the balloon(4) controls read max from Xenstore, and
// an unprivileged domU (over the ring) may write the report key itself.
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "cli.h"
#include "controls.h"
#include "domain_tree.h"
#include "exit_status.h"
#include "guest_daemon.h"
#include "guest_fixture.h"
#include "guest_ring_client.h"
#include "linux_balloon.h"
#include "log_capture.h"
#include "real_xenstore_fixture.h"
#include "stats_codec.h"

namespace balloon::guest {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr DomId kGuest = 5;

class GuestSide : public harness::RealXenstore {
protected:
    void SetUp() override {
        RealXenstore::SetUp();
        harness::createDomainHome(xs(), kGuest, mib(1000), mib(2048));
        tree_.linuxGuest(1024000, 600000, 1024000, 1024000);
    }

    DecodeResult publishedReport() {
        const auto text = xs().read(home_ + "/data/balloon-report");
        return text ? decodeReport(*text) : DecodeResult{std::nullopt, "no report"};
    }

    DaemonOptions options() const {
        DaemonOptions o;
        o.root = tree_.root();
        return o;
    }

    const std::string home_ = "/local/domain/5";
    testing::FixtureTree tree_;
    LinuxBalloon backend_{tree_.root()};
    SettingsStore settings_{tree_.root()};
    // What the guest side logged, one message per record.
    std::vector<std::string> log() const { return capture_.messages(); }
    harness::LogCapture capture_;
};

TEST_F(GuestSide, PublishesAReportThatDom0Decodes) {
    ReportPublisher publisher(xs(), home_);
    GuestDaemon daemon(publisher, backend_, settings_, options());
    daemon.start();
    daemon.step(Clock::now(), 1764200000);

    const DecodeResult report = publishedReport();
    ASSERT_TRUE(report) << report.error;
    EXPECT_EQ(report.report->sequence, 1u);
    EXPECT_EQ(report.report->timestamp, 1764200000u);
    EXPECT_EQ(report.report->total, KiB{1024000});
    EXPECT_EQ(report.report->used, KiB{424000});
    EXPECT_EQ(report.report->available, KiB{600000});
    EXPECT_EQ(report.report->guestMin, KiB{45056});  // the safeguard: no min set
    EXPECT_EQ(report.report->scrubsPages, true);
    EXPECT_EQ(xs().read(home_ + "/data/meminfo_total"), "1024000");
    EXPECT_EQ(xs().read(home_ + "/data/meminfo_free"), "600000");
    EXPECT_TRUE(log().empty());
}

TEST_F(GuestSide, ARestartedGuestSideContinuesTheSequence) {
    ReportPublisher publisher(xs(), home_);
    {
        GuestDaemon first(publisher, backend_, settings_, options());
        first.start();
        first.step(Clock::now(), 1);
    }
    GuestDaemon second(publisher, backend_, settings_, options());
    second.start();
    second.step(Clock::now(), 2);
    const DecodeResult report = publishedReport();
    ASSERT_TRUE(report) << report.error;
    EXPECT_EQ(report.report->sequence, 2u);
}

TEST_F(GuestSide, PublishesTheAdminsMinAndRequestAtTheNextWake) {
    ReportPublisher publisher(xs(), home_);
    GuestDaemon daemon(publisher, backend_, settings_, options());
    daemon.start();
    const auto t0 = Clock::now();
    daemon.step(t0, 1);
    BalloonControls controls(backend_, settings_,
                             [&] { return publisher.readKiB("memory/static-max"); });
    controls.setMin(mib(256));
    controls.setTarget(mib(1500));
    daemon.step(t0 + 10ms, 2);
    EXPECT_EQ(daemon.lastReason(), PublishReason::Settings);
    const DecodeResult report = publishedReport();
    ASSERT_TRUE(report) << report.error;
    EXPECT_EQ(report.report->guestMin, mib(256));
    EXPECT_EQ(report.report->requestedTarget, mib(1500));
}

TEST_F(GuestSide, ADamagedStateFileIsReportedButDoesNotStopTheReports) {
    tree_.write("/var/lib/balloon-guest/state", "min=lots\n");
    ReportPublisher publisher(xs(), home_);
    GuestDaemon daemon(publisher, backend_, settings_, options());
    daemon.start();
    daemon.step(Clock::now(), 1);
    EXPECT_TRUE(publishedReport()) << publishedReport().error;
    EXPECT_THAT(log(), ::testing::Contains(HasSubstr("/var/lib/balloon-guest/state")));
}

TEST_F(GuestSide, WarnsAtStartWhenTheKernelDoesNotScrubPages) {
    tree_.write("/sys/devices/system/xen_memory/xen_memory0/scrub_pages", "0\n");
    ReportPublisher publisher(xs(), home_);
    GuestDaemon daemon(publisher, backend_, settings_, options());
    daemon.start();
    ASSERT_EQ(log().size(), 1u);
    EXPECT_THAT(log()[0], HasSubstr("does not scrub pages"));
    daemon.step(Clock::now(), 1);
    EXPECT_EQ(publishedReport().report->scrubsPages, false);
}

TEST_F(GuestSide, TheRunningDaemonKeepsTheFloorWhenDom0TargetsBelowMin) {
    settings_.save(GuestSettings{mib(512), std::nullopt});
    auto client = connectAnother();
    ReportPublisher publisher(*client, home_);
    GuestDaemon daemon(publisher, backend_, settings_, options());
    daemon.start();
    std::atomic<bool> stop{false};
    std::thread loop([&] { daemon.run(stop); });

    // dom0 asks for 300 MiB; the kernel would follow it into its target.
    xs().write(home_ + "/memory/target", "307200");
    tree_.setBalloon(1024000, 307200);
    const auto deadline = Clock::now() + 10s;
    while (tree_.read("/sys/devices/system/xen_memory/xen_memory0/target_kb") != "524288\n" &&
           Clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    stop = true;
    xs().write(home_ + "/memory/target", "307201");  // wakes the loop to see stop
    loop.join();
    EXPECT_EQ(tree_.read("/sys/devices/system/xen_memory/xen_memory0/target_kb"), "524288\n");
    EXPECT_THAT(log(), ::testing::Contains(HasSubstr("raised the kernel's target to 524288 KiB")));
    EXPECT_TRUE(publishedReport()) << publishedReport().error;
}

TEST_F(GuestSide, TheUnprivilegedGuestMayWriteItsReportKeys) {
    harness::GuestRingClient guest(xenstored(), xs(), kGuest);
    GuestReport r;
    r.sequence = 1;
    r.timestamp = 2;
    r.total = KiB{1024000};
    r.used = KiB{424000};
    guest.write(std::string(kReportKey), encodeReport(r));
    guest.write(std::string(kXenServerTotalKey), "1024000");
    guest.write(std::string(kXenServerFreeKey), "600000");
    const DecodeResult report = publishedReport();
    ASSERT_TRUE(report) << report.error;
    EXPECT_EQ(report.report->used, KiB{424000});
    // ... and cannot forge dom0's side of the conversation.
    EXPECT_EQ(harness::errnoOf([&] { guest.write("memory/target", "99999999"); }), EACCES);
}

// The binary itself: what an admin types in the guest, against the real xenstored.
class GuestBinary : public GuestSide {
protected:
    // Runs balloon-guest with args; returns the exit code and fills output (stdout + stderr).
    int run(const std::string& args, std::string& output) {
        const std::string command = "XENSTORED_PATH='" + xenstored().socketPath().string() +
                                    "' '" BALLOON_GUEST_BINARY "' --root '" +
                                    tree_.root().string() + "' --domain-path " + home_ + " " +
                                    args + " 2>&1";
        FILE* pipe = ::popen(command.c_str(), "r");
        if (pipe == nullptr) {
            return -1;
        }
        std::array<char, 512> buf{};
        while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) {
            output += buf.data();
        }
        const int status = ::pclose(pipe);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

TEST_F(GuestBinary, StatusReadsLikeSysctlWithMaxFromXenstore) {
    std::string out;
    ASSERT_EQ(run("status", out), cmdline::kExitOk) << out;
    EXPECT_THAT(out, HasSubstr("balloon.current = 1024000\n"));
    EXPECT_THAT(out, HasSubstr("balloon.min = 45056\n"));
    EXPECT_THAT(out, HasSubstr("balloon.max = 2097152\n"));
    EXPECT_THAT(out, HasSubstr("balloon.target = 1024000\n"));
}

TEST_F(GuestBinary, RefusesATargetAboveMaxWithEpermAndExitStatus3) {
    std::string out;
    EXPECT_EQ(run("set target 2097153", out), cmdline::kExitRefused);
    EXPECT_THAT(out, HasSubstr("above max 2097152 KiB (Operation not permitted)"));
    out.clear();
    EXPECT_EQ(run("set min 1000", out), cmdline::kExitRefused);
    EXPECT_THAT(out, HasSubstr("below the guest's safeguard"));
    out.clear();
    EXPECT_EQ(run("set target 2097152", out), cmdline::kExitOk) << out;
    EXPECT_EQ(tree_.read("/var/lib/balloon-guest/state"), "target=2097152\n");
}

TEST_F(GuestBinary, UsageErrorsExitWith1SayingWhatIsWrong) {
    std::string out;
    EXPECT_EQ(run("set target lots", out), cmdline::kExitUsage);
    EXPECT_THAT(out, HasSubstr("\"lots\" is not a number of KiB"));
    EXPECT_THAT(out, HasSubstr("(see balloon-guest set --help)"));
    out.clear();
    EXPECT_EQ(run("set max 1024", out), cmdline::kExitUsage);
    EXPECT_THAT(out, HasSubstr("neither min nor target"));
    EXPECT_EQ(tree_.read("/var/lib/balloon-guest/state"), "");
}

}  // namespace
}  // namespace balloon::guest
