// balloond's D-Bus service: the connection (system bus, or a given address), run on the daemon's
// own event loop through its fd and prepare hook (no extra thread); the manager object, one
// object per domain kept in step with the registry after every round; and the watch that ends a
// client's reservations when it leaves the bus.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "daemon.h"
#include "dbus_domain.h"
#include "dbus_manager.h"
#include "dbus_pending.h"

namespace balloon::daemon {

struct BusOptions {
    std::optional<std::string> address;  // nullopt: the system bus
    std::string adminGroup;              // members may change things; empty: root only
};

// Connects to the bus the options name. Throws std::runtime_error saying which bus failed.
std::unique_ptr<sdbus::IConnection> connectBus(const std::optional<std::string>& address);

class BusService {
public:
    // After Daemon::start(): registers the objects, takes the round and reload observers, hooks the
    // connection into the daemon's loop, then owns org.balloond.Balloon1. Throws
    // std::runtime_error when the bus refuses the name (policy file missing, not root).
    BusService(Daemon& daemon, std::unique_ptr<sdbus::IConnection> connection,
               const BusOptions& options);
    BusService(Daemon& daemon, const BusOptions& options)
        : BusService(daemon, connectBus(options.address), options) {}
    ~BusService();
    BusService(const BusService&) = delete;
    BusService& operator=(const BusService&) = delete;
    BusService(BusService&&) = delete;
    BusService& operator=(BusService&&) = delete;

    [[nodiscard]] sdbus::IConnection& connection() { return *connection_; }
    // Who may change things from now on (empty: root only); called on every reload (SIGHUP)
    // with the new [dbus] admin-group.
    void setAdminGroup(const std::string& group);

private:
    void onRound(const RoundSummary& summary);
    // Domain objects follow the registry; properties follow the records and the last plan.
    void syncObjects();
    // After a call that changed one domain: that domain's object and the manager's figures only,
    // so that an admin's call costs the same on a host of 1,000 domains as on one of ten.
    void syncObjects(std::optional<DomId> changed);
    void watchOwner(const std::string& owner);
    void onOwnerGone(const std::string& owner);
    // Processes everything sd-bus has queued; returns how long the loop may sleep.
    std::optional<EventLoop::Clock::duration> drain();
    [[nodiscard]] Authorizer makeAuthorizer(const BusOptions& options) const;

    Daemon& daemon_;
    std::unique_ptr<sdbus::IConnection> connection_;
    PendingCalls pending_;
    Authorizations authorizations_;  // after the connection: parked calls are answered on it
    std::unique_ptr<ManagerObject> manager_;
    std::map<DomId, std::unique_ptr<DomainObject>> domains_;
    Plan lastPlan_;
    std::map<std::string, sdbus::Slot> ownerWatches_;
    std::set<std::string> goneOwners_;  // matches to drop outside their own callback
    int busFd_ = -1;
    Daemon::ObserverId roundObserver_ = 0;
};

}  // namespace balloon::daemon
