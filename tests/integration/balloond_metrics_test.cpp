// The Prometheus textfile, end to end: the balloond binary, in sandbox mode (its
// real Daemon on a private real xenstored and the simulated host), configured with [metrics]
// textfile-dir. The file must appear, be replaced whole on every write, and pass promtool's
// `check metrics`, a parser and linter nobody here wrote.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child_process.h"
#include "eventually.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kScenario = R"(name = "metrics"
[host]
memory = "4G"
dom0 = "1G"
seed = 7
duration = "1h"
step = "100ms"

[[domain]]
name = "web"
memory = "1G"
maxmem = "2G"
workload = { kind = "burst", base = "300M", amplitude = "600M", period = "20s", length = "5s" }

[[domain]]
name = "idle"
memory = "1G"
maxmem = "1G"
workload = { kind = "idle", base = "200M" }
)";

// A host where nothing changes after start-up: one guest at a steady use, reporting once a minute.
constexpr const char* kQuietScenario = R"(name = "quiet"
[host]
memory = "4G"
dom0 = "1G"
duration = "1h"
step = "100ms"
report_interval = "60s"

[[domain]]
name = "steady"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }
)";

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A file another process writes gives no event to wait on: polled every 20 ms, for 30 s unless
// told otherwise.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 30s) {
    return balloon::harness::eventually(condition, timeout, 20ms);
}

// promtool from PATH or Debian's place; empty when it is not installed.
std::string promtool() {
    for (const char* candidate : {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
        if (access(candidate, X_OK) == 0) {
            return candidate;
        }
    }
    return {};
}

class BalloondMetrics : public ::testing::Test {
protected:
    void SetUp() override {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern =
            std::string(tmp != nullptr ? tmp : "/tmp") + "/balloond-metrics-XXXXXX";
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        textfileDir_ = dir_ / "textfile";
        std::ofstream(dir_ / "scenario.toml") << kScenario;
    }

    void TearDown() override {
        balloond_.reset();  // SIGKILLed and reaped if a test left it running
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    // balloond --sandbox with [metrics] pointing at `textfileDir`, writing once a second, and
    // these [intervals].
    void startBalloond(const fs::path& textfileDir, const std::string& intervals =
                                                        "sample = \"200ms\"\nstuck-after = \"1s\"\n"
                                                        "uncooperative-after = \"3s\"\n") {
        std::ofstream(dir_ / "balloond.toml") << "[intervals]\n"
                                              << intervals << "[metrics]\ntextfile-dir = \""
                                              << textfileDir.string() << "\"\ninterval = \"1s\"\n";
        balloon::sandbox::SpawnSpec spec;
        spec.argv = {BALLOOND_BINARY, "--sandbox", (dir_ / "scenario.toml").string(),
                     "--no-bus",      "--config",  (dir_ / "balloond.toml").string()};
        spec.out = balloon::sandbox::Output::truncateTo(dir_ / "stdout");
        spec.err = balloon::sandbox::Output::truncateTo(dir_ / "stderr");
        balloond_ = std::make_unique<balloon::sandbox::ChildProcess>(std::move(spec));
    }

    bool running() { return balloond_ && balloond_->running(); }
    [[nodiscard]] std::string log() const { return readFile(dir_ / "stderr"); }
    [[nodiscard]] fs::path promFile() const { return textfileDir_ / "balloond.prom"; }

    void waitForFile() {
        ASSERT_TRUE(eventually([&] { return fs::exists(promFile()) || !running(); }))
            << "no " << promFile() << " within 30 s; balloond's log:\n"
            << log();
        ASSERT_TRUE(fs::exists(promFile())) << "balloond exited; its log:\n" << log();
    }

    fs::path dir_;
    fs::path textfileDir_;
    std::unique_ptr<balloon::sandbox::ChildProcess> balloond_;
};

TEST_F(BalloondMetrics, TheFileAppearsWithHostAndDomainFiguresAndPassesPromtool) {
    const std::string checker = promtool();
    ASSERT_FALSE(checker.empty())
        << "promtool is missing: install Debian's prometheus package (deps/debian-packages.txt, "
           "test group; scripts/install-deps test)";
    fs::create_directory(textfileDir_);
    startBalloond(textfileDir_);
    waitForFile();
    const std::string text = readFile(promFile());
    EXPECT_THAT(text, HasSubstr("\nballoond_host_memory_total_bytes 4294967296\n"));
    EXPECT_THAT(text, HasSubstr("balloond_domain_target_bytes{domid=\"0\",name=\"Domain-0\"} "));
    EXPECT_THAT(text, HasSubstr(",name=\"web\"} "));
    EXPECT_THAT(text, HasSubstr(",name=\"idle\",state=\""));
    EXPECT_THAT(text, HasSubstr("balloond_errors_total{kind=\"metrics_write\"} 0\n"));

    // promtool reads the exposition on stdin; any lint or parse problem makes it exit non-zero.
    const std::string command = checker + " check metrics < '" + promFile().string() + "' > '" +
                                (dir_ / "promtool.out").string() + "' 2>&1";
    const int status = std::system(command.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "promtool check metrics refused the file:\n"
        << readFile(dir_ / "promtool.out") << "\nthe file:\n"
        << text;
}

TEST_F(BalloondMetrics, EachWriteReplacesTheWholeFileAtOnce) {
    fs::create_directory(textfileDir_);
    startBalloond(textfileDir_);
    waitForFile();
    // A reader racing the writer sees the old file or the new one, never a part: every read
    // ends with the last family's last line. A new inode means a rename, not a rewrite in place.
    struct stat first {};
    ASSERT_EQ(stat(promFile().c_str(), &first), 0);
    std::set<ino_t> inodes{first.st_ino};
    int reads = 0;
    const bool replaced = eventually(
        [&] {
            const std::string text = readFile(promFile());
            ++reads;
            EXPECT_THAT(text,
                        testing::EndsWith("balloond_errors_total{kind=\"metrics_write\"} 0\n"))
                << "read " << reads << " saw a partial file";
            struct stat now {};
            if (stat(promFile().c_str(), &now) == 0) {
                inodes.insert(now.st_ino);
            }
            return inodes.size() >= 4;
        },
        30s);
    EXPECT_TRUE(replaced) << "balloond.prom was replaced " << inodes.size() - 1
                          << " times in 30 s; expected about once a second";
    EXPECT_GT(reads, 10);
    EXPECT_TRUE(running()) << log();
}

TEST_F(BalloondMetrics, IsWrittenEveryIntervalWhileNoRoundComes) {
    // Samples a minute apart on a host where nothing changes: once start-up has converged no
    // round comes, and the file is still replaced every second.
    std::ofstream(dir_ / "scenario.toml") << kQuietScenario;
    fs::create_directory(textfileDir_);
    startBalloond(textfileDir_,
                  "sample = \"60s\"\nstuck-after = \"60s\"\nuncooperative-after = \"60s\"\n");
    waitForFile();
    std::set<ino_t> inodes;
    const bool replaced = eventually(
        [&] {
            struct stat now {};
            if (stat(promFile().c_str(), &now) == 0) {
                inodes.insert(now.st_ino);
            }
            return inodes.size() >= 10;
        },
        20s);
    EXPECT_TRUE(replaced) << "balloond.prom was written " << inodes.size()
                          << " times in 20 s; expected about once a second";
    EXPECT_TRUE(running()) << log();
}

TEST_F(BalloondMetrics, AMissingDirectoryIsReportedWithWhatToDoAndBalloondKeepsRunning) {
    const fs::path missing = dir_ / "no-node-exporter";
    startBalloond(missing);
    ASSERT_TRUE(eventually([&] {
        return log().find("cannot write the Prometheus metrics") != std::string::npos || !running();
    })) << log();
    const std::string text = log();
    EXPECT_THAT(text, HasSubstr((missing / "balloond.prom.tmp").string()));
    EXPECT_THAT(text, HasSubstr("create the directory"));
    EXPECT_TRUE(running()) << text;
    EXPECT_FALSE(fs::exists(missing)) << "balloond must not create the collector's directory";
}

}  // namespace
