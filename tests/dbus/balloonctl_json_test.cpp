// balloonctl's --json on every read verb, parsed back: the key style (snake_case, the unit at the
// end of every figure's key), exact KiB, and null where balloond does not know a value (never 0
// or -1), as balloonctl(8) JSON OUTPUT documents them.
#include <algorithm>
#include <array>
#include <regex>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "balloond_on_bus.h"

namespace balloon::dbustest {
namespace {

using Json = nlohmann::json;

// Numbers whose keys carry no unit: counts and identifiers.
constexpr std::array<std::string_view, 4> kUnitless{"id", "domid", "weight", "rebalances"};

bool unitless(const std::string& key) {
    return std::find(kUnitless.begin(), kUnitless.end(), key) != kUnitless.end();
}

// Every key snake_case; every number's key ends in its unit unless it is a count or an id; no
// -1 standing in for "unknown". Returns what breaks the rules, one line each.
void checkStyle(const Json& json, const std::string& where, std::vector<std::string>& problems) {
    static const std::regex kSnakeCase("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    static const std::regex kWithUnit(".*_(kib|s|unix_s)");
    if (json.is_array()) {
        for (const auto& item : json) {
            checkStyle(item, where + "[]", problems);
        }
        return;
    }
    if (!json.is_object()) {
        return;
    }
    for (const auto& [key, value] : json.items()) {
        std::string path = where;
        path += ".";
        path += key;
        if (!std::regex_match(key, kSnakeCase)) {
            problems.push_back(path + ": not snake_case");
        }
        if (value.is_number() && !unitless(key) && !std::regex_match(key, kWithUnit)) {
            problems.push_back(path + ": a figure without its unit in the key");
        }
        if (value.is_number_integer() && value.get<std::int64_t>() < 0) {
            problems.push_back(path + ": negative (unknown must be null)");
        }
        checkStyle(value, path, problems);
    }
}

class BalloonctlJson : public BalloondOnBus {
protected:
    // Runs balloonctl with args and --json; the document, checked for the key rules.
    Json json(std::vector<std::string> args) {
        args.emplace_back("--json");
        const RunResult r = ctl(args);
        EXPECT_EQ(r.exitCode, 0) << r.both();
        Json parsed = Json::parse(r.out, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << "not JSON:\n" << r.out;
        std::vector<std::string> problems;
        checkStyle(parsed, args.front(), problems);
        EXPECT_THAT(problems, ::testing::IsEmpty()) << r.out;
        return parsed;
    }

    static const Json& byName(const Json& list, const std::string& name) {
        for (const auto& item : list) {
            if (item.value("name", Json()) == name) {
                return item;
            }
        }
        throw std::runtime_error("no entry named " + name);
    }
};

TEST_F(BalloonctlJson, ListGivesTheHostAndEveryDomainInExactKiB) {
    const Json list = json({"list"});
    const Json& host = list.at("host");
    EXPECT_EQ(host.at("total_kib"), 8 * 1024 * 1024);
    EXPECT_EQ(host.at("policy"), "off");
    EXPECT_TRUE(host.at("rebalances").is_number());
    const Json& web = byName(list.at("domains"), "web");
    EXPECT_EQ(web.at("id"), domid("web"));
    EXPECT_EQ(web.at("target_kib"), 1048576);
    EXPECT_EQ(web.at("static_max_kib"), 2097152);
    EXPECT_EQ(web.at("type"), "pv");
    EXPECT_EQ(web.at("mode"), "auto");
    EXPECT_EQ(byName(list.at("domains"), "secret").at("mode"), "excluded");
    for (const char* key : {"uuid", "actual_kib", "min_kib", "max_kib", "weight", "pinned",
                            "excluded", "state", "reason", "report"}) {
        EXPECT_TRUE(web.contains(key)) << key;
    }
}

TEST_F(BalloonctlJson, AGuestWithoutAReportHasANullReport) {
    // frozen's guest has no agent (the fixture's scenario): once the guests that do report have
    // been heard, balloond still has nothing from frozen.
    ASSERT_TRUE(eventually([&] { return json({"status", "web"}).at("report").is_object(); }));
    const Json frozen = json({"status", "frozen"});
    EXPECT_TRUE(frozen.at("report").is_null()) << frozen.dump(2);
}

TEST_F(BalloonctlJson, StatusIsTheDomainAsListShowsIt) {
    // Once web's first report and a round's reason are in; before, the two calls could straddle
    // them.
    ASSERT_TRUE(eventually([&] {
        const Json web = json({"status", "web"});
        return web.at("report").is_object() && !web.at("reason").is_null();
    }));
    // A report may land between the two calls: the same view, asked again, must agree.
    Json status;
    Json listed;
    const auto sameView = [&] {
        status = json({"status", "web"});
        listed = byName(json({"list"}).at("domains"), "web");
        // The report's age moves on between the two calls.
        for (Json* view : {&status, &listed}) {
            if (view->at("report").is_object()) {
                view->at("report").erase("age_s");
            }
        }
        return status == listed;
    };
    EXPECT_TRUE(eventually(sameView)) << status.dump(2) << "\n" << listed.dump(2);
}

TEST_F(BalloonctlJson, DryRunGivesThePlanInKiBWithReasons) {
    ASSERT_EQ(ctl({"pin", "web"}).exitCode, 0);
    const Json plan = json({"dry-run"}).at("plan");
    ASSERT_TRUE(plan.is_array());
    const Json& web = byName(plan, "web");
    EXPECT_EQ(web.at("target_kib"), 1048576);
    EXPECT_EQ(web.at("planned_kib"), 1048576);
    EXPECT_EQ(web.at("change"), "none");
    EXPECT_THAT(web.at("reason").get<std::string>(), ::testing::HasSubstr("pinned"));
}

TEST_F(BalloonctlJson, ExplainGivesTheLastReasonAndThePlanEntry) {
    const Json explain = json({"explain", "db"});
    EXPECT_EQ(explain.at("id"), domid("db"));
    EXPECT_EQ(explain.at("target_kib"), 1048576);
    ASSERT_TRUE(explain.at("plan").is_object()) << explain.dump(2);
    EXPECT_EQ(explain.at("plan").at("id"), domid("db"));
    EXPECT_TRUE(explain.contains("last_reason"));
}

TEST_F(BalloonctlJson, PolicyShowsAndSwitches) {
    EXPECT_EQ(json({"policy"}), Json({{"policy", "off"}}));
    EXPECT_EQ(json({"policy", "demand"}), Json({{"policy", "demand"}}));
    EXPECT_EQ(json({"policy"}), Json({{"policy", "demand"}}));
}

TEST_F(BalloonctlJson, AReservationNotYetTransferredHasNullDomainAndNoExpiry) {
    EXPECT_EQ(json({"reservations"}), Json({{"reservations", Json::array()}}));
    auto holder = spawnCtl({"reserve", "128M"});
    const auto id = holder->readLine(std::chrono::seconds(15));
    ASSERT_TRUE(id) << "balloonctl reserve printed no id";
    auto expiring = spawnCtl({"reserve", "64M", "--expiry=1h"});
    const auto expiringId = expiring->readLine(std::chrono::seconds(15));
    ASSERT_TRUE(expiringId);

    const Json all = json({"reservations"}).at("reservations");
    ASSERT_EQ(all.size(), 2U) << all.dump(2);
    for (const auto& r : all) {
        EXPECT_TRUE(r.at("domid").is_null());
        EXPECT_TRUE(r.at("owner").is_string());
        if (r.at("id") == *id) {
            EXPECT_EQ(r.at("size_kib"), 128 * 1024);
            EXPECT_TRUE(r.at("expires_unix_s").is_null());
        } else {
            EXPECT_EQ(r.at("size_kib"), 64 * 1024);
            EXPECT_GT(r.at("expires_unix_s").get<std::int64_t>(), std::time(nullptr) + 3000);
        }
    }
    EXPECT_EQ(holder->stop(SIGINT, std::chrono::seconds(10)), 0);
    EXPECT_EQ(expiring->stop(SIGINT, std::chrono::seconds(10)), 0);
}

}  // namespace
}  // namespace balloon::dbustest
