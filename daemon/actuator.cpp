#include "actuator.h"

#include <algorithm>

#include "error.h"
#include "policy/grow_budget.h"
#include "private_paths.h"
#include "size.h"

namespace balloon::daemon {

MemoryLayout layoutOf(const DomainRecord& record) {
    return MemoryLayout{record.domid,    record.name,   record.staticMax,
                        record.videoram, record.target, record.translated()};
}

Actuator::Actuator(xen::XenStore& xs, xen::HypervisorPort& hv) : xs_(xs), hv_(hv) {}

KiB Actuator::outstandingGrowth(DomainRegistry& registry) {
    KiB total;
    for (auto& [domid, record] : registry.records()) {
        total += record.expectedAllocation() - record.actual;
    }
    return total;
}

void Actuator::applyToXen(DomId domid, const Actuation& actuation) {
    hv_.setMaxMem(domid, actuation.maxmem);
    if (actuation.podTarget) {
        hv_.setPodTarget(domid, *actuation.podTarget);
    }
}

void Actuator::matchXenTo(const DomainRecord& record, KiB target, ApplyOutcome& outcome) {
    try {
        applyToXen(record.domid, actuationFor(layoutOf(record), target));
    } catch (const xen::HypervisorError& e) {
        outcome.failures.push_back(record.label() + ": putting Xen's maxmem back for target " +
                                   formatSize(target) + ": " + e.what());
    }
}

std::vector<DomId> Actuator::writePhase(std::vector<Write>& writes, ApplyOutcome& outcome,
                                        TimePoint now) {
    std::vector<Write*> ready;
    for (Write& w : writes) {
        try {
            applyToXen(w.record->domid, w.actuation);
            ready.push_back(&w);
        } catch (const xen::HypervisorError& e) {
            // Most often the domain died a moment ago; the next refresh drops it.
            outcome.failures.push_back(w.record->label() + ": " + e.what());
        }
    }
    std::vector<DomId> written;
    if (ready.empty()) {
        return written;
    }
    // The targets that stand in the domains the transaction skipped.
    std::vector<std::pair<Write*, KiB>> standing;
    try {
        xs_.transact([&](xen::XenStoreOps& txn) {
            written.clear();  // the body may run again after EAGAIN
            standing.clear();
            for (Write* w : ready) {
                const std::string path = w->record->path + "/memory/target";
                // A domain destroyed since the plan has no target node: skip it, write the rest.
                const auto current = txn.read(path);
                if (!current) {
                    continue;
                }
                // Someone (xl mem-set) set a target since balloond last read it: theirs stands,
                // and its watch event pins the domain there. Writing over it would lose the
                // admin's word.
                if (*current != std::to_string(w->record->target.count())) {
                    standing.emplace_back(w, parseKiBValue(current).value_or(w->record->target));
                    continue;
                }
                txn.write(path, std::to_string(w->actuation.target.count()));
                txn.write(lastChangePath(w->record->domid),
                          w->record->uuid + " " + std::to_string(unixSeconds()));
                written.push_back(w->record->domid);
            }
        });
    } catch (...) {
        // Committed or not, nobody knows: Xen's side is left room for either target.
        for (Write* w : ready) {
            matchXenTo(*w->record, max(w->record->target, w->actuation.target), outcome);
        }
        throw;
    }
    ++transactions_;
    // maxmem was set for balloond's target: the one that stands must not be capped by it.
    for (const auto& [w, target] : standing) {
        matchXenTo(*w->record, target, outcome);
        outcome.raced.push_back(w->record->domid);
    }
    for (Write* w : ready) {
        if (std::find(written.begin(), written.end(), w->record->domid) == written.end()) {
            continue;
        }
        noteWritten(*w->record, w->actuation.target, now);
    }
    return written;
}

void Actuator::noteWritten(DomainRecord& record, KiB target, TimePoint now) {
    record.target = target;
    record.lastWrittenTarget = target;
    record.lastTargetChange = now;
    // Not "balanced" until the next sample while the allocation is still far from it.
    record.convergence.retarget(record.expectedAllocation(), record.guestAllocation());
}

namespace {

// A plan target that breaks an xl rule (a bug, or Xenstore changed under the plan) is reported
// and skipped; the rest of the plan still goes through.
bool addWrite(std::vector<Actuator::Write>& writes, DomainRecord& record, KiB target, KiB dom0Floor,
              ApplyOutcome& outcome) {
    try {
        writes.push_back({&record, forTarget(layoutOf(record), target, dom0Floor)});
        return true;
    } catch (const Error& e) {
        outcome.failures.emplace_back(e.what());
        return false;
    }
}

}  // namespace

ApplyOutcome Actuator::apply(const Plan& plan, DomainRegistry& registry, KiB hostFree, KiB slush,
                             KiB dom0Floor, TimePoint now) {
    ApplyOutcome outcome;
    std::vector<Write> shrinks;
    std::vector<const DomainPlan*> grows;
    for (const DomainPlan& d : plan.domains) {
        DomainRecord* record = registry.find(d.domid);
        if (record == nullptr || d.target == record->target) {
            continue;
        }
        if (d.target < record->target) {
            addWrite(shrinks, *record, d.target, dom0Floor, outcome);
        } else {
            grows.push_back(&d);
        }
    }
    outcome.shrunk = writePhase(shrinks, outcome, now);

    // Grows spend only memory that is free now, beyond the slush and beyond what earlier grows
    // were already promised; under pressure first (core/policy/grow_budget.h).
    std::vector<policy::GrowRequest> requests;
    requests.reserve(grows.size());
    for (const DomainPlan* d : grows) {
        requests.push_back(
            {d->domid, registry.find(d->domid)->target, d->target, d->reason.pressure});
    }
    const KiB budget = policy::growBudget(hostFree, slush, outstandingGrowth(registry));
    std::vector<Write> growWrites;
    for (const policy::GrowGrant& g : policy::grantGrows(requests, budget)) {
        DomainRecord* record = registry.find(g.domid);
        if (g.deferred) {
            outcome.deferred.push_back(g.domid);
        }
        if (g.target > record->target) {
            addWrite(growWrites, *record, g.target, dom0Floor, outcome);
        }
    }
    outcome.grown = writePhase(growWrites, outcome, now);
    return outcome;
}

void Actuator::setTarget(DomainRecord& record, KiB target, KiB dom0Floor, TimePoint now,
                         std::span<const xen::NodeWrite> alongside) {
    // Stricter than xl (docs/policy.md, populate-on-demand): a lower target frees nothing until
    // the guest's balloon driver has handed its unbacked entries back.
    if (const auto deficit = record.podDeficit(); deficit && target < record.target) {
        throw Error(Errc::PodDeficit,
                    record.label() + ": " + formatSize(*deficit) +
                        " of its populate-on-demand memory is not backed yet, so its target is "
                        "not lowered until its balloon driver has caught up (it holds " +
                        formatSize(record.guestAllocation()) + " against its target " +
                        formatSize(record.target) +
                        "); wait for that, or force it with `xl mem-set`");
    }
    const Actuation actuation = forTarget(layoutOf(record), target, dom0Floor);
    // An admin's target stands over any written before it, as one xl mem-set does over another,
    // so no transaction (the policy's writes check for a racing admin, writePhase): a read that
    // the domain is still there, then the target and the bookkeeping in one round trip, which
    // keeps `balloonctl set` quick on a host whose xenstored is busy (docs/benchmarks.md).
    const std::string path = record.path + "/memory/target";
    if (!xs_.read(path)) {
        throw Error(Errc::NoSuchDomain, record.label() + ": the domain is gone (being destroyed)");
    }
    try {
        applyToXen(record.domid, actuation);
    } catch (const xen::HypervisorError& e) {
        throw Error(Errc::Failed, record.label() + ": " + e.what());
    }
    std::vector<xen::NodeWrite> writes{
        {path, std::to_string(actuation.target.count())},
        {lastChangePath(record.domid), record.uuid + " " + std::to_string(unixSeconds())}};
    writes.insert(writes.end(), alongside.begin(), alongside.end());
    try {
        xs_.writeMany(writes);
    } catch (...) {
        // Written or not, nobody knows: Xen's side is left room for either target.
        ApplyOutcome ignored;
        matchXenTo(record, max(record.target, actuation.target), ignored);
        throw;
    }
    noteWritten(record, actuation.target, now);
}

void Actuator::setMax(DomainRecord& record, KiB size) {
    const MaxChange change = memMax(layoutOf(record), size);
    try {
        hv_.setMaxMem(record.domid, change.maxmem);
    } catch (const xen::HypervisorError& e) {
        throw Error(Errc::Failed, record.label() + ": " + e.what());
    }
    // Checked in the transaction: writing into a tree xl destroy has just removed would create a
    // dom0-owned node that outlives the domain.
    const std::string path = record.path + "/memory/static-max";
    bool present = false;
    xs_.transact([&](xen::XenStoreOps& txn) {
        present = txn.read(path).has_value();
        if (present) {
            txn.write(path, std::to_string(change.staticMax.count()));
        }
    });
    if (!present) {
        throw Error(Errc::NoSuchDomain, record.label() + ": the domain is gone (being destroyed)");
    }
    record.staticMax = change.staticMax;
    record.maxmem = change.maxmem;
}

}  // namespace balloon::daemon
