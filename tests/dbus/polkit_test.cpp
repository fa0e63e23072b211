// polkit for callers who are neither root nor in the admin group: balloond asks the real polkitd
// (/usr/lib/polkit-1/polkitd, as on a host) on a private real dbus-daemon that loads the
// project's bus policy and polkit's own. polkitd runs in a mount namespace of its own
// (unshare --mount) whose actions and rules directories are bind mounts of this test's: the
// project's .policy and a rule that allows uid 65534 ("nobody") org.balloond.Balloon1.manage
// and denies it to "daemon" (uid 1); "bin" (uid 2) meets the .policy's default (auth_admin).
// Nothing on the host changes. Callers run through setpriv, so the test needs root; a missing
// polkitd, unshare or root fails the test (it is never skipped).
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "balloond_on_bus.h"
#include "private_dir.h"

namespace balloon::dbustest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPolkitd = "/usr/lib/polkit-1/polkitd";
constexpr const char* kPolkitBusPolicy =
    "/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf";
constexpr auto kPolkitStart = std::chrono::seconds(15);

constexpr const char* kRule = R"(polkit.addRule(function(action, subject) {
    if (action.id == "org.balloond.Balloon1.manage" && subject.user == "nobody") {
        return polkit.Result.YES;
    }
    if (action.id.indexOf("org.balloond.Balloon1.") == 0 && subject.user == "daemon") {
        return polkit.Result.NO;
    }
});
)";

// One guest is enough: who may change its target is all this tests.
constexpr const char* kScenario = R"(
[host]
memory = "4G"
dom0 = "512M"

[[domain]]
name = "web"
memory = "1G"
maxmem = "2G"
)";

// dbus/org.balloond.Balloon1.<extension> in this source tree.
std::filesystem::path projectFile(const char* extension) {
    return std::filesystem::path(BALLOON_DBUS_XML).replace_extension(extension);
}

std::string readAll(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeFile(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file) << text;
    chmod(file.c_str(), 0644);
}

std::filesystem::path makeDir(const std::filesystem::path& path) {
    std::filesystem::create_directory(path);
    chmod(path.c_str(), 0755);  // polkitd reads it as user polkitd
    return path;
}

class Polkit : public harness::RealXenstore {
protected:
    void SetUp() override {
        ASSERT_EQ(geteuid(), 0U) << "polkitd, unshare --mount and setpriv need root: run the "
                                    "dbus suite as root (sudo meson test --suite dbus)";
        ASSERT_TRUE(std::filesystem::exists(kPolkitd))
            << kPolkitd << " is missing: install polkitd (deps/debian-packages.txt)";
        ASSERT_TRUE(std::filesystem::exists(kPolkitBusPolicy)) << kPolkitBusPolicy << " is missing";
        RealXenstore::SetUp();
        dir_ = sandbox::makePrivateDir(sandbox::temporaryParent(), "balloon-polkit-");
        chmod(dir_.c_str(), 0755);
        // The bus loads the project's policy and polkit's, as a host's system bus does.
        writeFile(
            dir_ / "policies.conf",
            R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>)" + projectFile(".conf").string() +
                "</include>\n  <include>" + kPolkitBusPolicy + "</include>\n</busconfig>\n");
        sandbox::PrivateBusOptions busOptions;
        busOptions.servicePolicy = dir_ / "policies.conf";
        busOptions.reachableByAll = true;
        bus_ = std::make_unique<PrivateBus>(busOptions);
        startPolkitd();
        Config config;
        config.policy.kind = PolicyKind::Off;
        config.intervals.sample = std::chrono::milliseconds(200);
        balloond_ = std::make_unique<BalloondThread>(
            BalloondSetup{kScenario, config, bus_->address(), {}, {}});
    }

    void TearDown() override {
        balloond_.reset();
        if (polkitd_) {
            polkitd_->signal(SIGCONT);
            polkitd_->stop(SIGTERM, std::chrono::seconds(2));
        }
        polkitd_.reset();
        bus_.reset();
        if (HasFailure()) {
            std::cerr << "polkitd's output:\n" << readAll(dir_ / "polkitd.log");
        }
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        RealXenstore::TearDown();
    }

    // polkitd with this test's actions and rules, in a mount namespace of its own.
    void startPolkitd() {
        const auto actions = makeDir(dir_ / "actions");
        const auto rules = makeDir(dir_ / "rules");
        const auto noRules = makeDir(dir_ / "no-rules");
        std::filesystem::copy_file(projectFile(".policy"),
                                   actions / "org.balloond.Balloon1.policy");
        chmod((actions / "org.balloond.Balloon1.policy").c_str(), 0644);
        writeFile(rules / "10-balloond-test.rules", kRule);
        const std::string script =
            "mount --bind " + actions.string() + " /usr/share/polkit-1/actions && mount --bind " +
            rules.string() + " /etc/polkit-1/rules.d && mount --bind " + noRules.string() +
            " /usr/share/polkit-1/rules.d && exec " + kPolkitd;
        SpawnSpec spec;
        spec.argv = {"unshare", "--mount", "--propagation", "private", "sh", "-c", script};
        spec.setEnv = {{"DBUS_SYSTEM_BUS_ADDRESS", bus_->address()}};
        spec.errToOut = true;
        spec.out = sandbox::Output::truncateTo(dir_ / "polkitd.log");
        polkitd_.emplace(std::move(spec));
        const auto deadline = std::chrono::steady_clock::now() + kPolkitStart;
        while (!polkitOnBus()) {
            ASSERT_TRUE(polkitd_->running()) << "polkitd exited: " << readAll(dir_ / "polkitd.log");
            ASSERT_LT(std::chrono::steady_clock::now(), deadline)
                << "polkitd did not take org.freedesktop.PolicyKit1 within " << kPolkitStart.count()
                << " s: " << readAll(dir_ / "polkitd.log");
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    bool polkitOnBus() {
        const RunResult r =
            send({"--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                  "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.PolicyKit1"});
        return r.out.find("boolean true") != std::string::npos;
    }

    void stopPolkitd() {
        polkitd_->stop(SIGTERM, std::chrono::seconds(2));
        polkitd_.reset();
        ASSERT_FALSE(polkitOnBus());
    }

    // dbus-send (no interactive authorization) as `user`, or as root when empty.
    RunResult send(const std::vector<std::string>& args, const std::string& user = {}) {
        std::vector<std::string> argv;
        if (!user.empty()) {
            const passwd* account = getpwnam(user.c_str());
            if (account == nullptr) {
                ADD_FAILURE() << "no user " << user << " on this host";
                return {};
            }
            argv = {"setpriv", "--reuid=" + std::to_string(account->pw_uid),
                    "--regid=" + std::to_string(account->pw_gid), "--clear-groups", "--"};
        }
        argv.insert(argv.end(), {"dbus-send", "--system", "--print-reply"});
        argv.insert(argv.end(), args.begin(), args.end());
        SpawnSpec options;
        options.setEnv = {{"DBUS_SYSTEM_BUS_ADDRESS", bus_->address()}};
        return run(argv, options);
    }

    RunResult manager(const std::string& member, const std::vector<std::string>& args,
                      const std::string& user) {
        std::vector<std::string> all{"--dest=org.balloond.Balloon1", "/org/balloond/Balloon1",
                                     "org.balloond.Balloon1.Manager." + member};
        all.insert(all.end(), args.begin(), args.end());
        return send(all, user);
    }

    RunResult setTarget(const std::string& size, const std::string& user) {
        return manager("SetTarget", {"string:web", "string:" + size}, user);
    }

    std::string target() {
        std::optional<DomId> web;
        balloond_->post([&](World& world) { web = world.sim.domid("web"); });
        return xs().read(xs().domainPath(web.value()) + "/memory/target").value_or("");
    }

    // A caller polkit was asked about while polkitd was frozen: refused once the wait was over.
    static void expectRefusedWhenPolkitsTimeWasUp(const RunResult& refused,
                                                  std::chrono::steady_clock::duration took) {
        EXPECT_NE(refused.exitCode, 0);
        EXPECT_THAT(refused.err, HasSubstr("org.balloond.Balloon1.Error.NotAuthorized"));
        EXPECT_THAT(refused.err,
                    HasSubstr("polkit could not be asked about org.balloond.Balloon1.manage"));
        EXPECT_THAT(refused.err, HasSubstr("org.freedesktop.DBus.Error.Timeout"));
        EXPECT_GE(took, std::chrono::seconds(4));
        EXPECT_LT(took, std::chrono::seconds(10));
    }

    std::filesystem::path dir_;
    std::unique_ptr<PrivateBus> bus_;
    std::optional<ChildProcess> polkitd_;
    std::unique_ptr<BalloondThread> balloond_;
};

TEST_F(Polkit, AUserARuleAllowsManageMayChangeTargetsButNotReserve) {
    const RunResult set = setTarget("512M", "nobody");
    EXPECT_EQ(set.exitCode, 0) << set.both();
    EXPECT_THAT(set.out, HasSubstr("uint64 524288"));
    EXPECT_EQ(target(), "524288");
    // Reserve needs org.balloond.Balloon1.reserve, which the rule does not grant: the default
    // (auth_admin) wants a password, and dbus-send does not allow interactive authorization.
    const RunResult reserve =
        manager("Reserve", {"string:64M", "uint32:1000", "uint32:0"}, "nobody");
    EXPECT_NE(reserve.exitCode, 0);
    EXPECT_THAT(reserve.err, HasSubstr("org.balloond.Balloon1.Error.NotAuthorized"));
    EXPECT_THAT(reserve.err, HasSubstr("org.balloond.Balloon1.reserve"));
    EXPECT_THAT(reserve.err, HasSubstr("did not allow interactive authorization"));
}

TEST_F(Polkit, AUserARuleDeniesIsRefusedWithTheActionNamed) {
    const RunResult r = setTarget("512M", "daemon");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_THAT(r.err, HasSubstr("org.balloond.Balloon1.Error.NotAuthorized"));
    EXPECT_THAT(r.err, HasSubstr("polkit does not allow you org.balloond.Balloon1.manage"));
    EXPECT_THAT(r.err, HasSubstr("uid 1, :1."));
    EXPECT_THAT(r.err, HasSubstr("have a polkit rule allow org.balloond.Balloon1.manage"));
    EXPECT_EQ(target(), "1048576");
}

TEST_F(Polkit, AUserNoRuleMentionsNeedsToAuthenticateInteractively) {
    const RunResult r = manager("Rebalance", {}, "bin");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_THAT(r.err, HasSubstr("org.balloond.Balloon1.Error.NotAuthorized"));
    EXPECT_THAT(r.err, HasSubstr("polkit would allow org.balloond.Balloon1.manage after "
                                 "authentication, but the call did not allow interactive"));
    EXPECT_THAT(r.err, HasSubstr("pkexec"));
}

TEST_F(Polkit, ACallThatAllowsInteractiveAuthorizationLetsPolkitAskForAPassword) {
    const passwd* bin = getpwnam("bin");
    ASSERT_NE(bin, nullptr);
    const RunResult r =
        run({"setpriv", "--reuid=" + std::to_string(bin->pw_uid),
             "--regid=" + std::to_string(bin->pw_gid), "--clear-groups", "--", "busctl",
             "--address=" + bus_->address(), "--allow-interactive-authorization=yes", "call",
             "org.balloond.Balloon1", "/org/balloond/Balloon1", "org.balloond.Balloon1.Manager",
             "Rebalance"});
    // No authentication agent runs here, so polkit cannot ask anyone; balloond says so, rather
    // than telling the caller to allow the interaction it did allow.
    EXPECT_NE(r.exitCode, 0);
    EXPECT_THAT(r.err, HasSubstr("polkit wants you to authenticate for "
                                 "org.balloond.Balloon1.manage, but no authentication agent"));
    EXPECT_THAT(r.err, Not(HasSubstr("did not allow interactive")));
}

TEST_F(Polkit, ReadsNeedNoPolkitForAllowedAndDeniedUsersAlike) {
    for (const std::string user : {"nobody", "daemon"}) {
        const RunResult plan = manager("GetPlan", {}, user);
        EXPECT_EQ(plan.exitCode, 0) << user << "\n" << plan.both();
        const RunResult total =
            send({"--dest=org.balloond.Balloon1", "/org/balloond/Balloon1",
                  "org.freedesktop.DBus.Properties.Get", "string:org.balloond.Balloon1.Manager",
                  "string:HostTotalKiB"},
                 user);
        EXPECT_EQ(total.exitCode, 0) << user << "\n" << total.both();
        EXPECT_THAT(total.out, HasSubstr("uint64"));
    }
}

TEST_F(Polkit, WithoutPolkitdOthersAreRefusedSayingWhyAndRootStillMayChangeThings) {
    stopPolkitd();
    const RunResult refused = setTarget("512M", "nobody");
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_THAT(refused.err, HasSubstr("org.balloond.Balloon1.Error.NotAuthorized"));
    EXPECT_THAT(refused.err,
                HasSubstr("polkit could not be asked about org.balloond.Balloon1.manage"));
    EXPECT_THAT(refused.err, HasSubstr("org.freedesktop.DBus.Error.ServiceUnknown"));
    EXPECT_EQ(target(), "1048576");
    const RunResult root = setTarget("768M", "");
    EXPECT_EQ(root.exitCode, 0) << root.both();
    EXPECT_EQ(target(), "786432");
}

TEST_F(Polkit, AHungPolkitdIsWaitedForBoundedlyAndRootNeverWaits) {
    polkitd_->signal(SIGSTOP);
    auto start = std::chrono::steady_clock::now();
    const RunResult root = setTarget("768M", "");
    EXPECT_EQ(root.exitCode, 0) << root.both();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));

    start = std::chrono::steady_clock::now();
    const RunResult refused = setTarget("512M", "nobody");
    expectRefusedWhenPolkitsTimeWasUp(refused, std::chrono::steady_clock::now() - start);
    EXPECT_EQ(target(), "786432");
}

TEST_F(Polkit, WhileOneCallerWaitsForAHungPolkitdBalloondServesEveryoneElse) {
    polkitd_->signal(SIGSTOP);
    const auto start = std::chrono::steady_clock::now();
    auto waiting = std::async(std::launch::async, [this] { return setTarget("512M", "nobody"); });
    // Long enough for the call to reach balloond and balloond to ask polkit.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_EQ(waiting.wait_for(std::chrono::seconds(0)), std::future_status::timeout);

    auto t = std::chrono::steady_clock::now();
    const RunResult root = setTarget("768M", "");
    EXPECT_EQ(root.exitCode, 0) << root.both();
    EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::seconds(1));
    t = std::chrono::steady_clock::now();
    const RunResult total = send({"--dest=org.balloond.Balloon1", "/org/balloond/Balloon1",
                                  "org.freedesktop.DBus.Properties.Get",
                                  "string:org.balloond.Balloon1.Manager", "string:HostTotalKiB"});
    EXPECT_EQ(total.exitCode, 0) << total.both();
    EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::seconds(1));
    EXPECT_EQ(waiting.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
        << "the caller polkit was asked about was answered before polkit's time was up";

    const RunResult refused = waiting.get();
    expectRefusedWhenPolkitsTimeWasUp(refused, std::chrono::steady_clock::now() - start);
    EXPECT_EQ(target(), "786432");
}

}  // namespace
}  // namespace balloon::dbustest
