// Who may do what, on a real dbus-daemon that loads the project's policy file: reads are open to
// every local user; every change needs root or the configured admin group, checked by balloond
// from the caller's credentials; the bus policy keeps everyone else from owning the name or
// setting properties. Clients run as uid 65534 through setpriv, so these tests need root.
#include <fstream>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "balloond_on_bus.h"

namespace balloon::dbustest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A method of the contract as dbus/org.balloond.Balloon1.xml declares it.
struct ContractMethod {
    std::string interface;
    std::string name;
    std::vector<std::string> inTypes;
    bool adminOnly = false;  // its comment says "Admin only"
};

// Every method of the contract, read from the XML itself, so that a method added there is
// covered here without anyone remembering to list it.
std::vector<ContractMethod> contractMethods() {
    std::ifstream in(BALLOON_DBUS_XML);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string xml = buffer.str();
    const auto attribute = [&](std::size_t at, const std::string& name) {
        const auto start = xml.find(name + "=\"", at) + name.size() + 2;
        return xml.substr(start, xml.find('"', start) - start);
    };
    std::vector<ContractMethod> methods;
    std::string interface;
    for (std::size_t at = 0; (at = xml.find('<', at)) != std::string::npos; ++at) {
        if (xml.compare(at, 11, "<interface ") == 0) {
            interface = attribute(at, "name");
        } else if (xml.compare(at, 8, "<method ") == 0) {
            ContractMethod m{interface, attribute(at, "name"), {}, false};
            const auto comment = xml.rfind("<!--", at);
            m.adminOnly = comment != std::string::npos &&
                          xml.substr(comment, at - comment).find("Admin only") != std::string::npos;
            const auto end = xml.find("</method>", at);
            for (auto arg = xml.find("<arg ", at); arg < end; arg = xml.find("<arg ", arg + 1)) {
                if (attribute(arg, "direction") == "in") {
                    m.inTypes.push_back(attribute(arg, "type"));
                }
            }
            methods.push_back(std::move(m));
        }
    }
    return methods;
}

// A well-formed dbus-send argument of that type.
std::string sampleArgument(const std::string& type) {
    if (type == "s") {
        return "string:web";
    }
    if (type == "u") {
        return "uint32:1000";
    }
    if (type == "t") {
        return "uint64:1000";
    }
    ADD_FAILURE() << "no sample argument for D-Bus type " << type << ": add one here";
    return "string:";
}

SpawnSpec asNobody() {
    SpawnSpec options;
    options.unprivileged = true;
    return options;
}

class Authorization : public BalloondOnBus {
protected:
    void SetUp() override {
        ASSERT_EQ(geteuid(), 0U)
            << "the authorization tests run clients as uid 65534 through setpriv, which needs "
               "root: run the dbus suite as root (sudo meson test --suite dbus)";
        BalloondOnBus::SetUp();
    }
    RunResult sendAsNobody(const std::string& member, const std::vector<std::string>& args) {
        std::vector<std::string> all{"--dest=org.balloond.Balloon1", "/org/balloond/Balloon1",
                                     member};
        all.insert(all.end(), args.begin(), args.end());
        return dbusSend(all, asNobody());
    }
};

TEST_F(Authorization, AnUnprivilegedUserMayReadEverything) {
    const RunResult list = ctl({"list"}, asNobody());
    EXPECT_EQ(list.exitCode, 0) << list.both();
    EXPECT_THAT(list.out, HasSubstr("web"));
    EXPECT_EQ(ctl({"dry-run"}, asNobody()).exitCode, 0);
    EXPECT_EQ(ctl({"reservations"}, asNobody()).exitCode, 0);
    EXPECT_EQ(ctl({"status", "db"}, asNobody()).exitCode, 0);
}

TEST_F(Authorization, BalloonctlRefusesAnUnprivilegedUserWithExitCodeFour) {
    const DomId web = domid("web");
    const RunResult r = ctl({"set", "web", "512M"}, asNobody());
    EXPECT_EQ(r.exitCode, 4) << r.both();
    EXPECT_THAT(r.err, HasSubstr("uid 65534"));
    EXPECT_THAT(r.err, HasSubstr("root only"));
    EXPECT_EQ(xsRead(web, "memory/target"), "1048576");
}

TEST_F(Authorization, EveryMutatingMethodIsRefusedToAnUnprivilegedUser) {
    const std::string m = "org.balloond.Balloon1.Manager.";
    const std::vector<std::vector<std::string>> calls{
        {m + "SetTarget", "string:web", "string:512M"},
        {m + "SetMax", "string:web", "string:1536M"},
        {m + "Pin", "string:web"},
        {m + "Release", "string:web"},
        {m + "Reserve", "string:64M", "uint32:1000", "uint32:0"},
        {m + "TransferReservation", "string:r1", "uint32:3"},
        {m + "ReleaseReservation", "string:r1"},
        {m + "Rebalance"},
        {m + "SetPolicy", "string:demand"},
    };
    for (const auto& call : calls) {
        const RunResult r = sendAsNobody(call[0], {call.begin() + 1, call.end()});
        EXPECT_NE(r.exitCode, 0) << call[0];
        EXPECT_THAT(r.err, HasSubstr("org.balloond.Balloon1.Error.NotAuthorized")) << call[0];
    }
    EXPECT_THAT(ctl({"policy"}).out, HasSubstr("policy: off"));
}

TEST_F(Authorization, EveryAdminOnlyMethodOfTheContractIsRefusedAndOnlyReadsAreOpen) {
    const DomId web = domid("web");
    std::vector<std::string> open;
    std::size_t refused = 0;
    for (const ContractMethod& m : contractMethods()) {
        if (!m.adminOnly) {
            open.push_back(m.name);
            continue;
        }
        std::vector<std::string> args;
        for (const std::string& type : m.inTypes) {
            args.push_back(sampleArgument(type));
        }
        std::vector<std::string> all{"--dest=org.balloond.Balloon1", "/org/balloond/Balloon1",
                                     m.interface + "." + m.name};
        all.insert(all.end(), args.begin(), args.end());
        const RunResult r = dbusSend(all, asNobody());
        EXPECT_THAT(r.err, HasSubstr("org.balloond.Balloon1.Error.NotAuthorized")) << m.name << "\n"
                                                                                   << r.both();
        ++refused;
    }
    // The reads the contract opens to everyone, and nothing else.
    EXPECT_THAT(open, ElementsAre("ListReservations", "GetPlan", "WaitForTarget"));
    EXPECT_GE(refused, 9U);
    EXPECT_EQ(xsRead(web, "memory/target"), "1048576");
    EXPECT_THAT(ctl({"policy"}).out, HasSubstr("policy: off"));
}

TEST_F(Authorization, TheBusPolicyKeepsOthersFromOwningTheNameOrSettingProperties) {
    const RunResult own =
        dbusSend({"--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                  "org.freedesktop.DBus.RequestName", "string:org.balloond.Balloon1", "uint32:0"},
                 asNobody());
    EXPECT_THAT(own.err, HasSubstr("org.freedesktop.DBus.Error.AccessDenied")) << own.both();
    const RunResult set = sendAsNobody(
        "org.freedesktop.DBus.Properties.Set",
        {"string:org.balloond.Balloon1.Manager", "string:Policy", "variant:string:demand"});
    EXPECT_THAT(set.err, HasSubstr("org.freedesktop.DBus.Error.AccessDenied")) << set.both();
    // balloonctl says so with its own exit code.
    const RunResult ctlOwn = ctl({"list"}, asNobody());
    EXPECT_EQ(ctlOwn.exitCode, 0);
}

class AdminGroup : public Authorization {
protected:
    // Debian's gid 65534: the primary group of the unprivileged test user.
    [[nodiscard]] std::string adminGroup() const override { return "nogroup"; }
};

TEST_F(AdminGroup, AMemberOfTheConfiguredGroupMayChangeThings) {
    const DomId web = domid("web");
    const RunResult r = ctl({"set", "web", "768M"}, asNobody());
    EXPECT_EQ(r.exitCode, 0) << r.both();
    EXPECT_EQ(xsRead(web, "memory/target"), std::to_string(768 * 1024));
}

}  // namespace
}  // namespace balloon::dbustest
