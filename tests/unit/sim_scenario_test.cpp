// Scenario files: strict parsing, errors placed at file:line:col, and every shipped scenario.
#include <filesystem>

#include <gtest/gtest.h>

#include "scenario.h"

namespace balloon::sim {
namespace {

constexpr const char* kGood = R"(name = "test"
[host]
memory = "4G"
dom0 = "512M"
seed = 9
duration = "2m"
step = "250ms"

[[domain]]
name = "web"
memory = "1G"
maxmem = "2G"
type = "hvm"
driver = "netbsd"
rate = 64
agent = "qubes"
[domain.workload]
kind = "burst"
base = "300M"
amplitude = "500M"
period = "30s"
length = "5s"

[[domain]]
name = "idle"
count = 3
memory = "256M"
workload = { kind = "idle" }

[[domain]]
name = "late"
memory = "512M"
autostart = false

[[event]]
at = "1m"
action = "mem-set"
domain = "web"
size = "768M"

[[event]]
at = "10s"
action = "create"
domain = "late"
wait = "30s"
)";

// The message of the ScenarioError that parsing `text` throws ("" if none).
std::string errorOf(const std::string& text) {
    try {
        parseScenario(text, "t.toml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

TEST(ScenarioParser, ReadsHostDomainsWorkloadsAndEvents) {
    const Scenario s = parseScenario(kGood, "t.toml");
    EXPECT_EQ(s.name, "test");
    EXPECT_EQ(s.hostMemory, gib(4));
    EXPECT_EQ(s.dom0Memory, mib(512));
    EXPECT_EQ(s.seed, 9U);
    EXPECT_EQ(s.duration, Duration{120000});
    EXPECT_EQ(s.step, Duration{250});
    ASSERT_EQ(s.domains.size(), 5U);
    const GuestSpec& web = s.domains[0];
    EXPECT_EQ(web.type, DomainType::Hvm);
    EXPECT_EQ(web.videoram, mib(8));  // xl's default for HVM
    EXPECT_EQ(web.firmware, kDefaultFirmware);
    EXPECT_EQ(web.driver.kind, DriverKind::NetBsd);
    EXPECT_EQ(web.driver.rateMiBps, 64);
    EXPECT_EQ(web.agent, Agent::Qubes);
    EXPECT_EQ(web.workload.kind, WorkloadKind::Burst);
    EXPECT_EQ(web.workload.period, Duration{30000});
    EXPECT_EQ(s.domains[1].name, "idle-1");
    EXPECT_EQ(s.domains[3].name, "idle-3");
    EXPECT_EQ(s.domains[3].maxmem, mib(256));  // maxmem defaults to memory
    EXPECT_EQ(s.domains[3].workload.kind, WorkloadKind::Idle);
    EXPECT_FALSE(s.domains[4].autostart);
    ASSERT_EQ(s.events.size(), 2U);
    EXPECT_EQ(s.events[0].action, EventAction::Create);  // sorted by time
    EXPECT_EQ(s.events[0].wait, Duration{30000});
    EXPECT_EQ(s.events[1].size, mib(768));
}

TEST(ScenarioParser, RefusesAnUnknownKeyAtItsPosition) {
    EXPECT_EQ(errorOf("[host]\nmemory = \"4G\"\nmemroy = \"1G\"\n"),
              "t.toml:3:1: unknown key \"memroy\" in [host]");
}

TEST(ScenarioParser, RefusesABadSizeAndSaysWhatToWrite) {
    const std::string e = errorOf("[[domain]]\nname = \"a\"\nmemory = \"lots\"\n");
    EXPECT_EQ(e.rfind("t.toml:3:10: [[domain]] #1 memory: ", 0), 0U) << e;
    EXPECT_NE(errorOf("[[domain]]\nname = \"a\"\nmemory = 512\n").find("size string"),
              std::string::npos);
}

TEST(ScenarioParser, RefusesAnUnknownDriverListingTheChoices) {
    const std::string e = errorOf("[[domain]]\nname = \"a\"\ndriver = \"windows\"\n");
    EXPECT_EQ(e,
              "t.toml:3:10: [[domain]] #1 driver: unknown driver \"windows\"; expected linux, "
              "netbsd, slow, stuck, liar or none");
}

TEST(ScenarioParser, RefusesATomlSyntaxErrorWithItsPosition) {
    EXPECT_EQ(errorOf("[host]\nmemory = \"4G\n").rfind("t.toml:2:", 0), 0U);
}

TEST(ScenarioParser, RefusesMemoryAboveMaxmem) {
    EXPECT_NE(errorOf("[[domain]]\nname = \"a\"\nmemory = \"2G\"\nmaxmem = \"1G\"\n")
                  .find("need 0 < memory <= maxmem"),
              std::string::npos);
}

TEST(ScenarioParser, ReadsAToolstackRangeAndAGrowLimitAndRefusesARangeAboveMaxmem) {
    const Scenario s = parseScenario(
        "[[domain]]\nname = \"a\"\nmemory = \"1G\"\nmaxmem = \"2G\"\n"
        "min = \"512M\"\nmax = \"1536M\"\ngrow_limit = \"1200M\"\n",
        "t.toml");
    ASSERT_EQ(s.domains.size(), 1U);
    EXPECT_EQ(s.domains[0].rangeMin, mib(512));
    EXPECT_EQ(s.domains[0].rangeMax, mib(1536));
    EXPECT_EQ(s.domains[0].driver.growLimit, mib(1200));
    EXPECT_NE(errorOf("[[domain]]\nname = \"a\"\nmemory = \"1G\"\nmax = \"2G\"\n")
                  .find("need min <= max <= maxmem"),
              std::string::npos);
}

TEST(ScenarioParser, RefusesADuplicateName) {
    EXPECT_EQ(errorOf("[[domain]]\nname = \"a\"\n[[domain]]\nname = \"a\"\n"),
              "t.toml:4:8: domain name \"a\" is used twice");
}

TEST(ScenarioParser, RefusesAnEventForAnUndeclaredDomain) {
    EXPECT_EQ(errorOf("[[event]]\nat = \"1s\"\naction = \"destroy\"\ndomain = \"ghost\"\n"),
              "t.toml:4:10: event names domain \"ghost\", which no [[domain]] declares");
}

TEST(ScenarioParser, RefusesAnAgentForAGuestWithoutABalloonDriver) {
    EXPECT_NE(errorOf("[[domain]]\nname = \"a\"\ndriver = \"none\"\nagent = \"balloond\"\n")
                  .find("t.toml:4:9: driver \"none\" reports nothing"),
              std::string::npos);
}

TEST(ScenarioParser, RefusesVideoramOnAPvDomainAndABadDuration) {
    EXPECT_NE(errorOf("[[domain]]\nname = \"a\"\nvideoram = \"8M\"\n").find("hvm domains only"),
              std::string::npos);
    EXPECT_EQ(errorOf("[host]\nstep = \"10 s\"\n").rfind("t.toml:2:8: [host] step: ", 0), 0U);
}

TEST(ScenarioParser, ParsesDurations) {
    EXPECT_EQ(parseDuration("100ms"), Duration{100});
    EXPECT_EQ(parseDuration("2h"), Duration{7200000});
    EXPECT_THROW(parseDuration("1.5s"), std::invalid_argument);
    EXPECT_THROW(parseDuration("s"), std::invalid_argument);
    EXPECT_THROW(parseDuration("-1s"), std::invalid_argument);
}

TEST(ScenarioParser, TakesZeroOnlyWhereItMeansSomething) {
    const Scenario s = parseScenario(
        "[host]\ntrace_interval = \"0\"\n[[domain]]\nname = \"a\"\n[[event]]\nat = \"0\"\n"
        "action = \"destroy\"\ndomain = \"a\"\n",
        "t.toml");
    EXPECT_EQ(s.traceInterval, Duration{0});
    EXPECT_EQ(s.events.at(0).at, Duration{0});
    EXPECT_EQ(errorOf("[host]\nstep = \"0\"\n").rfind("t.toml:2:8: [host] step: ", 0), 0U);
    EXPECT_NE(errorOf("[host]\nduration = \"0s\"\n").find("must be above zero"), std::string::npos);
}

TEST(ScenarioParser, LoadingAMissingFileNamesIt) {
    try {
        loadScenario("/nonexistent/x.toml");
        FAIL();
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/x.toml"), std::string::npos);
    }
}

TEST(ShippedScenarios, AllParseAndTheDefaultIsTheSandboxHost) {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(BALLOON_SCENARIO_DIR)) {
        if (entry.path().extension() == ".toml") {
            SCOPED_TRACE(entry.path().string());
            EXPECT_NO_THROW(loadScenario(entry.path()));
            ++count;
        }
    }
    EXPECT_GE(count, 7U);
    const Scenario def = loadScenario(std::filesystem::path(BALLOON_SCENARIO_DIR) / "default.toml");
    EXPECT_EQ(def.hostMemory, gib(8));
    EXPECT_EQ(def.domains.size(), 6U);
}

}  // namespace
}  // namespace balloon::sim
