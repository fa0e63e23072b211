// The simulated host shared by two threads of the benchmark host process: the simulation steps
// guests on one thread, balloond's loop runs on another, so that the daemon's CPU time and
// wake-ups are its own. Every call the daemon makes, and every simulation step, holds one mutex.
#pragma once

#include <mutex>

#include "hypervisor_port.h"

namespace balloon::bench {

class LockedHypervisor final : public xen::HypervisorPort {
public:
    LockedHypervisor(xen::HypervisorPort& inner, std::mutex& mutex)
        : inner_(inner), mutex_(mutex) {}

    xen::HostInfo hostInfo() override {
        const std::lock_guard lock(mutex_);
        return inner_.hostInfo();
    }
    std::vector<xen::DomainInfo> domains() override {
        const std::lock_guard lock(mutex_);
        return inner_.domains();
    }
    std::optional<xen::DomainInfo> domain(DomId domid) override {
        const std::lock_guard lock(mutex_);
        return inner_.domain(domid);
    }
    void setMaxMem(DomId domid, KiB maxmem) override {
        const std::lock_guard lock(mutex_);
        inner_.setMaxMem(domid, maxmem);
    }
    void setPodTarget(DomId domid, KiB target) override {
        const std::lock_guard lock(mutex_);
        inner_.setPodTarget(domid, target);
    }

private:
    xen::HypervisorPort& inner_;
    std::mutex& mutex_;
};

}  // namespace balloon::bench
