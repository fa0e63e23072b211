// Runs the real xenstored privately. Readiness is polled through a real request (never a fixed
// sleep); stopping waits on a pidfd with a deadline; nothing is left behind, not even on a crash
// of the test (the interposer arms PR_SET_PDEATHSIG in the daemon).
#include "xenstored_process.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xenstore_probe.h"

namespace balloon::sandbox {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kTermGrace = std::chrono::milliseconds(3000);
// Between two readiness probes: long enough not to spin, short against a 15-40 ms start.
constexpr auto kProbeInterval = std::chrono::milliseconds(5);
constexpr std::size_t kTraceTailBytes = std::size_t{16} * 1024;
// sockaddr_un.sun_path holds 108 bytes including the NUL.
constexpr std::size_t kMaxSocketPath = 107;

std::filesystem::path fromEnvOr(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : fallback;
}

std::system_error systemError(const std::string& what) {
    return {errno, std::generic_category(), what};
}

std::string readFile(const std::filesystem::path& path, std::size_t tailBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    return all.size() > tailBytes ? "...\n" + all.substr(all.size() - tailBytes) : all;
}

std::filesystem::path makeRunDir(const std::filesystem::path& parent) {
    std::string pattern = (parent / "balloon-xenstored-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw systemError("creating a run dir for xenstored under " + parent.string() +
                          " (set TMPDIR to a writable directory)");
    }
    std::filesystem::path dir = pattern;
    if ((dir / "socket").string().size() > kMaxSocketPath) {
        std::filesystem::remove(dir);
        throw std::runtime_error("xenstored socket path under " + parent.string() +
                                 " is longer than a Unix socket allows; set TMPDIR shorter");
    }
    return dir;
}

// waitpid in steps of kReapStep until the child is reaped or the timeout passes.
bool reapedWithin(pid_t pid, std::chrono::milliseconds timeout) {
    constexpr auto kReapStep = std::chrono::milliseconds(10);
    const auto deadline = Clock::now() + timeout;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(kReapStep);
    }
    return true;
}

}  // namespace

XenstoredProcess::XenstoredProcess(XenstoredOptions options) : options_(std::move(options)) {
    if (options_.xenstored.empty()) {
        options_.xenstored = fromEnvOr("BALLOON_XENSTORED", BALLOON_XENSTORED);
    }
    if (options_.interposer.empty()) {
        // The copy next to this build when there is one, else the installed one.
        const bool built = std::filesystem::exists(BALLOON_XENSTORED_INTERPOSER);
        options_.interposer = fromEnvOr(
            "BALLOON_XENSTORED_INTERPOSER",
            built ? BALLOON_XENSTORED_INTERPOSER : BALLOON_XENSTORED_INTERPOSER_INSTALLED);
    }
    if (options_.parentDir.empty()) {
        options_.parentDir = fromEnvOr("TMPDIR", "/tmp");
    }
    runDir_ = makeRunDir(options_.parentDir);
    try {
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(runDir_, ignored);
        throw;
    }
}

XenstoredProcess::~XenstoredProcess() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(runDir_, ignored);
}

void XenstoredProcess::start() {
    const std::string log = (runDir_ / "xenstored.log").string();
    const std::string trace = (runDir_ / "trace").string();
    std::vector<std::string> args{options_.xenstored.string(), "--no-fork", "--trace-file", trace};
    args.insert(args.end(), options_.extraArgs.begin(), options_.extraArgs.end());

    // The caller's environment, minus anything that would point xenstored elsewhere.
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view var{*entry};
        if (!var.starts_with("LD_PRELOAD=") && !var.starts_with("XENSTORED_") &&
            !var.starts_with("BALLOON_XENSTORED_PARENT=")) {
            env.emplace_back(var);
        }
    }
    env.push_back("LD_PRELOAD=" + options_.interposer.string());
    env.push_back("XENSTORED_RUNDIR=" + runDir_.string());
    env.push_back("BALLOON_XENSTORED_PARENT=" + std::to_string(::getpid()));

    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (std::string& var : env) {
        envp.push_back(var.data());
    }
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    // The test may block or ignore signals; xenstored must start with defaults.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t child = -1;
    const int rc = ::posix_spawn(&child, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(),
                                "starting " + options_.xenstored.string() +
                                    " (is xen-utils-4.17 installed? see deps/debian-packages.txt)");
    }
    pid_ = child;
    // glibc 2.36 declares pidfd_open without C linkage for C++; the syscall is the same.
    pidFd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
    // Without pidfd_open (valgrind 3.19 does not implement it) waitForExit polls waitpid.
    if (!pidFd_.valid() && errno != ENOSYS) {
        const auto error = systemError("pidfd_open for xenstored");
        stop();
        throw error;
    }
    waitUntilReady();
}

void XenstoredProcess::waitUntilReady() {
    const auto deadline = Clock::now() + options_.readyTimeout;
    for (;;) {
        if (xenstoredAnswers(socketPath(), std::chrono::milliseconds(500))) {
            return;
        }
        // Waiting on the pidfd doubles as the pause between probes and notices an early death.
        if (waitForExit(kProbeInterval) || Clock::now() >= deadline) {
            const bool died = !running();
            stop();
            throw std::runtime_error(
                std::string(died ? "xenstored exited during start-up"
                                 : "xenstored did not answer within the start-up deadline") +
                " (" + options_.xenstored.string() + ", run dir " + runDir_.string() +
                ", interposer " + options_.interposer.string() + ")\n" + diagnostics());
        }
    }
}

// Reaps the child if it exits within the timeout; true when it is gone.
bool XenstoredProcess::waitForExit(std::chrono::milliseconds timeout) {
    if (!running()) {
        return true;
    }
    int status = 0;
    if (pidFd_.valid()) {
        pollfd pfd{pidFd_.get(), POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) {
            return false;
        }
        ::waitpid(pid_, &status, 0);
    } else if (!reapedWithin(pid_, timeout)) {
        return false;
    }
    pid_ = -1;
    pidFd_.reset();
    return true;
}

void XenstoredProcess::stop() {
    if (!running()) {
        return;
    }
    ::kill(pid_, SIGTERM);
    if (waitForExit(kTermGrace)) {
        return;
    }
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    pidFd_.reset();
}

void XenstoredProcess::restart() {
    stop();
    start();
}

std::vector<std::pair<std::string, std::string>> XenstoredProcess::clientEnvironment() const {
    return {{"XENSTORED_PATH", socketPath().string()}};
}

void XenstoredProcess::exportToThisProcess() const {
    for (const auto& [name, value] : clientEnvironment()) {
        ::setenv(name.c_str(), value.c_str(), 1);
    }
}

void XenstoredProcess::kick() const {
    const std::string fifo = (runDir_ / "evtchn").string();
    OwnedFd fd{::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)};
    if (!fd.valid()) {
        throw systemError("kicking xenstored through " + fifo + " (is it running?)");
    }
    const char byte = 'k';
    // EAGAIN means the FIFO is full of unread kicks: xenstored will wake anyway.
    if (::write(fd.get(), &byte, 1) != 1 && errno != EAGAIN) {
        throw systemError("kicking xenstored through " + fifo);
    }
}

void XenstoredProcess::setDying(std::span<const DomId> domids) const {
    const auto path = runDir_ / "dying";
    const auto temp = runDir_ / "dying.new";
    {
        std::ofstream out(temp);
        for (DomId domid : domids) {
            out << domid << '\n';
        }
        if (!out.flush()) {
            throw std::runtime_error("writing the dying-domain list " + temp.string());
        }
    }
    // Renamed into place so the interposer never reads a half-written list.
    std::filesystem::rename(temp, path);
    kick();
}

std::filesystem::path XenstoredProcess::ringPagePath(DomId domid) const {
    return runDir_ / ("ring-" + std::to_string(domid));
}

std::filesystem::path XenstoredProcess::notifyPath(DomId domid) const {
    return runDir_ / ("notify-" + std::to_string(domid));
}

std::string XenstoredProcess::diagnostics() const {
    return "--- xenstored output (" + (runDir_ / "xenstored.log").string() + ")\n" +
           readFile(runDir_ / "xenstored.log", kTraceTailBytes) + "--- end of xenstored trace\n" +
           readFile(runDir_ / "trace", kTraceTailBytes) + "---\n";
}

}  // namespace balloon::sandbox
