#include "child_process.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace balloon::sandbox {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> environmentFor(const SpawnSpec& spec) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view var{*entry};
        bool keep = true;
        for (const auto& prefix : spec.dropEnv) {
            keep = keep && !var.starts_with(prefix);
        }
        for (const auto& [name, value] : spec.setEnv) {
            keep = keep && !var.starts_with(name + "=");
        }
        if (keep) {
            env.emplace_back(var);
        }
    }
    for (const auto& [name, value] : spec.setEnv) {
        env.push_back(name);
        env.back().append("=").append(value);
    }
    return env;
}

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (std::string& s : strings) {
        pointers.push_back(s.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

// posix_spawn's attributes and file actions, destroyed on every path out.
class SpawnSetup {
public:
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions_);
        posix_spawnattr_init(&attr_);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions_);
        posix_spawnattr_destroy(&attr_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    SpawnSetup(SpawnSetup&&) = delete;
    SpawnSetup& operator=(SpawnSetup&&) = delete;

    posix_spawn_file_actions_t* actions() { return &actions_; }
    posix_spawnattr_t* attr() { return &attr_; }

private:
    posix_spawn_file_actions_t actions_{};
    posix_spawnattr_t attr_{};
};

struct PipeEnds {
    OwnedFd read;   // the parent's
    OwnedFd write;  // the child's, closed in the parent once the child has started
};

// Sets up one output stream of the child.
PipeEnds route(const Output& output, int targetFd, posix_spawn_file_actions_t* actions) {
    switch (output.kind) {
        case Output::Kind::Inherit:
            return {};
        case Output::Kind::Null:
            posix_spawn_file_actions_addopen(actions, targetFd, "/dev/null", O_WRONLY, 0);
            return {};
        case Output::Kind::AppendTo:
        case Output::Kind::TruncateTo: {
            const int mode = output.kind == Output::Kind::AppendTo ? O_APPEND : O_TRUNC;
            posix_spawn_file_actions_addopen(actions, targetFd, output.file.c_str(),
                                             O_WRONLY | O_CREAT | O_NOFOLLOW | mode, 0600);
            return {};
        }
        case Output::Kind::Pipe: {
            std::array<int, 2> ends{};
            if (pipe2(ends.data(), O_CLOEXEC) != 0) {
                throw std::system_error(errno, std::generic_category(), "pipe2");
            }
            // dup2 clears O_CLOEXEC on the child's copy; every other copy closes at exec.
            posix_spawn_file_actions_adddup2(actions, ends[1], targetFd);
            return {OwnedFd{ends[0]}, OwnedFd{ends[1]}};
        }
    }
    return {};
}

}  // namespace

ChildProcess::ChildProcess(SpawnSpec spec) {
    if (spec.argv.empty()) {
        throw std::invalid_argument("ChildProcess: no program given");
    }
    if (spec.unprivileged || spec.endsWithSpawner) {
        std::vector<std::string> setpriv = {"setpriv"};
        if (spec.unprivileged) {
            setpriv.insert(setpriv.end(), {"--reuid=65534", "--regid=65534", "--clear-groups"});
        }
        if (spec.endsWithSpawner) {
            setpriv.emplace_back("--pdeathsig=KILL");
        }
        setpriv.emplace_back("--");
        spec.argv.insert(spec.argv.begin(), setpriv.begin(), setpriv.end());
    }
    program_ = spec.argv.front();
    std::vector<std::string> env = environmentFor(spec);
    std::vector<char*> envp = pointersTo(env);
    std::vector<char*> argv = pointersTo(spec.argv);

    SpawnSetup setup;
    posix_spawn_file_actions_addopen(setup.actions(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    PipeEnds out = route(spec.out, STDOUT_FILENO, setup.actions());
    PipeEnds err;
    if (spec.errToOut) {
        posix_spawn_file_actions_adddup2(setup.actions(), STDOUT_FILENO, STDERR_FILENO);
    } else {
        err = route(spec.err, STDERR_FILENO, setup.actions());
    }
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(setup.attr(), &none);
    posix_spawnattr_setsigdefault(setup.attr(), &all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (spec.ownProcessGroup) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(setup.attr(), 0);
    }
    posix_spawnattr_setflags(setup.attr(), flags);

    const bool searchPath = program_.find('/') == std::string::npos;
    const int rc =
        searchPath
            ? posix_spawnp(&pid_, argv[0], setup.actions(), setup.attr(), argv.data(), envp.data())
            : posix_spawn(&pid_, argv[0], setup.actions(), setup.attr(), argv.data(), envp.data());
    if (rc != 0) {
        pid_ = -1;
        throw std::system_error(rc, std::generic_category(), "cannot start " + program_);
    }
    out_ = std::move(out.read);
    err_ = std::move(err.read);
    // glibc 2.36 declares pidfd_open without C linkage for C++; the syscall is the same. Without
    // it (valgrind 3.19 does not implement it) waitFor polls waitpid.
    pidFd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0) {
        stop(SIGKILL, std::chrono::milliseconds(0));
    }
}

std::optional<int> ChildProcess::exitStatus() {
    if (!status_ && pid_ > 0) {
        int raw = 0;
        if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
            record(raw);
        }
    }
    return status_;
}

std::optional<int> ChildProcess::waitFor(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!exitStatus()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        if (pidFd_.valid()) {
            pollfd p{pidFd_.get(), POLLIN, 0};
            ::poll(&p, 1, static_cast<int>(left.count()));
        } else {
            std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(10)));
        }
    }
    return status_;
}

void ChildProcess::signal(int signo) const {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, signo);
    }
}

int ChildProcess::stop(int signo, std::chrono::milliseconds grace) {
    if (exitStatus()) {
        return *status_;
    }
    signal(signo);
    if (const auto status = waitFor(grace)) {
        return *status;
    }
    signal(SIGKILL);
    int raw = 0;
    while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
    }
    record(raw);
    return *status_;
}

void ChildProcess::record(int rawStatus) {
    signaled_ = WIFSIGNALED(rawStatus);
    status_ = signaled_ ? 128 + WTERMSIG(rawStatus) : WEXITSTATUS(rawStatus);
}

std::optional<std::string> ChildProcess::readLine(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        const auto newline = lineBuffer_.find('\n');
        if (newline != std::string::npos) {
            std::string line = lineBuffer_.substr(0, newline);
            lineBuffer_.erase(0, newline + 1);
            return line;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{out_.get(), POLLIN, 0};
        if (!out_.valid() || left.count() <= 0 ||
            ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            return std::nullopt;
        }
        std::array<char, 4096> chunk{};
        const ssize_t n = ::read(out_.get(), chunk.data(), chunk.size());
        if (n <= 0) {
            return std::nullopt;
        }
        lineBuffer_.append(chunk.data(), static_cast<std::size_t>(n));
    }
}

RunResult runToCompletion(SpawnSpec spec, std::chrono::milliseconds timeout) {
    spec.out = Output::pipe();
    spec.err = Output::pipe();
    spec.errToOut = false;
    ChildProcess child(std::move(spec));
    RunResult result;
    const auto deadline = Clock::now() + timeout;
    std::array<pollfd, 2> fds{{{child.outFd(), POLLIN, 0}, {child.errFd(), POLLIN, 0}}};
    int open = 2;
    bool timedOut = false;
    while (open > 0) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) {
            break;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) {
                continue;
            }
            std::array<char, 4096> chunk{};
            const ssize_t n = ::read(fds[i].fd, chunk.data(), chunk.size());
            if (n <= 0) {
                fds[i].fd = -1;  // poll skips negative descriptors; the child owns the real one
                --open;
            } else {
                (i == 0 ? result.out : result.err)
                    .append(chunk.data(), static_cast<std::size_t>(n));
            }
        }
    }
    // Both streams closed: the child is exiting; it still gets what is left of the deadline.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const auto status = timedOut ? std::nullopt : child.waitFor(left);
    if (!status) {
        child.stop(SIGKILL, std::chrono::milliseconds(0));
        return result;
    }
    result.exitCode = child.endedBySignal() ? -1 : *status;
    return result;
}

}  // namespace balloon::sandbox
