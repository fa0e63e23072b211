// `balloon-compare plan`: the snapshot format (compare/snapshot_json.h, docs/policy.md) read
// strictly, and the plan printed for any policy is that policy's plan for the snapshot.
#include "snapshot_json.h"

#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "qmemman_policy.h"

namespace balloon::compare {
namespace {

std::string example() {
    std::ifstream in(std::string(BALLOON_SNAPSHOT_DIR) + "/qubes-desktop.json");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::map<std::uint64_t, std::uint64_t> targetsOf(const Json& plan) {
    std::map<std::uint64_t, std::uint64_t> out;
    for (const Json& d : plan.at("domains")) {
        out[d.at("domid").get<std::uint64_t>()] = d.at("target_kib").get<std::uint64_t>();
    }
    return out;
}

TEST(SnapshotJson, TheExampleSnapshotReadsAsWritten) {
    const HostSnapshot host = parseSnapshot(example());
    EXPECT_EQ(host.total, gib(16));
    EXPECT_EQ(host.free, gib(1));
    ASSERT_EQ(host.domains.size(), 8U);
    const DomainSnapshot& dom0 = host.domains[0];
    ASSERT_TRUE(dom0.report);
    EXPECT_EQ(dom0.report->source, ReportSource::Qubes);
    EXPECT_EQ(dom0.report->used, mib(1200));
    EXPECT_EQ(dom0.min, gib(1));
    EXPECT_TRUE(host.domains[1].excluded);
    EXPECT_EQ(host.domains[1].type, DomainType::Hvm);
    EXPECT_EQ(host.domains[6].convergence, Convergence::Stuck);
    EXPECT_FALSE(host.domains[7].report);
}

TEST(SnapshotJson, ThePlanPrintedIsThePoliciesPlanForEveryDomain) {
    const HostSnapshot host = parseSnapshot(example());
    const Json printed = planJson(host, *contenderNamed("qmemman"));
    EXPECT_EQ(printed.at("policy"), "qmemman");
    std::map<std::uint64_t, std::uint64_t> want;
    for (const DomainPlan& p : planQmemman(host).domains) {
        want[p.domid] = p.target.count();
    }
    EXPECT_EQ(targetsOf(printed), want);
    EXPECT_EQ(want.size(), 8U);
    // qmemman grows "work" (2.5 GiB used, preference 3.25 GiB) and the reason says why.
    const Json& work = *std::ranges::find_if(printed.at("domains"),
                                             [](const Json& d) { return d.at("name") == "work"; });
    EXPECT_EQ(work.at("change"), "grow");
    EXPECT_THAT(work.at("reason").get<std::string>(), ::testing::HasSubstr("preference"));
}

TEST(SnapshotJson, EveryPolicyAnswersAndTheStaticSplitKeepsEveryTarget) {
    const HostSnapshot host = parseSnapshot(example());
    for (const char* name : {"demand", "proportional", "qmemman", "squeezed", "static"}) {
        const auto contender = contenderNamed(name);
        ASSERT_TRUE(contender) << name;
        EXPECT_EQ(targetsOf(planJson(host, *contender)).size(), 8U) << name;
    }
    std::map<std::uint64_t, std::uint64_t> kept;
    for (const DomainSnapshot& d : host.domains) {
        kept[d.domid] = d.target.count();
    }
    EXPECT_EQ(targetsOf(planJson(host, *contenderNamed("static"))), kept);
    EXPECT_FALSE(contenderNamed("balloond"));
}

TEST(SnapshotJson, AGuestAwaitingItsFirstReportHoldsTheOthersToTheirShareOfTheSpare) {
    // Two guests at 1 GiB with 512 MiB spare: one reports 256 MiB used, the other has not
    // reported. While it awaits its first report, half the surplus is left for it, less than
    // the first holds, and the first keeps its target; once its grace period is over, the first
    // takes the spare and what it does not use.
    const std::string text = R"({"host": {"total_kib": 3670016, "free_kib": 524288},
      "domains": [
        {"domid": 1, "static_max_kib": 4194304, "actual_kib": 1048576, "target_kib": 1048576,
         "report": {"used_kib": 262144}},
        {"domid": 2, "static_max_kib": 4194304, "actual_kib": 1048576, "target_kib": 1048576,
         "awaiting_report": AWAITING}]})";
    const auto planned = [&](const std::string& awaiting) {
        std::string snapshot = text;
        snapshot.replace(snapshot.find("AWAITING"), 8, awaiting);
        const HostSnapshot host = parseSnapshot(snapshot);
        EXPECT_EQ(host.domains[1].awaitingReport, awaiting == "true");
        return targetsOf(planJson(host, *contenderNamed("demand")));
    };
    EXPECT_EQ(planned("true").at(1), 1048576U);
    EXPECT_GT(planned("false").at(1), 1048576U + 262144U);
}

void expectRefused(const std::string& text, const std::string& says) {
    try {
        parseSnapshot(text);
        ADD_FAILURE() << "accepted: " << text;
    } catch (const SnapshotError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr(says)) << text;
    }
}

TEST(SnapshotJson, AMistakeIsRefusedNamingTheKeyAndTheDomain) {
    const std::string host = R"("host": {"total_kib": 4194304, "free_kib": 1048576})";
    const std::string dom = R"("domid": 3, "static_max_kib": 1048576, "actual_kib": 524288)";
    EXPECT_NO_THROW(
        parseSnapshot("{" + host + R"(, "domains": [{)" + dom + R"(, "target_kib": 524288}]})"));
    expectRefused("{" + host + R"(, "domains": [{)" + dom + "}]}",
                  R"(domains[0]: "target_kib" is missing)");
    expectRefused("{" + host + R"(, "domains": [{)" + dom + R"(, "target_kib": -1}]})",
                  R"("target_kib" should be a whole number >= 0)");
    expectRefused("{" + host + R"(, "domains": [{)" + dom + R"(, "target_kib": 1.5}]})",
                  R"("target_kib" should be a whole number >= 0)");
    expectRefused(
        "{" + host + R"(, "domains": [{)" + dom + R"(, "target_kib": 1, "target_kb": 5}]})",
        R"(unknown key "target_kb")");
    expectRefused("{" + host + R"(, "domains": [{)" + dom +
                      R"(, "target_kib": 1, "report": {"used_kib": 1, "source": "xl"}}]})",
                  R"(domain 3 report: "source" should be balloond, qubes or xenserver)");
    expectRefused("{" + host + R"(, "domains": [{)" + dom + R"(, "target_kib": 1}, {)" + dom +
                      R"(, "target_kib": 1}]})",
                  "domain 3 is listed twice");
    expectRefused("{" + host + R"(, "domains": [], "extra": 1})", R"(unknown key "extra")");
    expectRefused(R"({"domains": []})", R"("host" is missing)");
    expectRefused("{" + host, "not valid JSON");
}

}  // namespace
}  // namespace balloon::compare
