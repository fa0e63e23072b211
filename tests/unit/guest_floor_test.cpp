// Keeping the guest's floor and the balloon(4) diagnostic, on a fixture sysfs tree.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "floor_enforcer.h"
#include "guest_fixture.h"
#include "linux_balloon.h"
#include "log_capture.h"

namespace balloon::guest {
namespace {

using std::chrono::seconds;

class AFloorEnforcer : public ::testing::Test {
protected:
    AFloorEnforcer() { tree_.linuxGuest(1024000, 600000, 1024000, 1024000); }

    std::vector<std::string> messages() const { return log_.messages(); }
    std::vector<std::string> diagnostics() const {
        std::vector<std::string> out;
        for (const auto& m : messages()) {
            if (m.find("could not reach target") != std::string::npos) {
                out.push_back(m);
            }
        }
        return out;
    }
    bool check(seconds at, std::optional<KiB> min) {
        return enforcer_.check(Clock::time_point{} + at, balloon_, min);
    }

    testing::FixtureTree tree_;
    LinuxBalloon balloon_{tree_.root()};
    harness::LogCapture log_;
    FloorEnforcer enforcer_;
};

TEST_F(AFloorEnforcer, RaisesTheKernelTargetToMinAndSaysSo) {
    tree_.setBalloon(1024000, 300000);  // dom0 asked for 300000 KiB
    EXPECT_TRUE(check(seconds(0), mib(512)));
    EXPECT_EQ(tree_.read("/sys/devices/system/xen_memory/xen_memory0/target_kb"), "524288\n");
    const auto messages = this->messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0].find("below the guest's min of 524288 KiB"), std::string::npos)
        << messages[0];
    EXPECT_NE(messages[0].find("300000"), std::string::npos) << messages[0];
}

TEST_F(AFloorEnforcer, LeavesATargetAtOrAboveMinAlone) {
    tree_.setBalloon(1024000, 524288);
    EXPECT_FALSE(check(seconds(0), mib(512)));
    EXPECT_FALSE(check(seconds(1), std::nullopt));
    EXPECT_EQ(tree_.read("/sys/devices/system/xen_memory/xen_memory0/target_kb"), "524288\n");
    EXPECT_TRUE(messages().empty());
}

TEST_F(AFloorEnforcer, ReportsAnUnreachedTargetOnlyAfterTheDriverHadTimeToTry) {
    tree_.setBalloon(900000, 600000);
    check(seconds(0), std::nullopt);
    check(seconds(19), std::nullopt);
    EXPECT_TRUE(diagnostics().empty());
    check(seconds(20), std::nullopt);
    ASSERT_EQ(diagnostics().size(), 1u);
    EXPECT_EQ(diagnostics()[0], "balloon could not reach target 600000 KiB (current 900000 KiB)");
}

TEST_F(AFloorEnforcer, RateLimitsTheDiagnosticWhileStuck) {
    tree_.setBalloon(900000, 600000);
    for (int s = 0; s <= 319; ++s) {
        check(seconds(s), std::nullopt);
    }
    EXPECT_EQ(diagnostics().size(), 1u);  // at 20 s; the next is due at 320 s
    check(seconds(320), std::nullopt);
    EXPECT_EQ(diagnostics().size(), 2u);
}

TEST_F(AFloorEnforcer, StaysQuietWhenTheKernelGetsThereInTime) {
    tree_.setBalloon(900000, 600000);
    check(seconds(0), std::nullopt);
    tree_.setBalloon(600512, 600000);  // within the 1 MiB tolerance
    check(seconds(10), std::nullopt);
    check(seconds(40), std::nullopt);
    EXPECT_TRUE(diagnostics().empty());
}

TEST_F(AFloorEnforcer, ANewTargetRestartsTheGracePeriod) {
    tree_.setBalloon(900000, 600000);
    check(seconds(0), std::nullopt);
    tree_.setBalloon(900000, 700000);
    check(seconds(15), std::nullopt);
    check(seconds(25), std::nullopt);  // 10 s into the new target
    EXPECT_TRUE(diagnostics().empty());
    check(seconds(35), std::nullopt);
    ASSERT_EQ(diagnostics().size(), 1u);
    EXPECT_NE(diagnostics()[0].find("target 700000 KiB"), std::string::npos);
}

}  // namespace
}  // namespace balloon::guest
