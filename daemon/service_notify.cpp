#include "service_notify.h"

#include <systemd/sd-daemon.h>

namespace balloon::daemon {

ServiceNotifier::ServiceNotifier() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        watchdog_ = std::chrono::microseconds(usec / 2);
    }
}

void ServiceNotifier::ready(const std::string& status) const {
    sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void ServiceNotifier::status(const std::string& status) const {
    sd_notify(0, ("STATUS=" + status).c_str());
}

void ServiceNotifier::stopping() const {
    sd_notify(0, "STOPPING=1");
}

void ServiceNotifier::reloading() const {
    sd_notify(0, "RELOADING=1");
}

void ServiceNotifier::ping() const {
    sd_notify(0, "WATCHDOG=1");
}

}  // namespace balloon::daemon
