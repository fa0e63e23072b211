// The one way this project starts another program (xenstored, dbus-daemon, balloond in the
// reliability suite, balloonctl and busctl in tests and benchmarks). Whatever the parent has
// blocked or ignored (an event loop blocks SIGINT/SIGTERM for its signalfd), the child starts
// with an empty signal mask and default dispositions, so a SIGTERM sent to it is delivered.
// The child is always reaped: stop() or the destructor.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "owned_fd.h"

namespace balloon::sandbox {

// Where one of the child's output streams goes.
struct Output {
    enum class Kind { Inherit, Null, Pipe, AppendTo, TruncateTo };
    Kind kind = Kind::Inherit;
    std::filesystem::path file;  // for AppendTo and TruncateTo (created with mode 0600)

    static Output inherit() { return {}; }
    static Output null() { return {Kind::Null, {}}; }
    static Output pipe() { return {Kind::Pipe, {}}; }
    static Output appendTo(std::filesystem::path f) { return {Kind::AppendTo, std::move(f)}; }
    static Output truncateTo(std::filesystem::path f) { return {Kind::TruncateTo, std::move(f)}; }
};

struct SpawnSpec {
    // argv[0] is searched in PATH when it holds no '/'.
    std::vector<std::string> argv;
    // Added to (or replacing in) the parent's environment.
    std::vector<std::pair<std::string, std::string>> setEnv;
    // Variables whose "NAME=" starts with one of these are not passed on (e.g. "LD_PRELOAD=").
    std::vector<std::string> dropEnv;
    Output out;
    Output err;
    bool errToOut = false;  // stderr goes wherever stdout goes
    // In a process group of its own: a Ctrl-C on the terminal reaches only the parent, which
    // then stops its children in order.
    bool ownProcessGroup = false;
    // Run as uid/gid 65534 with no supplementary groups (through setpriv), for tests of what an
    // unprivileged caller meets.
    bool unprivileged = false;
    // Killed by the kernel when the thread that started it ends (setpriv --pdeathsig), so that a
    // parent which is itself SIGKILLed leaves nothing behind. Only for a child started by a
    // thread that lives as long as the child should.
    bool endsWithSpawner = false;
};

class ChildProcess {
public:
    // Starts the program; throws std::system_error naming it when it cannot be started.
    explicit ChildProcess(SpawnSpec spec);
    // A child still running is killed (SIGKILL) and reaped.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ChildProcess(ChildProcess&&) = delete;
    ChildProcess& operator=(ChildProcess&&) = delete;

    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::string& program() const { return program_; }

    // The exit status once the child has exited: its exit code, or 128 + the signal that ended
    // it. nullopt while it runs. Never blocks.
    std::optional<int> exitStatus();
    [[nodiscard]] bool running() { return !exitStatus().has_value(); }
    // Whether a signal ended it (exitStatus() is then 128 + the signal).
    [[nodiscard]] bool endedBySignal() const { return signaled_; }
    // Waits up to `timeout` for the child to exit; its status, or nullopt if still running.
    std::optional<int> waitFor(std::chrono::milliseconds timeout);
    // Sends a signal (nothing once it has exited).
    void signal(int signo) const;
    // `signo`, then SIGKILL if it has not exited within `grace`; reaps it. Idempotent.
    int stop(int signo, std::chrono::milliseconds grace);

    // The read ends of Output::pipe() streams (-1 otherwise).
    [[nodiscard]] int outFd() const { return out_.get(); }
    [[nodiscard]] int errFd() const { return err_.get(); }
    // The next line of a piped stdout; nullopt at the deadline or at the end of output.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);

private:
    void record(int rawStatus);

    std::string program_;
    pid_t pid_ = -1;
    OwnedFd pidFd_;
    OwnedFd out_;
    OwnedFd err_;
    std::optional<int> status_;
    bool signaled_ = false;
    std::string lineBuffer_;
};

// A program run to completion with its output captured.
struct RunResult {
    int exitCode = -1;  // -1: killed at the deadline, or ended by a signal
    std::string out;
    std::string err;
    [[nodiscard]] std::string both() const { return "stdout:\n" + out + "stderr:\n" + err; }
};

// Runs `spec` (its out and err are replaced by pipes) until it exits; past `timeout` it is
// killed and reported with exit code -1.
RunResult runToCompletion(SpawnSpec spec, std::chrono::milliseconds timeout);

}  // namespace balloon::sandbox
