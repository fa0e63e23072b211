// Asks polkit whether the sender of a D-Bus call may do an action:
// org.freedesktop.PolicyKit1.Authority.CheckAuthorization on the bus the call came in on, for the
// subject ("system-bus-name", {name: sender}). Asynchronous: the call goes out at once and polkit's
// reply is dispatched by balloond's own loop like any other message, so the daemon never waits
// for polkitd. Bounded: kPolkitTimeout, or kPolkitInteractiveTimeout while a person may be
// typing a password; a reply that does not come in time is an Unavailable answer.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <systemd/sd-bus.h>

namespace balloon::daemon {

inline constexpr std::chrono::seconds kPolkitTimeout{5};
inline constexpr std::chrono::seconds kPolkitInteractiveTimeout{25};

struct PolkitAnswer {
    enum class Kind {
        Authorized,
        ChallengeNeeded,  // polkit would allow it after the caller authenticates
        Denied,
        Unavailable,  // polkit could not be asked (not on the bus, timeout, bad reply)
    };
    Kind kind = Kind::Unavailable;
    std::string why;  // for Unavailable: what went wrong
};

// One CheckAuthorization in flight. Destroying the request cancels it: `done` then never runs.
class PolkitRequest {
public:
    // Sends the call without waiting. `interactive`: the caller allows interactive authorization
    // (polkit may then ask an authentication agent, and the wait is kPolkitInteractiveTimeout).
    // `done` runs once, from the bus's dispatch, with polkit's answer (or why there is none). When
    // the call cannot even be sent, failed() holds why and `done` never runs.
    PolkitRequest(sd_bus* bus, const std::string& sender, std::string_view actionId,
                  bool interactive, std::function<void(PolkitAnswer)> done);
    ~PolkitRequest();
    PolkitRequest(const PolkitRequest&) = delete;
    PolkitRequest& operator=(const PolkitRequest&) = delete;
    PolkitRequest(PolkitRequest&&) = delete;
    PolkitRequest& operator=(PolkitRequest&&) = delete;

    [[nodiscard]] const std::optional<PolkitAnswer>& failed() const { return failed_; }

private:
    static int onReply(sd_bus_message* reply, void* self, sd_bus_error* error);
    [[nodiscard]] PolkitAnswer read(sd_bus_message* reply) const;

    sd_bus_slot* slot_ = nullptr;
    std::function<void(PolkitAnswer)> done_;
    std::chrono::steady_clock::time_point deadline_;
    std::optional<PolkitAnswer> failed_;
};

}  // namespace balloon::daemon
