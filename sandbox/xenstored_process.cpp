// Runs the real xenstored privately. Readiness is polled through a real request (never a fixed
// sleep); stopping waits on a pidfd with a deadline; nothing is left behind, not even on a crash
// of the test (the interposer arms PR_SET_PDEATHSIG in the daemon).
#include "xenstored_process.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private_dir.h"
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

// The file's last tailBytes, without xenstored's per-request write-rate-limit lines ("wrl:", one
// per domain per request), which would otherwise crowd out every request in the tail.
std::string readFile(const std::filesystem::path& path, std::size_t tailBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::string all;
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("wrl:")) {
            all += line;
            all += '\n';
        }
    }
    return all.size() > tailBytes ? "...\n" + all.substr(all.size() - tailBytes) : all;
}

std::filesystem::path makeRunDir(const std::filesystem::path& parent) {
    std::filesystem::path dir = makePrivateDir(parent, "balloon-xenstored-");
    if ((dir / "socket").string().size() > kMaxSocketPath) {
        std::filesystem::remove(dir);
        throw std::runtime_error("xenstored socket path under " + parent.string() +
                                 " is longer than a Unix socket allows; set TMPDIR shorter");
    }
    return dir;
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
    if (!std::filesystem::exists(options_.interposer)) {
        throw std::runtime_error(
            "the hypervisor interposer xenstored needs, " + options_.interposer.string() +
            ", does not exist: build it (meson compile -C <builddir> "
            "sandbox/balloon_xenstored_interposer), install the balloond package, or point "
            "BALLOON_XENSTORED_INTERPOSER at a built copy");
    }
    if (!std::filesystem::exists(options_.xenstored)) {
        throw std::runtime_error("xenstored (" + options_.xenstored.string() +
                                 ") does not exist: install xen-utils-4.17 "
                                 "(scripts/install-deps test), or set BALLOON_XENSTORED");
    }
    if (options_.parentDir.empty()) {
        options_.parentDir = temporaryParent();
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
    SpawnSpec spec;
    spec.argv = {options_.xenstored.string(), "--no-fork"};
    if (options_.trace) {
        spec.argv.insert(spec.argv.end(), {"--trace-file", (runDir_ / "trace").string()});
    }
    spec.argv.insert(spec.argv.end(), options_.extraArgs.begin(), options_.extraArgs.end());
    // The caller's environment, minus anything that would point xenstored elsewhere.
    spec.dropEnv = {"LD_PRELOAD=", "XENSTORED_", "BALLOON_XENSTORED_PARENT="};
    spec.setEnv = {{"LD_PRELOAD", options_.interposer.string()},
                   {"XENSTORED_RUNDIR", runDir_.string()},
                   {"BALLOON_XENSTORED_PARENT", std::to_string(::getpid())}};
    spec.out = Output::appendTo(runDir_ / "xenstored.log");
    spec.errToOut = true;
    spec.ownProcessGroup = true;
    try {
        process_.emplace(std::move(spec));
    } catch (const std::system_error& e) {
        throw std::system_error(e.code(), "starting " + options_.xenstored.string() +
                                              " (is xen-utils-4.17 installed? see "
                                              "deps/debian-packages.txt)");
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
        if (process_->waitFor(kProbeInterval) || Clock::now() >= deadline) {
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

bool XenstoredProcess::running() const {
    return process_ && !process_->exitStatus();
}

pid_t XenstoredProcess::pid() const {
    return running() ? process_->pid() : -1;
}

void XenstoredProcess::stop() {
    if (process_) {
        process_->stop(SIGTERM, kTermGrace);
        process_.reset();
    }
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
