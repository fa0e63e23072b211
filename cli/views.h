// What balloonctl reads from balloond, as plain values for the tables and the JSON: a plan entry
// (GetPlan) and a reservation (ListReservations). The manager and the domains are
// dbus/manager_view.h and dbus/domain_view.h, shared with the daemon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain_view.h"
#include "manager_view.h"

namespace balloon::cli {

struct PlanEntry {
    DomId id = 0;
    std::string name;
    std::uint64_t targetKiB = 0;
    std::uint64_t plannedKiB = 0;
    std::string change;  // "none", "shrink" or "grow"
    std::string reason;
};

struct ReservationView {
    std::string id;
    std::uint64_t sizeKiB = 0;
    std::optional<DomId> domid;                      // once transferred to a domain
    std::string owner;                               // the bus name holding it; "" once transferred
    std::optional<std::int64_t> expiresUnixSeconds;  // nullopt: never
};

}  // namespace balloon::cli
