// balloonctl's side of the bus: one connection and the proxy generated from the contract (with
// the standard Properties and ObjectManager interfaces), read into plain values (views.h).
// Everything goes through balloond; balloonctl never touches Xenstore or the hypervisor itself.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "balloon1_proxy.h"
#include "views.h"

namespace balloon::cli {

class ManagerProxy final
    : public sdbus::ProxyInterfaces<org::balloond::Balloon1::Manager_proxy, sdbus::Properties_proxy,
                                    sdbus::ObjectManager_proxy> {
public:
    explicit ManagerProxy(sdbus::IConnection& connection);
    ~ManagerProxy();
    ManagerProxy(const ManagerProxy&) = delete;
    ManagerProxy& operator=(const ManagerProxy&) = delete;
    ManagerProxy(ManagerProxy&&) = delete;
    ManagerProxy& operator=(ManagerProxy&&) = delete;

    // GetManagedObjects' reply as it came, for reading without a variant per property.
    sdbus::MethodReply managedObjectsReply();
    // The same, and the manager's GetAll, answered through the connection's processing (in order
    // with the signals that came before and after).
    sdbus::PendingAsyncCall managedObjectsAsync(sdbus::async_reply_handler onReply);
    sdbus::PendingAsyncCall managerPropertiesAsync(sdbus::async_reply_handler onReply);

private:
    // Changes are followed for every object at once (Client::follow), not through these.
    void onPropertiesChanged(const std::string& /*interfaceName*/,
                             const std::map<std::string, sdbus::Variant>& /*changedProperties*/,
                             const std::vector<std::string>& /*invalidatedProperties*/) override {}
    void onInterfacesAdded(const sdbus::ObjectPath& /*objectPath*/,
                           const std::map<std::string, std::map<std::string, sdbus::Variant>>&
                           /*interfacesAndProperties*/) override {}
    void onInterfacesRemoved(const sdbus::ObjectPath& /*objectPath*/,
                             const std::vector<std::string>& /*interfaces*/) override {}
};

// Readers of balloond's messages, shared by Client and LiveTable.
// A domain's properties ({sv}) into `d`; the ones the message does not hold stay as they were.
void readDomainInto(sdbus::Message& m, DomainView& d);
// One object's interfaces ({sa{sv}}): its domain view, if it is a domain.
std::optional<DomainView> readObject(sdbus::Message& m);
// GetManagedObjects' answer: every domain, by domid.
std::vector<DomainView> readManagedObjects(sdbus::Message& reply);
// The manager's properties into `h`; the ones the map does not hold stay as they were.
void applyManagerProperties(const std::map<std::string, sdbus::Variant>& p, ManagerView& h);

class Client {
public:
    // address: a D-Bus address; nullopt is the system bus. Throws sdbus::Error.
    explicit Client(const std::optional<std::string>& address);

    ManagerProxy& manager() { return *manager_; }

    // Calls that may wait (WaitForTarget, Reserve) need more than the bus's default 25 s.
    void allowCallsOf(std::chrono::milliseconds duration);

    [[nodiscard]] ManagerView host();
    // Every managed domain, by domid (GetManagedObjects).
    [[nodiscard]] std::vector<DomainView> domains();
    // The domain a DOMAIN argument names, with the daemon's rule. Throws balloon::Error.
    [[nodiscard]] DomainView domain(const std::string& text);
    [[nodiscard]] std::vector<PlanEntry> plan();
    [[nodiscard]] std::vector<ReservationView> reservations();

    // Calls `settled` after each batch of signals balloond emits (PropertiesChanged,
    // InterfacesAdded, ...) or asynchronous answers, and `onSignal` with each signal as it
    // comes. Returns when done() is true (true) or at SIGINT/SIGTERM (false).
    bool follow(const std::function<void()>& settled, const std::function<bool()>& done,
                const std::function<void(sdbus::Message&)>& onSignal = {});

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<ManagerProxy> manager_;
};

}  // namespace balloon::cli
