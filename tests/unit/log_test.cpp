#include "log.h"

#include <cerrno>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace balloon::log {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

class LogOutput : public ::testing::Test {
protected:
    void capture(Severity minLevel, LogStyle style) {
        out_ = std::make_shared<std::stringstream>();
        initLogging(minLevel, style, out_);
    }
    std::vector<std::string> lines() const {
        std::vector<std::string> result;
        std::istringstream in(out_->str());
        for (std::string line; std::getline(in, line);) {
            result.push_back(line);
        }
        return result;
    }
    std::string text() const { return out_->str(); }

    std::shared_ptr<std::stringstream> out_;
};

TEST_F(LogOutput, PlainLinesStartWithATimestampAndTheSeverity) {
    capture(Severity::Debug, LogStyle::Plain);
    BLOG(warning) << logattr::domid(3) << logattr::kib("target", KiB{524288})
                  << "could not reach target";
    const std::regex expected(
        R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)? warning \[dom3\] could not reach target )"
        R"(target=524288KiB\n)");
    EXPECT_TRUE(std::regex_match(text(), expected)) << text();
}

TEST_F(LogOutput, JournalLinesStartWithTheSyslogPriority) {
    capture(Severity::Debug, LogStyle::Journal);
    BLOG(warning) << logattr::domid(3) << logattr::kib("target", KiB{524288})
                  << logattr::kib("current", KiB{1024}) << "could not reach target";
    BLOG(info) << "started";
    BLOG(error) << "gave up after " << 3 << " tries" << logattr::number("tries", 3);
    BLOG(debug) << logattr::domid(0) << "dom0";
    BLOG(notice) << "n";
    EXPECT_THAT(lines(), ElementsAre("<4>warning [dom3] could not reach target target=524288KiB "
                                     "current=1024KiB",
                                     "<6>info started", "<3>error gave up after 3 tries tries=3",
                                     "<7>debug [dom0] dom0", "<5>notice n"));
}

TEST_F(LogOutput, FilteredLinesAreNeitherWrittenNorFormatted) {
    capture(Severity::Warning, LogStyle::Journal);
    int evaluated = 0;
    const auto count = [&evaluated] { return ++evaluated; };
    BLOG(info) << "hidden " << count();
    BLOG(notice) << "hidden " << count();
    BLOG(error) << "shown " << count();
    EXPECT_THAT(lines(), ElementsAre("<3>error shown 1"));
    EXPECT_EQ(evaluated, 1);
}

TEST_F(LogOutput, GuestTextCannotForgeLinesOrFields) {
    capture(Severity::Debug, LogStyle::Journal);
    BLOG(warning) << "bad report: " << std::string("x\n<3>error forged")
                  << logattr::text("value", "1 fake=2\n\x1b[31m\"") << logattr::text("empty", "")
                  << logattr::text("plain", "abc");
    EXPECT_THAT(lines(), ElementsAre("<4>warning bad report: x\\x0a<3>error forged "
                                     "value=\"1 fake=2\\x0a\\x1b[31m\\x22\" empty=\"\" plain=abc"));
}

TEST_F(LogOutput, BlogIsASingleStatementInsideIfElse) {
    capture(Severity::Debug, LogStyle::Journal);
    for (const bool flag : {true, false}) {
        // Unbraced on purpose: the macro must be one statement here.
        // NOLINTBEGIN(readability-braces-around-statements)
        if (flag)
            BLOG(info) << "yes";
        else
            BLOG(info) << "no";
        // NOLINTEND(readability-braces-around-statements)
    }
    EXPECT_THAT(lines(), ElementsAre("<6>info yes", "<6>info no"));
}

TEST_F(LogOutput, ReinitialisingReplacesTheSink) {
    capture(Severity::Debug, LogStyle::Journal);
    const auto first = out_;
    BLOG(info) << "one";
    capture(Severity::Debug, LogStyle::Journal);
    BLOG(info) << "two";
    EXPECT_EQ(first->str(), "<6>info one\n");
    EXPECT_EQ(text(), "<6>info two\n");
}

// A journal that keeps what it is sent (or refuses everything, like a journald that is gone).
class RecordingJournal final : public JournalWriter {
public:
    explicit RecordingJournal(int answer = 0) : answer_(answer) {}
    int send(const std::vector<std::string>& fields) override {
        entries.push_back(fields);
        return answer_;
    }
    std::vector<std::vector<std::string>> entries;

private:
    int answer_;
};

class JournalOutput : public LogOutput {
protected:
    void captureJournal(Severity minLevel, int answer = 0) {
        out_ = std::make_shared<std::stringstream>();
        journal_ = std::make_shared<RecordingJournal>(answer);
        initJournalLogging(minLevel, journal_, "balloond", out_);
    }
    std::shared_ptr<RecordingJournal> journal_;
};

TEST_F(JournalOutput, SendsTheDomainAndEachFieldAsJournalFields) {
    captureJournal(Severity::Debug);
    BLOG(warning) << logattr::domid(3) << logattr::kib("target", KiB{524288})
                  << logattr::kib("current", KiB{1024}) << "could not reach target";
    BLOG(notice) << "suppressed 2 messages" << logattr::text("kind", "bad-report");
    ASSERT_EQ(journal_->entries.size(), 2U);
    EXPECT_THAT(journal_->entries[0],
                ElementsAre("MESSAGE=warning [dom3] could not reach target target=524288KiB "
                            "current=1024KiB",
                            "PRIORITY=4", "SYSLOG_IDENTIFIER=balloond", "DOMID=3",
                            "TARGET_KIB=524288", "CURRENT_KIB=1024"));
    EXPECT_THAT(journal_->entries[1],
                ElementsAre("MESSAGE=notice suppressed 2 messages kind=bad-report", "PRIORITY=5",
                            "SYSLOG_IDENTIFIER=balloond", "KIND=bad-report"));
    EXPECT_EQ(text(), "");  // nothing on stderr: the journal took it all
}

TEST_F(JournalOutput, SendsOnlyRecordsAtTheLevelAndAbove) {
    captureJournal(Severity::Notice);
    BLOG(info) << "hidden";
    BLOG(error) << "shown";
    ASSERT_EQ(journal_->entries.size(), 1U);
    EXPECT_EQ(journal_->entries[0].at(0), "MESSAGE=error shown");
}

TEST_F(JournalOutput, KeepsGuestTextInOneEntryAndTheMessageOnOneLine) {
    captureJournal(Severity::Debug);
    BLOG(warning) << "bad report: " << std::string("x\nPRIORITY=0") << logattr::domid(4)
                  << logattr::text("value", "1\nDOMID=0");
    ASSERT_EQ(journal_->entries.size(), 1U);
    EXPECT_THAT(
        journal_->entries[0],
        ElementsAre("MESSAGE=warning [dom4] bad report: x\\x0aPRIORITY=0 "
                    "value=\"1\\x0aDOMID=0\"",
                    "PRIORITY=4", "SYSLOG_IDENTIFIER=balloond", "DOMID=4", "VALUE=1\nDOMID=0"));
}

TEST_F(JournalOutput, FallsBackToPriorityLinesOnStderrWhenTheJournalRefuses) {
    captureJournal(Severity::Debug, -ENOENT);
    BLOG(warning) << logattr::domid(3) << "could not reach target"
                  << logattr::kib("target", KiB{524288});
    EXPECT_EQ(journal_->entries.size(), 1U);
    EXPECT_THAT(lines(), ElementsAre("<4>warning [dom3] could not reach target target=524288KiB"));
}

TEST(JournalFieldNames, AreUpperCaseWithKiBFiguresMarked) {
    EXPECT_EQ(journalFieldName("target", true), "TARGET_KIB");
    EXPECT_EQ(journalFieldName("kind", false), "KIND");
    EXPECT_EQ(journalFieldName("stuck-after", false), "STUCK_AFTER");
}

TEST(Severity, NamesParseBackAndMapToSyslogPriorities) {
    for (const Severity s :
         {Severity::Debug, Severity::Info, Severity::Notice, Severity::Warning, Severity::Error}) {
        EXPECT_EQ(parseSeverity(toString(s)), s);
    }
    EXPECT_EQ(parseSeverity("warn"), std::nullopt);
    EXPECT_EQ(parseSeverity("WARNING"), std::nullopt);
    EXPECT_EQ(syslogPriority(Severity::Debug), 7);
    EXPECT_EQ(syslogPriority(Severity::Notice), 5);
    EXPECT_EQ(syslogPriority(Severity::Error), 3);
}

class JournalDetection : public ::testing::Test {
protected:
    void SetUp() override {
        std::FILE* f = std::tmpfile();
        ASSERT_NE(f, nullptr);
        file_ = f;
        struct stat st {};
        ASSERT_EQ(fstat(fileno(f), &st), 0);
        device_ = st.st_dev;
        inode_ = st.st_ino;
    }
    void TearDown() override { std::fclose(file_); }
    int fd() const { return fileno(file_); }

    std::FILE* file_ = nullptr;
    std::uint64_t device_ = 0;
    std::uint64_t inode_ = 0;
};

TEST_F(JournalDetection, RecognisesTheStreamJournaldHandedUs) {
    const std::string value = std::to_string(device_) + ":" + std::to_string(inode_);
    EXPECT_EQ(detectLogStyle(value.c_str(), fd()), LogStyle::Journal);
}

TEST_F(JournalDetection, IgnoresAnInheritedOrMalformedVariable) {
    const std::string other = std::to_string(device_) + ":" + std::to_string(inode_ + 1);
    EXPECT_EQ(detectLogStyle(other.c_str(), fd()), LogStyle::Plain);
    EXPECT_EQ(detectLogStyle(nullptr, fd()), LogStyle::Plain);
    EXPECT_EQ(detectLogStyle("", fd()), LogStyle::Plain);
    EXPECT_EQ(detectLogStyle("12:", fd()), LogStyle::Plain);
    const std::string trailing = std::to_string(device_) + ":" + std::to_string(inode_) + "x";
    EXPECT_EQ(detectLogStyle(trailing.c_str(), fd()), LogStyle::Plain);
}

using Clock = RateLimitedLog::Clock;

TEST_F(LogOutput, RateLimiterLetsNLinesPerIntervalThenSummarises) {
    capture(Severity::Debug, LogStyle::Journal);
    RateLimitedLog limiter(2, 10s);
    const Clock::time_point t0{};
    EXPECT_TRUE(limiter.admit(3, "bad-report", t0));
    EXPECT_TRUE(limiter.admit(3, "bad-report", t0 + 1s));
    EXPECT_FALSE(limiter.admit(3, "bad-report", t0 + 2s));
    EXPECT_FALSE(limiter.admit(3, "bad-report", t0 + 9s));
    // Other domains and other kinds have their own allowance.
    EXPECT_TRUE(limiter.admit(4, "bad-report", t0 + 2s));
    EXPECT_TRUE(limiter.admit(3, "oversized", t0 + 2s));
    EXPECT_TRUE(lines().empty());

    EXPECT_TRUE(limiter.admit(3, "bad-report", t0 + 10s));
    EXPECT_THAT(lines(), ElementsAre("<4>warning [dom3] suppressed 2 messages kind=bad-report"));
}

TEST_F(LogOutput, RateLimiterFlushReportsEndedIntervalsAndForgetsThem) {
    capture(Severity::Debug, LogStyle::Journal);
    RateLimitedLog limiter(1, 5s);
    const Clock::time_point t0{};
    for (int i = 0; i < 10000; ++i) {  // a guest rewriting its report as fast as it can
        (void)limiter.admit(7, "bad-report", t0 + std::chrono::microseconds(i), Severity::Notice);
    }
    (void)limiter.admit(std::nullopt, "host", t0);
    EXPECT_EQ(limiter.trackedKeys(), 2U);

    limiter.flush(t0 + 4s);  // interval not over yet
    EXPECT_TRUE(lines().empty());
    limiter.flush(t0 + 5s);
    EXPECT_THAT(lines(), ElementsAre("<5>notice [dom7] suppressed 9999 messages kind=bad-report"));
    EXPECT_EQ(limiter.trackedKeys(), 0U);

    // A fresh interval starts with a full allowance and nothing to report.
    EXPECT_TRUE(limiter.admit(7, "bad-report", t0 + 6s));
    limiter.flush(t0 + 20s);
    EXPECT_EQ(lines().size(), 1U);
}

TEST(RateLimiter, ZeroLinesPerIntervalDropsEverything) {
    RateLimitedLog limiter(0, 1s);
    EXPECT_FALSE(limiter.admit(1, "k", Clock::time_point{}));
}

}  // namespace
}  // namespace balloon::log
