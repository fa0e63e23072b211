// qmemman's client socket ([compat] qmemman-socket; the protocol: core/qmemman_protocol.h), so
// Qubes' qubesd asks balloond for memory as it asked qmemman. Served on the daemon's loop, never
// blocking it: every socket is non-blocking and every client is bounded (connections, accepts per
// wake-up, request size, time to send the request, log lines).
//   "N": a reservation of N bytes owned by "pid P (qmemman)", judged like D-Bus Reserve
//        (daemon/reservation_verdict.h); OK once free, FAIL when it cannot be or at
//        qmemman-timeout. After OK the memory stays reserved until the client closes (or dies);
//        the first domain that appears meanwhile is taken to be the one it builds and gets it.
//   "D:B ...": each domain pinned at B (B = 0: handed back to the policy); OK once every one is
//        within 10 % of its target, FAIL when one is gone, stuck or late.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "owned_fd.h"
#include "qmemman_protocol.h"

namespace balloon::daemon {

// The owner of a qmemman client's reservation is "pid P" followed by this.
inline constexpr std::string_view kQmemmanOwnerSuffix = " (qmemman)";

// Reservations of qmemman clients a previous run persisted: their connections ended with that
// run, so their memory is released (at start, socket or not). Returns how many.
std::size_t releaseQmemmanLeftovers(ReservationStore& store);

struct QmemmanLimits {
    std::size_t maxConnections = 64;              // more are accepted and closed at once
    std::size_t acceptsPerWakeup = 16;            // the loop's other work goes between batches
    std::chrono::milliseconds requestTime{5000};  // to send a whole request after connecting
};

// Whether the socket file gets [compat] qmemman-socket-owner (balloond as root) or stays the
// invoking user's (the sandbox).
enum class SocketOwnership { Configured, Caller };

class QmemmanServer {
public:
    // Listens at once; throws std::runtime_error when the socket cannot be made.
    QmemmanServer(Daemon& daemon, const CompatConfig& config, SocketOwnership ownership,
                  QmemmanLimits limits = {});
    // Closes every connection, releasing what they hold, and removes the socket file.
    ~QmemmanServer();
    QmemmanServer(const QmemmanServer&) = delete;
    QmemmanServer& operator=(const QmemmanServer&) = delete;
    QmemmanServer(QmemmanServer&&) = delete;
    QmemmanServer& operator=(QmemmanServer&&) = delete;

    [[nodiscard]] std::size_t connections() const { return connections_.size(); }

private:
    enum class Phase { Reading, Freeing, Holding, Sizing };
    struct Connection {
        OwnedFd fd;
        std::string owner;  // "pid P (qmemman)"
        qmemman::RequestBuffer request;
        Phase phase = Phase::Reading;
        EventLoop::TimerId timer = 0;
        std::string reservation;  // Freeing and Holding; empty for a request of 0 bytes
        KiB amount;
        std::set<DomId> domainsBefore;           // at the request: a domain not among them is new
        std::optional<DomId> builds;             // the new domain the reservation went to
        std::vector<qmemman::DomainSize> sizes;  // Sizing
    };
    using Id = std::uint64_t;

    void onAcceptable();
    void onReadable(Id id);
    void onRequest(Id id);
    void startFreeing(Id id, Connection& c, KiB amount);
    void startSizing(Connection& c, std::vector<qmemman::DomainSize> sizes);
    void onRound(const RoundSummary& summary);
    // True when the connection was answered (and, but for Holding, closed).
    bool settleFreeing(Id id, Connection& c, const RoundSummary* summary);
    bool settleSizing(Id id, Connection& c, bool afterRound);
    void handOver(Connection& c);
    void onTimer(Id id);
    // Sends the answer; OK to a free request keeps the connection (Holding), anything else ends it.
    void answer(Id id, Connection& c, std::string_view reply);
    void drop(Id id, const std::string& why);
    void warn(std::string_view kind, const std::string& message);

    Daemon& daemon_;
    CompatConfig config_;
    QmemmanLimits limits_;
    OwnedFd listener_;
    std::map<Id, Connection> connections_;
    Id nextId_ = 1;
    Daemon::ObserverId observer_ = 0;
    log::RateLimitedLog log_;
};

// At start, after Daemon::start(): releases a previous run's leftovers, then serves the socket
// when [compat] qmemman-socket is set (nullptr otherwise). Throws what QmemmanServer throws.
std::unique_ptr<QmemmanServer> serveQmemman(Daemon& daemon, const Config& config,
                                            SocketOwnership ownership);

}  // namespace balloon::daemon
