// QmemmanServer, its requests: starting them, settling them after each round, and handing a
// reservation to the domain its client builds (the connections themselves: qmemman_server.cpp).
#include <variant>

#include "convergence.h"
#include "error.h"
#include "qmemman_server.h"
#include "reservation_verdict.h"
#include "size.h"

namespace balloon::daemon {
namespace {

// Within 10 % of its target, as qmemman judges a D:B request done.
bool nearTarget(const DomainRecord& record) {
    const KiB expected = record.expectedAllocation();
    const KiB distance = max(expected - record.actual, record.actual - expected);
    return distance.count() * 10 <= expected.count();
}

}  // namespace

void QmemmanServer::startFreeing(Id id, Connection& c, KiB amount) {
    c.phase = Phase::Freeing;
    c.amount = amount;
    if (amount == KiB{0}) {
        return;  // nothing to free: settled as Ready with no reservation
    }
    try {
        c.reservation = daemon_.balancer().reserve(amount, c.owner, 0);
        BLOG(notice) << "reservation " << c.reservation << " of " << formatSize(amount) << " for "
                     << c.owner;
    } catch (const Error& e) {
        BLOG(warning) << "qmemman socket: " << c.owner << ": " << e.what() << "; answered FAIL";
        answer(id, c, qmemman::kFail);
    }
}

void QmemmanServer::startSizing(Connection& c, std::vector<qmemman::DomainSize> sizes) {
    c.phase = Phase::Sizing;
    c.sizes = std::move(sizes);
    Balancer& balancer = daemon_.balancer();
    for (const auto& [domid, size] : c.sizes) {
        try {
            if (size != KiB{0}) {
                balancer.setTarget(domid, size, Clock::now());
            } else if (const DomainRecord* record = balancer.registry().find(domid);
                       record != nullptr && record->pinned) {
                balancer.release(domid);
            }
        } catch (const Error& e) {
            // Settled below: a domain that is not there fails the request; a target refused
            // (below its minimum) stays where it is and fails it only if far from B.
            BLOG(warning) << "qmemman socket: " << c.owner << ": " << e.what();
        }
    }
}

void QmemmanServer::onRound(const RoundSummary& summary) {
    log_.flush(Clock::now());
    // Answering may close a connection: collect the ids first.
    std::vector<Id> ids;
    for (const auto& [id, c] : connections_) {
        ids.push_back(id);
    }
    for (const Id id : ids) {
        const auto it = connections_.find(id);
        if (it == connections_.end()) {
            continue;
        }
        Connection& c = it->second;
        if (c.phase == Phase::Freeing) {
            settleFreeing(id, c, &summary);
        } else if (c.phase == Phase::Sizing) {
            settleSizing(id, c, true);
        } else if (c.phase == Phase::Holding) {
            handOver(c);
        }
    }
}

bool QmemmanServer::settleFreeing(Id id, Connection& c, const RoundSummary* summary) {
    if (c.reservation.empty()) {
        answer(id, c, qmemman::kOk);
        return true;
    }
    const ReservationVerdict verdict =
        judgeReservation(daemon_.balancer(), c.reservation, c.amount, summary);
    switch (verdict.kind) {
        case ReservationVerdict::Kind::Waiting:
            return false;
        case ReservationVerdict::Kind::Ready:
            BLOG(notice) << "qmemman socket: " << formatSize(c.amount) << " free for " << c.owner
                         << "; kept free until it closes the connection";
            answer(id, c, qmemman::kOk);
            return true;
        case ReservationVerdict::Kind::Gone:
        case ReservationVerdict::Kind::CannotFree:
            BLOG(warning) << "qmemman socket: " << c.owner << ": " << verdict.message
                          << "; answered FAIL";
            answer(id, c, qmemman::kFail);
            return true;
    }
    return false;
}

bool QmemmanServer::settleSizing(Id id, Connection& c, bool afterRound) {
    bool done = true;
    for (const auto& [domid, size] : c.sizes) {
        const DomainRecord* record = daemon_.balancer().registry().find(domid);
        std::string problem;
        if (record == nullptr) {
            problem = "dom" + std::to_string(domid) + " does not exist";
        } else if (size != KiB{0} && record->target != size) {
            problem = record->label() + " cannot be set to " + formatSize(size) +
                      " (see the warning above)";
        } else if (nearTarget(*record)) {
            continue;
        } else if (const Convergence state = record->convergence.state();
                   afterRound &&
                   (state == Convergence::Stuck || state == Convergence::Uncooperative)) {
            problem = record->label() + " stopped at " + formatSize(record->actual) +
                      ", short of its target " + formatSize(record->expectedAllocation()) + " (" +
                      std::string(convergenceName(state)) + ")";
        } else {
            done = false;
            continue;
        }
        BLOG(warning) << "qmemman socket: " << c.owner << ": " << problem << "; answered FAIL";
        answer(id, c, qmemman::kFail);
        return true;
    }
    if (done) {
        answer(id, c, qmemman::kOk);
    }
    return done;
}

void QmemmanServer::handOver(Connection& c) {
    if (c.builds || c.reservation.empty()) {
        return;
    }
    // qubesd builds one domain per request: the first new one that no other client claimed.
    std::set<DomId> claimed;
    for (const auto& [id, other] : connections_) {
        if (other.builds) {
            claimed.insert(*other.builds);
        }
    }
    for (const auto& [domid, record] : daemon_.balancer().registry().records()) {
        if (!c.domainsBefore.contains(domid) && !claimed.contains(domid)) {
            try {
                daemon_.balancer().reservations().transfer(c.reservation, domid);
                c.builds = domid;
                BLOG(info) << "reservation " << c.reservation << " of " << c.owner << " goes to "
                           << record.label() << ", the domain it builds";
            } catch (const Error&) {
                c.reservation.clear();  // expired meanwhile: nothing left to hand over
            }
            return;
        }
    }
}

}  // namespace balloon::daemon
