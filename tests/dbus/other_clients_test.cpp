// balloond's API through clients nobody here wrote: busctl (systemd's sd-bus) and dbus-send
// (libdbus). Every method, the named errors, the ObjectManager enumeration and the signals a
// management UI relies on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balloond_on_bus.h"
#include "names.h"

namespace balloon::dbustest {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class OtherClients : public BalloondOnBus {
protected:
    // dbus-send to the manager: "Method" and typed arguments ("string:web").
    RunResult send(const std::string& method, const std::vector<std::string>& args) {
        std::vector<std::string> all{"--dest=org.balloond.Balloon1", "/org/balloond/Balloon1",
                                     "org.balloond.Balloon1.Manager." + method};
        all.insert(all.end(), args.begin(), args.end());
        return dbusSend(all);
    }
    std::string property(DomId domid, const std::string& name) {
        const RunResult r =
            busctl({"get-property", "org.balloond.Balloon1", dbus::domainObjectPath(domid),
                    "org.balloond.Balloon1.Domain", name});
        EXPECT_EQ(r.exitCode, 0) << r.both();
        return r.out;
    }
};

TEST_F(OtherClients, GetManagedObjectsListsEveryDomainWithItsProperties) {
    const RunResult r = busctl({"call", "org.balloond.Balloon1", "/org/balloond/Balloon1",
                                "org.freedesktop.DBus.ObjectManager", "GetManagedObjects"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    for (const char* name : {"web", "db", "frozen", "secret"}) {
        EXPECT_THAT(r.out, HasSubstr(dbus::domainObjectPath(domid(name))));
        EXPECT_THAT(r.out, HasSubstr(std::string("\"") + name + "\""));
    }
    EXPECT_THAT(r.out, HasSubstr("\"TargetKiB\" t 1048576"));
    EXPECT_THAT(r.out, HasSubstr("\"StaticMaxKiB\" t 2097152"));
}

TEST_F(OtherClients, PropertiesReadLikeXenstore) {
    const DomId web = domid("web");
    EXPECT_EQ(property(web, "Name"), "s \"web\"\n");
    EXPECT_EQ(property(web, "TargetKiB"), "t 1048576\n");
    EXPECT_EQ(property(web, "Type"), "s \"pv\"\n");
    EXPECT_EQ(property(domid("secret"), "Excluded"), "b true\n");
    const RunResult policy =
        busctl({"get-property", "org.balloond.Balloon1", "/org/balloond/Balloon1",
                "org.balloond.Balloon1.Manager", "Policy"});
    EXPECT_EQ(policy.out, "s \"off\"\n");
}

TEST_F(OtherClients, SetTargetSetMaxPinAndReleaseWorkThroughBusctl) {
    const DomId web = domid("web");
    RunResult r = callManager("SetTarget", {"ss", "web", "512M"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_EQ(r.out, "t 524288\n");
    EXPECT_EQ(xsRead(web, "memory/target"), "524288");
    EXPECT_EQ(property(web, "Pinned"), "b true\n");
    r = callManager("SetMax", {"ss", "dom" + std::to_string(web), "1536M"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_EQ(r.out, "t 1572864\n");
    EXPECT_EQ(xsRead(web, "memory/static-max"), "1572864");
    ASSERT_EQ(callManager("Release", {"s", "web"}).exitCode, 0);
    EXPECT_EQ(property(web, "Pinned"), "b false\n");
    ASSERT_EQ(callManager("Pin", {"s", std::to_string(web)}).exitCode, 0);
    EXPECT_EQ(property(web, "Pinned"), "b true\n");
}

TEST_F(OtherClients, WaitForTargetAnswersWhenTheGuestGetsThere) {
    ASSERT_EQ(callManager("SetTarget", {"ss", "db", "640M"}).exitCode, 0);
    const RunResult r = callManager("WaitForTarget", {"su", "db", "20000"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_EQ(r.out, "ts 655360 \"balanced\"\n");
}

TEST_F(OtherClients, RebalanceGetPlanAndSetPolicyWorkThroughBusctl) {
    ASSERT_EQ(callManager("SetPolicy", {"s", "demand"}).exitCode, 0);
    const RunResult plan = callManager("GetPlan", {});
    ASSERT_EQ(plan.exitCode, 0) << plan.both();
    EXPECT_THAT(plan.out, ContainsRegex("^a\\(qsttss\\) 5 "));
    EXPECT_THAT(plan.out, HasSubstr("\"secret\""));
    EXPECT_THAT(plan.out, HasSubstr("excluded"));
    const RunResult rebalance = callManager("Rebalance", {});
    ASSERT_EQ(rebalance.exitCode, 0) << rebalance.both();
    EXPECT_THAT(rebalance.out, ContainsRegex("^u [0-9]+\n$"));
}

TEST_F(OtherClients, ReservationsWorkThroughDbusSend) {
    // busctl leaves the bus when it has its answer, and its reservation goes with it; a
    // transfer in between is impossible from a shell, so the one client here is balloonctl.
    auto holder = spawnCtl({"reserve", "200M"});
    const auto id = holder->readLine(std::chrono::seconds(15));
    ASSERT_TRUE(id);
    RunResult list = send("ListReservations", {});
    ASSERT_EQ(list.exitCode, 0) << list.both();
    EXPECT_THAT(list.out, HasSubstr("string \"" + *id + "\""));
    EXPECT_THAT(list.out, HasSubstr("uint64 204800"));
    // To a domain still being built (no such domain yet): a round would hand a reservation
    // over to a domain that already holds the memory, and the release below would race it.
    ASSERT_EQ(send("TransferReservation", {"string:" + *id, "uint32:999"}).exitCode, 0);
    list = send("ListReservations", {});
    EXPECT_THAT(list.out, HasSubstr("int64 999"));
    ASSERT_EQ(send("ReleaseReservation", {"string:" + *id}).exitCode, 0);
    EXPECT_THAT(send("ListReservations", {}).out, Not(HasSubstr(*id)));
}

TEST_F(OtherClients, AReservationEndsWhenBusctlLeavesTheBus) {
    const RunResult r = callManager("Reserve", {"suu", "128M", "10000", "0"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    ASSERT_THAT(r.out, ContainsRegex("^s \"r[0-9]+\"\n$"));
    const std::string id = r.out.substr(3, r.out.size() - 5);
    EXPECT_TRUE(eventually([&] {
        return callManager("ListReservations", {}).out.find(id) == std::string::npos;
    })) << id
        << " outlived the client that made it";
}

TEST_F(OtherClients, NamedErrorsReachOtherClients) {
    const std::string prefix = "Error org.balloond.Balloon1.Error.";
    EXPECT_THAT(send("SetTarget", {"string:web", "string:3G"}).err,
                HasSubstr(prefix + "AboveStaticMax"));
    EXPECT_THAT(send("SetTarget", {"string:web", "string:1.5.5G"}).err,
                HasSubstr(prefix + "InvalidArgument"));
    EXPECT_THAT(send("SetTarget", {"string:nosuch", "string:1G"}).err,
                HasSubstr(prefix + "NoSuchDomain"));
    EXPECT_THAT(send("SetTarget", {"string:", "string:1G"}).err,
                HasSubstr(prefix + "InvalidArgument"));
    EXPECT_THAT(send("SetTarget", {"string:Domain-0", "string:64M"}).err,
                HasSubstr(prefix + "BelowMinimum"));
    EXPECT_THAT(send("SetMax", {"string:web", "string:512M"}).err,
                HasSubstr(prefix + "BelowTarget"));
    EXPECT_THAT(send("SetMax", {"string:web", "string:+1G"}).err,
                HasSubstr(prefix + "InvalidArgument"));
    EXPECT_THAT(send("Release", {"string:secret"}).err, HasSubstr(prefix + "Excluded"));
    EXPECT_THAT(send("ReleaseReservation", {"string:r999"}).err,
                HasSubstr(prefix + "NoSuchReservation"));
    EXPECT_THAT(send("TransferReservation", {"string:r999", "uint32:65535"}).err,
                HasSubstr(prefix + "InvalidArgument"));
    EXPECT_THAT(send("SetPolicy", {"string:greedy"}).err, HasSubstr(prefix + "InvalidArgument"));
    EXPECT_THAT(send("Reserve", {"string:64G", "uint32:1000", "uint32:0"}).err,
                HasSubstr(prefix + "CannotFreeEnough"));
    // frozen never moves: asked to shrink, a wait without time runs out at once.
    ASSERT_EQ(send("SetTarget", {"string:frozen", "string:512M"}).exitCode, 0);
    EXPECT_THAT(send("WaitForTarget", {"string:frozen", "uint32:0"}).err,
                HasSubstr(prefix + "Timeout"));
    EXPECT_THAT(send("WaitForTarget", {"string:frozen", "uint32:30000"}).err,
                HasSubstr(prefix + "NotReached"));
}

TEST_F(OtherClients, PropertiesChangedNamesOnlyWhatChanged) {
    const DomId db = domid("db");
    const std::string path = dbus::domainObjectPath(db);
    signals().clear();
    ASSERT_EQ(callManager("SetTarget", {"ss", "db", "600M"}).exitCode, 0);
    const auto target = signals().waitFor(
        [&](const SeenSignal& s) {
            return s.path == path && s.member == "PropertiesChanged" &&
                   std::find(s.changed.begin(), s.changed.end(), "TargetKiB") != s.changed.end();
        },
        std::chrono::seconds(10));
    ASSERT_TRUE(target) << "no PropertiesChanged for db's TargetKiB";
    EXPECT_EQ(target->subject, "org.balloond.Balloon1.Domain");
    EXPECT_THAT(target->changed, Not(::testing::Contains("Name")));
    EXPECT_THAT(target->changed, Not(::testing::Contains("Weight")));
    // Then the guest moves, and a round reports its allocation.
    const auto actual = signals().waitFor(
        [&](const SeenSignal& s) {
            return s.path == path && s.member == "PropertiesChanged" &&
                   std::find(s.changed.begin(), s.changed.end(), "ActualKiB") != s.changed.end();
        },
        std::chrono::seconds(10));
    EXPECT_TRUE(actual) << "no PropertiesChanged for db's ActualKiB after the round";
}

TEST_F(OtherClients, DomainObjectsComeAndGoWithDomains) {
    signals().clear();
    std::optional<DomId> late;
    balloond().post([&](World& world) { late = world.sim.create("late"); });
    ASSERT_TRUE(late);
    const std::string path = dbus::domainObjectPath(*late);
    const auto added = signals().waitFor(
        [&](const SeenSignal& s) { return s.member == "InterfacesAdded" && s.subject == path; },
        std::chrono::seconds(10));
    ASSERT_TRUE(added) << "no InterfacesAdded for " << path;
    EXPECT_THAT(added->changed, ::testing::Contains("org.balloond.Balloon1.Domain"));
    EXPECT_EQ(property(*late, "Name"), "s \"late\"\n");

    balloond().post([&](World& world) { world.sim.destroy("late"); });
    const auto removed = signals().waitFor(
        [&](const SeenSignal& s) { return s.member == "InterfacesRemoved" && s.subject == path; },
        std::chrono::seconds(10));
    ASSERT_TRUE(removed) << "no InterfacesRemoved for " << path;
    const RunResult r = busctl({"call", "org.balloond.Balloon1", "/org/balloond/Balloon1",
                                "org.freedesktop.DBus.ObjectManager", "GetManagedObjects"});
    EXPECT_THAT(r.out, Not(HasSubstr(path + "\"")));
}

}  // namespace
}  // namespace balloon::dbustest
