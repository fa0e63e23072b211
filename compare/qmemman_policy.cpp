#include "qmemman_policy.h"

#include <algorithm>

namespace balloon::compare {
namespace {

__extension__ using Wide = unsigned __int128;

struct Entry {
    const DomainSnapshot* dom = nullptr;
    bool balanced = false;  // has a fresh report and may be moved
    KiB ceiling;
    KiB preference;
    KiB target;
};

KiB scaled(KiB amount, KiB numerator, KiB denominator) {
    if (denominator.count() == 0) {
        return KiB{};
    }
    return KiB{
        static_cast<std::uint64_t>(Wide{amount.count()} * numerator.count() / denominator.count())};
}

// qmemman's "used": Qubes' own agent already counts swap in; the others' figures do not.
KiB usedOf(const GuestReport& report) {
    if (report.source == ReportSource::Qubes) {
        return report.used;
    }
    return report.used + report.swapUsed.value_or(KiB{});
}

KiB preferenceOf(const DomainSnapshot& dom, KiB ceiling, const QmemmanConfig& config) {
    const auto used = static_cast<double>(usedOf(*dom.report).count());
    const KiB preferred{static_cast<std::uint64_t>(used * config.preferenceFactor)};
    return min(max(preferred, config.minPreference), ceiling);
}

// Surplus shared in proportion to preference; what a ceiling cuts off goes round again.
void shareSurplus(std::vector<Entry*>& open, KiB surplus) {
    while (!open.empty() && surplus.count() > 0) {
        KiB weights;
        for (const Entry* e : open) {
            weights += e->preference;
        }
        KiB given;
        std::vector<Entry*> still;
        for (Entry* e : open) {
            const KiB share = scaled(surplus, e->preference, weights);
            const KiB room = e->ceiling - e->target;
            const KiB add = min(share, room);
            e->target += add;
            given += add;
            if (add < room) {
                still.push_back(e);
            }
        }
        if (given.count() == 0) {
            return;
        }
        surplus -= given;
        open.swap(still);
    }
}

}  // namespace

Plan planQmemman(const HostSnapshot& host, const QmemmanConfig& config) {
    std::vector<Entry> entries;
    entries.reserve(host.domains.size());
    KiB actual;
    KiB fixed;
    KiB preferences;
    KiB videoram;
    for (const auto& dom : host.domains) {
        Entry& e = entries.emplace_back();
        e.dom = &dom;
        e.target = dom.target;
        actual += dom.actual;
        e.ceiling = min(dom.max.value_or(dom.staticMax), dom.staticMax - dom.videoram);
        e.balanced = dom.report && !dom.reportStale && !dom.pinned && !dom.excluded;
        if (!e.balanced) {
            fixed += max(dom.target + dom.videoram, dom.actual);
            continue;
        }
        e.preference = preferenceOf(dom, e.ceiling, config);
        preferences += e.preference;
        videoram += dom.videoram;
    }
    KiB reserved;
    for (const auto& r : host.reservations) {
        reserved += r.amount;
    }
    const KiB usable = min(host.total, actual + host.free);
    const KiB available = usable - config.xenFree - reserved - fixed - videoram;

    std::vector<Entry*> open;
    for (auto& e : entries) {
        if (!e.balanced) {
            continue;
        }
        if (available >= preferences) {
            e.target = e.preference;
            open.push_back(&e);
        } else {
            // The same fraction of everyone's preference, but never below the global floor.
            e.target = max(scaled(e.preference, available, preferences),
                           min(config.minPreference, e.ceiling));
        }
    }
    shareSurplus(open, available - preferences);

    KiB moved;
    for (const auto& e : entries) {
        moved += e.target > e.dom->target ? e.target - e.dom->target : e.dom->target - e.target;
    }
    const bool worthIt = moved >= config.minRebalance;

    Plan plan;
    plan.usable = usable;
    plan.slush = config.xenFree;
    plan.reserved = reserved;
    for (const auto& e : entries) {
        DomainPlan p;
        p.domid = e.dom->domid;
        p.oldTarget = e.dom->target;
        p.target = worthIt ? e.target : e.dom->target;
        p.change = p.target < p.oldTarget   ? Change::Shrink
                   : p.target > p.oldTarget ? Change::Grow
                                            : Change::None;
        p.ceiling = e.ceiling;
        p.reason.kind = e.balanced ? ReasonKind::Demand : ReasonKind::NoStatistics;
        p.reason.ideal = e.target;
        plan.committed += p.target + e.dom->videoram;
        plan.domains.push_back(p);
    }
    // Shrinks first, as every balancer writes them.
    std::stable_partition(plan.domains.begin(), plan.domains.end(),
                          [](const DomainPlan& p) { return p.change == Change::Shrink; });
    return plan;
}

}  // namespace balloon::compare
