// The Prometheus text formatter (daemon/metrics_format.h): what it writes, in which units, and
// that a guest-chosen domain name cannot break out of its label. The written file is checked by
// promtool in the integration suite (balloond_metrics_test).
#include "metrics_format.h"

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace balloon::daemon {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

MetricsSnapshot twoDomains() {
    MetricsSnapshot s;
    s.hostTotal = gib(8);
    s.hostFree = mib(700);
    s.slush = mib(64);
    s.reserved = mib(256);
    s.domains = {
        DomainFigures{.domid = 0,
                      .name = "Domain-0",
                      .target = gib(1),
                      .actual = gib(1),
                      .min = mib(128),
                      .max = gib(2)},
        DomainFigures{.domid = 7,
                      .name = "web",
                      .target = mib(1536),
                      .actual = mib(1600),
                      .min = mib(256),
                      .max = gib(4),
                      .state = Convergence::Stuck,
                      .pinned = true,
                      .reportRejects = 3},
    };
    s.rounds = 40;
    s.rebalances = 5;
    s.targetWrites = 9;
    s.reclaimed = mib(300);
    s.errors = {{"actuation", 1}, {"hypervisor", 0}, {"metrics_write", 2}};
    return s;
}

TEST(MetricsFormat, WritesHostFiguresInBytes) {
    const std::string text = formatMetrics(twoDomains());
    EXPECT_THAT(text, HasSubstr("\nballoond_host_memory_total_bytes 8589934592\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_host_memory_free_bytes 734003200\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_host_memory_slush_bytes 67108864\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_host_memory_reserved_bytes 268435456\n"));
}

TEST(MetricsFormat, WritesEachDomainWithItsIdAndName) {
    const std::string text = formatMetrics(twoDomains());
    EXPECT_THAT(text, HasSubstr("\nballoond_domain_target_bytes{domid=\"7\",name=\"web\"} "
                                "1610612736\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_domain_actual_bytes{domid=\"7\",name=\"web\"} "
                                "1677721600\n"));
    EXPECT_THAT(text,
                HasSubstr("\nballoond_domain_min_bytes{domid=\"7\",name=\"web\"} 268435456\n"));
    EXPECT_THAT(text,
                HasSubstr("\nballoond_domain_max_bytes{domid=\"7\",name=\"web\"} 4294967296\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_domain_pinned{domid=\"7\",name=\"web\"} 1\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_domain_pinned{domid=\"0\",name=\"Domain-0\"} 0\n"));
    EXPECT_THAT(text,
                HasSubstr("\nballoond_domain_report_rejects_total{domid=\"7\",name=\"web\"} 3\n"));
}

TEST(MetricsFormat, ExposesTheStateAsOneSeriesPerValueWithOnlyTheCurrentOneSet) {
    const std::string text = formatMetrics(twoDomains());
    const std::string prefix = "balloond_domain_state{domid=\"7\",name=\"web\",state=\"";
    EXPECT_THAT(text, HasSubstr(prefix + "stuck\"} 1\n"));
    for (const char* other : {"balanced", "converging", "slow", "uncooperative"}) {
        EXPECT_THAT(text, HasSubstr(prefix + other + "\"} 0\n")) << other;
    }
    EXPECT_THAT(text, HasSubstr("{domid=\"0\",name=\"Domain-0\",state=\"balanced\"} 1\n"));
}

TEST(MetricsFormat, WritesTheCountersWithTotalNamesAndErrorsByKind) {
    const std::string text = formatMetrics(twoDomains());
    EXPECT_THAT(text, HasSubstr("\nballoond_rounds_total 40\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_rebalances_total 5\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_target_writes_total 9\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_reclaimed_bytes_total 314572800\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_errors_total{kind=\"actuation\"} 1\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_errors_total{kind=\"hypervisor\"} 0\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_errors_total{kind=\"metrics_write\"} 2\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE balloond_errors_total counter\n"));
}

TEST(MetricsFormat, GivesEveryFamilyOneHelpAndOneTypeBeforeItsSamples) {
    std::set<std::string> typed;
    std::string current;
    std::string lastHelp;
    for (const std::string& line : lines(formatMetrics(twoDomains()))) {
        if (line.rfind("# HELP ", 0) == 0) {
            lastHelp = line.substr(7, line.find(' ', 7) - 7);
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            current = line.substr(7, line.find(' ', 7) - 7);
            EXPECT_EQ(current, lastHelp) << "TYPE without its HELP just before: " << line;
            EXPECT_TRUE(typed.insert(current).second) << "family written twice: " << current;
            continue;
        }
        const std::string name = line.substr(0, line.find_first_of("{ "));
        EXPECT_EQ(name, current) << "sample outside its family: " << line;
    }
    EXPECT_EQ(typed.size(), 16U);
}

TEST(MetricsFormat, EmptyHostStillHasEveryFamily) {
    const std::string text = formatMetrics(MetricsSnapshot{});
    EXPECT_THAT(text, HasSubstr("# TYPE balloond_domain_target_bytes gauge\n"));
    EXPECT_THAT(text, HasSubstr("\nballoond_host_memory_total_bytes 0\n"));
}

TEST(MetricsLabels, EscapeBackslashQuoteAndNewline) {
    EXPECT_EQ(escapeLabelValue("a\\b"), "a\\\\b");
    EXPECT_EQ(escapeLabelValue("say \"hi\""), "say \\\"hi\\\"");
    EXPECT_EQ(escapeLabelValue("two\nlines"), "two\\nlines");
    EXPECT_EQ(escapeLabelValue("plain-name_1.x"), "plain-name_1.x");
}

TEST(MetricsLabels, KeepValidUtf8AndReplaceWhatIsNot) {
    EXPECT_EQ(escapeLabelValue("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xB3"),
              "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xB3");
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(escapeLabelValue("a\xFF"
                               "b"),
              "a" + fffd + "b");
    EXPECT_EQ(escapeLabelValue("\xC0\xAF"), fffd + fffd);             // overlong '/'
    EXPECT_EQ(escapeLabelValue("\xED\xA0\x80"), fffd + fffd + fffd);  // a surrogate
    EXPECT_EQ(escapeLabelValue("\xE2\x82"), fffd + fffd);             // cut short
    EXPECT_EQ(escapeLabelValue(std::string("nul\0tab\t", 8)), "nul" + fffd + "tab" + fffd);
}

TEST(MetricsLabels, AHostileDomainNameStaysInsideItsLabel) {
    MetricsSnapshot s = twoDomains();
    const std::size_t benignLines = lines(formatMetrics(s)).size();
    s.domains[1].name = "x\"} 1\nballoond_fake_bytes 1\n# TYPE \\";
    const std::string text = formatMetrics(s);
    const auto written = lines(text);
    EXPECT_EQ(written.size(), benignLines);
    for (const std::string& line : written) {
        EXPECT_NE(line.rfind("balloond_fake", 0), 0U) << "the name started a sample: " << line;
    }
    EXPECT_THAT(text, HasSubstr("name=\"x\\\"} 1\\nballoond_fake_bytes 1\\n# TYPE \\\\\"}"));
}

}  // namespace
}  // namespace balloon::daemon
