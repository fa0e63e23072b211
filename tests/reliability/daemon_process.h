// One run of reliability-balloond (reliability_balloond.cpp) as a child process: started with the
// private xenstored's environment, its log appended to a file the test reads, killed or reaped.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace balloon::reliability {

class DaemonProcess {
public:
    // argv[0] is the program; `env` is added to this process's environment; stdout and stderr
    // are appended to `log`.
    DaemonProcess(const std::vector<std::string>& argv,
                  const std::vector<std::pair<std::string, std::string>>& env,
                  const std::filesystem::path& log);
    // SIGKILLs and reaps a child still running.
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;
    DaemonProcess(DaemonProcess&&) = delete;
    DaemonProcess& operator=(DaemonProcess&&) = delete;

    // The exit status once the child has exited (128 + signal when a signal ended it); nullopt
    // while it runs. Never blocks.
    std::optional<int> exitStatus();
    // SIGKILL, then reap.
    void kill();
    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// The number of lines of `file` that contain `text`.
std::size_t countLines(const std::filesystem::path& file, const std::string& text);

}  // namespace balloon::reliability
