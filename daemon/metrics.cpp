#include "metrics.h"

#include <array>
#include <system_error>

#include "metrics_file.h"

namespace balloon::daemon {
namespace {

// Every kind is exposed from the start, at zero: a series that appears with its first error
// hides that error from rate() and increase().
// ("actuation" comes from the balancer's own count.)
constexpr std::array<const char*, 2> kErrorKinds{"hypervisor", "metrics_write"};

}  // namespace

Metrics::Metrics(MetricsConfig config)
    : config_(std::move(config)), errorLog_(1, std::chrono::minutes(1)) {
    for (const char* kind : kErrorKinds) {
        errors_[kind] = 0;
    }
}

void Metrics::reconfigure(MetricsConfig config) {
    config_ = std::move(config);
}

void Metrics::countError(const std::string& kind) {
    ++errors_[kind];
}

void Metrics::onRound(const RoundSummary& summary) {
    for (DomId domid : summary.applied.shrunk) {
        if (const DomainPlan* d = summary.plan.find(domid)) {
            reclaimed_ += d->oldTarget - d->target;
        }
    }
}

std::optional<Millis> Metrics::interval() const {
    if (config_.textfileDir.empty()) {
        return std::nullopt;
    }
    return config_.interval;
}

void Metrics::write(Balancer& balancer, TimePoint now) {
    if (config_.textfileDir.empty()) {
        return;
    }
    try {
        writeMetricsFile(config_.textfileDir, formatMetrics(snapshot(balancer)));
        ++writes_;
    } catch (const std::system_error& e) {
        ++errors_["metrics_write"];
        if (errorLog_.admit(std::nullopt, "metrics", now)) {
            BLOG(warning) << "cannot write the Prometheus metrics: " << e.what()
                          << "; create the directory (node_exporter's textfile collector, "
                          << "[metrics] textfile-dir) writable by balloond, or set textfile-dir "
                          << "= \"\" to turn metrics off";
        }
    }
}

MetricsSnapshot Metrics::snapshot(Balancer& balancer) const {
    MetricsSnapshot s;
    s.hostTotal = balancer.lastHostTotal();
    s.hostFree = balancer.lastHostFree();
    const Plan* plan = balancer.lastPlan();
    if (plan != nullptr) {
        s.slush = plan->slush;
        s.reserved = plan->reserved;
    }
    for (const auto& [domid, record] : balancer.registry().records()) {
        DomainFigures d;
        d.domid = domid;
        d.name = record.name;
        d.target = record.target;
        d.actual = record.actual;
        if (const DomainPlan* p = plan != nullptr ? plan->find(domid) : nullptr) {
            d.min = p->floor;
            d.max = p->ceiling;
        }
        d.state = record.convergence.state();
        d.pinned = record.pinned;
        d.reportRejects = record.reportRejects;
        s.domains.push_back(std::move(d));
    }
    const BalancerStats& stats = balancer.stats();
    s.rounds = stats.rounds;
    s.rebalances = stats.rebalances;
    s.targetWrites = stats.targetWrites;
    s.reclaimed = reclaimed_;
    s.errors = errors_;
    s.errors["actuation"] = stats.errors;  // the balancer counts failed writes itself
    return s;
}

}  // namespace balloon::daemon
