// What balloonctl prints, from plain values: the list table (units in the headers, sizes rounded
// to the nearest MiB, ceiling/static-max where they differ) and the JSON documents (exact KiB,
// null for what balloond does not know).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "format.h"
#include "json_output.h"

namespace balloon::cli {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using Json = nlohmann::json;

DomainView pvGuest() {
    DomainView d;
    d.id = 3;
    d.name = "web";
    d.uuid = "0f0e0d0c-0000-4000-8000-000000000003";
    d.type = "pv";
    d.targetKiB = 1048576;
    d.actualKiB = 1048576;
    d.minKiB = 131072;
    d.maxKiB = 2097152;
    d.staticMaxKiB = 2097152;
    d.state = "balanced";
    d.reason = "demand 300M + headroom 64M";
    d.reportSource = "balloond";
    d.reportAgeSeconds = 4;
    d.reportUsedKiB = 307200;
    d.reportAvailableKiB = 700000;
    return d;
}

TEST(AMibColumn, RoundsToTheNearestMiB) {
    EXPECT_EQ(mibColumn(1048063), "1023");  // 1023.499 MiB
    EXPECT_EQ(mibColumn(1048064), "1024");  // 1023.5 MiB: xl's truncation would say 1023
    EXPECT_EQ(mibColumn(0), "0");
}

TEST(TheListTable, CarriesUnitsInItsHeaders) {
    EXPECT_THAT(domainTable({pvGuest()}),
                ContainsRegex("^Name +ID +Target\\(MiB\\) +Actual\\(MiB\\) +Min\\(MiB\\) "
                              "+Max\\(MiB\\) +State +Mode\n"));
}

TEST(TheListTable, ShowsStaticMaxBesideTheUsableMaxOfAnHvmGuest) {
    DomainView hvm = pvGuest();
    hvm.name = "win";
    hvm.type = "hvm";
    hvm.maxKiB = 2097152 - 8192;  // static-max less 8 MiB of videoram
    const std::string table = domainTable({pvGuest(), hvm});
    EXPECT_THAT(table, ContainsRegex("\nweb +3 +1024 +1024 +128 +2048 +balanced +auto\n"));
    EXPECT_THAT(table, ContainsRegex("\nwin +3 +1024 +1024 +128 +2040/2048 +balanced +auto\n"));
}

TEST(TheListTable, ShowsGuestChosenNamesInPrintableAscii) {
    DomainView odd = pvGuest();
    odd.name = "evil\033[2Jname";
    EXPECT_THAT(domainTable({odd}), HasSubstr("evil?[2Jname "));
}

TEST(TheListJson, GivesExactKiBAndTheHost) {
    ManagerView host{8388608, 1048576, 65536, 0, "demand", 7};
    const Json json = Json::parse(listJson(host, {pvGuest()}));
    EXPECT_EQ(json.at("host").at("total_kib"), 8388608);
    EXPECT_EQ(json.at("host").at("policy"), "demand");
    const Json& web = json.at("domains").at(0);
    EXPECT_EQ(web.at("target_kib"), 1048576);
    EXPECT_EQ(web.at("mode"), "auto");
    EXPECT_EQ(web.at("report").at("age_s"), 4);
    EXPECT_EQ(web.at("report").at("available_kib"), 700000);
}

TEST(TheDomainJson, SaysNullForWhatBalloondDoesNotKnow) {
    DomainView d = pvGuest();
    d.name.clear();
    d.uuid.clear();
    d.reason.clear();
    d.reportAgeSeconds = -1;   // LastReport: age unknown
    d.reportAvailableKiB = 0;  // the report had no MemAvailable
    const Json json = Json::parse(domainJson(d));
    for (const char* key : {"name", "uuid", "reason"}) {
        EXPECT_TRUE(json.at(key).is_null()) << key;
    }
    EXPECT_TRUE(json.at("report").at("age_s").is_null());
    EXPECT_TRUE(json.at("report").at("available_kib").is_null());
    EXPECT_EQ(json.at("report").at("used_kib"), 307200);

    d.reportSource.clear();  // no report at all
    EXPECT_TRUE(Json::parse(domainJson(d)).at("report").is_null());
}

TEST(TheReservationsJson, SaysNullBeforeTheTransferAndForNoExpiry) {
    const Json json = Json::parse(reservationsJson(
        {{"r1", 131072, std::nullopt, ":1.7", std::nullopt}, {"r2", 65536, 5, "", 1900000000}}));
    const Json& held = json.at("reservations").at(0);
    EXPECT_EQ(held.at("size_kib"), 131072);
    EXPECT_TRUE(held.at("domid").is_null());
    EXPECT_TRUE(held.at("expires_unix_s").is_null());
    EXPECT_EQ(held.at("owner"), ":1.7");
    const Json& transferred = json.at("reservations").at(1);
    EXPECT_EQ(transferred.at("domid"), 5);
    EXPECT_TRUE(transferred.at("owner").is_null());
    EXPECT_EQ(transferred.at("expires_unix_s"), 1900000000);
}

TEST(TheExplainJson, HasANullPlanForADomainTheRoundLeftOut) {
    const Json json = Json::parse(explainJson(pvGuest(), nullptr));
    EXPECT_EQ(json.at("last_reason"), "demand 300M + headroom 64M");
    EXPECT_TRUE(json.at("plan").is_null());
    const PlanEntry entry{3, "web", 1048576, 917504, "shrink", "idle"};
    EXPECT_EQ(Json::parse(explainJson(pvGuest(), &entry)).at("plan").at("planned_kib"), 917504);
}

TEST(TheJson, SurvivesANameThatIsNotUtf8) {
    DomainView d = pvGuest();
    d.name = "bad\xff";
    EXPECT_FALSE(Json::parse(domainJson(d), nullptr, false).is_discarded());
}

}  // namespace
}  // namespace balloon::cli
