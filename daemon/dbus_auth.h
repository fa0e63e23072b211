// Who may change things over D-Bus: root, a member of the configured admin group, or a caller
// polkit allows the method's action (org.balloond.Balloon1.manage or .reserve). Root and the
// admin group are checked by balloond from the caller's credentials as the bus daemon reports
// them, without asking polkit; the bus policy file cannot know a group chosen at run time.
// Everyone else waits for polkit without making balloond wait: the call is parked and answered
// when polkit's reply comes in through the same loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "unix_socket.h"  // lookupGroup

struct sd_bus;

namespace sdbus {
class Message;
}

namespace balloon::daemon {

class PolkitRequest;
struct PolkitAnswer;

inline constexpr std::string_view kManageAction = "org.balloond.Balloon1.manage";
inline constexpr std::string_view kReserveAction = "org.balloond.Balloon1.reserve";

// More callers waiting for polkit than this is a client misbehaving.
inline constexpr std::size_t kMaxPendingAuthorizations = 256;

// The polkit action a mutating method needs: reserve for Reserve, TransferReservation and
// ReleaseReservation; manage for everything else (targets, maximums, pins, policy, rebalance).
std::string_view polkitActionFor(std::string_view method);

// What polkit is to be asked about one call.
struct PolkitQuestion {
    std::string method;
    std::string_view action;
    uid_t uid = 0;
    std::string sender;
    bool interactive = false;
    sd_bus* bus = nullptr;  // the bus the call came in on
};

class Authorizer {
public:
    // No group: root, or whoever polkit allows.
    explicit Authorizer(std::optional<gid_t> adminGroup = std::nullopt,
                        std::string adminGroupName = {})
        : adminGroup_(adminGroup), adminGroupName_(std::move(adminGroupName)) {}

    // nullopt when `call` (to `method`) comes from root or the admin group; otherwise what to ask
    // polkit. Throws balloon::Error(NotAuthorized) when the bus did not say who is calling.
    [[nodiscard]] std::optional<PolkitQuestion> decide(const sdbus::Message& call,
                                                       std::string_view method) const;
    // Returns when polkit allowed the question; otherwise throws balloon::Error(NotAuthorized)
    // naming the method, the action, the caller, what polkit said (or why it could not be asked)
    // and what would let the caller in.
    void judge(const PolkitQuestion& question, const PolkitAnswer& answer) const;

private:
    [[nodiscard]] std::string allowed() const;

    std::optional<gid_t> adminGroup_;
    std::string adminGroupName_;
};

// Mutating calls waiting for polkit's answer, each with what to do on either answer.
class Authorizations {
public:
    using Allowed = std::function<void()>;
    using Refused = std::function<void(const Error&)>;

    explicit Authorizations(Authorizer authorizer);
    // Every parked call is refused with Failed: balloond is stopping.
    ~Authorizations();
    Authorizations(const Authorizations&) = delete;
    Authorizations& operator=(const Authorizations&) = delete;
    Authorizations(Authorizations&&) = delete;
    Authorizations& operator=(Authorizations&&) = delete;

    // A reloaded [dbus] admin-group: applies from the next call.
    void setAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

    // Root and the admin group: runs `allowed` before returning. Anyone else: asks polkit and
    // returns; `allowed` or `refused` runs from the loop when polkit answers (or its time is
    // up). Throws balloon::Error when the call is refused at once: NotAuthorized (unknown
    // caller, polkit cannot be asked), Failed (kMaxPendingAuthorizations already wait).
    void authorize(const sdbus::Message& call, std::string_view method, Allowed allowed,
                   Refused refused);

    [[nodiscard]] std::size_t size() const { return parked_.size(); }

private:
    struct Parked {
        PolkitQuestion question;
        Allowed allowed;
        Refused refused;
        std::unique_ptr<PolkitRequest> request;
    };

    void answered(std::uint64_t key, const PolkitAnswer& answer);

    Authorizer authorizer_;
    std::map<std::uint64_t, Parked> parked_;
    std::uint64_t nextKey_ = 1;
};

// Checks [dbus] admin-group at start-up and on reload: an admin group that does not exist is a
// configuration error (ConfigError at the key, naming the group), not a silent root-only API.
void requireAdminGroup(const DbusConfig& config);

}  // namespace balloon::daemon
