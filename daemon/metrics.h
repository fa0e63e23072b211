// balloond's Prometheus metrics: the counters kept across rounds, and balloond.prom written into
// [metrics] textfile-dir after a round, at most once per [metrics] interval. Off (nothing kept
// on disk, nothing logged) while textfile-dir is empty. One per event loop.
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

    // SIGHUP: a new directory or interval; the next round writes at once.
    void reconfigure(MetricsConfig config);

    // After every round: counts what it did, and writes the file when one is due. Write failures
    // are counted (errors_total{kind="metrics_write"}) and logged at most once a minute.
    void onRound(Balancer& balancer, const RoundSummary& summary, TimePoint now);
    // A round that failed before it could summarise (a hypervisor call): counted under `kind`.
    void countError(const std::string& kind);

    // The figures as they would be written now.
    [[nodiscard]] MetricsSnapshot snapshot(Balancer& balancer) const;
    [[nodiscard]] std::uint64_t writes() const { return writes_; }

private:
    void write(Balancer& balancer, TimePoint now);

    MetricsConfig config_;
    std::optional<TimePoint> lastWrite_;
    KiB reclaimed_;
    std::map<std::string, std::uint64_t> errors_;
    std::uint64_t writes_ = 0;
    log::RateLimitedLog errorLog_;
};

}  // namespace balloon::daemon
