// Who may change things over D-Bus: root, or a member of the configured admin group. Checked by
// balloond from the caller's credentials as the bus daemon reports them, on top of the bus
// policy file (which cannot know a group chosen at run time).
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

class Authorizer {
public:
    // No group: root only.
    explicit Authorizer(std::optional<gid_t> adminGroup = std::nullopt,
                        std::string adminGroupName = {})
        : adminGroup_(adminGroup), adminGroupName_(std::move(adminGroupName)) {}

    // Throws balloon::Error(NotAuthorized) naming the action, the caller and what would allow it.
    void require(const sdbus::Message& call, std::string_view action) const;

private:
    std::optional<gid_t> adminGroup_;
    std::string adminGroupName_;
};

// Checks [dbus] admin-group at start-up and on reload: an admin group that does not exist is a
// configuration error (ConfigError at the key, naming the group), not a silent root-only API.
void requireAdminGroup(const DbusConfig& config);

}  // namespace balloon::daemon
