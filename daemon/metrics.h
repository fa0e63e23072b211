// balloond's Prometheus metrics: the counters kept across rounds, and balloond.prom written into
// [metrics] textfile-dir after the first round and then every [metrics] interval, on a timer of
// its own (a round comes only as often as something changes or the sample timer fires). Off
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

    // SIGHUP: a new directory or interval; the next round writes at once (the daemon re-arms its
    // timer at the new interval).
    void reconfigure(MetricsConfig config);
    // How often the file is written; none while metrics are off.
    [[nodiscard]] std::optional<Millis> interval() const;

    // After every round: counts what it did, and writes the file if none was written since start
    // or SIGHUP. Write failures are counted (errors_total{kind="metrics_write"}) and logged at most
    // once a minute.
    void onRound(Balancer& balancer, const RoundSummary& summary, TimePoint now);
    // Every interval(): writes the file.
    void onInterval(Balancer& balancer, TimePoint now);
    // A round that failed before it could summarise (a hypervisor call): counted under `kind`.
    void countError(const std::string& kind);

    // The figures as they would be written now.
    [[nodiscard]] MetricsSnapshot snapshot(Balancer& balancer) const;
    [[nodiscard]] std::uint64_t writes() const { return writes_; }

private:
    void write(Balancer& balancer, TimePoint now);

    MetricsConfig config_;
    bool tried_ = false;  // a write since start or SIGHUP
    KiB reclaimed_;
    std::map<std::string, std::uint64_t> errors_;
    std::uint64_t writes_ = 0;
    log::RateLimitedLog errorLog_;
};

}  // namespace balloon::daemon
