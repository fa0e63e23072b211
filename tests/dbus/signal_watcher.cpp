#include "signal_watcher.h"

#include <map>

#include <poll.h>

#include "names.h"

namespace balloon::dbustest {

SignalWatcher::SignalWatcher(const std::string& address)
    : connection_(sdbus::createSessionBusConnectionWithAddress(address)) {
    match_ = connection_->addMatch(
        "type='signal',sender='" + std::string(dbus::kBusName) + "'", [this](sdbus::Message& m) {
            SeenSignal s;
            s.path = m.getPath();
            s.interface = m.getInterfaceName();
            s.member = m.getMemberName();
            if (s.member == "PropertiesChanged") {
                std::map<std::string, sdbus::Variant> values;
                std::vector<std::string> invalidated;
                m >> s.subject >> values >> invalidated;
                for (const auto& [name, value] : values) {
                    s.changed.push_back(name);
                }
            } else if (s.member == "InterfacesAdded") {
                sdbus::ObjectPath path;
                std::map<std::string, std::map<std::string, sdbus::Variant>> interfaces;
                m >> path >> interfaces;
                s.subject = path;
                for (const auto& [name, props] : interfaces) {
                    s.changed.push_back(name);
                }
            } else if (s.member == "InterfacesRemoved") {
                sdbus::ObjectPath path;
                m >> path >> s.changed;
                s.subject = path;
            }
            seen_.push_back(std::move(s));
        });
}

void SignalWatcher::pump(std::chrono::milliseconds timeout) {
    while (connection_->processPendingRequest()) {
    }
    const auto poll = connection_->getEventLoopPollData();
    pollfd p{poll.fd, static_cast<short>(poll.events), 0};
    ::poll(&p, 1, static_cast<int>(timeout.count()));
    while (connection_->processPendingRequest()) {
    }
}

std::optional<SeenSignal> SignalWatcher::waitFor(
    const std::function<bool(const SeenSignal&)>& wanted, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t checked = 0;
    while (true) {
        for (; checked < seen_.size(); ++checked) {
            if (wanted(seen_[checked])) {
                return seen_[checked];
            }
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        pump(left);
    }
}

void SignalWatcher::waitAny(std::chrono::milliseconds timeout) {
    const std::size_t before = seen_.size();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (seen_.size() == before) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return;
        }
        pump(left);
    }
}

}  // namespace balloon::dbustest
