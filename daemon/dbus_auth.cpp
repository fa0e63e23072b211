#include "dbus_auth.h"

#include <algorithm>
#include <vector>

#include <grp.h>
#include <sdbus-c++/Error.h>
#include <sdbus-c++/Message.h>
#include <systemd/sd-bus.h>

#include "error.h"
#include "log.h"
#include "polkit.h"

namespace balloon::daemon {
namespace {

// sdbus-c++ 1.2 neither says whether a call allows interactive authorization nor hands out its
// sd_bus_message; the protected member does, read through a member pointer (no cast of the
// object).
struct RawMessage : sdbus::Message {
    static sd_bus_message* of(const sdbus::Message& message) {
        return static_cast<sd_bus_message*>(message.*(&RawMessage::msg_));
    }
};

std::string polkitSaid(const PolkitAnswer& answer, std::string_view action, bool interactive) {
    const std::string a(action);
    switch (answer.kind) {
        case PolkitAnswer::Kind::Authorized:
            break;
        case PolkitAnswer::Kind::ChallengeNeeded:
            return interactive ? "polkit wants you to authenticate for " + a +
                                     ", but no authentication agent of yours did (is one "
                                     "running in your session?)"
                               : "polkit would allow " + a +
                                     " after authentication, but the call did not allow "
                                     "interactive authorization";
        case PolkitAnswer::Kind::Denied:
            return "polkit does not allow you " + a;
        case PolkitAnswer::Kind::Unavailable:
            return "polkit could not be asked about " + a + " (" + answer.why + ")";
    }
    return {};
}

}  // namespace

std::string_view polkitActionFor(std::string_view method) {
    if (method == "Reserve" || method == "TransferReservation" || method == "ReleaseReservation") {
        return kReserveAction;
    }
    return kManageAction;
}

std::string Authorizer::allowed() const {
    if (!adminGroup_) {
        return "root";
    }
    return "root or members of group " +
           (adminGroupName_.empty() ? std::to_string(*adminGroup_) : adminGroupName_);
}

void Authorizer::require(const sdbus::Message& call, std::string_view method) const {
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
        throw Error(Errc::NotAuthorized, std::string(method) +
                                             " refused: the bus did not tell who is calling (" +
                                             e.getMessage() + ")");
    }

    const std::string_view action = polkitActionFor(method);
    const std::string sender = call.getSender();
    sd_bus_message* raw = RawMessage::of(call);
    const bool interactive =
        raw != nullptr && sd_bus_message_get_allow_interactive_authorization(raw) > 0;
    PolkitAnswer answer;
    if (raw == nullptr || sender.empty()) {
        answer.why = "the call has no sender bus name to ask about";
    } else {
        answer = checkPolkit(sd_bus_message_get_bus(raw), sender, action, interactive);
    }
    const std::string who = "uid " + std::to_string(uid) + ", " + sender;
    if (answer.kind == PolkitAnswer::Kind::Authorized) {
        BLOG(notice) << "polkit allowed " << action << " to " << who << " for " << method;
        return;
    }
    if (answer.kind == PolkitAnswer::Kind::Unavailable) {
        BLOG(warning) << "polkit could not be asked about " << action << " for " << method
                      << " from " << who << ": " << answer.why;
    }
    const std::string group =
        adminGroup_ ? "join group " +
                          (adminGroupName_.empty() ? std::to_string(*adminGroup_) : adminGroupName_)
                    : "ask to be added to the admin group set in balloond.toml ([dbus] "
                      "admin-group)";
    throw Error(Errc::NotAuthorized,
                std::string(method) + " changes the host's memory and is for " + allowed() +
                    " only, apart from callers polkit allows " + std::string(action) +
                    " (you are " + who + "): " + polkitSaid(answer, action, interactive) +
                    ". To be let in: run it with sudo, " + group + ", have a polkit rule allow " +
                    std::string(action) +
                    " for you, or call with interactive authorization (pkexec, or Cockpit's "
                    "administrative access)");
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
