#include "balancer.h"

#include <chrono>

#include "error.h"
#include "policy/explain.h"
#include "policy/policy.h"
#include "size.h"
#include "toolstack_range.h"

namespace balloon::daemon {
namespace {

ReportLimits reportLimitsOf(const Config& config) {
    return ReportLimits{static_cast<double>(config.limits.reportsPerSecond),
                        config.intervals.reportStaleAfter};
}

ConvergenceConfig convergenceConfigOf(const Config& config) {
    ConvergenceConfig c;
    c.stuckAfter = config.intervals.stuckAfter;
    c.uncooperativeAfter = config.intervals.uncooperativeAfter;
    return c;
}

}  // namespace

Balancer::Balancer(xen::XenStore& xs, xen::HypervisorPort& hv, Config config)
    : xs_(xs),
      hv_(hv),
      config_(std::move(config)),
      registry_(xs_, hv, convergenceConfigOf(config_)),
      reports_(xs_, reportLimitsOf(config_),
               [this](const DomainRecord& record, std::string_view why) {
                   if (guestLog_.admit(record.domid, "report", Clock::now())) {
                       BLOG(warning)
                           << logattr::domid(record.domid) << "ignoring its memory report: " << why;
                   }
               }),
      actuator_(xs_, hv),
      reservations_(xs_),
      guestLog_(3, std::chrono::minutes(1)),
      plausibilityLog_(1, std::chrono::minutes(1)) {
    reports_.onClamp([this](const DomainRecord& record, std::string_view what) {
        logClampedReport(record, what);
    });
}

void Balancer::logClampedReport(const DomainRecord& record, std::string_view what) {
    if (plausibilityLog_.admit(record.domid, "implausible", Clock::now())) {
        BLOG(warning) << logattr::domid(record.domid)
                      << "its memory report claims more than Xen gave it; clamped: " << what;
    }
}

KiB Balancer::dom0Floor() const {
    return config_.dom0.floor;
}

DomainRecord& Balancer::require(DomId domid) {
    DomainRecord* record = registry_.find(domid);
    if (record == nullptr) {
        throw Error(Errc::NoSuchDomain, "no domain with id " + std::to_string(domid) +
                                            " is managed by balloond; `balloonctl list` shows "
                                            "the domains it knows");
    }
    return *record;
}

void Balancer::start(TimePoint now) {
    // balloond's own area: readable and writable by dom0 only.
    xs_.mkdir(kPrivateRoot);
    const xen::Permission dom0Only[] = {{kDom0, xen::Permission::Access::None}};
    xs_.setPermissions(kPrivateRoot, dom0Only);
    for (const std::string& problem : reservations_.load()) {
        BLOG(warning) << problem;
    }
    round(now, true);
}

void Balancer::reconfigure(Config config) {
    config_ = std::move(config);
    reports_.setLimits(reportLimitsOf(config_));
    registry_.setConvergenceConfig(convergenceConfigOf(config_));
}

void Balancer::loadPins(DomainRecord& record) {
    const auto stored = xs_.read(pinPath(record.domid));
    // A pin belongs to the domain (its uuid), not to a domid a new domain may reuse.
    record.pinned = stored && *stored == record.uuid;
}

void Balancer::persistPin(const DomainRecord& record) {
    if (record.pinned) {
        xs_.write(pinPath(record.domid), record.uuid);
    } else {
        xs_.remove(pinPath(record.domid));
    }
}

void Balancer::onMemoryChanged(DomainRecord& record, TimePoint now) {
    const KiB before = record.target;
    if (!registry_.reloadMemoryKeys(record)) {
        return;
    }
    // A target balloond did not write (xl mem-set, another tool) is an admin's decision.
    if (record.target != before && record.lastWrittenTarget != record.target && !record.pinned) {
        record.pinned = true;
        record.lastTargetChange = now;
        persistPin(record);
        BLOG(notice) << logattr::domid(record.domid) << logattr::kib("target", record.target)
                     << "target changed outside balloond (xl mem-set?): pinned there; "
                        "`balloonctl auto "
                     << (record.name.empty() ? "dom" + std::to_string(record.domid) : record.name)
                     << "` hands it back to the policy";
    }
}

bool Balancer::onWatchEvents(const std::vector<xen::WatchEvent>& events, TimePoint now) {
    const auto started = std::chrono::steady_clock::now();
    const xen::XenStoreCounts countsBefore = xs_.counts();
    ++timing_.watchBatches;
    timing_.watchEvents += events.size();
    bool domainsChanged = false;
    bool reportsChanged = false;
    for (const xen::WatchEvent& event : events) {
        if (event.path == "@introduceDomain" || event.path == "@releaseDomain") {
            domainsChanged = true;
            continue;
        }
        DomainRecord* record = registry_.fromToken(event.token);
        if (record == nullptr) {
            continue;  // a domain that is gone, or an older domain with the same id
        }
        const std::string& base = record->path;
        if (event.path.starts_with(base + "/memory/meminfo") ||
            event.path.starts_with(base + "/data/")) {
            reports_.onChange(*record, now);
        } else if (event.path.starts_with(base + "/memory/")) {
            onMemoryChanged(*record, now);
        } else if (event.path.starts_with(base + "/control/")) {
            registry_.reloadControlKeys(*record);
        }
    }
    reportsChanged = !reportsElsewhere_ && readReports(now);
    if (domainsChanged) {
        const auto changes = registry_.refresh(now, true);
        for (DomId domid : changes.added) {
            loadPins(*registry_.find(domid));
        }
    }
    lap(timing_.watchHandling, started);
    timing_.watchXenstore += xs_.counts() - countsBefore;
    return domainsChanged || reportsChanged;
}

std::function<DomainRecord*(DomId)> Balancer::recordLookup() {
    return [this](DomId domid) { return registry_.find(domid); };
}

bool Balancer::readReports(TimePoint now) {
    return reports_.readDue(now, recordLookup(), reportSlice_);
}

template <class Work>
bool Balancer::timedAsWatchWork(Work work) {
    const auto started = std::chrono::steady_clock::now();
    const xen::XenStoreCounts countsBefore = xs_.counts();
    const bool changed = work();
    lap(timing_.watchHandling, started);
    timing_.watchXenstore += xs_.counts() - countsBefore;
    return changed;
}

bool Balancer::finishReports(const ReportBatch& batch,
                             std::span<const std::optional<std::string>> values, TimePoint now) {
    timing_.watchXenstore.reads += batch.paths.size();  // read off this thread, past the counter
    return timedAsWatchWork([&] { return reports_.finish(batch, values, now, recordLookup()); });
}

bool Balancer::readWaitingReports(TimePoint now) {
    return timedAsWatchWork([&] { return readReports(now); });
}

void Balancer::markUncooperative(DomainRecord& record, bool uncooperative) {
    if (uncooperative == record.uncooperativeFlagWritten) {
        return;
    }
    const std::string path = record.path + "/memory/uncooperative";
    if (uncooperative) {
        // Only into a tree that is still there: a domain being destroyed loses its tree before
        // Xen lets it go, and a flag written then would recreate a dom0-owned node for good.
        bool present = false;
        xs_.transact([&](xen::XenStoreOps& txn) {
            present = txn.read(record.path + "/memory/target").has_value();
            if (present) {
                txn.write(path, "1");
            }
        });
        if (!present) {
            return;
        }
        BLOG(warning) << logattr::domid(record.domid) << logattr::kib("target", record.target)
                      << logattr::kib("current", record.guestAllocation())
                      << "uncooperative: could not reach target " << formatSize(record.target)
                      << " (" << record.holdingText()
                      << "); its unreleased memory is not counted on";
    } else {
        xs_.remove(path);
        BLOG(notice) << logattr::domid(record.domid) << "follows its target again";
    }
    record.uncooperativeFlagWritten = uncooperative;
}

void Balancer::observeConvergence(TimePoint now) {
    for (auto& [domid, record] : registry_.records()) {
        const Convergence before = record.convergence.state();
        const Convergence state =
            record.convergence.observe(now, record.expectedAllocation(), record.guestAllocation());
        if (state == Convergence::Stuck && before != Convergence::Stuck &&
            guestLog_.admit(domid, "stuck", Clock::now())) {
            BLOG(notice) << logattr::domid(domid) << "could not reach target "
                         << formatSize(record.target) << " (" << record.holdingText() << ")";
        }
        markUncooperative(record, record.convergence.withholding());
    }
}

std::optional<TimePoint> Balancer::unusedReservationsSince() {
    std::optional<TimePoint> since;
    for (const EndedReservation& ended : reservations_.takeEnded()) {
        const auto it = reservedAt_.find(ended.id);
        if (it == reservedAt_.end()) {
            continue;  // made by a previous run: when is unknown
        }
        if (!ended.used) {
            since = since ? std::min(*since, it->second) : it->second;
        }
        reservedAt_.erase(it);
    }
    return since;
}

HostSnapshot Balancer::snapshot(TimePoint now, std::optional<TimePoint> holdsLiftedSince) {
    HostSnapshot host;
    host.total = lastHostTotal_;
    host.free = lastHostFree_;
    host.now = now;
    host.reservations = reservations_.active();
    for (auto& [domid, record] : registry_.records()) {
        DomainSnapshot d;
        d.domid = domid;
        d.name = record.name;
        d.uuid = record.uuid;
        d.type = record.type;
        d.target = record.target;
        d.actual = record.actual;
        d.staticMax = record.staticMax;
        d.videoram = record.videoram;
        d.pinned = record.pinned;
        d.convergence = record.convergence.state();
        d.growLimit = record.convergence.growLimit();
        d.podDeficit = record.podDeficit();
        d.lastTargetChange = record.lastTargetChange;
        // Shrunk for a reservation that ended unused: back at once, not after the hold time.
        if (holdsLiftedSince && record.lastTargetChange &&
            *record.lastTargetChange >= *holdsLiftedSince) {
            d.lastTargetChange.reset();
        }
        if (const DomainOverride* o = config_.overrideFor(record.name, record.uuid)) {
            d.min = o->min;
            d.max = o->max;
            d.weight = o->weight;
        }
        // squeezed's interface: the toolstack's range narrows the configured one.
        const MemoryRange range =
            narrowRange({d.min, d.max}, {record.dynamicMin, record.dynamicMax});
        d.min = range.min;
        d.max = range.max;
        const ConfiguredHold hold = config_.holdOn(domid, record.name, record.uuid);
        d.pinned = d.pinned || hold.pinned;
        d.excluded = hold.excluded || (config_.compat.requireFeatureBalloon && domid != kDom0 &&
                                       !record.featureBalloon);
        if (domid == kDom0) {
            d.min = max(d.min.value_or(KiB{0}), max(dom0Floor(), kXlDom0Minimum));
        }
        if (record.report) {
            d.report = record.report;
            d.reportStale = reports_.isStale(record, now);
            d.guestMin = record.report->guestMin;
            d.guestRequested = record.report->requestedTarget;
        } else {
            d.awaitingReport = reports_.awaitsFirstReport(record, now);
        }
        // A reload's new window applies here, at the next round (RecentPeak::setWindow).
        record.peak.setWindow(config_.policy.burstWindow, now);
        d.recentPeak = record.peak.peak(now);
        host.domains.push_back(std::move(d));
    }
    return host;
}

RoundSummary Balancer::round(TimePoint now, bool domainsChanged) {
    RoundSummary summary;
    ++stats_.rounds;
    ++timing_.rounds;
    const xen::XenStoreCounts countsBefore = xs_.counts();
    auto phaseStart = std::chrono::steady_clock::now();
    const xen::HostInfo hostInfo = hv_.hostInfo();
    lastHostTotal_ = toKiB(hostInfo.total);
    lastHostFree_ = hostInfo.freeKiB();
    const auto changes = registry_.refresh(now, domainsChanged);
    for (DomId domid : changes.added) {
        loadPins(*registry_.find(domid));
    }
    phaseStart = lap(timing_.listing, phaseStart);
    // A guest that writes faster than its read rate (pending) is read at the round that finds
    // it within the rate again, and planned on at once: read after the round, its change would
    // wait for the next (kMinRoundGap), and a flood's rate-limited honest neighbour with it.
    std::vector<DomainRecord*> backInRate;
    for (auto& [domid, record] : registry_.records()) {
        if (reports_.onSample(record, now)) {
            backInRate.push_back(&record);
        }
    }
    if (!reportsElsewhere_) {
        readReports(now);
    } else if (!backInRate.empty()) {
        reports_.readNow(backInRate, now, recordLookup());
    }
    phaseStart = lap(timing_.reports, phaseStart);
    observeConvergence(now);
    reservations_.expire(unixSeconds(), [this](const Reservation& r) {
        const DomainRecord* record = registry_.find(*r.domid);
        return record != nullptr && record->actual + mib(2) >= r.amount;
    });

    const std::optional<TimePoint> lifted = unusedReservationsSince();
    phaseStart = lap(timing_.convergence, phaseStart);
    const HostSnapshot host = snapshot(now, lifted);
    phaseStart = lap(timing_.snapshot, phaseStart);
    const Plan plan = policy::decide(host, config_.policy);
    phaseStart = lap(timing_.planning, phaseStart);
    lastRoundAt_ = now;
    summary.domains = plan.domains.size();
    summary.shortfall = plan.shortfall;
    summary.plan = plan;
    summary.applied =
        actuator_.apply(plan, registry_, lastHostFree_, config_.policy.slush, dom0Floor(), now);
    for (const std::string& failure : summary.applied.failures) {
        ++stats_.errors;
        BLOG(warning) << failure;
    }
    if (summary.applied.wroteAnything()) {
        ++stats_.rebalances;
        stats_.targetWrites += summary.applied.shrunk.size() + summary.applied.grown.size();
        logWrites(plan, summary.applied);
    }
    lastPlan_ = plan;
    lap(timing_.actuation, phaseStart);
    timing_.roundXenstore += xs_.counts() - countsBefore;
    return summary;
}

void Balancer::logWrites(const Plan& plan, const ApplyOutcome& applied) {
    for (const auto* written : {&applied.shrunk, &applied.grown}) {
        for (DomId domid : *written) {
            const DomainPlan* d = plan.find(domid);
            const DomainRecord* record = registry_.find(domid);
            if (d == nullptr || record == nullptr) {
                continue;
            }
            // A grow may be partial (the rest waits for free memory): log what was written.
            BLOG(info) << logattr::domid(domid) << logattr::kib("target", record->target)
                       << formatSizeHuman(d->oldTarget) << " -> " << formatSizeHuman(record->target)
                       << ": " << policy::explain(*d);
        }
    }
}

Plan Balancer::dryRun(TimePoint now) {
    return policy::decide(snapshot(now, std::nullopt), config_.policy);
}

}  // namespace balloon::daemon
