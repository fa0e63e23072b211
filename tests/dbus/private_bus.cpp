#include "private_bus.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace balloon::dbustest {
namespace {

// Deny by default, as the stock system bus does; the included file opens what balloond needs.
std::string busConfig(const std::filesystem::path& socket, const std::filesystem::path& policy) {
    return R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=)" +
           socket.string() + R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <include>)" +
           policy.string() + R"(</include>
</busconfig>
)";
}

std::string readLine(int fd, std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            throw std::runtime_error("dbus-daemon did not print its address within " +
                                     std::to_string(timeout.count()) + " ms");
        }
        char c = 0;
        if (read(fd, &c, 1) != 1) {
            throw std::runtime_error("dbus-daemon exited before printing its address: " + line);
        }
        if (c == '\n') {
            return line;
        }
        line += c;
    }
}

}  // namespace

PrivateBus::PrivateBus(const std::filesystem::path& projectPolicy) {
    if (!std::filesystem::exists(projectPolicy)) {
        throw std::runtime_error("the project's bus policy " + projectPolicy.string() +
                                 " does not exist");
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "balloon-bus-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    // Unprivileged test clients must reach the socket.
    chmod(dir_.c_str(), 0755);
    const auto config = dir_ / "bus.conf";
    std::ofstream(config) << busConfig(dir_ / "socket", projectPolicy);

    std::array<int, 2> out{};
    if (pipe2(out.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    // Its own log, not our stderr: a test that dies must not leave the bus holding the pipe
    // its runner waits on.
    const std::string log = (dir_ / "dbus-daemon.log").string();
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const std::string configArg = "--config-file=" + config.string();
    std::array<char*, 5> argv{const_cast<char*>("dbus-daemon"),
                              const_cast<char*>(configArg.c_str()), const_cast<char*>("--nofork"),
                              const_cast<char*>("--print-address=1"), nullptr};
    const int rc = posix_spawnp(&pid_, "dbus-daemon", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        throw std::runtime_error("cannot run dbus-daemon (install the dbus-daemon package)");
    }
    try {
        address_ = readLine(out[0], std::chrono::seconds(10));
    } catch (...) {
        close(out[0]);
        throw;
    }
    close(out[0]);
}

PrivateBus::~PrivateBus() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

}  // namespace balloon::dbustest
