#include "dbus_pending.h"

#include <algorithm>

#include "convergence.h"
#include "errors.h"
#include "log.h"
#include "reservation_verdict.h"
#include "size.h"

namespace balloon::daemon {
namespace {

// A reply to a caller that has left the bus fails; nobody is left to tell.
template <class Reply>
void answer(Reply&& reply) {
    try {
        reply();
    } catch (const sdbus::Error& e) {
        BLOG(debug) << "D-Bus reply not delivered: " << e.getMessage();
    }
}

bool reachedTarget(const DomainRecord& record) {
    const KiB expected = record.expectedAllocation();
    const KiB distance = max(expected - record.actual, record.actual - expected);
    return distance <= ConvergenceConfig{}.tolerance;
}

}  // namespace

PendingCalls::~PendingCalls() {
    // Not structured bindings: a lambda may not capture one in C++20.
    for (auto& entry : waits_) {
        Wait& w = entry.second;
        daemon_.loop().cancelTimer(w.timer);
        answer([&] { w.result.returnError(dbus::toDbusError(Errc::Failed, "balloond stopped")); });
    }
    for (auto& entry : reservations_) {
        Reservation& r = entry.second;
        daemon_.loop().cancelTimer(r.timer);
        answer([&] { r.result.returnError(dbus::toDbusError(Errc::Failed, "balloond stopped")); });
    }
}

void PendingCalls::checkCapacity() const {
    if (size() >= kMaxPendingCalls) {
        throw Error(Errc::Failed, std::to_string(kMaxPendingCalls) +
                                      " calls are already waiting on balloond; try again later");
    }
}

void PendingCalls::waitForTarget(sdbus::Result<uint64_t, std::string>&& result, DomId domid,
                                 std::chrono::milliseconds timeout) {
    checkCapacity();
    DomainRecord& record = daemon_.balancer().require(domid);
    Wait wait{std::move(result), domid, record.generation, record.label(), 0};
    if (settleWait(wait, false)) {
        return;
    }
    const std::uint64_t key = nextKey_++;
    wait.timer = daemon_.loop().addTimer(timeout, std::nullopt, [this, key] { waitTimedOut(key); });
    waits_.emplace(key, std::move(wait));
}

bool PendingCalls::settleWait(Wait& wait, bool afterRound) {
    const DomainRecord* record = daemon_.balancer().registry().find(wait.domid);
    if (record == nullptr || record->generation != wait.generation) {
        answer([&] {
            wait.result.returnError(dbus::toDbusError(
                Errc::NoSuchDomain, wait.label + " went away while waiting for its target"));
        });
        return true;
    }
    if (reachedTarget(*record)) {
        answer([&] {
            wait.result.returnResults(record->actual.count(),
                                      std::string(convergenceName(Convergence::Balanced)));
        });
        return true;
    }
    // The convergence state is only current right after a round has observed the domain.
    const Convergence state = record->convergence.state();
    if (afterRound && (state == Convergence::Stuck || state == Convergence::Uncooperative)) {
        const std::string message =
            record->label() + " stopped at " + formatSize(record->actual) +
            " short of its target " + formatSize(record->expectedAllocation()) + " (" +
            std::string(convergenceName(state)) +
            "): the guest is not moving its balloon (no driver, it gave up, or it needs the "
            "memory); free memory in the guest or set a target it can reach";
        answer([&] { wait.result.returnError(dbus::toDbusError(Errc::NotReached, message)); });
        return true;
    }
    return false;
}

void PendingCalls::waitTimedOut(std::uint64_t key) {
    const auto it = waits_.find(key);
    if (it == waits_.end()) {
        return;
    }
    Wait& wait = it->second;
    daemon_.loop().cancelTimer(wait.timer);
    if (!settleWait(wait, false)) {
        const DomainRecord* record = daemon_.balancer().registry().find(wait.domid);
        std::string message = wait.label + " did not reach its target in time";
        if (record != nullptr) {
            message = record->label() + " did not reach its target " +
                      formatSize(record->expectedAllocation()) + " in time: it is at " +
                      formatSize(record->actual) + " and " +
                      std::string(convergenceName(record->convergence.state())) +
                      "; wait longer, or check the guest's balloon driver";
        }
        answer([&] { wait.result.returnError(dbus::toDbusError(Errc::Timeout, message)); });
    }
    waits_.erase(it);
}

void PendingCalls::reserve(sdbus::Result<std::string>&& result, std::string id,
                           std::chrono::milliseconds timeout) {
    if (size() >= kMaxPendingCalls) {
        daemon_.balancer().reservations().release(id);
        checkCapacity();
    }
    const auto* stored = daemon_.balancer().reservations().find(id);
    if (stored == nullptr) {
        throw Error(Errc::NoSuchReservation, "reservation " + id + " vanished");
    }
    const std::uint64_t key = nextKey_++;
    Reservation r{std::move(result), std::move(id), stored->reservation.amount, 0};
    r.timer =
        daemon_.loop().addTimer(timeout, std::nullopt, [this, key] { reservationTimedOut(key); });
    reservations_.emplace(key, std::move(r));
}

bool PendingCalls::settleReservation(Reservation& r, const RoundSummary* summary) {
    Balancer& balancer = daemon_.balancer();
    ReservationVerdict verdict = judgeReservation(balancer, r.id, r.amount, summary);
    switch (verdict.kind) {
        case ReservationVerdict::Kind::Waiting:
            return false;
        case ReservationVerdict::Kind::Ready:
            answer([&] { r.result.returnResults(r.id); });
            return true;
        case ReservationVerdict::Kind::Gone:
            answer([&] {
                r.result.returnError(dbus::toDbusError(Errc::NoSuchReservation, verdict.message));
            });
            return true;
        case ReservationVerdict::Kind::CannotFree:
            balancer.reservations().release(r.id);
            answer([&] {
                r.result.returnError(dbus::toDbusError(Errc::CannotFreeEnough, verdict.message));
            });
            return true;
    }
    return false;
}

void PendingCalls::reservationTimedOut(std::uint64_t key) {
    const auto it = reservations_.find(key);
    if (it == reservations_.end()) {
        return;
    }
    Reservation& r = it->second;
    daemon_.loop().cancelTimer(r.timer);
    if (!settleReservation(r, nullptr)) {
        const std::string message = reservationTimeoutMessage(daemon_.balancer(), r.amount,
                                                              "try again with a longer --timeout");
        daemon_.balancer().reservations().release(r.id);
        answer([&] { r.result.returnError(dbus::toDbusError(Errc::CannotFreeEnough, message)); });
    }
    reservations_.erase(it);
}

void PendingCalls::onRound(const RoundSummary& summary) {
    for (auto it = waits_.begin(); it != waits_.end();) {
        if (settleWait(it->second, true)) {
            daemon_.loop().cancelTimer(it->second.timer);
            it = waits_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = reservations_.begin(); it != reservations_.end();) {
        if (settleReservation(it->second, &summary)) {
            daemon_.loop().cancelTimer(it->second.timer);
            it = reservations_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace balloon::daemon
