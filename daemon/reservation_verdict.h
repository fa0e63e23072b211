// Whether a reservation waiting for free memory is done, cannot be done, or still in progress:
// one judgement for every way memory is asked for (D-Bus Reserve, daemon/dbus_pending.h; the
// qmemman socket, daemon/qmemman_server.h), so both answer alike and with the same words.
#pragma once

#include <string>
#include <string_view>

#include "balancer.h"

namespace balloon::daemon {

struct ReservationVerdict {
    enum class Kind {
        Waiting,     // not yet: guests are still giving memory back
        Ready,       // host free memory covers every outstanding reservation
        Gone,        // released or expired meanwhile
        CannotFree,  // the plan says it cannot be done; message says why and what to do
    };
    Kind kind = Kind::Waiting;
    std::string message;  // for Gone and CannotFree
};

// Judges reservation `id` of `amount`; `summary` is the round just run, or nullptr outside a
// round (a call's timer), when only Ready and Gone can be told.
ReservationVerdict judgeReservation(Balancer& balancer, const std::string& id, KiB amount,
                                    const RoundSummary* summary);

// Why a reservation still Waiting at its deadline failed; `retry` is the advice on how to ask
// again ("try again with a longer --timeout").
std::string reservationTimeoutMessage(Balancer& balancer, KiB amount, std::string_view retry);

// Reservations not yet handed to a domain: what host free memory must cover.
KiB outstandingReservations(Balancer& balancer);

}  // namespace balloon::daemon
