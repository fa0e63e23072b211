// D-Bus calls that finish later: WaitForTarget and Reserve. The loop is single-threaded, so these
// never block it: each call is parked with its sdbus::Result and answered from the round
// observer (progress) or from its own timer (timeout).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "daemon.h"

namespace balloon::daemon {

// More parked calls than this is a client misbehaving (WaitForTarget is open to every user).
inline constexpr std::size_t kMaxPendingCalls = 256;

class PendingCalls {
public:
    explicit PendingCalls(Daemon& daemon) : daemon_(daemon) {}
    // Answers every parked call with Failed: balloond is stopping.
    ~PendingCalls();
    PendingCalls(const PendingCalls&) = delete;
    PendingCalls& operator=(const PendingCalls&) = delete;
    PendingCalls(PendingCalls&&) = delete;
    PendingCalls& operator=(PendingCalls&&) = delete;

    // Answers at once when the domain already holds its target; otherwise after the round in
    // which it gets there (balanced), stops trying (NotReached) or vanishes, or at the timeout.
    void waitForTarget(sdbus::Result<uint64_t, std::string>&& result, DomId domid,
                       std::chrono::milliseconds timeout);
    // Parks a Reserve whose reservation `id` is already stored; answered with the id once host
    // free memory covers every outstanding reservation, or CannotFreeEnough (the reservation is
    // then released) when the plan says it cannot be done or the timeout passes.
    void reserve(sdbus::Result<std::string>&& result, std::string id,
                 std::chrono::milliseconds timeout);

    // After every round: settles what the round decided.
    void onRound(const RoundSummary& summary);

    [[nodiscard]] std::size_t size() const { return waits_.size() + reservations_.size(); }

private:
    struct Wait {
        sdbus::Result<uint64_t, std::string> result;
        DomId domid = 0;
        std::uint64_t generation = 0;
        std::string label;
        EventLoop::TimerId timer = 0;
    };
    struct Reservation {
        sdbus::Result<std::string> result;
        std::string id;
        KiB amount;
        EventLoop::TimerId timer = 0;
    };

    // True when the call was answered (and must be dropped).
    bool settleWait(Wait& wait, bool afterRound);
    bool settleReservation(Reservation& r, const RoundSummary* summary);
    void waitTimedOut(std::uint64_t key);
    void reservationTimedOut(std::uint64_t key);
    void checkCapacity() const;

    Daemon& daemon_;
    std::map<std::uint64_t, Wait> waits_;
    std::map<std::uint64_t, Reservation> reservations_;
    std::uint64_t nextKey_ = 1;
};

}  // namespace balloon::daemon
