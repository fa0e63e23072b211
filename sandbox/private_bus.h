// A private D-Bus for the sandbox: a real dbus-daemon with the session configuration, started for
// this process and stopped with it, so balloonctl can talk to a sandboxed balloond without
// touching the system bus.
#pragma once

#include <string>

#include <sys/types.h>

namespace balloon::sandbox {

class PrivateBus {
public:
    // Throws std::runtime_error saying what to install when dbus-daemon cannot start.
    PrivateBus();
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;
    PrivateBus(PrivateBus&&) = delete;
    PrivateBus& operator=(PrivateBus&&) = delete;

    [[nodiscard]] const std::string& address() const { return address_; }

private:
    pid_t pid_ = -1;
    std::string address_;
};

}  // namespace balloon::sandbox
