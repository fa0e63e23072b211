// systemd's service protocol (Type=notify): READY once the first round has run, a STATUS line
// after each round, and watchdog pings from the event loop, so a wedged loop gets restarted.
// Outside systemd (no NOTIFY_SOCKET) every call does nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace balloon::daemon {

class ServiceNotifier {
public:
    ServiceNotifier();

    void ready(const std::string& status) const;
    void status(const std::string& status) const;
    void stopping() const;
    void reloading() const;
    // How often to ping (half of WatchdogSec=), or nullopt when no watchdog is configured.
    [[nodiscard]] std::optional<std::chrono::microseconds> watchdogInterval() const {
        return watchdog_;
    }
    void ping() const;

private:
    std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace balloon::daemon
