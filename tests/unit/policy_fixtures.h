// Hand-made snapshots for the policy tests: plain values, built up in a few words per domain.
#pragma once

#include <chrono>
#include <utility>
#include <vector>

#include "model.h"
#include "policy/demand.h"
#include "policy/explain.h"
#include "policy/policy.h"
#include "policy_config.h"

namespace balloon::testing {

using namespace std::chrono_literals;

// A fixed "now", far enough from the epoch that now - holdTime is a valid time point.
inline const TimePoint kNow = TimePoint{} + 24h;

// A PV domain at its target, with a 4 GiB static-max and no report.
inline DomainSnapshot domain(DomId domid, KiB target, KiB staticMax = gib(4)) {
    DomainSnapshot d;
    d.domid = domid;
    d.name = "vm" + std::to_string(domid);
    d.target = target;
    d.actual = target;
    d.staticMax = staticMax;
    return d;
}

// A fresh report from our own guest side: `used` of `total`, no pressure.
inline GuestReport usingMemory(KiB used, KiB total = gib(4)) {
    GuestReport r;
    r.total = total;
    r.used = used;
    r.available = total - used;
    return r;
}

inline DomainSnapshot withReport(DomainSnapshot d, GuestReport r) {
    d.report = r;
    return d;
}

// A host whose free memory is `free` besides what the domains hold; Xen keeps 256 MiB.
inline HostSnapshot host(KiB free, std::vector<DomainSnapshot> domains) {
    HostSnapshot h;
    h.free = free;
    h.now = kNow;
    KiB held;
    for (const auto& d : domains) {
        held += d.actual;
    }
    h.total = held + free + mib(256);
    h.domains = std::move(domains);
    return h;
}

inline PolicyConfig config(PolicyKind kind = PolicyKind::Demand) {
    PolicyConfig c;
    c.kind = kind;
    return c;
}

inline const DomainPlan& planFor(const Plan& plan, DomId domid) {
    const DomainPlan* p = plan.find(domid);
    if (p == nullptr) {
        throw std::out_of_range("no plan for domain " + std::to_string(domid));
    }
    return *p;
}

inline KiB targetOf(const Plan& plan, DomId domid) {
    return planFor(plan, domid).target;
}

// Guests that follow every target at once: each change is applied (target, allocation and the
// time of the change, for the hold) and counted, since each would be a Xenstore write.
inline std::size_t followPlan(std::vector<DomainSnapshot>& domains, const Plan& plan,
                              TimePoint now) {
    std::size_t changes = 0;
    for (auto& d : domains) {
        const DomainPlan& p = planFor(plan, d.domid);
        if (p.changed()) {
            d.target = p.target;
            d.actual = p.target;
            d.lastTargetChange = now;
            ++changes;
        }
    }
    return changes;
}

// What the plan commits, computed from the snapshot independently of Plan::committed: targets
// plus videoram, or what a domain the plan does not move holds, if more.
inline KiB footprintOf(const HostSnapshot& h, const Plan& plan) {
    KiB sum;
    for (const auto& d : h.domains) {
        const DomainPlan& p = planFor(plan, d.domid);
        const bool moved = p.reason.kind == ReasonKind::Demand ||
                           p.reason.kind == ReasonKind::NoStatistics ||
                           p.reason.kind == ReasonKind::Proportional;
        KiB held = p.target + d.videoram;
        if (!moved) {
            KiB reserved;
            for (const auto& r : h.reservations) {
                if (r.domid == d.domid) {
                    reserved += r.amount;
                }
            }
            held = max(max(held, d.actual), reserved);
        }
        sum += held;
    }
    return sum;
}

}  // namespace balloon::testing
