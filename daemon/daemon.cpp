#include "daemon.h"

#include <algorithm>
#include <csignal>

#include "config.h"
#include "log.h"

namespace balloon::daemon {

Daemon::Daemon(EventLoop& loop, xen::XenStore& xs, xen::HypervisorPort& hv, Config config,
               ConfigLoader reload)
    : loop_(loop),
      xs_(xs),
      balancer_(xs, hv, std::move(config)),
      reload_(std::move(reload)),
      metrics_(balancer_.config().metrics),
      reads_(xs) {
    balancer_.setReportSlice(kReportSlice);
}

void Daemon::start() {
    xs_.watch("@introduceDomain", "domains");
    xs_.watch("@releaseDomain", "domains");
    loop_.watchFd(xs_.watchFd(), [this] { onXenstoreReadable(); });
    loop_.onSignal(SIGTERM, [this] {
        BLOG(notice) << "SIGTERM: stopping";
        notifier_.stopping();
        loop_.stop();
    });
    loop_.onSignal(SIGINT, [this] { loop_.stop(); });
    loop_.onSignal(SIGHUP, [this] { reload(); });
    balancer_.start(Clock::now());
    // The first round read its reports itself; from here on they are read off the loop's thread.
    balancer_.readReportsElsewhere();
    loop_.watchFd(reads_.fd(), [this] { onReportsRead(); });
    lastRound_ = Clock::now();
    const auto interval = balancer_.config().intervals.sample;
    sampleTimer_ = loop_.addTimer(interval, interval, [this] { runRound(false); });
    armMetricsTimer();
    if (const auto watchdog = notifier_.watchdogInterval()) {
        loop_.addTimer(*watchdog, *watchdog, [this] { notifier_.ping(); });
    }
    notifier_.ready(std::to_string(balancer_.registry().records().size()) +
                    " domains; first round done");
}

void Daemon::reportStatus(const RoundSummary& summary) {
    // STATUS= only when it changes: a balanced host sends systemd nothing.
    std::string status = std::to_string(summary.domains) + " domains, " +
                         std::to_string(balancer_.stats().rebalances) + " rebalances" +
                         (summary.shortfall ? ", memory short" : "");
    if (status != lastStatus_) {
        notifier_.status(status);
        lastStatus_ = std::move(status);
    }
}

void Daemon::onXenstoreReadable() {
    const auto events = xs_.takeWatchEvents();
    if (events.empty()) {
        return;
    }
    bool domains = false;
    for (const auto& e : events) {
        domains = domains || e.token == "domains";
    }
    domainsChanged_ = domainsChanged_ || domains;
    if (balancer_.onWatchEvents(events, Clock::now())) {
        requestRound();
    }
    continueReports();
}

void Daemon::continueReports() {
    if (reads_.busy() || !balancer_.reportsWaiting()) {
        return;
    }
    if (balancer_.reportsWaitingCount() <= kReadsHere) {
        try {
            if (balancer_.readWaitingReports(Clock::now())) {
                requestRound();
            }
        } catch (const xen::XenStoreError& e) {
            onXenstoreLost(e);
        }
        return;
    }
    readsInFlight_ = balancer_.takeDueReports(Clock::now());
    reads_.start(readsInFlight_.paths);
}

void Daemon::onReportsRead() {
    if (!reads_.busy()) {
        return;  // taken by readAllReports since
    }
    try {
        if (balancer_.finishReports(readsInFlight_, reads_.take(), Clock::now())) {
            requestRound();
        }
    } catch (const xen::XenStoreError& e) {
        onXenstoreLost(e);
    }
    continueReports();
}

void Daemon::readAllReports() {
    if (reads_.busy()) {
        balancer_.finishReports(readsInFlight_, reads_.take(), Clock::now());
    }
    while (balancer_.reportsWaiting()) {
        balancer_.readWaitingReports(Clock::now());
    }
}

void Daemon::onXenstoreLost(const xen::XenStoreError& e) {
    BLOG(error) << "Xenstore failed (" << e.what() << "); exiting so that the service "
                << "manager restarts balloond";
    loop_.stop();
    throw;
}

void Daemon::requestRound() {
    if (soonTimer_) {
        return;  // one is already on its way: changes coalesce into it
    }
    const auto sinceLast = Clock::now() - lastRound_.value_or(TimePoint{});
    if (sinceLast >= kMinRoundGap) {
        runRound(domainsChanged_);
        return;
    }
    armSoonTimer(kMinRoundGap - sinceLast);
}

void Daemon::roundSoon() {
    if (soonTimer_) {
        return;
    }
    const auto sinceLast = Clock::now() - lastRound_.value_or(TimePoint{});
    armSoonTimer(std::max<Clock::duration>(kMinRoundGap - sinceLast, std::chrono::milliseconds(1)));
}

void Daemon::armSoonTimer(Clock::duration after) {
    soonTimer_ = loop_.addTimer(after, std::nullopt, [this] {
        loop_.cancelTimer(*soonTimer_);
        soonTimer_.reset();
        runRound(domainsChanged_);
    });
}

void Daemon::runRound(bool domainsChanged) {
    domainsChanged_ = false;
    lastRound_ = Clock::now();
    RoundSummary summary;
    try {
        summary = balancer_.round(*lastRound_, domainsChanged);
    } catch (const xen::XenStoreError& e) {
        onXenstoreLost(e);
    } catch (const xen::HypervisorError& e) {
        BLOG(error) << "hypervisor call failed: " << e.what() << "; retrying next sample";
        metrics_.countError("hypervisor");
        return;
    }
    const auto afterRound = std::chrono::steady_clock::now();
    metrics_.onRound(summary);
    reportStatus(summary);
    const auto metricsDone = std::chrono::steady_clock::now();
    notifyObservers(summary);
    balancer_.addAfterRound(metricsDone - afterRound,
                            std::chrono::steady_clock::now() - metricsDone);
    retryDeferredGrows(summary);
    continueReports();
}

void Daemon::retryDeferredGrows(const RoundSummary& summary) {
    if (summary.applied.deferred.empty()) {
        deferredRetries_ = 0;
        return;
    }
    if (summary.applied.wroteAnything()) {
        deferredRetries_ = 0;
    }
    if (deferredRetries_ < kDeferredRetries) {
        ++deferredRetries_;
        roundSoon();
    }
}

RoundSummary Daemon::roundNow() {
    readAllReports();
    lastRound_ = Clock::now();
    auto summary = balancer_.round(*lastRound_, false);
    metrics_.onRound(summary);
    notifyObservers(summary);
    continueReports();
    return summary;
}

void Daemon::notifyObservers(const RoundSummary& summary) {
    // An observer may remove itself or another (a server stopping): iterate over the ids.
    for (auto it = observers_.begin(); it != observers_.end();) {
        const ObserverId id = it->first;
        it->second(summary);
        it = observers_.upper_bound(id);
    }
}

void Daemon::armMetricsTimer() {
    if (metricsTimer_) {
        loop_.cancelTimer(*metricsTimer_);
        metricsTimer_.reset();
    }
    if (const auto interval = metrics_.interval()) {
        metrics_.write(balancer_, Clock::now());
        metricsTimer_ = loop_.addTimer(*interval, *interval,
                                       [this] { metrics_.write(balancer_, Clock::now()); });
    }
}

void Daemon::reload() {
    notifier_.reloading();
    try {
        Config next = reload_();
        const auto interval = next.intervals.sample;
        metrics_.reconfigure(next.metrics);
        balancer_.reconfigure(std::move(next));
        loop_.cancelTimer(sampleTimer_);
        sampleTimer_ = loop_.addTimer(interval, interval, [this] { runRound(false); });
        armMetricsTimer();
        if (reloadObserver_) {
            reloadObserver_(balancer_.config());
        }
        BLOG(notice) << "SIGHUP: configuration reloaded";
    } catch (const std::exception& e) {
        BLOG(error) << "SIGHUP: keeping the running configuration: " << e.what();
    }
    notifier_.ready("configuration reloaded");
}

}  // namespace balloon::daemon
