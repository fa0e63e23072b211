#include "reservation_verdict.h"

namespace balloon::daemon {
namespace {

std::string labelsOf(Balancer& balancer, const std::vector<DomId>& domids) {
    std::string text;
    for (DomId domid : domids) {
        const DomainRecord* record = balancer.registry().find(domid);
        text += (text.empty() ? "" : ", ") +
                (record != nullptr ? record->label() : "dom" + std::to_string(domid));
    }
    return text;
}

}  // namespace

KiB outstandingReservations(Balancer& balancer) {
    KiB sum;
    for (const auto& r : balancer.reservations().active()) {
        if (!r.domid) {
            sum += r.amount;
        }
    }
    return sum;
}

ReservationVerdict judgeReservation(Balancer& balancer, const std::string& id, KiB amount,
                                    const RoundSummary* summary) {
    using Kind = ReservationVerdict::Kind;
    if (balancer.reservations().find(id) == nullptr) {
        return {Kind::Gone,
                "reservation " + id + " was released or expired before the memory was free"};
    }
    const KiB needed = outstandingReservations(balancer);
    if (balancer.lastHostFree() >= needed) {
        return {Kind::Ready, {}};
    }
    if (summary != nullptr && summary->shortfall && needed > summary->shortfall->reservable) {
        const Shortfall& sf = *summary->shortfall;
        std::string message = "cannot free " + formatSize(amount) + " for a reservation: with " +
                              "every other domain at its floor at most " +
                              formatSize(sf.reservable) + " can be reserved in all";
        if (!sf.refused.empty()) {
            message += "; not releasing memory: " + labelsOf(balancer, sf.refused);
        }
        if (!sf.atFloor.empty()) {
            message += "; at their floor: " + labelsOf(balancer, sf.atFloor);
        }
        message += ". Ask for less, lower some domains' min, or stop a domain";
        return {Kind::CannotFree, std::move(message)};
    }
    return {Kind::Waiting, {}};
}

std::string reservationTimeoutMessage(Balancer& balancer, KiB amount, std::string_view retry) {
    return "could not free " + formatSize(amount) + " in time: the host has " +
           formatSize(balancer.lastHostFree()) + " free for " +
           formatSize(outstandingReservations(balancer)) +
           " of reservations (guests are slow to give memory back); the reservation is "
           "released: " +
           std::string(retry) + ", or ask for less";
}

}  // namespace balloon::daemon
