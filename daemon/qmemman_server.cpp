#include "qmemman_server.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <variant>

#include <sys/socket.h>
#include <sys/stat.h>

#include "convergence.h"
#include "error.h"
#include "reservation_verdict.h"
#include "size.h"
#include "unix_socket.h"
#include "untrusted_text.h"

namespace balloon::daemon {
namespace {

// Warnings about misbehaving clients: at most this many lines per kind and minute.
constexpr std::uint32_t kLinesPerMinute = 5;

std::string describe(const qmemman::Request& request) {
    if (const auto* free = std::get_if<qmemman::FreeMemory>(&request)) {
        return "free " + formatSize(free->amount);
    }
    std::string text = "set";
    for (const auto& [domid, size] : std::get<qmemman::SetSizes>(request).domains) {
        text += (text.size() > 3 ? ", dom" : " dom") + std::to_string(domid) + " to " +
                (size == KiB{0} ? std::string("its preferred size") : formatSize(size));
    }
    return text;
}
}  // namespace

std::size_t releaseQmemmanLeftovers(ReservationStore& store) {
    std::vector<std::string> owners;
    for (const auto& r : store.active()) {
        const StoredReservation* stored = store.find(r.id);
        if (stored != nullptr && stored->owner.ends_with(std::string(kQmemmanOwnerSuffix))) {
            owners.push_back(stored->owner);
        }
    }
    std::size_t released = 0;
    for (const auto& owner : owners) {
        released += store.releaseOwnedBy(owner);
    }
    if (released != 0) {
        BLOG(notice) << "released " << released
                     << " reservation(s) of qmemman clients of a previous run (their connections "
                        "ended with it)";
    }
    return released;
}
QmemmanServer::QmemmanServer(Daemon& daemon, const CompatConfig& config, SocketOwnership ownership,
                             QmemmanLimits limits)
    : daemon_(daemon),
      config_(config),
      limits_(limits),
      log_(kLinesPerMinute, std::chrono::minutes(1)) {
    std::optional<SocketOwner> owner;
    if (ownership == SocketOwnership::Configured) {
        owner = resolveSocketOwner(config_.qmemmanSocketOwner);
    }
    listener_ =
        listenUnix(config_.qmemmanSocket, static_cast<mode_t>(config_.qmemmanSocketMode), owner);
    daemon_.loop().watchFd(listener_.get(), [this] { onAcceptable(); });
    observer_ = daemon_.addRoundObserver([this](const RoundSummary& s) { onRound(s); });
    BLOG(notice) << "serving qmemman's protocol on " << config_.qmemmanSocket.string();
}

QmemmanServer::~QmemmanServer() {
    daemon_.removeRoundObserver(observer_);
    while (!connections_.empty()) {
        drop(connections_.begin()->first, "balloond is stopping");
    }
    daemon_.loop().unwatchFd(listener_.get());
    std::error_code ignored;
    std::filesystem::remove(config_.qmemmanSocket, ignored);
}

void QmemmanServer::warn(std::string_view kind, const std::string& message) {
    if (log_.admit(std::nullopt, std::string("qmemman ") + std::string(kind), Clock::now())) {
        BLOG(warning) << message;
    }
}

void QmemmanServer::onAcceptable() {
    for (std::size_t i = 0; i < limits_.acceptsPerWakeup; ++i) {
        OwnedFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd.valid()) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
                warn("accept",
                     "qmemman socket: accept failed: " + std::string(std::strerror(errno)));
            }
            return;
        }
        const std::string owner =
            "pid " + std::to_string(peerPid(fd.get())) + std::string(kQmemmanOwnerSuffix);
        if (connections_.size() >= limits_.maxConnections) {
            warn("connections", "qmemman socket: " + owner + " dropped: already " +
                                    std::to_string(limits_.maxConnections) +
                                    " connections open (a client that does not close them?)");
            continue;  // closed by fd's destructor
        }
        const Id id = nextId_++;
        Connection& c = connections_[id];
        c.fd = std::move(fd);
        c.owner = owner;
        c.timer =
            daemon_.loop().addTimer(limits_.requestTime, std::nullopt, [this, id] { onTimer(id); });
        daemon_.loop().watchFd(c.fd.get(), [this, id] { onReadable(id); });
    }
}

void QmemmanServer::onReadable(Id id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) {
        return;
    }
    Connection& c = it->second;
    std::array<char, qmemman::kMaxRequestBytes + 1> buffer{};
    const ssize_t n = ::recv(c.fd.get(), buffer.data(), buffer.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    const bool closed = n <= 0;
    if (c.phase != Phase::Reading) {
        // After the request, only the client's close is expected.
        drop(id, closed ? "closed" : "sent a second request on one connection (not allowed)");
        return;
    }
    using State = qmemman::RequestBuffer::State;
    const State state = closed ? c.request.endOfInput()
                               : c.request.append({buffer.data(), static_cast<std::size_t>(n)});
    if (state == State::Empty) {
        drop(id, "closed without a request");
    } else if (state == State::TooLong) {
        warn("too-long", "qmemman socket: " + c.owner + " sent more than " +
                             std::to_string(qmemman::kMaxRequestBytes) +
                             " bytes without a newline; answered INVALID_ARG and closed");
        answer(id, c, qmemman::kInvalidArg);
    } else if (state == State::Complete) {
        onRequest(id);
    }
}

void QmemmanServer::onRequest(Id id) {
    Connection& c = connections_.at(id);
    daemon_.loop().cancelTimer(c.timer);
    c.timer = 0;
    if (c.request.trailing()) {
        warn("second", "qmemman socket: " + c.owner +
                           " sent more than one request on one connection; answered "
                           "INVALID_ARG and closed (one request per connection)");
        answer(id, c, qmemman::kInvalidArg);
        return;
    }
    qmemman::Request request = qmemman::parseRequest(c.request.line());
    if (const auto* bad = std::get_if<qmemman::Invalid>(&request)) {
        warn("invalid", "qmemman socket: " + c.owner + " sent an invalid request " +
                            quoteUntrusted(c.request.line()) + " (" + bad->reason +
                            "); answered INVALID_ARG");
        answer(id, c, qmemman::kInvalidArg);
        return;
    }
    BLOG(info) << "qmemman socket: " << c.owner << " asks to " << describe(request);
    for (const auto& [domid, record] : daemon_.balancer().registry().records()) {
        c.domainsBefore.insert(domid);
    }
    c.timer =
        daemon_.loop().addTimer(config_.qmemmanTimeout, std::nullopt, [this, id] { onTimer(id); });
    if (auto* free = std::get_if<qmemman::FreeMemory>(&request)) {
        startFreeing(id, c, free->amount);
    } else {
        startSizing(c, std::move(std::get<qmemman::SetSizes>(request).domains));
    }
    // Memory already free is granted now; anything else is settled after a round, which starts
    // at once to shrink or grow the others (sizes are judged only after it: B = 0 means the
    // target that round gives). Nothing below may use `c`.
    const auto again = connections_.find(id);
    if (again != connections_.end() && again->second.phase == Phase::Freeing &&
        settleFreeing(id, again->second, nullptr)) {
        return;
    }
    daemon_.roundSoon();
}

void QmemmanServer::onTimer(Id id) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) {
        return;
    }
    Connection& c = it->second;
    daemon_.loop().cancelTimer(c.timer);
    c.timer = 0;
    if (c.phase == Phase::Reading) {
        warn("idle", "qmemman socket: " + c.owner + " sent no complete request within " +
                         std::to_string(limits_.requestTime.count()) + " ms; dropped");
        drop(id, "sent no request in time");
    } else if (c.phase == Phase::Freeing && !settleFreeing(id, c, nullptr)) {
        BLOG(warning) << "qmemman socket: " << c.owner << ": "
                      << reservationTimeoutMessage(daemon_.balancer(), c.amount,
                                                   "raise [compat] qmemman-timeout")
                      << "; answered FAIL";
        answer(id, c, qmemman::kFail);
    } else if (c.phase == Phase::Sizing && !settleSizing(id, c, false)) {
        BLOG(warning) << "qmemman socket: " << c.owner
                      << ": the domains did not reach their sizes within qmemman-timeout; "
                         "answered FAIL";
        answer(id, c, qmemman::kFail);
    }
}

void QmemmanServer::answer(Id id, Connection& c, std::string_view reply) {
    const bool holds = reply == qmemman::kOk && c.phase == Phase::Freeing;
    if (!sendAll(c.fd.get(), reply)) {
        drop(id, "left before its answer");
        return;
    }
    if (!holds) {
        drop(id, "answered " + std::string(reply.substr(0, reply.size() - 1)));
        return;
    }
    c.phase = Phase::Holding;
    daemon_.loop().cancelTimer(c.timer);
    c.timer = 0;
    handOver(c);
}

void QmemmanServer::drop(Id id, const std::string& why) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) {
        return;
    }
    Connection& c = it->second;
    daemon_.loop().cancelTimer(c.timer);
    daemon_.loop().unwatchFd(c.fd.get());
    const bool released = !c.reservation.empty() && !c.builds;
    if (!c.reservation.empty()) {
        try {
            daemon_.balancer().reservations().release(c.reservation);
        } catch (const Error&) {
            // Expired after its domain took the memory: nothing to give back.
        }
    }
    if (released) {
        BLOG(notice) << "qmemman socket: " << c.owner << " " << why << "; reservation "
                     << c.reservation << " of " << formatSize(c.amount) << " released";
    } else {
        BLOG(debug) << "qmemman socket: " << c.owner << " " << why;
    }
    connections_.erase(it);
    if (released) {
        daemon_.roundSoon();  // the memory goes back to the guests now, not at the next sample
    }
}

std::unique_ptr<QmemmanServer> serveQmemman(Daemon& daemon, const Config& config,
                                            SocketOwnership ownership) {
    releaseQmemmanLeftovers(daemon.balancer().reservations());
    if (config.compat.qmemmanSocket.empty()) {
        return nullptr;
    }
    return std::make_unique<QmemmanServer>(daemon, config.compat, ownership);
}

}  // namespace balloon::daemon
