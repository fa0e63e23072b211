// balloonctl's side of the bus: one connection, the generated Manager proxy, and plain-value
// views of the manager and the domain objects. Everything goes through balloond; balloonctl never
// touches Xenstore or the hypervisor itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "balloon1_proxy.h"
#include "domain_view.h"

namespace balloon::cli {

class ManagerProxy final : public sdbus::ProxyInterfaces<org::balloond::Balloon1::Manager_proxy> {
public:
    explicit ManagerProxy(sdbus::IConnection& connection);
    ~ManagerProxy();
    ManagerProxy(const ManagerProxy&) = delete;
    ManagerProxy& operator=(const ManagerProxy&) = delete;
    ManagerProxy(ManagerProxy&&) = delete;
    ManagerProxy& operator=(ManagerProxy&&) = delete;

    sdbus::IProxy& raw() { return getProxy(); }
};

struct HostView {
    std::uint64_t totalKiB = 0;
    std::uint64_t freeKiB = 0;
    std::uint64_t slushKiB = 0;
    std::uint64_t reservedKiB = 0;
    std::string policy;
    std::uint64_t rebalances = 0;
};

class Client {
public:
    // address: a D-Bus address; nullopt is the system bus. Throws sdbus::Error.
    explicit Client(const std::optional<std::string>& address);

    ManagerProxy& manager() { return *manager_; }
    sdbus::IConnection& connection() { return *connection_; }

    // Calls that may wait (WaitForTarget, Reserve) need more than the bus's default 25 s.
    void allowCallsOf(std::chrono::milliseconds duration);

    [[nodiscard]] HostView host();
    // Every managed domain, by domid (GetManagedObjects).
    [[nodiscard]] std::vector<DomainView> domains();
    // The domain a DOMAIN argument names, with the daemon's rule. Throws balloon::Error.
    [[nodiscard]] DomainView domain(const std::string& text);

    // Calls onSignal for every signal balloond emits (PropertiesChanged, InterfacesAdded, ...),
    // in batches: `settled` runs after each batch. Returns when done() is true (true) or at
    // SIGINT/SIGTERM (false).
    bool follow(const std::function<void()>& settled, const std::function<bool()>& done);

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<ManagerProxy> manager_;
};

}  // namespace balloon::cli
