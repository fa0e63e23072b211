// Which domains exist and what Xenstore says about them. Re-listed from the hypervisor at start,
// on @introduceDomain / @releaseDomain and on every sample; a domain that vanishes in the middle
// of anything simply drops out, and a reused domid becomes a new record.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain_record.h"
#include "hypervisor_port.h"
#include "xenstore_port.h"

namespace balloon::daemon {

class DomainRegistry {
public:
    DomainRegistry(xen::XenStore& xs, xen::HypervisorPort& hv, ConvergenceConfig convergence);

    // Applies to every record from now on (a reload keeps each record's history).
    void setConvergenceConfig(ConvergenceConfig convergence);

    struct Changes {
        std::vector<DomId> added;
        std::vector<DomId> removed;
    };
    // One hypercall for the list and every allocation; Xenstore reads only for new domains, and
    // with checkIdentity (after @introduceDomain/@releaseDomain) one read per domain to catch a
    // domid reused between two refreshes.
    Changes refresh(TimePoint now, bool checkIdentity);

    DomainRecord* find(DomId domid);
    std::map<DomId, DomainRecord>& records() { return records_; }

    // After a watch on the domain's memory/ fired: re-reads target, static-max, videoram and the
    // toolstack's dynamic-min and dynamic-max. Returns false when the keys are gone (the domain
    // is being destroyed).
    bool reloadMemoryKeys(DomainRecord& record);
    // After a watch on control/feature-balloon fired: re-reads it.
    void reloadControlKeys(DomainRecord& record);

    // Watch tokens name the record: "dom:<domid>:<generation>".
    static std::string watchToken(const DomainRecord& record);
    // The record a token belongs to, or nullptr for a stale token (an old generation).
    DomainRecord* fromToken(std::string_view token);

private:
    std::optional<DomainRecord> load(const xen::DomainInfo& info);
    std::optional<TimePoint> storedLastChange(const DomainRecord& record);
    void forget(DomId domid);
    void removeStrayTarget(DomId domid);
    void startWatching(const DomainRecord& record);
    void stopWatching(const DomainRecord& record);

    xen::XenStore& xs_;
    xen::HypervisorPort& hv_;
    ConvergenceConfig convergence_;
    std::map<DomId, DomainRecord> records_;
    std::uint64_t nextGeneration_ = 1;
    TimePoint now_{};
};

// Strict reading of a toolstack-written KiB value ("524288"); nullopt for anything else.
std::optional<KiB> parseKiBValue(const std::optional<std::string>& text);

}  // namespace balloon::daemon
