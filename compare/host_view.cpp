#include "host_view.h"

#include <vector>

#include "policy/grow_budget.h"

namespace balloon::compare {

TimePoint timeOf(sim::SimTime at) {
    return TimePoint{} + std::chrono::duration_cast<Clock::duration>(at);
}

HostView::Known* HostView::find(DomId domid) {
    const auto it = known_.find(domid);
    return it == known_.end() ? nullptr : &it->second;
}

HostSnapshot HostView::snapshot(std::span<const Reservation> reservations) {
    const TimePoint now = timeOf(sim_.now());
    const xen::HostInfo info = sim_.host().hostInfo();
    HostSnapshot host;
    host.total = toKiB(info.total);
    host.free = info.freeKiB();
    host.now = now;
    host.reservations.assign(reservations.begin(), reservations.end());

    std::map<DomId, Known> seen;
    for (const sim::SimGuest* guest : sim_.guests()) {
        const sim::GuestSpec& spec = guest->spec();
        const DomId domid = guest->domid();
        auto node = known_.extract(domid);
        Known known = node.empty() ? Known{} : std::move(node.mapped());
        known.name = spec.name;
        known.videoram = spec.type == DomainType::Hvm ? spec.videoram : KiB{};

        DomainSnapshot d;
        d.domid = domid;
        d.name = spec.name;
        d.type = spec.type;
        d.target = sim_.target(spec.name).value_or(KiB{});
        d.actual = toKiB(sim_.host().allocation(domid).value_or(Pages{}));
        d.staticMax = spec.maxmem;
        d.videoram = known.videoram;
        if (spec.rangeMin.count() != 0) {
            d.min = spec.rangeMin;
        }
        if (spec.rangeMax.count() != 0) {
            d.max = spec.rangeMax;
        }
        if (known.written && *known.written != d.target && !known.pinned) {
            known.pinned = true;  // an admin's decision; `balloonctl auto` would undo it
            known.lastChange = now;
        }
        d.pinned = known.pinned;
        d.convergence = known.convergence.observe(now, d.target + known.videoram, d.actual);
        d.growLimit = known.convergence.growLimit();
        d.lastTargetChange = known.lastChange;
        d.report = guest->report();
        if (d.report) {
            known.peak.observe(now, *d.report);
            d.recentPeak = known.peak.peak(now);
            d.guestMin = d.report->guestMin;
            d.guestRequested = d.report->requestedTarget;
        }
        host.domains.push_back(std::move(d));
        seen.emplace(domid, std::move(known));
    }
    known_ = std::move(seen);  // destroyed domains are forgotten
    return host;
}

KiB HostView::promisedGrowth() const {
    KiB promised;
    for (const auto& [domid, known] : known_) {
        const auto target = sim_.target(known.name);
        const auto allocation = sim_.host().allocation(domid);
        if (target && allocation) {
            promised += *target + known.videoram - toKiB(*allocation);
        }
    }
    return promised;
}

void HostView::write(Known& known, KiB target) {
    sim_.setTarget(known.name, target);
    known.written = target;
    known.lastChange = timeOf(sim_.now());
}

std::size_t HostView::apply(const Plan& plan, KiB hostFree, KiB slush) {
    std::size_t writes = 0;
    std::vector<policy::GrowRequest> grows;
    for (const DomainPlan& d : plan.domains) {
        Known* known = find(d.domid);
        if (known == nullptr || known->pinned) {
            continue;
        }
        const KiB current = sim_.target(known->name).value_or(KiB{});
        if (d.target < current) {
            write(*known, d.target);
            ++writes;
        } else if (d.target > current) {
            const KiB holds = toKiB(sim_.host().allocation(d.domid).value_or(Pages{}));
            grows.push_back(
                {d.domid, current, d.target, d.reason.pressure, holds - known->videoram});
        }
    }
    const KiB budget = policy::growBudget(hostFree, slush, promisedGrowth());
    for (const policy::GrowGrant& g : policy::grantGrows(grows, budget)) {
        Known* known = find(g.domid);
        if (g.target > sim_.target(known->name).value_or(KiB{})) {
            write(*known, g.target);
            ++writes;
        }
    }
    return writes;
}

}  // namespace balloon::compare
