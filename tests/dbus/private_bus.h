// A private, real dbus-daemon for the dbus suite. Its configuration is a system bus's in
// miniature: nobody may own a name or call a method unless a policy file says so, and the only
// such file included is the project's own (dbus/org.balloond.Balloon1.conf). So every call that
// works in these tests works because that file allows it.
#pragma once

#include <filesystem>
#include <string>

#include <sys/types.h>

namespace balloon::dbustest {

class PrivateBus {
public:
    // Starts dbus-daemon and waits for its address. Throws std::runtime_error with its output.
    explicit PrivateBus(const std::filesystem::path& projectPolicy);
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;
    PrivateBus(PrivateBus&&) = delete;
    PrivateBus& operator=(PrivateBus&&) = delete;

    [[nodiscard]] const std::string& address() const { return address_; }
    // A directory every user may read (for copies of binaries run as an unprivileged uid).
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    std::string address_;
    pid_t pid_ = -1;
};

}  // namespace balloon::dbustest
