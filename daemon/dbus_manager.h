// The manager object, /org/balloond/Balloon1 (org.balloond.Balloon1.Manager plus the
// ObjectManager that enumerates domain objects). Thin: every method checks who is calling,
// turns its arguments into the daemon's values and delegates to the Balancer or the Daemon;
// errors leave as the named D-Bus errors of dbus/errors.h. Mutating methods are answered later
// (Method.Async) when polkit has to be asked, at once for root and the admin group.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "balloon1_adaptor.h"
#include "daemon.h"
#include "dbus_auth.h"
#include "dbus_pending.h"
#include "manager_view.h"

namespace balloon::daemon {

class ManagerObject final
    : public sdbus::AdaptorInterfaces<org::balloond::Balloon1::Manager_adaptor,
                                      sdbus::ObjectManager_adaptor, sdbus::Properties_adaptor> {
public:
    // What a call changed outside a round: one domain (its target, max or pin), or nullopt for
    // anything wider (a reservation, the policy).
    using ChangedHandler = std::function<void(std::optional<DomId>)>;

    // `changed` runs after every call that changed something outside a round, so that
    // properties follow at once. `watchOwner` makes sure a client's reservations end when it
    // leaves the bus.
    ManagerObject(sdbus::IConnection& connection, Daemon& daemon, Authorizations& authorizations,
                  PendingCalls& pending, ChangedHandler changed,
                  std::function<void(const std::string&)> watchOwner);
    ~ManagerObject();
    ManagerObject(const ManagerObject&) = delete;
    ManagerObject& operator=(const ManagerObject&) = delete;
    ManagerObject(ManagerObject&&) = delete;
    ManagerObject& operator=(ManagerObject&&) = delete;

    // Re-reads the figures; emits PropertiesChanged for those that differ.
    void refresh();

private:
    void SetTarget(sdbus::Result<uint64_t>&& result, std::string domain, std::string size) override;
    void SetMax(sdbus::Result<uint64_t>&& result, std::string domain, std::string size) override;
    void Pin(sdbus::Result<>&& result, std::string domain) override;
    void Release(sdbus::Result<>&& result, std::string domain) override;
    void Reserve(sdbus::Result<std::string>&& result, std::string size, uint32_t timeoutMs,
                 uint32_t expirySeconds) override;
    void TransferReservation(sdbus::Result<>&& result, std::string id, uint32_t domid) override;
    void ReleaseReservation(sdbus::Result<>&& result, std::string id) override;
    std::vector<sdbus::Struct<std::string, uint64_t, int64_t, std::string, uint64_t>>
    ListReservations() override;
    void Rebalance(sdbus::Result<uint32_t>&& result) override;
    std::vector<sdbus::Struct<uint16_t, std::string, uint64_t, uint64_t, std::string, std::string>>
    GetPlan() override;
    void SetPolicy(sdbus::Result<>&& result, std::string policy) override;
    void WaitForTarget(sdbus::Result<uint64_t, std::string>&& result, std::string domain,
                       uint32_t timeoutMs) override;

    uint64_t HostTotalKiB() override { return view_.hostTotalKiB; }
    uint64_t HostFreeKiB() override { return view_.hostFreeKiB; }
    uint64_t SlushKiB() override { return view_.slushKiB; }
    uint64_t ReservedKiB() override { return view_.reservedKiB; }
    std::string Policy() override { return view_.policy; }
    uint64_t Rebalances() override { return view_.rebalances; }

    // Answers `result` with what `action` returns once the current call's sender may change
    // things (at once for root and the admin group, when polkit answers for others); errors as
    // D-Bus errors.
    template <class... Out, class Action>
    void whenAuthorized(std::string_view method, sdbus::Result<Out...>&& result, Action action);
    // Reserve, once authorized: stores the reservation and parks the call until it is ready.
    void reserve(sdbus::Result<std::string>&& result, const std::string& size,
                 const std::string& owner, uint32_t timeoutMs, uint32_t expirySeconds);
    [[nodiscard]] ManagerView currentView();

    Daemon& daemon_;
    Authorizations& authorizations_;
    PendingCalls& pending_;
    ChangedHandler changed_;
    std::function<void(const std::string&)> watchOwner_;
    ManagerView view_;
};

}  // namespace balloon::daemon
