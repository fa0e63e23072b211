// balloond's Prometheus metrics: the counters kept across rounds, and balloond.prom written into
// [metrics] textfile-dir at start, on SIGHUP and then every [metrics] interval, on the daemon's
// timer (a round comes only as often as something changes or the sample timer fires). Off
// (nothing kept on disk, nothing logged) while textfile-dir is empty. One per event loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "balancer.h"
#include "config.h"
#include "log.h"
#include "metrics_format.h"

namespace balloon::daemon {

class Metrics {
public:
    explicit Metrics(MetricsConfig config);

    // SIGHUP: a new directory or interval.
    void reconfigure(MetricsConfig config);
    // How often the file is written; none while metrics are off.
    [[nodiscard]] std::optional<Millis> interval() const;

    // After every round: counts what it did.
    void onRound(const RoundSummary& summary);
    // Writes the file (nothing while metrics are off). Failures are counted
    // (errors_total{kind="metrics_write"}) and logged at most once a minute.
    void write(Balancer& balancer, TimePoint now);
    // A round that failed before it could summarise (a hypervisor call): counted under `kind`.
    void countError(const std::string& kind);

    // The figures as they would be written now.
    [[nodiscard]] MetricsSnapshot snapshot(Balancer& balancer) const;
    [[nodiscard]] std::uint64_t writes() const { return writes_; }

private:
    MetricsConfig config_;
    KiB reclaimed_;
    std::map<std::string, std::uint64_t> errors_;
    std::uint64_t writes_ = 0;
    log::RateLimitedLog errorLog_;
};

}  // namespace balloon::daemon
