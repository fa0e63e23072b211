// The D-Bus API under abuse: malformed arguments get named errors (never a generic failure or
// no reply), and a flood of reads and dry runs from several clients does not stall balancing.
#include <atomic>
#include <iostream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>

#include "balloond_on_bus.h"
#include "names.h"
#include "reaction_probe.h"

namespace balloon::reliability {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kClients = 4;
constexpr std::uint64_t kMinCalls = 5000;
constexpr int kSamples = 6;

class DbusAbuse : public dbustest::BalloondOnBus {
protected:
    dbustest::RunResult send(const std::string& method, const std::vector<std::string>& args) {
        std::vector<std::string> all{"--dest=org.balloond.Balloon1", "/org/balloond/Balloon1",
                                     "org.balloond.Balloon1.Manager." + method};
        all.insert(all.end(), args.begin(), args.end());
        return dbusSend(all);
    }
};

TEST_F(DbusAbuse, MalformedArgumentsGetNamedErrors) {
    const std::string ours = "Error org.balloond.Balloon1.Error.";
    const std::vector<std::vector<std::string>> named{
        {"SetTarget", "string:web", "string:99999999999999999999999G"},
        {"SetTarget", "string:web", "string:nanG"},
        {"SetTarget", "string:web", "string:1e9G"},
        {"SetTarget", "string:web", "string:0x10M"},
        {"SetTarget", "string:web", "string:1G1G"},
        {"SetTarget", "string:web", "string:"},
        {"SetTarget", "string:" + std::string(5000, 'w'), "string:1G"},
        {"SetTarget", "string:web\n", "string:1G"},
        {"SetTarget", "string:dom99999999999", "string:1G"},
        {"SetMax", "string:web", "string:18446744073709551615K"},
        {"Pin", "string:"},
        {"Release", "string:\x01\x02"},
        {"SetPolicy", "string:"},
        {"SetPolicy", "string:" + std::string(5000, 'd')},
        {"Reserve", "string:0", "uint32:0", "uint32:0"},
        {"Reserve", "string:-1G", "uint32:0", "uint32:0"},
        {"TransferReservation", "string:r1", "uint32:4294967295"},
        {"TransferReservation", "string:" + std::string(5000, 'r'), "uint32:1"},
        {"ReleaseReservation", "string:"},
        {"WaitForTarget", "string:nosuch", "uint32:10"},
    };
    for (const auto& call : named) {
        const dbustest::RunResult r = send(call[0], {call.begin() + 1, call.end()});
        std::string what = call[0];
        for (std::size_t i = 1; i < call.size(); ++i) {
            what += " " + call[i].substr(0, 40);
        }
        EXPECT_NE(r.exitCode, 0) << what;
        EXPECT_THAT(r.err, HasSubstr(ours)) << what << "\n" << r.both();
        EXPECT_THAT(r.err, Not(HasSubstr(ours + "Failed"))) << what;
        // The message names the problem without echoing 5,000 bytes back.
        EXPECT_LT(r.err.size(), 1024U) << what;
    }
    // A wrong signature never reaches balloond's code: the bus library refuses it by name.
    for (const auto& call : std::vector<std::vector<std::string>>{
             {"SetTarget", "string:web", "uint32:5"},
             {"SetTarget", "string:web"},
             {"Reserve", "uint64:1", "uint32:0", "uint32:0"},
             {"TransferReservation", "string:r1", "string:3"},
         }) {
        const dbustest::RunResult r = send(call[0], {call.begin() + 1, call.end()});
        EXPECT_THAT(r.err, HasSubstr("org.freedesktop.DBus.Error.InvalidArgs")) << r.both();
    }
    // Nothing changed, and balloond still answers.
    EXPECT_THAT(ctl({"status", "web"}).out, HasSubstr("mode:        auto"));  // never pinned
    EXPECT_THAT(ctl({"policy"}).out, HasSubstr("policy: off"));
}

TEST_F(DbusAbuse, AFloodOfReadsAndDryRunsDoesNotStallBalancing) {
    // Balancing work measured end to end: balloonctl sets db's target and waits until the guest
    // has reached it (a target write, then rounds judging the guest's progress), alternately
    // shrinking and growing it.
    const auto setAndWait = [&] {
        std::vector<std::chrono::milliseconds> result;
        for (int i = 0; i < kSamples; ++i) {
            const auto start = std::chrono::steady_clock::now();
            const dbustest::RunResult r =
                ctl({"set", "db", i % 2 == 0 ? "700M" : "1G", "--wait=20s"});
            EXPECT_EQ(r.exitCode, 0) << r.both();
            result.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start));
        }
        return result;
    };
    const auto calm = setAndWait();

    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> calls{0};
    std::atomic<std::uint64_t> failures{0};
    std::vector<std::thread> clients;
    const auto start = std::chrono::steady_clock::now();
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&] {
            auto connection = sdbus::createSessionBusConnectionWithAddress(address());
            auto proxy = sdbus::createProxy(*connection, std::string(dbus::kBusName),
                                            std::string(dbus::kManagerPath));
            const std::string manager(dbus::kManagerInterface);
            for (std::uint64_t i = 0; !stop || calls < kMinCalls; ++i) {
                try {
                    if (i % 3 == 0) {
                        std::map<std::string, sdbus::Variant> properties;
                        proxy->callMethod("GetAll")
                            .onInterface("org.freedesktop.DBus.Properties")
                            .withArguments(manager)
                            .storeResultsTo(properties);
                    } else if (i % 3 == 1) {
                        std::vector<sdbus::Struct<std::string, std::uint64_t, std::int64_t,
                                                  std::string, std::uint64_t>>
                            reservations;
                        proxy->callMethod("ListReservations")
                            .onInterface(manager)
                            .storeResultsTo(reservations);
                    } else {
                        std::vector<sdbus::Struct<std::uint16_t, std::string, std::uint64_t,
                                                  std::uint64_t, std::string, std::string>>
                            plan;
                        proxy->callMethod("GetPlan").onInterface(manager).storeResultsTo(plan);
                    }
                } catch (const sdbus::Error&) {
                    ++failures;
                }
                ++calls;
            }
        });
    }
    const auto flooded = setAndWait();
    stop = true;
    for (auto& t : clients) {
        t.join();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[figures] D-Bus flood: " << calls << " calls (GetAll, ListReservations, GetPlan)"
              << " from " << kClients << " clients in " << seconds << " s, "
              << static_cast<double>(calls) / seconds << " calls/s, " << failures << " failed\n"
              << "[figures] balloonctl set --wait, calm (ms): " << describe(calm) << "\n"
              << "[figures] balloonctl set --wait, during the flood (ms): " << describe(flooded)
              << "\n";

    EXPECT_EQ(failures, 0U);
    EXPECT_GE(calls, kMinCalls);
    ASSERT_EQ(flooded.size(), static_cast<std::size_t>(kSamples));
    for (const auto& took : flooded) {
        EXPECT_LT(took, std::chrono::seconds(5)) << "balancing stalled behind the flood";
    }
    EXPECT_LE(median(flooded), 2 * median(calm));
}

}  // namespace
}  // namespace balloon::reliability
