#include "qmemman_policy.h"

#include <algorithm>

#include "size.h"

namespace balloon::compare {
namespace {

KiB usedOf(const GuestReport& report) {
    if (report.source == ReportSource::Qubes) {
        return report.used;
    }
    return report.used + report.swapUsed.value_or(KiB{});
}

bool stuck(Convergence c) {
    return c == Convergence::Stuck || c == Convergence::Uncooperative;
}

struct Round {
    std::vector<qmemman::Request> requests;
    std::optional<KiB> refused;  // a VM start balloon() cannot serve: what it lacks
};

// The requests qmemmand would write this round.
Round requestsFor(const HostSnapshot& host, const std::vector<qmemman::Domain>& domains,
                  const qmemman::Config& config) {
    const qmemman::SignedKiB free = qmemman::xenFree(host.free, domains, config);
    KiB starting;
    for (const Reservation& r : host.reservations) {
        if (!r.domid) {
            starting += r.amount;
        }
    }
    if (starting.count() > 0) {
        const auto wanted = static_cast<qmemman::SignedKiB>((starting + config.reserve).count());
        const auto served = static_cast<qmemman::SignedKiB>((starting + config.xenFreeMin).count());
        if (free >= served) {
            return {};
        }
        const KiB lacking{static_cast<std::uint64_t>(wanted - free)};
        auto requests = qmemman::balloon(lacking, domains, config);
        if (!requests) {
            return {{}, lacking};
        }
        return {std::move(*requests), std::nullopt};
    }
    qmemman::Balance b = qmemman::balance(
        free - static_cast<qmemman::SignedKiB>(config.reserve.count()), domains, config);
    if (!qmemman::significant(b.requests, free, domains, config)) {
        return {};
    }
    return {std::move(b.requests), std::nullopt};
}

}  // namespace

std::vector<qmemman::Domain> qmemmanDomains(const HostSnapshot& host,
                                            const qmemman::Config& config) {
    std::vector<qmemman::Domain> out;
    out.reserve(host.domains.size());
    for (const DomainSnapshot& d : host.domains) {
        qmemman::Domain q;
        q.domid = d.domid;
        q.current = d.actual;
        q.lastTarget = d.target + d.videoram;
        q.max = d.staticMax;
        if (d.report && !d.pinned && !d.excluded) {
            q.used = usedOf(*d.report);
        }
        if (q.used && stuck(d.convergence)) {
            const bool followed = q.actual() <= q.lastTarget + KiB{config.reserve.count() / 2};
            q.noProgress = !followed && !(q.actual() < qmemman::prefMem(q, config));
        }
        out.push_back(q);
    }
    return out;
}

Plan planQmemman(const HostSnapshot& host, const qmemman::Config& config) {
    const std::vector<qmemman::Domain> domains = qmemmanDomains(host, config);
    const auto [requests, refused] = requestsFor(host, domains, config);

    Plan plan;
    KiB actual;
    for (const DomainSnapshot& d : host.domains) {
        actual += d.actual;
    }
    plan.usable = min(host.total, actual + host.free);
    plan.slush = config.reserve;
    if (refused) {
        plan.shortfall = Shortfall{*refused, {}, {}, {}};
    }
    for (const Reservation& r : host.reservations) {
        plan.reserved += r.amount;
    }
    for (std::size_t i = 0; i < host.domains.size(); ++i) {
        const DomainSnapshot& d = host.domains[i];
        DomainPlan p;
        p.domid = d.domid;
        p.oldTarget = d.target;
        p.target = d.target;
        p.ceiling = d.staticMax - d.videoram;
        p.reason.kind = domains[i].balanced() ? ReasonKind::Demand : ReasonKind::NoStatistics;
        if (domains[i].used) {
            p.reason.demand = *domains[i].used;
            p.reason.ideal = qmemman::prefMem(domains[i], config);
        }
        for (const qmemman::Request& r : requests) {
            if (r.domid == d.domid) {
                p.target = r.target - d.videoram;
            }
        }
        p.change = p.target < p.oldTarget   ? Change::Shrink
                   : p.target > p.oldTarget ? Change::Grow
                                            : Change::None;
        plan.committed += max(p.target + d.videoram, p.changed() ? KiB{} : d.actual);
        plan.domains.push_back(p);
    }
    // Shrinks before grows, as qmemman writes them.
    std::stable_partition(plan.domains.begin(), plan.domains.end(),
                          [](const DomainPlan& p) { return p.change == Change::Shrink; });
    return plan;
}

std::string explainQmemman(const DomainPlan& plan) {
    const Reason& r = plan.reason;
    if (r.kind != ReasonKind::Demand) {
        return "qmemman: no meminfo, no progress, pinned or excluded: left out";
    }
    std::string text =
        "qmemman: used " + formatSizeHuman(r.demand) + ", preference " + formatSizeHuman(r.ideal);
    if (plan.changed()) {
        return text + "; set to " + formatSizeHuman(plan.target);
    }
    return text + "; kept (nothing significant to do)";
}

}  // namespace balloon::compare
