// [dbus] admin-group: the group read from balloond.toml text and checked as
// balloond's start-up checks it, then callers on a real dbus-daemon, as uid 65534 through
// setpriv with chosen groups: in the group (primary or supplementary) they may change things,
// outside it they are refused with the group named. Runs as root, like authorization_test.
#include <csignal>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include "balloond_on_bus.h"
#include "config.h"
#include "dbus_auth.h"

namespace balloon::dbustest {
namespace {

using ::testing::HasSubstr;

// Debian's "users" (gid 100): a group uid 65534 is not a member of in /etc/group.
constexpr const char* kGroup = "users";
constexpr const char* kGroupId = "100";

Config configFrom(const std::string& text) {
    std::istringstream in(text);
    Config config = parseConfig(in, "balloond.toml").config;
    daemon::requireAdminGroup(config.dbus);
    return config;
}

class ConfiguredAdminGroup : public BalloondOnBus {
protected:
    void SetUp() override {
        ASSERT_EQ(geteuid(), 0U) << "callers run as uid 65534 through setpriv, which needs root: "
                                    "run the dbus suite as root (sudo meson test --suite dbus)";
        // A SIGHUP sent to this process must reach balloond's signalfd, not end the process:
        // blocked here, before balloond's thread starts, so every thread blocks it.
        sigset_t hup;
        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &hup, nullptr), 0);
        BalloondOnBus::SetUp();
    }
    [[nodiscard]] std::string adminGroup() const override {
        return configFrom(std::string("[dbus]\nadmin-group = \"") + kGroup + "\"\n")
            .dbus.adminGroup;
    }
    // balloonctl as uid 65534 with exactly these groups (setpriv's own options).
    RunResult ctlAs(const std::vector<std::string>& groups, const std::vector<std::string>& args) {
        std::vector<std::string> argv{"setpriv", "--reuid=65534"};
        argv.insert(argv.end(), groups.begin(), groups.end());
        argv.emplace_back("--");
        argv.emplace_back(balloonctlPath());
        argv.insert(argv.end(), args.begin(), args.end());
        SpawnSpec options;
        options.setEnv = {{"BALLOONCTL_BUS_ADDRESS", address()}};
        return run(argv, options);
    }
};

TEST_F(ConfiguredAdminGroup, ACallerWithTheGroupAsSupplementaryGroupMaySetATarget) {
    const DomId web = domid("web");
    const RunResult r =
        ctlAs({"--regid=65534", std::string("--groups=") + kGroupId}, {"set", "web", "768M"});
    EXPECT_EQ(r.exitCode, 0) << r.both();
    EXPECT_EQ(xsRead(web, "memory/target"), std::to_string(768 * 1024));
}

TEST_F(ConfiguredAdminGroup, ACallerWithTheGroupAsPrimaryGroupMayPinAndRelease) {
    const std::vector<std::string> groups{std::string("--regid=") + kGroupId, "--clear-groups"};
    const RunResult set = ctlAs(groups, {"set", "db", "640M"});
    EXPECT_EQ(set.exitCode, 0) << set.both();
    EXPECT_EQ(xsRead(domid("db"), "memory/target"), std::to_string(640 * 1024));
    const RunResult release = ctlAs(groups, {"auto", "db"});
    EXPECT_EQ(release.exitCode, 0) << release.both();
}

TEST_F(ConfiguredAdminGroup, ACallerOutsideTheGroupIsRefusedAndToldWhichGroupWouldDo) {
    const DomId web = domid("web");
    const RunResult r = ctlAs({"--regid=65534", "--clear-groups"}, {"set", "web", "512M"});
    EXPECT_EQ(r.exitCode, 4) << r.both();
    EXPECT_THAT(r.err, HasSubstr("root or members of group users only"));
    EXPECT_THAT(r.err, HasSubstr("uid 65534"));
    EXPECT_EQ(xsRead(web, "memory/target"), "1048576");
}

TEST_F(ConfiguredAdminGroup, AReloadAppliesTheGroupOfTheNewConfigurationToTheNextCall) {
    const std::vector<std::string> member{"--regid=65534", std::string("--groups=") + kGroupId};
    const RunResult before = ctlAs(member, {"set", "web", "896M"});
    ASSERT_EQ(before.exitCode, 0) << before.both();
    // systemctl reload's signal. The configuration balloond reloads is the suite's test
    // configuration, which names no admin group: root only from then on.
    ASSERT_EQ(kill(getpid(), SIGHUP), 0);
    RunResult after;
    EXPECT_TRUE(eventually([&] {
        after = ctlAs(member, {"set", "web", "640M"});
        return after.exitCode == 4;
    })) << after.both();
    EXPECT_THAT(after.err, HasSubstr("root only"));
    EXPECT_EQ(xsRead(domid("web"), "memory/target"), std::to_string(896 * 1024));
}

TEST(AdminGroupConfig, AGroupTheHostDoesNotHaveIsAConfigErrorNamingItAndItsPlace) {
    try {
        (void)configFrom("[dbus]\nadmin-group = \"balloond-no-such-group\"\n");
        FAIL() << "an unknown group was accepted";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("balloond.toml:2:15: [dbus] admin-group: there is no "
                                        "group \"balloond-no-such-group\" on this host"));
        EXPECT_THAT(e.what(), HasSubstr("groupadd balloond-no-such-group"));
    }
}

TEST(AdminGroupConfig, NoGroupMeansRootOnlyAndNeedsNoLookup) {
    EXPECT_EQ(configFrom("").dbus.adminGroup, "");
    EXPECT_EQ(configFrom("[dbus]\nadmin-group = \"\"\n").dbus.adminGroup, "");
}

}  // namespace
}  // namespace balloon::dbustest
