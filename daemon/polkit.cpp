#include "polkit.h"

#include <cerrno>
#include <cstdint>

#include <systemd/sd-bus.h>

namespace balloon::daemon {
namespace {

constexpr uint32_t kAllowUserInteraction = 1;

// Frees what sd-bus handed out, on every path.
struct BusMessage {
    sd_bus_message* m = nullptr;
    BusMessage() = default;
    ~BusMessage() { sd_bus_message_unref(m); }
    BusMessage(const BusMessage&) = delete;
    BusMessage& operator=(const BusMessage&) = delete;
    BusMessage(BusMessage&&) = delete;
    BusMessage& operator=(BusMessage&&) = delete;
};

struct BusError {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    BusError() = default;
    ~BusError() { sd_bus_error_free(&e); }
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;
    BusError(BusError&&) = delete;
    BusError& operator=(BusError&&) = delete;
};

PolkitAnswer unavailable(std::string why) {
    return PolkitAnswer{PolkitAnswer::Kind::Unavailable, std::move(why)};
}

std::string errnoText(int r) {
    BusError error;
    sd_bus_error_set_errno(&error.e, r);
    return error.e.message != nullptr ? error.e.message : "error " + std::to_string(-r);
}

// "name: message" of a D-Bus error, as the refusal quotes it.
std::string describe(const sd_bus_error& error) {
    return std::string(error.name) + ": " + (error.message != nullptr ? error.message : "");
}

}  // namespace

PolkitRequest::PolkitRequest(sd_bus* bus, const std::string& sender, std::string_view actionId,
                             bool interactive, std::function<void(PolkitAnswer)> done)
    : done_(std::move(done)) {
    BusMessage call;
    int r = sd_bus_message_new_method_call(
        bus, &call.m, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
        "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
    const std::string action(actionId);
    if (r >= 0) {
        // Appends (sa{sv}) s a{ss} u s: subject, action, no details, flags, no cancellation id.
        r = sd_bus_message_append(call.m, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
                                  sender.c_str(), action.c_str(), 0,
                                  interactive ? kAllowUserInteraction : 0U, "");
    }
    if (r < 0) {
        failed_ = unavailable("building the CheckAuthorization call failed: " + errnoText(r));
        return;
    }
    if (interactive) {
        // polkit may then wait for an authentication agent; it must know it may.
        sd_bus_message_set_allow_interactive_authorization(call.m, 1);
    }
    const auto timeout = interactive ? kPolkitInteractiveTimeout : kPolkitTimeout;
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    deadline_ = std::chrono::steady_clock::now() + timeout;
    r = sd_bus_call_async(bus, &slot_, call.m, &PolkitRequest::onReply, this,
                          static_cast<uint64_t>(usec));
    if (r < 0) {
        slot_ = nullptr;
        failed_ = unavailable("the call failed: " + errnoText(r));
    }
}

PolkitRequest::~PolkitRequest() {
    sd_bus_slot_unref(slot_);
}

int PolkitRequest::onReply(sd_bus_message* reply, void* self, sd_bus_error* /*error*/) {
    auto* request = static_cast<PolkitRequest*>(self);
    const PolkitAnswer answer = request->read(reply);
    // `done` may destroy the request (sd-bus holds the slot until this returns): nothing of it
    // is touched after.
    const std::function<void(PolkitAnswer)> done = std::move(request->done_);
    if (done) {
        done(answer);
    }
    return 1;
}

PolkitAnswer PolkitRequest::read(sd_bus_message* reply) const {
    if (const sd_bus_error* error = sd_bus_message_get_error(reply)) {
        if (sd_bus_message_is_method_error(reply, SD_BUS_ERROR_NO_REPLY) > 0 &&
            std::chrono::steady_clock::now() >= deadline_) {
            // sd-bus's own reply when the time is up: say so as a timeout.
            BusError timedOut;
            sd_bus_error_set_errno(&timedOut.e, ETIMEDOUT);
            return unavailable(describe(timedOut.e));
        }
        return unavailable(describe(*error));
    }
    int authorized = 0;
    int challenge = 0;
    int r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
    if (r > 0) {
        r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
    }
    if (r <= 0) {
        return unavailable("polkit's reply did not read as (bba{ss})" +
                           (r < 0 ? ": " + errnoText(r) : std::string()));
    }
    if (authorized != 0) {
        return PolkitAnswer{PolkitAnswer::Kind::Authorized, {}};
    }
    return PolkitAnswer{
        challenge != 0 ? PolkitAnswer::Kind::ChallengeNeeded : PolkitAnswer::Kind::Denied, {}};
}

}  // namespace balloon::daemon
