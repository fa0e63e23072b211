// balloond's own Xenstore area, readable and writable by dom0 only. What lives there survives a
// restart (or a SIGKILL): reservations, pins and when each target last changed.
#pragma once

#include <string>
#include <string_view>

#include "domid.h"

namespace balloon::daemon {

inline constexpr std::string_view kPrivateRoot = "/balloond";
inline constexpr std::string_view kReservationsPath = "/balloond/reservations";

// "<uuid>": the domain is pinned (an admin target holds).
inline std::string pinPath(DomId domid) {
    return "/balloond/pins/" + std::to_string(domid);
}
// "<uuid> <unix seconds>": when balloond last changed the domain's target (the hold time).
inline std::string lastChangePath(DomId domid) {
    return "/balloond/last-change/" + std::to_string(domid);
}

}  // namespace balloon::daemon
