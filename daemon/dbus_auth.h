// Who may change things over D-Bus: root, a member of the configured admin group, or a caller
// polkit allows the method's action (org.balloond.Balloon1.manage or .reserve). Root and the
// admin group are checked by balloond from the caller's credentials as the bus daemon reports
// them, without asking polkit; the bus policy file cannot know a group chosen at run time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "config.h"
#include "unix_socket.h"  // lookupGroup

namespace sdbus {
class Message;
}

namespace balloon::daemon {

inline constexpr std::string_view kManageAction = "org.balloond.Balloon1.manage";
inline constexpr std::string_view kReserveAction = "org.balloond.Balloon1.reserve";

// The polkit action a mutating method needs: reserve for Reserve, TransferReservation and
// ReleaseReservation; manage for everything else (targets, maximums, pins, policy, rebalance).
std::string_view polkitActionFor(std::string_view method);

class Authorizer {
public:
    // No group: root, or whoever polkit allows.
    explicit Authorizer(std::optional<gid_t> adminGroup = std::nullopt,
                        std::string adminGroupName = {})
        : adminGroup_(adminGroup), adminGroupName_(std::move(adminGroupName)) {}

    // Returns when `call` (to `method`) comes from root or the admin group, or polkit allows it
    // (asked on the bus the call came in on, interactively when the call allows it). Otherwise
    // throws balloon::Error(NotAuthorized) naming the method, the action, the caller, what
    // polkit said (or why it could not be asked) and what would let the caller in.
    void require(const sdbus::Message& call, std::string_view method) const;

private:
    [[nodiscard]] std::string allowed() const;

    std::optional<gid_t> adminGroup_;
    std::string adminGroupName_;
};

// Checks [dbus] admin-group at start-up and on reload: an admin group that does not exist is a
// configuration error (ConfigError at the key, naming the group), not a silent root-only API.
void requireAdminGroup(const DbusConfig& config);

}  // namespace balloon::daemon
