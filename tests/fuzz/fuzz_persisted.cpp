// libFuzzer target: what balloond reads back from Xenstore at start: toolstack-written KiB values
// (daemon/domain_registry.h parseKiBValue) and its own persisted reservations
// (daemon/reservation_store.h decodeReservation), which survive restarts and could be damaged.
// Accepted values must be canonical and bounded, and a decoded reservation must be no larger than
// any Reserve call can ask for and re-encode to something that decodes to the same reservation.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain_registry.h"
#include "reservation_store.h"
#include "size.h"
#include "stats_codec.h"

namespace {

bool sameReservation(const balloon::daemon::StoredReservation& a,
                     const balloon::daemon::StoredReservation& b) {
    return a.reservation.id == b.reservation.id && a.reservation.amount == b.reservation.amount &&
           a.reservation.domid == b.reservation.domid && a.owner == b.owner &&
           a.expiresAtUnix == b.expiresAtUnix;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);

    if (const auto kib = balloon::daemon::parseKiBValue(text)) {
        if (kib->count() > balloon::kMaxReportValue || std::to_string(kib->count()) != text) {
            __builtin_trap();
        }
    }

    if (const auto first = balloon::daemon::decodeReservation("r1", text)) {
        // Every reservation was asked for as a size (at most kMaxSize); a larger one read back is
        // damage, and would wrap the store's total.
        if (first->reservation.amount > balloon::kMaxSize) {
            __builtin_trap();
        }
        const std::string encoded = balloon::daemon::encodeReservation(*first);
        const auto second = balloon::daemon::decodeReservation("r1", encoded);
        if (!second || !sameReservation(*first, *second)) {
            __builtin_trap();
        }
    }
    return 0;
}
