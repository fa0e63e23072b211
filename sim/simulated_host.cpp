#include "simulated_host.h"

#include <cerrno>
#include <cmath>
#include <string>

namespace balloon::sim {

namespace {

std::string domainText(DomId domid) {
    return "domain " + std::to_string(domid);
}

Pages min(Pages a, Pages b) {
    return a < b ? a : b;
}

}  // namespace

SimulatedHost::SimulatedHost(Pages total, Pages dom0, Pages dom0Max)
    : total_(total), free_(total - dom0) {
    if (total < dom0) {
        throw xen::HypervisorError(
            ENOMEM, "simulated host: dom0 needs " + std::to_string(dom0.count()) +
                        " pages but the host has only " + std::to_string(total.count()) +
                        "; give the host more memory or dom0 less");
    }
    Domain& d = domains_[kDom0];
    d.tot = dom0;
    d.max = dom0Max;
}

xen::HostInfo SimulatedHost::hostInfo() {
    Pages claims;
    for (const auto& [id, d] : domains_) {
        claims += d.claim;
    }
    return xen::HostInfo{
        .total = total_, .free = free_, .scrub = scrub_, .outstandingClaims = claims};
}

xen::DomainInfo SimulatedHost::info(DomId domid, const Domain& d) {
    return xen::DomainInfo{.domid = domid,
                           .totPages = d.tot,
                           .maxPages = d.max,
                           .outstanding = d.claim,
                           .dying = d.dyingLeft.has_value(),
                           .shutdown = d.shutdown,
                           .paused = d.paused,
                           .hvm = d.translated,
                           .podEntries = d.podEntries,
                           .podCache = d.podCache};
}

std::vector<xen::DomainInfo> SimulatedHost::domains() {
    std::vector<xen::DomainInfo> out;
    out.reserve(domains_.size());
    for (const auto& [id, d] : domains_) {
        out.push_back(info(id, d));
    }
    return out;
}

std::optional<xen::DomainInfo> SimulatedHost::domain(DomId domid) {
    auto it = domains_.find(domid);
    if (it == domains_.end()) {
        return std::nullopt;
    }
    return info(domid, it->second);
}

SimulatedHost::Domain& SimulatedHost::live(DomId domid, const char* call) {
    auto it = domains_.find(domid);
    if (it == domains_.end()) {
        throw xen::HypervisorError(ESRCH, std::string(call) + ": " + domainText(domid) +
                                              " does not exist (destroyed, or never built)");
    }
    return it->second;
}

void SimulatedHost::setMaxMem(DomId domid, KiB maxmem) {
    // Like Xen, a maxmem below the allocation is accepted: the domain just cannot grow.
    live(domid, "setMaxMem").max = pagesFloor(maxmem);
}

void SimulatedHost::setPodTarget(DomId domid, KiB target) {
    Domain& d = live(domid, "setPodTarget");
    if (!d.translated) {
        throw xen::HypervisorError(EINVAL, "setPodTarget: " + domainText(domid) +
                                               " is PV; populate-on-demand applies to HVM and "
                                               "PVH domains only");
    }
    d.pod = pagesFloor(target);
    // p2m_pod_set_mem_target: nothing for a domain without entries, nor below its allocation
    // ("T' < B: don't reduce the cache size; let the balloon driver take care of it"); above
    // it, the cache is what the target leaves beyond the populated pages, at most the entries.
    const Pages populated = d.tot - d.podCache;
    if ((populated.count() > 0 && d.podEntries.count() == 0) || d.dyingLeft || *d.pod < d.tot) {
        return;
    }
    Pages cache = *d.pod - populated;
    if (populated.count() > 0 && cache > d.podEntries) {
        cache = d.podEntries;
    }
    setPodCache(d, domid, cache);
}

void SimulatedHost::setPodCache(Domain& d, DomId domid, Pages cache) {
    if (cache > d.podCache) {
        const Pages avail = allocatable(domid);
        const Pages grow = min(cache - d.podCache, avail);
        take(grow);
        d.podCache += grow;
        d.tot += grow;
    } else {
        const Pages freed = d.podCache - cache;
        d.podCache = cache;
        d.tot -= freed;
        scrub_ += freed;
    }
}

Pages SimulatedHost::claimedByOthers(DomId domid) const {
    Pages claims;
    for (const auto& [id, d] : domains_) {
        if (id != domid) {
            claims += d.claim;
        }
    }
    return claims;
}

Pages SimulatedHost::allocatable(DomId domid) const {
    return (free_ + scrub_) - claimedByOthers(domid);
}

void SimulatedHost::take(Pages pages) {
    const Pages fromFree = pages < free_ ? pages : free_;
    free_ -= fromFree;
    scrub_ -= pages - fromFree;
}

DomId SimulatedHost::createDomain(Pages initial, Pages maxPages, bool translated, Pages physmap) {
    const DomId domid = nextDomId_++;
    if (allocatable(domid) < initial) {
        throw xen::HypervisorError(
            ENOMEM, "createDomain: cannot allocate " + std::to_string(initial.count()) +
                        " pages for " + domainText(domid) + ": the host has " +
                        std::to_string(allocatable(domid).count()) +
                        " pages free after claims; free memory first (shrink other domains)");
    }
    take(initial);
    Domain& d = domains_[domid];
    d.tot = initial;
    d.max = maxPages;
    d.translated = translated;
    if (translated && physmap > initial) {
        d.podEntries = physmap;
        d.podCache = initial;
    }
    return domid;
}

void SimulatedHost::destroyDomain(DomId domid) {
    Domain& d = live(domid, "destroyDomain");
    if (!d.dyingLeft) {
        d.dyingLeft = dyingTime_;
        d.claim = Pages{0};
    }
}

void SimulatedHost::setClaim(DomId domid, Pages pages) {
    Domain& d = live(domid, "setClaim");
    d.claim = Pages{0};
    if (allocatable(domid) < pages) {
        throw xen::HypervisorError(ENOMEM, "setClaim: " + domainText(domid) + " claims " +
                                               std::to_string(pages.count()) + " pages but only " +
                                               std::to_string(allocatable(domid).count()) +
                                               " are unclaimed");
    }
    d.claim = pages;
}

void SimulatedHost::setPaused(DomId domid, bool paused) {
    live(domid, "setPaused").paused = paused;
}

void SimulatedHost::setShutdown(DomId domid, bool shutdown) {
    live(domid, "setShutdown").shutdown = shutdown;
}

Pages SimulatedHost::populate(DomId domid, Pages want) {
    Domain& d = live(domid, "populate");
    if (d.dyingLeft) {
        return Pages{0};
    }
    Pages granted = want;
    const Pages room = d.max - d.tot;
    granted = granted < room ? granted : room;
    const Pages avail = allocatable(domid);
    granted = granted < avail ? granted : avail;
    take(granted);
    d.tot += granted;
    d.claim -= granted;
    return granted;
}

Pages SimulatedHost::release(DomId domid, Pages count) {
    Domain& d = live(domid, "release");
    const Pages entries = min(count, d.podEntries);
    d.podEntries -= entries;
    const Pages populated = d.tot - d.podCache;
    const Pages given = min(count - entries, populated);
    d.tot -= given;
    // A page a guest hands back is scrubbed by Xen before reuse.
    scrub_ += given;
    if (d.podCache > d.podEntries) {
        setPodCache(d, domid, d.podEntries);
    }
    return entries + given;
}

bool SimulatedHost::touch(DomId domid, Pages pages) {
    Domain& d = live(domid, "touch");
    const Pages populated = d.tot - d.podCache;
    if (d.podEntries.count() == 0 || pages <= populated || d.podCrashed) {
        return !d.podCrashed;
    }
    const Pages want = min(pages - populated, d.podEntries);
    const Pages backed = min(want, d.podCache);
    d.podEntries -= backed;
    d.podCache -= backed;
    if (backed < want) {
        d.podCrashed = true;
        d.shutdown = true;
    }
    return !d.podCrashed;
}

void SimulatedHost::advance(Duration dt) {
    for (auto it = domains_.begin(); it != domains_.end();) {
        auto& d = it->second;
        if (d.dyingLeft) {
            *d.dyingLeft -= dt;
            if (d.dyingLeft->count() <= 0) {
                scrub_ += d.tot;
                it = domains_.erase(it);
                continue;
            }
        }
        ++it;
    }
    scrubCarry_ += toSeconds(dt) * static_cast<double>(pagesFloor(scrubPerSecond_).count());
    const Pages scrubbed{static_cast<Pages::Rep>(std::floor(scrubCarry_))};
    scrubCarry_ -= static_cast<double>(scrubbed.count());
    const Pages done = scrubbed < scrub_ ? scrubbed : scrub_;
    scrub_ -= done;
    free_ += done;
    if (scrub_.count() == 0) {
        scrubCarry_ = 0;
    }
}

std::optional<Pages> SimulatedHost::allocation(DomId domid) const {
    auto it = domains_.find(domid);
    return it == domains_.end() ? std::nullopt : std::optional<Pages>(it->second.tot);
}

std::optional<Pages> SimulatedHost::podTarget(DomId domid) const {
    auto it = domains_.find(domid);
    return it == domains_.end() ? std::nullopt : it->second.pod;
}

std::optional<Pages> SimulatedHost::guestPages(DomId domid) const {
    auto it = domains_.find(domid);
    if (it == domains_.end()) {
        return std::nullopt;
    }
    const Domain& d = it->second;
    return d.tot - d.podCache + d.podEntries;
}

bool SimulatedHost::podCrashed(DomId domid) const {
    auto it = domains_.find(domid);
    return it != domains_.end() && it->second.podCrashed;
}

Pages SimulatedHost::allocatedPages() const {
    Pages sum;
    for (const auto& [id, d] : domains_) {
        sum += d.tot;
    }
    return sum;
}

}  // namespace balloon::sim
