#include "config.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_paths.h"  // BALLOOND_SHIPPED_TOML, from meson

namespace balloon {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kShippedConfig = BALLOOND_SHIPPED_TOML;  // systemd/balloond.toml

ParsedConfig parse(const std::string& text) {
    std::istringstream in(text);
    return parseConfig(in, "test.toml");
}

// The message of the ConfigError that parsing `text` throws (fails the test when none is thrown).
std::string errorOf(const std::string& text) {
    try {
        (void)parse(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return {};
}

void expectDefaults(const Config& c) {
    const PolicyConfig policy;
    EXPECT_EQ(c.policy.kind, policy.kind);
    EXPECT_EQ(c.policy.slush, mib(64));
    EXPECT_EQ(c.policy.idleTax, 0.75);
    EXPECT_EQ(c.policy.headroomFraction, 0.15);
    EXPECT_EQ(c.policy.minHeadroom, mib(64));
    EXPECT_EQ(c.policy.deadband, mib(16));
    EXPECT_EQ(c.policy.maxStep, mib(512));
    EXPECT_EQ(c.policy.holdTime, 60s);
    EXPECT_EQ(c.policy.burstWindow, 12min);
    EXPECT_EQ(c.policy.defaultMin, mib(128));
    EXPECT_TRUE(c.dom0.managed);
    EXPECT_EQ(c.dom0.floor, mib(128));
    EXPECT_EQ(c.intervals.sample, 2s);
    EXPECT_EQ(c.intervals.stuckAfter, 5s);
    EXPECT_EQ(c.intervals.uncooperativeAfter, 20s);
    EXPECT_EQ(c.intervals.reportStaleAfter, 150s);
    EXPECT_EQ(c.limits.reportMaxBytes, 512U);
    EXPECT_EQ(c.limits.reportsPerSecond, 2U);
    EXPECT_EQ(c.dbus.adminGroup, "");
    EXPECT_EQ(c.metrics.textfileDir, std::filesystem::path());
    EXPECT_EQ(c.metrics.interval, 10s);
    EXPECT_EQ(c.compat.qmemmanSocket, std::filesystem::path());
    EXPECT_EQ(c.compat.qmemmanSocketOwner, "root");
    EXPECT_EQ(c.compat.qmemmanSocketMode, 0600U);
    EXPECT_EQ(c.compat.qmemmanTimeout, 30s);
    EXPECT_FALSE(c.compat.requireFeatureBalloon);
}

TEST(ConfigParser, AnEmptyFileGivesTheDefaults) {
    const ParsedConfig parsed = parse("");
    expectDefaults(parsed.config);
    EXPECT_THAT(parsed.config.domains, IsEmpty());
    EXPECT_THAT(parsed.warnings, IsEmpty());
}

TEST(ConfigParser, ReadsEveryKey) {
    const ParsedConfig parsed = parse(R"(
[host]
slush = "100M"
[dom0]
managed = false
floor = "1G"
[intervals]
sample = "500ms"
stuck-after = "3s"
uncooperative-after = "1m"
report-stale-after = "45s"
[policy]
kind = "proportional"
idle-tax = 0.5
headroom = 1
min-headroom = "32MiB"
deadband = "8M"
max-step = "1G"
hold = "2m"
burst-window = "15m"
default-min = "256M"
[limits]
report-max-bytes = 1024
reports-per-second = 5
[dbus]
admin-group = "balloon-admins"
[metrics]
textfile-dir = "/var/lib/prometheus/node-exporter"
interval = "30s"
[[domain]]
name = "web1"
min = "512M"
max = "2G"
weight = 200
pinned = true
excluded = true
[[domain]]
uuid = "5F2BD6D4-8C1F-4A8E-9B7C-2D3E4F5A6B7C"
)");
    const Config& c = parsed.config;
    EXPECT_THAT(parsed.warnings, IsEmpty());
    EXPECT_EQ(c.policy.slush, mib(100));
    EXPECT_FALSE(c.dom0.managed);
    EXPECT_EQ(c.dom0.floor, gib(1));
    EXPECT_EQ(c.intervals.sample, 500ms);
    EXPECT_EQ(c.intervals.stuckAfter, 3s);
    EXPECT_EQ(c.intervals.uncooperativeAfter, 1min);
    EXPECT_EQ(c.intervals.reportStaleAfter, 45s);
    EXPECT_EQ(c.policy.kind, PolicyKind::Proportional);
    EXPECT_EQ(c.policy.idleTax, 0.5);
    EXPECT_EQ(c.policy.headroomFraction, 1.0);
    EXPECT_EQ(c.policy.minHeadroom, mib(32));
    EXPECT_EQ(c.policy.deadband, mib(8));
    EXPECT_EQ(c.policy.maxStep, gib(1));
    EXPECT_EQ(c.policy.holdTime, 120s);
    EXPECT_EQ(c.policy.burstWindow, 15min);
    EXPECT_EQ(c.policy.defaultMin, mib(256));
    EXPECT_EQ(c.limits.reportMaxBytes, 1024U);
    EXPECT_EQ(c.limits.reportsPerSecond, 5U);
    EXPECT_EQ(c.dbus.adminGroup, "balloon-admins");
    EXPECT_EQ(c.dbus.adminGroupPosition, (SourcePosition{"test.toml", 26, 15}));
    EXPECT_EQ(c.metrics.textfileDir, "/var/lib/prometheus/node-exporter");
    EXPECT_EQ(c.metrics.interval, 30s);
    ASSERT_EQ(c.domains.size(), 2U);
    const DomainOverride& web = c.domains[0];
    EXPECT_EQ(web.name, "web1");
    EXPECT_EQ(web.min, mib(512));
    EXPECT_EQ(web.max, gib(2));
    EXPECT_EQ(web.weight, 200U);
    EXPECT_TRUE(web.pinned);
    EXPECT_TRUE(web.excluded);
    EXPECT_EQ(web.position, (SourcePosition{"test.toml", 30, 1}));
    const DomainOverride& byUuid = c.domains[1];
    EXPECT_EQ(byUuid.uuid, "5f2bd6d4-8c1f-4a8e-9b7c-2d3e4f5a6b7c");
    EXPECT_EQ(byUuid.min, std::nullopt);
    EXPECT_EQ(byUuid.weight, 100U);
    EXPECT_FALSE(byUuid.pinned);
}

TEST(ConfigParser, EachPolicyKindHasItsName) {
    EXPECT_EQ(parse("policy.kind = \"off\"").config.policy.kind, PolicyKind::Off);
    EXPECT_EQ(parse("policy.kind = \"demand\"").config.policy.kind, PolicyKind::Demand);
    EXPECT_THAT(errorOf("[policy]\nkind = \"greedy\""),
                HasSubstr("test.toml:2:8: [policy] kind: unknown policy \"greedy\"; expected off, "
                          "proportional or demand"));
}

TEST(ConfigParser, WarnsAboutUnknownKeysAndTablesWithTheirPosition) {
    const ParsedConfig parsed = parse(R"([policy]
kind = "demand"
  idle_tax = 0.5
[polcy]
x = 1
[[domain]]
name = "a"
wieght = 3
)");
    EXPECT_THAT(parsed.warnings,
                ElementsAre("test.toml:4:2: unknown table [polcy] (ignored)",
                            "test.toml:3:3: unknown key \"idle_tax\" in [policy] (ignored)",
                            "test.toml:8:1: unknown key \"wieght\" in [[domain]] #1 (ignored)"));
    EXPECT_EQ(parsed.config.policy.idleTax, 0.75);
}

TEST(ConfigParser, SyntaxErrorsGiveFileLineAndColumn) {
    EXPECT_THAT(errorOf("[host]\nslush = \"64M\n"), HasSubstr("test.toml:2:"));
    EXPECT_THAT(errorOf("[host]\nslush = \"64M\n"), HasSubstr("not valid TOML"));
}

TEST(ConfigParser, RefusesBadValuesAtTheirPosition) {
    EXPECT_EQ(errorOf("[host]\nslush = \"64Q\""),
              "test.toml:2:9: [host] slush: bad size \"64Q\": unknown unit \"Q\" (use K, M, G, T "
              "or KiB, MiB, GiB, TiB; a bare number is MiB)");
    EXPECT_EQ(errorOf("[host]\nslush = 64"),
              "test.toml:2:9: [host] slush: expected a size string with a unit such as \"64M\", "
              "found an integer");
    EXPECT_EQ(errorOf("[dom0]\nmanaged = \"yes\""),
              "test.toml:2:11: [dom0] managed: expected true or false, found a string");
    EXPECT_EQ(errorOf("[policy]\nidle-tax = 1.5"),
              "test.toml:2:12: [policy] idle-tax: out of range; expected a number from 0 to 1");
    EXPECT_THAT(errorOf("[policy]\nheadroom = -0.1"),
                HasSubstr("test.toml:2:12: [policy] headroom"));
    EXPECT_THAT(errorOf("[policy]\nhold = \"1500ms\""),
                HasSubstr("test.toml:2:8: [policy] hold: must be whole seconds"));
    EXPECT_THAT(errorOf("[policy]\nmax-step = \"0\""),
                HasSubstr("test.toml:2:12: [policy] max-step: must be above zero"));
    EXPECT_THAT(errorOf("[policy]\nmax-step = \"8M\""),
                HasSubstr("test.toml:1:1: [policy] deadband: (16M) must be smaller than max-step"));
    EXPECT_THAT(errorOf("[limits]\nreport-max-bytes = 100000"),
                HasSubstr("test.toml:2:20: [limits] report-max-bytes: 100000 is out of range; "
                          "expected a whole number from 64 to 4096"));
    EXPECT_THAT(errorOf("[limits]\nreports-per-second = 0"), HasSubstr("test.toml:2:22:"));
    EXPECT_THAT(errorOf("host = 3"), HasSubstr("test.toml:1:8: \"host\" must be a table"));
}

TEST(ConfigParser, RefusesZeroOrMalformedDurations) {
    EXPECT_THAT(errorOf("[intervals]\nsample = \"0s\""),
                HasSubstr("test.toml:2:10: [intervals] sample: bad duration \"0s\": must be above "
                          "zero"));
    EXPECT_THAT(errorOf("[intervals]\nsample = \"2\""), HasSubstr("needs a unit"));
    EXPECT_THAT(errorOf("[intervals]\nsample = \"2 s\""), HasSubstr("unknown unit \" s\""));
    EXPECT_THAT(errorOf("[intervals]\nsample = \"25h\""), HasSubstr("longer than 24h"));
    EXPECT_THAT(errorOf("[intervals]\nsample = 2"), HasSubstr("expected a duration string"));
    EXPECT_THAT(errorOf("[intervals]\nstuck-after = \"30s\"\nuncooperative-after = \"10s\""),
                HasSubstr("test.toml:3:23: [intervals] uncooperative-after: is shorter than "
                          "stuck-after"));
    EXPECT_THAT(errorOf("[intervals]\nsample = \"10s\""),
                HasSubstr("test.toml:2:10: [intervals] sample: is longer than stuck-after"));
}

TEST(ConfigParser, TurnsTheBurstReserveOffWithZeroOnly) {
    EXPECT_EQ(parse("[policy]\nburst-window = \"0\"").config.policy.burstWindow, 0min);
    EXPECT_EQ(parse("[policy]\nburst-window = \"60m\"").config.policy.burstWindow, 60min);
    EXPECT_EQ(parse("[policy]\nburst-window = \"1h\"").config.policy.burstWindow, 60min);
    EXPECT_EQ(parse("[policy]\nburst-window = \"120s\"").config.policy.burstWindow, 2min);
}

TEST(ConfigParser, RefusesABurstWindowThatIsNotWholeMinutesOrTooLong) {
    EXPECT_EQ(errorOf("[policy]\nburst-window = \"90s\""),
              "test.toml:2:16: [policy] burst-window: must be whole minutes, e.g. \"5m\", or "
              "\"0\" to turn the burst reserve off");
    EXPECT_THAT(errorOf("[policy]\nburst-window = \"61m\""),
                HasSubstr("test.toml:2:16: [policy] burst-window: must be at most 60m"));
    EXPECT_THAT(errorOf("[policy]\nburst-window = \"0m\""),
                HasSubstr("test.toml:2:16: [policy] burst-window: bad duration \"0m\""));
    EXPECT_THAT(errorOf("[policy]\nburst-window = \"5\""), HasSubstr("needs a unit"));
    EXPECT_THAT(errorOf("[policy]\nburst-window = 0"),
                HasSubstr("test.toml:2:16: [policy] burst-window: expected a string"));
}

TEST(ConfigParser, RefusesInconsistentDomainOverrides) {
    EXPECT_EQ(errorOf("[[domain]]\nweight = 5"),
              "test.toml:1:1: [[domain]] #1 has neither name nor uuid; give exactly one (name = "
              "\"web1\" or uuid = \"<domain uuid>\")");
    EXPECT_THAT(
        errorOf("[[domain]]\nname = \"a\"\nuuid = \"5f2bd6d4-8c1f-4a8e-9b7c-2d3e4f5a6b7c\""),
        HasSubstr("test.toml:3:8: [[domain]] #1 uuid: a [[domain]] is matched by name or "
                  "by uuid; give one of them, not both"));
    EXPECT_THAT(errorOf("[[domain]]\nname = \"a\"\nmin = \"2G\"\nmax = \"1G\""),
                HasSubstr("test.toml:3:7: [[domain]] #1 min: (2G) is above max (1G)"));
    EXPECT_THAT(errorOf("[[domain]]\nname = \"a\"\nweight = 0"),
                HasSubstr("test.toml:3:10: [[domain]] #1 weight: 0 is out of range; expected a "
                          "whole number from 1 to 10000"));
    EXPECT_THAT(errorOf("[[domain]]\nname = \"a\"\nweight = 10001"), HasSubstr("out of range"));
    EXPECT_THAT(errorOf("[[domain]]\nuuid = \"not-a-uuid\""),
                HasSubstr("test.toml:2:8: [[domain]] #1 uuid: \"not-a-uuid\" is not a UUID"));
    EXPECT_THAT(errorOf("[[domain]]\nname = \"\""), HasSubstr("test.toml:2:8:"));
    EXPECT_THAT(errorOf("[[domain]]\nname = \"a\"\n[[domain]]\nname = \"a\""),
                HasSubstr("test.toml:3:1: a second [[domain]] for name \"a\" (the first is at "
                          "test.toml:1:1)"));
    EXPECT_THAT(errorOf("[domain]\nname = \"a\""), HasSubstr("write [[domain]], not [domain]"));
    EXPECT_THAT(errorOf("domain = [1]"), HasSubstr("must be a table, found an integer"));
}

TEST(ConfigParser, RefusesAdminGroupsThatAreNoGroupName) {
    EXPECT_THAT(errorOf("[dbus]\nadmin-group = \"wheel admins\"\n"),
                HasSubstr("test.toml:2:15: [dbus] admin-group: must be a group name"));
    EXPECT_THAT(errorOf("[dbus]\nadmin-group = \"a:b\"\n"), HasSubstr("admin-group"));
    EXPECT_THAT(errorOf("[dbus]\nadmin-group = \"evil\\nline\"\n"), HasSubstr("admin-group"));
    EXPECT_THAT(errorOf("[dbus]\nadmin-group = \"" + std::string(65, 'g') + "\"\n"),
                HasSubstr("at most 64"));
    EXPECT_THAT(errorOf("[dbus]\nadmin-group = 4\n"), HasSubstr("expected a string"));
    // Empty is the documented default: root only.
    EXPECT_EQ(parse("[dbus]\nadmin-group = \"\"\n").config.dbus.adminGroup, "");
}

TEST(ConfigParser, RefusesARelativeTextfileDirOrATooShortInterval) {
    EXPECT_THAT(errorOf("[metrics]\ntextfile-dir = \"node-exporter\"\n"),
                HasSubstr("test.toml:2:16: [metrics] textfile-dir: must be an absolute directory"));
    EXPECT_THAT(errorOf("[metrics]\ninterval = \"500ms\"\n"),
                HasSubstr("[metrics] interval: must be at least 1s"));
    EXPECT_EQ(parse("[metrics]\ntextfile-dir = \"\"\n").config.metrics.textfileDir,
              std::filesystem::path());
}

TEST(ConfigParser, ReadsTheCompatTable) {
    const Config c = parse(R"([compat]
qmemman-socket = "/var/run/qubes/qmemman.sock"
qmemman-socket-owner = "root:qubes"
qmemman-socket-mode = "0660"
qmemman-timeout = "2m"
require-feature-balloon = true
)")
                         .config;
    EXPECT_EQ(c.compat.qmemmanSocket, "/var/run/qubes/qmemman.sock");
    EXPECT_EQ(c.compat.qmemmanSocketOwner, "root:qubes");
    EXPECT_EQ(c.compat.qmemmanSocketMode, 0660U);
    EXPECT_EQ(c.compat.qmemmanTimeout, 2min);
    EXPECT_TRUE(c.compat.requireFeatureBalloon);
}

TEST(ConfigParser, RefusesBadCompatValuesAtTheirPosition) {
    EXPECT_THAT(errorOf("[compat]\nqmemman-socket = \"qmemman.sock\""),
                HasSubstr("test.toml:2:18: [compat] qmemman-socket: must be an absolute path"));
    EXPECT_THAT(errorOf("[compat]\nqmemman-socket = \"/" + std::string(107, 'a') + "\""),
                HasSubstr("at most 107 bytes"));
    for (const char* mode : {"\"\"", "\"0800\"", "\"01777\"", "\"rw\"", "\"00600\"", "600"}) {
        EXPECT_THAT(errorOf(std::string("[compat]\nqmemman-socket-mode = ") + mode),
                    HasSubstr("[compat] qmemman-socket-mode: "))
            << mode;
    }
    for (const char* owner : {"", "a b", "root:", ":qubes", "a:b:c", "../x"}) {
        EXPECT_THAT(errorOf(std::string("[compat]\nqmemman-socket-owner = \"") + owner + "\""),
                    HasSubstr("must be \"user\" or \"user:group\""))
            << owner;
    }
    EXPECT_THAT(errorOf("[compat]\nqmemman-timeout = \"500ms\""),
                HasSubstr("qmemman-timeout: must be between 1s and 1h"));
    EXPECT_THAT(errorOf("[compat]\nrequire-feature-balloon = \"yes\""),
                HasSubstr("require-feature-balloon"));
}

TEST(ConfigOverrides, MatchUuidFirstThenName) {
    const Config c = parse(R"(
[[domain]]
name = "web1"
weight = 1
[[domain]]
uuid = "5f2bd6d4-8c1f-4a8e-9b7c-2d3e4f5a6b7c"
weight = 2
)")
                         .config;
    ASSERT_NE(c.overrideFor("web1", ""), nullptr);
    EXPECT_EQ(c.overrideFor("web1", "")->weight, 1U);
    EXPECT_EQ(c.overrideFor("web1", "5F2BD6D4-8C1F-4A8E-9B7C-2D3E4F5A6B7C")->weight, 2U);
    EXPECT_EQ(c.overrideFor("other", "5f2bd6d4-8c1f-4a8e-9b7c-2d3e4f5a6b7c")->weight, 2U);
    EXPECT_EQ(c.overrideFor("web1", "00000000-0000-0000-0000-000000000000")->weight, 1U);
    EXPECT_EQ(c.overrideFor("web2", "00000000-0000-0000-0000-000000000000"), nullptr);
    EXPECT_EQ(c.overrideFor("", ""), nullptr);
}

std::string readShippedConfig() {
    std::ifstream in(kShippedConfig);
    EXPECT_TRUE(in) << "cannot read " << kShippedConfig;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(ShippedConfig, ParsesAsShippedToTheDefaults) {
    const ParsedConfig parsed = loadConfig(kShippedConfig);
    expectDefaults(parsed.config);
    EXPECT_THAT(parsed.warnings, IsEmpty());
}

TEST(ShippedConfig, ShowsEveryKeyWithItsTrueDefault) {
    // Uncomment every "#key = value" line (prose comments have a space after the "#").
    const std::string text = std::regex_replace(
        readShippedConfig(), std::regex("^#([a-z\\[])", std::regex::multiline), "$1");
    const ParsedConfig parsed = parse(text);
    expectDefaults(parsed.config);
    EXPECT_THAT(parsed.warnings, IsEmpty());
    ASSERT_EQ(parsed.config.domains.size(), 1U);
    EXPECT_EQ(parsed.config.domains[0].name, "web1");
    EXPECT_EQ(parsed.config.domains[0].weight, 100U);
    // Every key the parser knows appears uncommented in the text.
    for (const char* key : {"slush",
                            "managed",
                            "floor",
                            "sample",
                            "stuck-after",
                            "uncooperative-after",
                            "report-stale-after",
                            "kind",
                            "idle-tax",
                            "headroom",
                            "min-headroom",
                            "deadband",
                            "max-step",
                            "hold",
                            "burst-window",
                            "default-min",
                            "report-max-bytes",
                            "reports-per-second",
                            "admin-group",
                            "textfile-dir",
                            "interval",
                            "qmemman-socket",
                            "qmemman-socket-owner",
                            "qmemman-socket-mode",
                            "qmemman-timeout",
                            "require-feature-balloon",
                            "name",
                            "min",
                            "max",
                            "weight",
                            "pinned",
                            "excluded"}) {
        EXPECT_TRUE(std::regex_search(text, std::regex(std::string("\n") + key + " = "))) << key;
    }
}

TEST(ConfigLoader, NamesAFileItCannotOpen) {
    try {
        (void)loadConfig("/nonexistent/balloond.toml");
        FAIL() << "loaded a missing file";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("/nonexistent/balloond.toml: cannot open the configuration "
                                        "file: No such file or directory"));
    }
}

}  // namespace
}  // namespace balloon
