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

std::optional<PolkitQuestion> Authorizer::decide(const sdbus::Message& call,
                                                 std::string_view method) const {
    PolkitQuestion question;
    try {
        question.uid = call.getCredsUid();
        if (question.uid == 0) {
            return std::nullopt;
        }
        if (adminGroup_) {
            std::vector<gid_t> groups = call.getCredsSupplementaryGids();
            groups.push_back(call.getCredsGid());
            if (std::find(groups.begin(), groups.end(), *adminGroup_) != groups.end()) {
                return std::nullopt;
            }
        }
    } catch (const sdbus::Error& e) {
        // Unknown credentials are no credentials: refuse, and say why.
        throw Error(Errc::NotAuthorized, std::string(method) +
                                             " refused: the bus did not tell who is calling (" +
                                             e.getMessage() + ")");
    }
    question.method = std::string(method);
    question.action = polkitActionFor(method);
    question.sender = call.getSender();
    sd_bus_message* raw = RawMessage::of(call);
    question.interactive =
        raw != nullptr && sd_bus_message_get_allow_interactive_authorization(raw) > 0;
    question.bus = raw != nullptr ? sd_bus_message_get_bus(raw) : nullptr;
    return question;
}

void Authorizer::judge(const PolkitQuestion& question, const PolkitAnswer& answer) const {
    const std::string_view action = question.action;
    const std::string& method = question.method;
    const std::string who = "uid " + std::to_string(question.uid) + ", " + question.sender;
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
                method + " changes the host's memory and is for " + allowed() +
                    " only, apart from callers polkit allows " + std::string(action) +
                    " (you are " + who + "): " + polkitSaid(answer, action, question.interactive) +
                    ". To be let in: run it with sudo, " + group + ", have a polkit rule allow " +
                    std::string(action) +
                    " for you, or call with interactive authorization (pkexec, or Cockpit's "
                    "administrative access)");
}

Authorizations::Authorizations(Authorizer authorizer) : authorizer_(std::move(authorizer)) {}

Authorizations::~Authorizations() {
    const Error stopping(Errc::Failed, "balloond stopped");
    for (auto& entry : parked_) {
        entry.second.request.reset();  // no answer may come in while the others are refused
        entry.second.refused(stopping);
    }
}

void Authorizations::authorize(const sdbus::Message& call, std::string_view method, Allowed allowed,
                               Refused refused) {
    std::optional<PolkitQuestion> question = authorizer_.decide(call, method);
    if (!question) {
        allowed();
        return;
    }
    if (question->bus == nullptr || question->sender.empty()) {
        authorizer_.judge(*question, PolkitAnswer{PolkitAnswer::Kind::Unavailable,
                                                  "the call has no sender bus name to ask about"});
    }
    if (parked_.size() >= kMaxPendingAuthorizations) {
        throw Error(Errc::Failed, question->method +
                                      " refused: " + std::to_string(kMaxPendingAuthorizations) +
                                      " callers are already waiting for polkit's answer; try "
                                      "again later");
    }
    const std::uint64_t key = nextKey_++;
    auto request = std::make_unique<PolkitRequest>(
        question->bus, question->sender, question->action, question->interactive,
        [this, key](const PolkitAnswer& answer) { answered(key, answer); });
    if (const auto& failed = request->failed()) {
        authorizer_.judge(*question, *failed);
    }
    parked_.emplace(key, Parked{std::move(*question), std::move(allowed), std::move(refused),
                                std::move(request)});
}

void Authorizations::answered(std::uint64_t key, const PolkitAnswer& answer) {
    const auto it = parked_.find(key);
    if (it == parked_.end()) {
        return;
    }
    // Out of the map first: the request is finished, and the action may park more calls.
    Parked parked = std::move(it->second);
    parked_.erase(it);
    try {
        authorizer_.judge(parked.question, answer);
    } catch (const Error& e) {
        parked.refused(e);
        return;
    }
    parked.allowed();
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
