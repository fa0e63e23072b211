// Running the clients under test (balloonctl, busctl, dbus-send) as separate processes, with a
// deadline, optionally as an unprivileged uid through setpriv.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace balloon::dbustest {

struct RunResult {
    int exitCode = -1;  // -1: killed at the deadline
    std::string out;
    std::string err;
    [[nodiscard]] std::string both() const { return "stdout:\n" + out + "stderr:\n" + err; }
};

struct RunOptions {
    std::map<std::string, std::string> env;  // added to this process's environment
    bool unprivileged = false;               // run as uid/gid 65534 with no groups
    std::chrono::milliseconds timeout{30'000};
};

// Runs argv[0] (searched in PATH) to completion. A run past the deadline is killed and reported
// with exitCode -1.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// A client that keeps running (balloonctl reserve, balloonctl watch): its stdout read line by
// line with deadlines.
class Spawned {
public:
    Spawned(const std::vector<std::string>& argv, const RunOptions& options = {});
    ~Spawned();
    Spawned(const Spawned&) = delete;
    Spawned& operator=(const Spawned&) = delete;
    Spawned(Spawned&&) = delete;
    Spawned& operator=(Spawned&&) = delete;

    // The next line of stdout; nullopt at the deadline or at end of output.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);
    // Sends a signal and reaps the process; returns its exit code (-1 when killed by a signal).
    int stop(int signo);
    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    int err_ = -1;
    std::string buffer_;
};

}  // namespace balloon::dbustest
