// `balloond --sandbox` as a whole process. It stops cleanly: a SIGINT or SIGTERM sent to
// balloond's PID alone (as a service manager, a test or `kill -INT` sends it), or a Ctrl-C on its
// terminal (SIGINT to its process group), ends balloond and every child it started (the private
// xenstored and dbus-daemon) with exit status 0, and nothing of the run is left in the temporary
// directory. And a user other than the one who started it is told plainly that it may not use it.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_process.h"
#include "eventually.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// What this test waits for (processes in /proc, a file's contents) gives no event to wait on.
using balloon::harness::eventually;

std::string readFile(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Field `index` (1-based, after the command name) of /proc/PID/stat: 1 is the state, 2 the ppid.
std::string statField(pid_t pid, int index) {
    const std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) {
        return {};
    }
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    for (int i = 0; i < index && fields >> field; ++i) {
    }
    return field;
}

std::string commandName(pid_t pid) {
    std::string name = readFile("/proc/" + std::to_string(pid) + "/comm");
    return name.empty() ? name : name.substr(0, name.size() - 1);
}

std::vector<pid_t> childrenOf(pid_t parent) {
    std::vector<pid_t> children;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") == std::string::npos &&
            statField(std::stoi(name), 2) == std::to_string(parent)) {
            children.push_back(std::stoi(name));
        }
    }
    return children;
}

// Alive: it exists and is not a zombie waiting to be reaped.
bool alive(pid_t pid) {
    const std::string state = statField(pid, 1);
    return !state.empty() && state != "Z";
}

enum class Stop { SigintToPid, SigtermToPid, CtrlCToGroup };

// balloond's children once the sandbox is up: both (xenstored and dbus-daemon) started and the
// view printed the bus's address (two children alone can be a dbus-daemon not yet in its own
// process group, which a Ctrl-C to balloond's group would still reach).
std::vector<pid_t> bothChildrenOf(pid_t pid, const std::function<bool()>& running,
                                  const fs::path& stdoutFile) {
    std::vector<pid_t> children;
    eventually(
        [&] {
            children = childrenOf(pid);
            return !running() ||
                   (children.size() == 2 &&
                    readFile(stdoutFile).find("BALLOONCTL_BUS_ADDRESS") != std::string::npos);
        },
        30s);
    return children;
}

class SandboxRun : public ::testing::Test {
protected:
    void SetUp() override {
        // Orphans of balloond come to this process, where the test can see them.
        ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/sandbox-stop-XXXXXX";
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        fs::create_directory(dir_ / "tmp");
    }
    void TearDown() override {
        if (balloond_) {
            balloond_->stop(SIGTERM, 5s);  // the clean stop, so its children are stopped too
        }
        balloond_.reset();
        while (waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    std::string log() const { return readFile(dir_ / "stderr"); }

    // balloond --sandbox, TMPDIR inside this test's directory, in a process group of its own (as
    // a shell puts a foreground job).
    pid_t start() {
        balloon::sandbox::SpawnSpec spec;
        spec.argv = {BALLOOND_BINARY, "--sandbox"};
        spec.setEnv = {{"TMPDIR", (dir_ / "tmp").string()}};
        spec.out = balloon::sandbox::Output::truncateTo(dir_ / "stdout");
        spec.err = balloon::sandbox::Output::truncateTo(dir_ / "stderr");
        spec.ownProcessGroup = true;
        balloond_ = std::make_unique<balloon::sandbox::ChildProcess>(std::move(spec));
        return balloond_->pid();
    }

    fs::path dir_;
    std::unique_ptr<balloon::sandbox::ChildProcess> balloond_;
};

class SandboxStop : public SandboxRun, public ::testing::WithParamInterface<Stop> {};

TEST_P(SandboxStop, EndsBalloondAndEveryChildWithStatusZero) {
    const pid_t pid = start();

    // Up: xenstored and dbus-daemon started, and the run directory is the user's alone.
    const std::vector<pid_t> children = bothChildrenOf(
        pid, [&] { return balloond_->running(); }, dir_ / "stdout");
    ASSERT_EQ(children.size(), 2U) << log();
    ASSERT_TRUE(balloond_->running()) << log();
    std::vector<fs::path> runDirs;
    for (const auto& entry : fs::directory_iterator(dir_ / "tmp")) {
        runDirs.push_back(entry.path());
    }
    ASSERT_EQ(runDirs.size(), 1U) << "one private directory per run";
    EXPECT_EQ(fs::status(runDirs[0]).permissions(), fs::perms::owner_all) << runDirs[0];

    const auto sent = Clock::now();
    switch (GetParam()) {
        case Stop::SigintToPid:
            kill(pid, SIGINT);
            break;
        case Stop::SigtermToPid:
            kill(pid, SIGTERM);
            break;
        case Stop::CtrlCToGroup:
            kill(-pid, SIGINT);
            break;
    }
    const auto status = balloond_->waitFor(10s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent);
    ASSERT_TRUE(status.has_value()) << "balloond still runs 10 s after the signal\n" << log();
    EXPECT_EQ(*status, 0) << log();
    // The goal is 2 s; a child that ignores SIGTERM (a signal mask inherited from balloond's
    // event loop) is SIGKILLed only after 2 s, so a clean stop must be well inside that.
    EXPECT_LT(took, 1000ms) << "balloond took " << took.count() << " ms to stop";
    for (const pid_t child : children) {
        EXPECT_FALSE(alive(child))
            << "child " << child << " (" << commandName(child) << ") outlived balloond";
    }
    EXPECT_TRUE(fs::is_empty(dir_ / "tmp")) << "the run directory was left behind";
    EXPECT_NE(readFile(dir_ / "stdout").find("sandbox stopped after"), std::string::npos)
        << readFile(dir_ / "stdout");
}

TEST_F(SandboxRun, SigkillToItsPidLeavesNoChildRunning) {
    // A SIGKILL gives balloond no chance to stop its children: they end by themselves (xenstored
    // watches its parent, dbus-daemon is killed by the kernel when balloond's main thread ends).
    const pid_t pid = start();
    const std::vector<pid_t> children = bothChildrenOf(
        pid, [&] { return balloond_->running(); }, dir_ / "stdout");
    ASSERT_EQ(children.size(), 2U) << log();
    kill(pid, SIGKILL);
    ASSERT_TRUE(balloond_->waitFor(10s).has_value());
    for (const pid_t child : children) {
        EXPECT_TRUE(eventually([&] { return !alive(child); }, 5s))
            << "child " << child << " (" << commandName(child) << ") outlived a SIGKILLed balloond";
    }
}

TEST_F(SandboxRun, AnotherUserIsToldItMayNotUseTheSandbox) {
    ASSERT_EQ(geteuid(), 0U) << "this test runs balloonctl as uid 65534 through setpriv, which "
                                "needs root: run the integration suite as root";
    start();
    // The view prints the bus's address to export within a second or so.
    std::string address;
    ASSERT_TRUE(eventually(
        [&] {
            const std::string out = readFile(dir_ / "stdout");
            const auto at = out.find("BALLOONCTL_BUS_ADDRESS='");
            if (at != std::string::npos) {
                const auto from = at + std::string("BALLOONCTL_BUS_ADDRESS='").size();
                address = out.substr(from, out.find('\'', from) - from);
            }
            return !address.empty() || !balloond_->running();
        },
        30s))
        << log();
    ASSERT_FALSE(address.empty()) << log();
    for (const std::vector<std::string>& verb :
         {std::vector<std::string>{"list"}, std::vector<std::string>{"set", "web", "1G"}}) {
        balloon::sandbox::SpawnSpec client;
        client.argv = {BALLOONCTL_BINARY};
        client.argv.insert(client.argv.end(), verb.begin(), verb.end());
        client.setEnv = {{"BALLOONCTL_BUS_ADDRESS", address}};
        client.unprivileged = true;
        const auto r = balloon::sandbox::runToCompletion(client, 30s);
        EXPECT_EQ(r.exitCode, 4) << verb[0] << ": " << r.both();
        EXPECT_NE(r.err.find("not allowed"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("not reachable"), std::string::npos) << r.err;
    }
    // The owner (root here) may.
    balloon::sandbox::SpawnSpec owner;
    owner.argv = {BALLOONCTL_BINARY, "list"};
    owner.setEnv = {{"BALLOONCTL_BUS_ADDRESS", address}};
    const auto r = balloon::sandbox::runToCompletion(owner, 30s);
    EXPECT_EQ(r.exitCode, 0) << r.both();
}

INSTANTIATE_TEST_SUITE_P(Signals, SandboxStop,
                         ::testing::Values(Stop::SigintToPid, Stop::SigtermToPid,
                                           Stop::CtrlCToGroup),
                         [](const auto& param) {
                             switch (param.param) {
                                 case Stop::SigintToPid:
                                     return std::string("SigintToItsPid");
                                 case Stop::SigtermToPid:
                                     return std::string("SigtermToItsPid");
                                 case Stop::CtrlCToGroup:
                                     return std::string("CtrlCToItsProcessGroup");
                             }
                             return std::string();
                         });

}  // namespace
