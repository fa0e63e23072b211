#include "dbus_auth.h"

#include <algorithm>
#include <vector>

#include <grp.h>
#include <sdbus-c++/Error.h>
#include <sdbus-c++/Message.h>

#include "error.h"

namespace balloon::daemon {

void Authorizer::require(const sdbus::Message& call, std::string_view action) const {
    uid_t uid = 0;
    try {
        uid = call.getCredsUid();
        if (uid == 0) {
            return;
        }
        if (adminGroup_) {
            std::vector<gid_t> groups = call.getCredsSupplementaryGids();
            groups.push_back(call.getCredsGid());
            if (std::find(groups.begin(), groups.end(), *adminGroup_) != groups.end()) {
                return;
            }
        }
    } catch (const sdbus::Error& e) {
        // Unknown credentials are no credentials: refuse, and say why.
        throw Error(Errc::NotAuthorized, std::string(action) +
                                             " refused: the bus did not tell who is calling (" +
                                             e.getMessage() + ")");
    }
    std::string allowed = "root";
    if (adminGroup_) {
        allowed += " or members of group " +
                   (adminGroupName_.empty() ? std::to_string(*adminGroup_) : adminGroupName_);
    }
    throw Error(Errc::NotAuthorized, std::string(action) +
                                         " changes the host's memory and is for " + allowed +
                                         " only (you are uid " + std::to_string(uid) +
                                         "); run it with sudo, or ask to be added to the admin "
                                         "group set in balloond.toml ([dbus] admin-group)");
}

void requireAdminGroup(const DbusConfig& config) {
    if (!config.adminGroup.empty() && !lookupGroup(config.adminGroup)) {
        throw ConfigError(config.adminGroupPosition,
                          "[dbus] admin-group: there is no group \"" + config.adminGroup +
                              "\" on this host; create it (groupadd " + config.adminGroup +
                              "), correct the name, or remove the key for root only");
    }
}

}  // namespace balloon::daemon
