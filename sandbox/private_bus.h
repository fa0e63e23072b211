// A private, real dbus-daemon: the sandbox's bus, and the one the dbus and reliability suites and
// the benchmarks run balloond on. Its configuration is a system bus's in miniature: nobody may own
// a name or call a method unless a policy file says so, and the only such file included is the
// project's own (dbus/org.balloond.Balloon1.conf). So every call that works on it works because
// that file allows it, as on a real host.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <sys/types.h>

#include "child_process.h"

namespace balloon::sandbox {

struct PrivateBusOptions {
    // The bus gets a directory of its own (socket, configuration, log) created under this one.
    // Default: $TMPDIR, else /tmp.
    std::filesystem::path parentDir;
    // The project's bus policy. Default: the copy in this source tree when there is one, else the
    // installed one.
    std::filesystem::path servicePolicy;
    // The bus directory is readable by every user (tests that call as an unprivileged uid);
    // otherwise it is the owner's alone (mode 0700).
    bool reachableByAll = false;
    // dbus-daemon ends with the thread that started it (SpawnSpec::endsWithSpawner): for a
    // program whose main thread owns the bus, so that a SIGKILL of it leaves no bus behind.
    bool endsWithSpawner = false;
};

class PrivateBus {
public:
    // Starts dbus-daemon and waits for its address. Throws std::runtime_error saying what failed
    // (with dbus-daemon's own output) and what to install.
    explicit PrivateBus(PrivateBusOptions options = {});
    // Stops dbus-daemon (SIGTERM, then SIGKILL) and removes the directory.
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;
    PrivateBus(PrivateBus&&) = delete;
    PrivateBus& operator=(PrivateBus&&) = delete;

    [[nodiscard]] const std::string& address() const { return address_; }
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
    [[nodiscard]] pid_t pid() const { return daemon_ ? daemon_->pid() : -1; }

private:
    std::filesystem::path dir_;
    std::string address_;
    std::optional<ChildProcess> daemon_;
};

}  // namespace balloon::sandbox
