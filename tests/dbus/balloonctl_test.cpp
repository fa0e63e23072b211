// balloonctl against balloond over a private real bus: what an admin types, what they read back,
// and the exit codes scripts rely on (0 ok, 1 usage, 2 unreachable, 3 refused, 4 not
// authorized, 5 timeout / not reached).
#include <csignal>
#include <functional>
#include <optional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balloond_on_bus.h"

namespace balloon::dbustest {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class Balloonctl : public BalloondOnBus {
protected:
    std::string reservations() {
        const RunResult r = ctl({"reservations"});
        EXPECT_EQ(r.exitCode, 0) << r.both();
        return r.out;
    }
};

TEST_F(Balloonctl, ListShowsEveryDomainInMiBLikeXl) {
    const RunResult r = ctl({"list"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_THAT(
        r.out,
        ContainsRegex(
            "^Name +ID +Target\\(MiB\\) +Actual\\(MiB\\) +Min\\(MiB\\) +Max\\(MiB\\) +State"));
    for (const char* name : {"Domain-0", "web", "db", "frozen", "secret"}) {
        EXPECT_THAT(r.out, HasSubstr(name)) << r.out;
    }
    // web was built with 1 GiB and max 2 GiB: xl list would show 1024.
    EXPECT_THAT(r.out, ContainsRegex("web +[0-9]+ +1024 +1024 +[0-9]+ +2048 ")) << r.out;
    EXPECT_THAT(r.out, ContainsRegex("secret .* excluded")) << r.out;
}

TEST_F(Balloonctl, ListJsonGivesExactKiB) {
    const RunResult r = ctl({"list", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_THAT(r.out, HasSubstr("\"name\": \"web\""));
    EXPECT_THAT(r.out, HasSubstr("\"target_kib\": 1048576"));
    EXPECT_THAT(r.out, HasSubstr("\"static_max_kib\": 2097152"));
    EXPECT_THAT(r.out, HasSubstr("\"policy\": \"off\""));
}

TEST_F(Balloonctl, StatusAcceptsNameDomidDomNAndUuid) {
    const DomId web = domid("web");
    const std::string uuid = ctl({"status", "web"}).out;
    ASSERT_THAT(uuid, HasSubstr("uuid:"));
    const auto start = uuid.find("uuid:") + 5;
    std::string id = uuid.substr(start, uuid.find('\n', start) - start);
    id.erase(0, id.find_first_not_of(' '));
    for (const std::string& text : {std::to_string(web), "dom" + std::to_string(web), id}) {
        const RunResult r = ctl({"status", text});
        ASSERT_EQ(r.exitCode, 0) << text << "\n" << r.both();
        EXPECT_THAT(r.out, HasSubstr("name:        web")) << text;
    }
}

TEST_F(Balloonctl, SetWritesTheTargetXlWouldAndWaitReportsWhatWasReached) {
    const DomId web = domid("web");
    const RunResult r = ctl({"set", "web", "512M", "--wait=20s"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_THAT(r.out, HasSubstr("target 512M"));
    EXPECT_THAT(r.out, HasSubstr("reached"));
    EXPECT_THAT(r.out, HasSubstr("balanced"));
    EXPECT_EQ(xsRead(web, "memory/target"), "524288");
    // The admin's target holds: the domain is pinned.
    EXPECT_THAT(ctl({"status", "web"}).out, HasSubstr("mode:        pinned"));
}

TEST_F(Balloonctl, SetAcceptsRelativeSizes) {
    const DomId db = domid("db");
    ASSERT_EQ(ctl({"set", "db", "+256M"}).exitCode, 0);
    EXPECT_EQ(xsRead(db, "memory/target"), std::to_string(1280 * 1024));
    ASSERT_EQ(ctl({"set", "db", "-512M"}).exitCode, 0);
    EXPECT_EQ(xsRead(db, "memory/target"), std::to_string(768 * 1024));
}

TEST_F(Balloonctl, SetAboveStaticMaxIsRefusedAndNothingIsWritten) {
    const DomId web = domid("web");
    const RunResult r = ctl({"set", "web", "3G"});
    EXPECT_EQ(r.exitCode, 3) << r.both();
    EXPECT_THAT(r.err, HasSubstr("static-max"));
    EXPECT_THAT(r.err, HasSubstr("balloonctl max"));
    EXPECT_EQ(xsRead(web, "memory/target"), "1048576");
}

TEST_F(Balloonctl, ABadSizeIsAUsageErrorSayingWhatToWrite) {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"set", "web", "12X"}, {"max", "web", "+1G"}, {"reserve", "lots"}}) {
        const RunResult r = ctl(args);
        EXPECT_EQ(r.exitCode, 1) << r.both();
        EXPECT_THAT(r.err, HasSubstr("bad size")) << args[0];
        EXPECT_THAT(r.err, HasSubstr("balloonctl " + args[0] + " --help"));
    }
    EXPECT_EQ(xsRead(domid("web"), "memory/target"), "1048576");
}

TEST_F(Balloonctl, AnUnknownDomainIsRefusedNamingIt) {
    const RunResult r = ctl({"set", "nosuch", "512M"});
    EXPECT_EQ(r.exitCode, 3) << r.both();
    EXPECT_THAT(r.err, HasSubstr("nosuch"));
    EXPECT_THAT(r.err, HasSubstr("balloonctl list"));
}

TEST_F(Balloonctl, MaxBelowTheTargetIsRefusedAndAboveItIsWritten) {
    const DomId web = domid("web");
    const RunResult low = ctl({"max", "web", "512M"});
    EXPECT_EQ(low.exitCode, 3) << low.both();
    EXPECT_THAT(low.err, HasSubstr("below its current target"));
    EXPECT_EQ(xsRead(web, "memory/static-max"), "2097152");
    const RunResult high = ctl({"max", "web", "1536M"});
    ASSERT_EQ(high.exitCode, 0) << high.both();
    EXPECT_EQ(xsRead(web, "memory/static-max"), std::to_string(1536 * 1024));
}

TEST_F(Balloonctl, SetWaitFailsClearlyWhenTheGuestDoesNotFollow) {
    const RunResult r = ctl({"set", "frozen", "512M", "--wait=30s"});
    EXPECT_EQ(r.exitCode, 5) << r.both();
    EXPECT_THAT(r.out, HasSubstr("target 512M"));    // the target was set ...
    EXPECT_THAT(r.err, HasSubstr("stopped at 1G"));  // ... and the guest never moved
}

TEST_F(Balloonctl, SetWaitTimesOutWithWhereTheGuestIs) {
    const RunResult r = ctl({"set", "frozen", "768M", "--wait=300ms"});
    EXPECT_EQ(r.exitCode, 5) << r.both();
    EXPECT_THAT(r.err, HasSubstr("did not reach its target 768M in time"));
}

TEST_F(Balloonctl, PinAndAutoSwitchTheMode) {
    ASSERT_EQ(ctl({"pin", "db"}).exitCode, 0);
    EXPECT_THAT(ctl({"status", "db"}).out, HasSubstr("mode:        pinned"));
    ASSERT_EQ(ctl({"auto", "db"}).exitCode, 0);
    EXPECT_THAT(ctl({"status", "db"}).out, HasSubstr("mode:        auto"));
}

TEST_F(Balloonctl, AutoOnAnExcludedDomainIsRefused) {
    const RunResult r = ctl({"auto", "secret"});
    EXPECT_EQ(r.exitCode, 3) << r.both();
    EXPECT_THAT(r.err, HasSubstr("excluded"));
}

TEST_F(Balloonctl, PolicyShowsAndSwitches) {
    EXPECT_THAT(ctl({"policy"}).out, HasSubstr("policy: off"));
    ASSERT_EQ(ctl({"policy", "proportional"}).exitCode, 0);
    EXPECT_THAT(ctl({"policy"}).out, HasSubstr("policy: proportional"));
    const RunResult bad = ctl({"policy", "greedy"});
    EXPECT_EQ(bad.exitCode, 3) << bad.both();
    EXPECT_THAT(bad.err, HasSubstr("off, proportional or demand"));
}

TEST_F(Balloonctl, DryRunShowsThePlanWithReasonsAndWritesNothing) {
    ASSERT_EQ(ctl({"pin", "web"}).exitCode, 0);
    ASSERT_EQ(ctl({"policy", "demand"}).exitCode, 0);
    const RunResult r = ctl({"dry-run"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_THAT(r.out, ContainsRegex("web .*pinned"));
    EXPECT_THAT(r.out, ContainsRegex("secret .*excluded"));
    EXPECT_THAT(r.out, HasSubstr("nothing was written"));
}

TEST_F(Balloonctl, RebalanceRunsARoundNow) {
    const RunResult r = ctl({"rebalance"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_THAT(r.out, ContainsRegex("rebalanced: [0-9]+ targets? written"));
}

TEST_F(Balloonctl, AReservationIsHeldTransferredAndReleased) {
    // 2G: more than web (1G) holds, so the reservation stays until web has taken it. (A smaller
    // one is released at the next round, since web already has that much: how soon depended on
    // how fast this test ran, and under ASan the round came first.)
    auto holder = spawnCtl({"reserve", "2G", "--timeout=10s"});
    const auto id = holder->readLine(std::chrono::seconds(15));
    ASSERT_TRUE(id) << "balloonctl reserve printed no id";
    EXPECT_THAT(reservations(), ContainsRegex(*id + " +2G +- "));
    const DomId web = domid("web");
    ASSERT_EQ(ctl({"transfer", *id, std::to_string(web)}).exitCode, 0);
    // Once the domain has it, the holder's work is done: it leaves, the reservation stays.
    EXPECT_EQ(holder->stop(SIGINT, std::chrono::seconds(10)), 0);
    EXPECT_THAT(reservations(), ContainsRegex(*id + " +2G +" + std::to_string(web) + " "));
    ASSERT_EQ(ctl({"release", *id}).exitCode, 0);
    EXPECT_THAT(reservations(), Not(HasSubstr(*id + " ")));
    const RunResult again = ctl({"release", *id});
    EXPECT_EQ(again.exitCode, 3) << again.both();
    EXPECT_THAT(again.err, HasSubstr("no reservation " + *id));
}

TEST_F(Balloonctl, AReservationEndsWhenItsHolderLeaves) {
    auto holder = spawnCtl({"reserve", "128M"});
    const auto id = holder->readLine(std::chrono::seconds(15));
    ASSERT_TRUE(id);
    ASSERT_THAT(reservations(), HasSubstr(*id + " "));
    holder->stop(SIGKILL, std::chrono::seconds(0));  // no goodbye: the bus tells balloond
    EXPECT_TRUE(eventually([&] { return reservations().find(*id + " ") == std::string::npos; }));
}

TEST_F(Balloonctl, AReservationLargerThanTheHostIsRefused) {
    const RunResult r = ctl({"reserve", "64G", "--timeout=5s"});
    EXPECT_EQ(r.exitCode, 3) << r.both();
    EXPECT_THAT(r.err, HasSubstr("cannot reserve 64G"));
}

TEST_F(Balloonctl, WatchRedrawsWhenATargetChanges) {
    auto watcher = spawnCtl({"watch"});
    const auto first = watcher->readLine(std::chrono::seconds(15));
    ASSERT_TRUE(first);
    EXPECT_THAT(*first, HasSubstr("host:"));
    ASSERT_EQ(ctl({"set", "db", "700M"}).exitCode, 0);
    bool redrawn = false;
    while (auto line = watcher->readLine(std::chrono::seconds(15))) {
        if (line->find("db") == 0 && line->find(" 700 ") != std::string::npos) {
            redrawn = true;
            break;
        }
    }
    EXPECT_TRUE(redrawn) << "watch never showed db's new target";
    EXPECT_EQ(watcher->stop(SIGINT, std::chrono::seconds(10)), 0);
}

// watch applies balloond's signals to the table it read at the start (cli/live_table.h): a
// domain added or removed after that shows through InterfacesAdded / InterfacesRemoved alone,
// and a later change to the new domain through its PropertiesChanged.
TEST_F(Balloonctl, WatchShowsDomainsThatComeAndGo) {
    auto watcher = spawnCtl({"watch"});
    ASSERT_TRUE(watcher->readLine(std::chrono::seconds(15)));
    // True once a whole redraw (one that the next one's host line ends) satisfies `wanted`.
    std::string draw;
    const auto aDrawShows = [&](const std::function<bool(const std::string&)>& wanted) {
        while (auto line = watcher->readLine(std::chrono::seconds(15))) {
            if (line->rfind("host:", 0) != 0) {
                draw += *line + "\n";
                continue;
            }
            const bool shown = wanted(draw);
            draw = *line + "\n";
            if (shown) {
                return true;
            }
        }
        return false;
    };
    const auto row = [](const std::string& text, const std::string& name) {
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? std::string()
                                       : text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    };
    const auto listed = [&] { return ctl({"list"}).out; };

    std::optional<DomId> late;
    balloond().post([&](World& world) { late = world.sim.create("late"); });
    ASSERT_TRUE(late);
    ASSERT_TRUE(eventually([&] { return !row(listed(), "late").empty(); }));
    ASSERT_EQ(ctl({"set", "late", "200M"}).exitCode, 0);
    ASSERT_EQ(ctl({"set", "db", "300M"}).exitCode, 0);  // one more redraw ends late's
    EXPECT_TRUE(aDrawShows([&](const std::string& d) {
        return row(d, "late").find(" 200 ") != std::string::npos;
    })) << "watch never showed the new domain at its new target";

    balloond().post([&](World& world) { world.sim.destroy("late"); });
    ASSERT_TRUE(eventually([&] { return row(listed(), "late").empty(); }));
    ASSERT_EQ(ctl({"set", "db", "310M"}).exitCode, 0);
    ASSERT_EQ(ctl({"set", "db", "320M"}).exitCode, 0);
    EXPECT_TRUE(aDrawShows([&](const std::string& d) {
        return row(d, "db").find(" 310 ") != std::string::npos && row(d, "late").empty();
    })) << "watch still showed the destroyed domain after balloond had dropped it";
    EXPECT_EQ(watcher->stop(SIGINT, std::chrono::seconds(10)), 0);
}

TEST_F(Balloonctl, BashCompletionOffersDomainsFromTheDaemon) {
    // Completes "balloonctl set <TAB>" and "balloonctl policy <TAB>" in a real bash.
    const std::string script =
        "source " + completionPath() +
        "\nPATH=" + balloonctlPath().substr(0, balloonctlPath().rfind('/')) +
        ":$PATH\n"
        "COMP_WORDS=(balloonctl set ''); COMP_CWORD=2; _balloonctl; echo \"${COMPREPLY[*]}\"\n"
        "COMP_WORDS=(balloonctl policy d); COMP_CWORD=2; _balloonctl; echo \"${COMPREPLY[*]}\"\n";
    SpawnSpec options;
    options.setEnv = {{"BALLOONCTL_BUS_ADDRESS", address()}};
    const RunResult r = run({"bash", "-c", script}, options);
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_THAT(r.out, ContainsRegex("^Domain-0 web db frozen secret\ndemand\n$")) << r.out;
}

TEST_F(Balloonctl, UsageErrorsExitWithOne) {
    EXPECT_EQ(ctl({"set", "web"}).exitCode, 1);
    EXPECT_EQ(ctl({"frobnicate"}).exitCode, 1);
    EXPECT_EQ(ctl({"list", "--colour"}).exitCode, 1);
    EXPECT_EQ(ctl({"set", "web", "1G", "--wait=soon"}).exitCode, 1);
}

TEST_F(Balloonctl, AnUnreachableDaemonExitsWithTwo) {
    SpawnSpec options;
    options.setEnv = {
        {"BALLOONCTL_BUS_ADDRESS", "unix:path=" + (bus().dir() / "nobody-here").string()}};
    const RunResult r = run({balloonctlPath(), "list"}, options);
    EXPECT_EQ(r.exitCode, 2) << r.both();
    EXPECT_THAT(r.err, HasSubstr("not reachable"));
}

}  // namespace
}  // namespace balloon::dbustest
