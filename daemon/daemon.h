// balloond at run time: the balancer on the event loop. Rounds run every sample interval, and at
// once (at most every kMinRoundGap) when a guest's report or the set of domains changes. SIGHUP
// reloads the configuration file; SIGTERM and SIGINT stop the loop. After each round the
// Prometheus metrics file is brought up to date ([metrics], daemon/metrics.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "background_reads.h"
#include "balancer.h"
#include "event_loop.h"
#include "metrics.h"
#include "service_notify.h"

namespace balloon::daemon {

class Daemon {
public:
    // Reads the configuration again for SIGHUP; throws ConfigError when the file is invalid.
    using ConfigLoader = std::function<Config()>;

    Daemon(EventLoop& loop, xen::XenStore& xs, xen::HypervisorPort& hv, Config config,
           ConfigLoader reload);

    // Registers watches, timers and signals, and runs the first round.
    void start();
    // A round from outside the timer (D-Bus Rebalance, the sandbox after a simulation step).
    RoundSummary roundNow();
    // A round from the loop within kMinRoundGap, never from inside the caller (a qmemman client
    // that closed while a round was being observed).
    void roundSoon();

    Balancer& balancer() { return balancer_; }
    EventLoop& loop() { return loop_; }

    // Called after every round (D-Bus property updates and parked calls, the qmemman socket's
    // waiting clients), in the order added. The id removes it again.
    using ObserverId = std::uint64_t;
    ObserverId addRoundObserver(std::function<void(const RoundSummary&)> observer) {
        observers_.emplace(nextObserver_, std::move(observer));
        return nextObserver_++;
    }
    void removeRoundObserver(ObserverId id) { observers_.erase(id); }
    // Called after a SIGHUP reload took effect, with the new configuration (the D-Bus admin
    // group).
    void setReloadObserver(std::function<void(const Config&)> observer) {
        reloadObserver_ = std::move(observer);
    }
    [[nodiscard]] const Metrics& metrics() const { return metrics_; }

private:
    void onXenstoreReadable();
    // Starts reading the next slice of due reports (Balancer::setReportSlice) off the loop's
    // thread, unless one is in flight; onReportsRead applies it and starts the next. Up to
    // kReadsHere due reports are read at once on the loop's thread instead.
    void continueReports();
    void onReportsRead();
    // Applies the slice in flight and reads the rest of the due reports here: a round from
    // outside the loop (Rebalance) plans on every report that has come in.
    void readAllReports();
    // Lost xenstored: systemd restarts balloond, which rebuilds its state from Xenstore.
    [[noreturn]] void onXenstoreLost(const xen::XenStoreError& e);
    void requestRound();
    void armSoonTimer(Clock::duration after);
    void runRound(bool domainsChanged);
    // A grow the round deferred (the shrinks paying for it have not freed their memory yet) is
    // tried again one round gap later, for up to kDeferredRetries rounds after the last round
    // that wrote a target; then at the sample rate (a guest that does not give memory back).
    void retryDeferredGrows(const RoundSummary& summary);
    void reload();
    // Writes the metrics file and (re)arms its timer: at start and on SIGHUP.
    void armMetricsTimer();
    void reportStatus(const RoundSummary& summary);
    void notifyObservers(const RoundSummary& summary);

    static constexpr std::chrono::milliseconds kMinRoundGap{100};
    // Report reads per slice: one for each of XenStoreClient's 8 connections.
    static constexpr std::size_t kReportSlice = 8;
    // At most this many due reports are read on the loop's thread (about 50 us each): handing
    // them to BackgroundReads costs the loop one wake-up more than the reads, and a quiet host
    // has one report due at a time (docs/benchmarks.md, item 5).
    static constexpr std::size_t kReadsHere = 2;
    static constexpr int kDeferredRetries = 10;

    EventLoop& loop_;
    xen::XenStore& xs_;
    Balancer balancer_;
    ConfigLoader reload_;
    ServiceNotifier notifier_;
    std::string lastStatus_;
    std::map<ObserverId, std::function<void(const RoundSummary&)>> observers_;
    ObserverId nextObserver_ = 1;
    std::function<void(const Config&)> reloadObserver_;
    Metrics metrics_;
    EventLoop::TimerId sampleTimer_ = 0;
    std::optional<EventLoop::TimerId> soonTimer_;
    std::optional<EventLoop::TimerId> metricsTimer_;
    BackgroundReads reads_;
    ReportBatch readsInFlight_;
    std::optional<TimePoint> lastRound_;
    bool domainsChanged_ = false;
    int deferredRetries_ = 0;
};

}  // namespace balloon::daemon
