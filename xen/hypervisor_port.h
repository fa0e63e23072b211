// The hypervisor port: what only Xen knows about memory. Two implementations: the real one over
// libxenctrl (xen/xenctrl_hypervisor.h) and the simulated host (sim/), a product feature that
// powers the sandbox, the policy comparison and the benchmarks. Xenstore is never simulated.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domid.h"
#include "units.h"

namespace balloon::xen {

struct DomainInfo {
    DomId domid = 0;
    Pages totPages;     // the actual allocation (xl list's Mem)
    Pages maxPages;     // Xen's maxmem
    Pages outstanding;  // outstanding claim pages
    bool dying = false;
    bool shutdown = false;
    bool paused = false;
    bool hvm = false;  // HVM or PVH (translated): PoD target applies
    // Populate-on-demand (translated domains; 0 for PV): guest frames not backed yet, and the
    // pool of pages Xen holds to back them (counted in totPages). Entries above the cache are
    // memory the guest believes it has but Xen cannot give it: its balloon driver must hand
    // them back before it touches them.
    Pages podEntries;
    Pages podCache;
};

struct HostInfo {
    Pages total;
    Pages free;
    Pages scrub;              // free pages still being scrubbed: free for our purposes
    Pages outstandingClaims;  // promised to domains being built

    // What xl counts as free: (free + scrub) minus outstanding claims.
    [[nodiscard]] KiB freeKiB() const { return toKiB(free + scrub - outstandingClaims); }
};

// A hypervisor call that failed: errno, the call, and the domain when there is one.
class HypervisorError : public std::runtime_error {
public:
    HypervisorError(int err, const std::string& what) : std::runtime_error(what), errno_(err) {}
    [[nodiscard]] int error() const { return errno_; }

private:
    int errno_;
};

class HypervisorPort {
public:
    HypervisorPort() = default;
    virtual ~HypervisorPort() = default;
    HypervisorPort(const HypervisorPort&) = delete;
    HypervisorPort& operator=(const HypervisorPort&) = delete;
    HypervisorPort(HypervisorPort&&) = delete;
    HypervisorPort& operator=(HypervisorPort&&) = delete;

    virtual HostInfo hostInfo() = 0;
    // Every domain Xen knows, dying ones included, ordered by domid.
    virtual std::vector<DomainInfo> domains() = 0;
    // nullopt when the domain does not exist (any more).
    virtual std::optional<DomainInfo> domain(DomId domid) = 0;
    // Xen maxmem, in KiB as xc_domain_setmaxmem takes it.
    virtual void setMaxMem(DomId domid, KiB maxmem) = 0;
    // Populate-on-demand target for HVM/PVH guests.
    virtual void setPodTarget(DomId domid, KiB target) = 0;
};

}  // namespace balloon::xen
