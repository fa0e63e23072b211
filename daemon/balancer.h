// One balancing round and everything it needs: the domain registry, the guests' reports, the
// convergence states, the policy and the actuator. The event loop (daemon/daemon.h) decides when
// a round runs; the simulation and the benchmarks drive it directly with their own clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "actuator.h"
#include "config.h"
#include "counting_xenstore.h"
#include "domain_registry.h"
#include "hypervisor_port.h"
#include "log.h"
#include "report_reader.h"
#include "reservation_store.h"
#include "round_timing.h"
#include "size.h"
#include "xenstore_port.h"

namespace balloon::daemon {

struct RoundSummary {
    std::size_t domains = 0;
    ApplyOutcome applied;
    std::optional<Shortfall> shortfall;
    Plan plan;  // what the round decided and why (D-Bus Reason, MinKiB, MaxKiB)
};

struct BalancerStats {
    std::uint64_t rounds = 0;
    std::uint64_t rebalances = 0;  // rounds that wrote something
    std::uint64_t targetWrites = 0;
    std::uint64_t errors = 0;
};

class Balancer {
public:
    Balancer(xen::XenStore& xs, xen::HypervisorPort& hv, Config config);

    // Start-up: creates balloond's private Xenstore area, loads reservations and pins, lists
    // domains. Existing targets are left alone until the policy decides otherwise.
    void start(TimePoint now);
    // A new configuration (SIGHUP): takes effect from the next round.
    void reconfigure(Config config);
    [[nodiscard]] const Config& config() const { return config_; }

    // Watch events from the Xenstore fd, in one batch. Returns true when a round should run.
    // Reads one slice of the reports they made due (setReportSlice); the rest wait.
    bool onWatchEvents(const std::vector<xen::WatchEvent>& events, TimePoint now);
    // At most this many report reads at a time (default: all), so that the loop serves D-Bus
    // between two slices of a large batch instead of after it.
    void setReportSlice(std::size_t reads) { reportSlice_ = reads; }
    // Reports due and not read yet; readWaitingReports reads the next slice and returns true
    // when a round should run.
    [[nodiscard]] bool reportsWaiting() const { return reports_.hasDue(); }
    [[nodiscard]] std::size_t reportsWaitingCount() const { return reports_.dueCount(); }
    bool readWaitingReports(TimePoint now);
    // The reports are read by the caller from now on (the daemon's BackgroundReads), a slice at
    // a time with takeDueReports and finishReports. Watch handling reads none; a round reads
    // only those of guests it found within their read rate again, as it plans on them.
    void readReportsElsewhere() { reportsElsewhere_ = true; }
    ReportBatch takeDueReports(TimePoint now) {
        return reports_.takeDue(recordLookup(), reportSlice_, now);
    }
    // Applies the values read for `batch`; true when a round should run.
    bool finishReports(const ReportBatch& batch, std::span<const std::optional<std::string>> values,
                       TimePoint now);
    // A round: refresh allocations, judge convergence, plan, write. `domainsChanged` re-checks
    // identities (after @introduceDomain / @releaseDomain).
    RoundSummary round(TimePoint now, bool domainsChanged = false);
    // The plan a round would make now, with nothing written (DryRun).
    Plan dryRun(TimePoint now);

    // Admin actions (D-Bus); each throws balloon::Error with a message that says what to do.
    // A target balloond writes as given (videoram excluded) and pins the domain there.
    void setTarget(DomId domid, KiB target, TimePoint now);
    // `xl mem-set D SIZE` (core/xl_rules.h memSetTarget): an absolute SIZE counts videoram, a
    // relative one moves the target. Pins the domain; returns the target written.
    KiB memSet(DomId domid, const SizeArg& size, TimePoint now);
    void setMax(DomId domid, KiB size);
    void pin(DomId domid, bool pinned);
    // Hands a pinned domain back to the policy; Excluded when balloond.toml keeps the policy off
    // it anyway (Config::holdOn).
    void release(DomId domid);
    // A reservation of `amount` for the D-Bus client `owner`, ending after expirySeconds (0:
    // never). InvalidArgument for 0, CannotFreeEnough for more than the host has. Returns its id.
    std::string reserve(KiB amount, const std::string& owner, std::uint32_t expirySeconds);

    DomainRegistry& registry() { return registry_; }
    ReservationStore& reservations() { return reservations_; }
    [[nodiscard]] const BalancerStats& stats() const { return stats_; }
    // Where the time went, summed since start (daemon/round_timing.h).
    [[nodiscard]] const RoundTiming& timing() const { return timing_; }
    // Every Xenstore request the Balancer made so far, rounds and admin actions alike.
    [[nodiscard]] const xen::XenStoreCounts& xenstoreCounts() const { return xs_.counts(); }
    // The Daemon's work after a round (metrics file, observers), for the same breakdown.
    void addAfterRound(RoundTiming::Duration metrics, RoundTiming::Duration observers) {
        timing_.metrics += metrics;
        timing_.observers += observers;
    }
    [[nodiscard]] std::uint64_t reportReads() const { return reports_.reads(); }
    [[nodiscard]] std::uint64_t reportsRejected() const { return reports_.rejected(); }
    // Reports accepted with figures clamped to what Xen gave the domain.
    [[nodiscard]] std::uint64_t reportsClamped() const { return reports_.clamped(); }
    [[nodiscard]] KiB lastHostFree() const { return lastHostFree_; }
    // The plan of the last round (nullptr before the first): reasons for the CLI and the view.
    [[nodiscard]] const Plan* lastPlan() const { return lastPlan_ ? &*lastPlan_ : nullptr; }
    [[nodiscard]] KiB lastHostTotal() const { return lastHostTotal_; }

    // Throws balloon::Error(NoSuchDomain) naming the domain and what to do.
    DomainRecord& require(DomId domid);

private:
    HostSnapshot snapshot(TimePoint now, std::optional<TimePoint> holdsLiftedSince);
    // The earliest time a reservation that ended unused since the last round was made at: target
    // changes since then were made for it, and the hold time does not keep them.
    std::optional<TimePoint> unusedReservationsSince();
    void observeConvergence(TimePoint now);
    // One slice of the due reports (reportSlice_).
    bool readReports(TimePoint now);
    // The registry's record for a domid (nullptr: gone), as ReportReader looks domains up.
    std::function<DomainRecord*(DomId)> recordLookup();
    // Runs `work` (report reads) and counts its time and Xenstore requests as watch handling.
    template <class Work>
    bool timedAsWatchWork(Work work);
    void markUncooperative(DomainRecord& record, bool uncooperative);
    void onMemoryChanged(DomainRecord& record, TimePoint now);
    void logWrites(const Plan& plan, const ApplyOutcome& applied);
    void logClampedReport(const DomainRecord& record, std::string_view what);
    void persistPin(const DomainRecord& record);
    void loadPins(DomainRecord& record);
    [[nodiscard]] KiB dom0Floor() const;

    xen::CountingXenStore xs_;  // every request of the Balancer and its parts, counted
    xen::HypervisorPort& hv_;
    Config config_;
    DomainRegistry registry_;
    ReportReader reports_;
    std::size_t reportSlice_ = std::numeric_limits<std::size_t>::max();
    bool reportsElsewhere_ = false;
    Actuator actuator_;
    ReservationStore reservations_;
    log::RateLimitedLog guestLog_;
    log::RateLimitedLog plausibilityLog_;  // reports clamped to the allocation: once a minute
    BalancerStats stats_;
    RoundTiming timing_;
    KiB lastHostFree_;
    std::optional<Plan> lastPlan_;
    KiB lastHostTotal_;
    TimePoint lastRoundAt_{};                      // the `now` of the last round
    std::map<std::string, TimePoint> reservedAt_;  // reservation id -> lastRoundAt_ when made
};

}  // namespace balloon::daemon
