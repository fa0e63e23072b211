#include "published_host.h"

#include <cstdio>

namespace balloon::bench {

void PublishedHost::applyQueued() {
    std::vector<Call> calls;
    {
        const std::lock_guard lock(mutex_);
        calls.swap(queued_);
    }
    for (const Call& call : calls) {
        try {
            if (call.pod) {
                host_.setPodTarget(call.domid, call.size);
            } else {
                host_.setMaxMem(call.domid, call.size);
            }
        } catch (const xen::HypervisorError& e) {
            // Xen would have refused the call to the daemon's face; here it comes a step late.
            std::fprintf(stderr, "balloond-bench-host: queued hypervisor call failed: %s\n",
                         e.what());
        }
    }
}

void PublishedHost::publish() {
    auto info = host_.hostInfo();
    auto domains = host_.domains();
    const std::lock_guard lock(mutex_);
    info_ = info;
    domains_ = std::move(domains);
}

xen::HostInfo PublishedHost::hostInfo() {
    const std::lock_guard lock(mutex_);
    return info_;
}

std::vector<xen::DomainInfo> PublishedHost::domains() {
    const std::lock_guard lock(mutex_);
    return domains_;
}

std::optional<xen::DomainInfo> PublishedHost::domain(DomId domid) {
    const std::lock_guard lock(mutex_);
    for (const auto& d : domains_) {
        if (d.domid == domid) {
            return d;
        }
    }
    return std::nullopt;
}

void PublishedHost::setMaxMem(DomId domid, KiB maxmem) {
    const std::lock_guard lock(mutex_);
    queued_.push_back({false, domid, maxmem});
}

void PublishedHost::setPodTarget(DomId domid, KiB target) {
    const std::lock_guard lock(mutex_);
    queued_.push_back({true, domid, target});
}

}  // namespace balloon::bench
