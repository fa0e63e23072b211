// The simulated hypervisor: Xen's memory accounting for a host that does not exist. It implements
// the same port as libxenctrl (xen/hypervisor_port.h), so the daemon cannot tell the difference,
// and adds what a real toolstack and real guest kernels would do to Xen: build and destroy
// domains, populate and release pages, claim pages for a domain being built.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "hypervisor_port.h"
#include "sim_clock.h"

namespace balloon::sim {

class SimulatedHost final : public xen::HypervisorPort {
public:
    // How long a destroyed domain stays "dying" before Xen frees it.
    static constexpr Duration kDefaultDyingTime{500};
    // Freed pages are scrubbed in the background at this rate before they count as free.
    static constexpr KiB kDefaultScrubPerSecond = gib(4);

    // A host of `total` pages with dom0 already built with `dom0` pages (maxmem `dom0Max`).
    SimulatedHost(Pages total, Pages dom0, Pages dom0Max);

    // ---- xen::HypervisorPort ----
    xen::HostInfo hostInfo() override;
    std::vector<xen::DomainInfo> domains() override;
    std::optional<xen::DomainInfo> domain(DomId domid) override;
    void setMaxMem(DomId domid, KiB maxmem) override;
    void setPodTarget(DomId domid, KiB target) override;

    // ---- What a toolstack does ----
    // Builds a domain holding `initial` pages, like xc_dom_boot_mem_init: throws HypervisorError
    // (ENOMEM) when the host cannot provide them, and the domid is used up either way, as in Xen.
    // A translated domain given a `physmap` above `initial` boots populate-on-demand: the guest
    // sees `physmap` pages, all of them PoD entries, backed by a cache of `initial` pages.
    DomId createDomain(Pages initial, Pages maxPages, bool translated, Pages physmap = Pages{0});
    // The domain turns dying; it vanishes after the dying time and its pages go to scrub.
    void destroyDomain(DomId domid);
    // An outstanding claim for a domain (0 cancels it). Claimed pages are held back from
    // everyone else; the domain's own allocations consume its claim first.
    void setClaim(DomId domid, Pages pages);
    void setPaused(DomId domid, bool paused);
    void setShutdown(DomId domid, bool shutdown);

    // ---- What a guest kernel does ----
    // XENMEM_populate_physmap: up to `want` pages, bounded by maxmem and by what the host has
    // free. Returns the pages granted (0 when the host is out of memory: the grow stalls).
    Pages populate(DomId domid, Pages want);
    // XENMEM_decrease_reservation: gives back up to `count` pages; returns those given. PoD
    // entries go first (the pages a balloon driver takes are ones the guest never touched), and
    // a cache left above the entries is freed, as p2m_pod_decrease_reservation does.
    Pages release(DomId domid, Pages count);
    // The guest touches memory until `pages` of it are populated: each PoD entry touched takes a
    // page from the cache. With the cache empty and entries left, Xen crashes the domain ("out
    // of PoD memory"): it is shut down and false is returned.
    bool touch(DomId domid, Pages pages);

    // Moves time on: dying domains vanish, scrubbing progresses.
    void advance(Duration dt);

    // A domain's allocation (tot_pages) without building a DomainInfo; nullopt once gone.
    [[nodiscard]] std::optional<Pages> allocation(DomId domid) const;
    [[nodiscard]] std::optional<Pages> podTarget(DomId domid) const;
    // What the guest kernel believes it has: its populated pages plus its PoD entries (the
    // allocation itself when it has no PoD entries); nullopt once gone.
    [[nodiscard]] std::optional<Pages> guestPages(DomId domid) const;
    // True once Xen crashed the domain for want of PoD memory (touch()).
    [[nodiscard]] bool podCrashed(DomId domid) const;
    // Every page Xen accounts for is exactly one of: free, scrub, or a domain's allocation.
    [[nodiscard]] Pages allocatedPages() const;
    void setDyingTime(Duration dyingTime) { dyingTime_ = dyingTime; }
    void setScrubRate(KiB perSecond) { scrubPerSecond_ = perSecond; }

private:
    struct Domain {
        Pages tot;
        Pages max;
        Pages claim;
        std::optional<Pages> pod;
        Pages podEntries;  // tot = populated + podCache
        Pages podCache;
        bool podCrashed = false;
        bool translated = false;
        bool paused = false;
        bool shutdown = false;
        std::optional<Duration> dyingLeft;  // set while dying
    };

    Domain& live(DomId domid, const char* call);
    static xen::DomainInfo info(DomId domid, const Domain& d);
    [[nodiscard]] Pages claimedByOthers(DomId domid) const;
    [[nodiscard]] Pages allocatable(DomId domid) const;
    void take(Pages pages);  // from free first, then from scrub (Xen scrubs on demand)
    void setPodCache(Domain& d, DomId domid, Pages cache);

    Pages total_;
    Pages free_;
    Pages scrub_;
    double scrubCarry_ = 0;  // fractional pages of scrubbing progress
    std::map<DomId, Domain> domains_;
    DomId nextDomId_ = 1;
    Duration dyingTime_ = kDefaultDyingTime;
    KiB scrubPerSecond_ = kDefaultScrubPerSecond;
};

}  // namespace balloon::sim
