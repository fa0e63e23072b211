// Writes targets the way xl does (memory/target, Xen maxmem, the PoD target), in two phases as
// squeezed does: every shrink first, in one transaction; then only the grows that memory already
// free can cover, so host free memory never falls below the slush. Nothing is written for a
// domain whose target does not change.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "domain_registry.h"
#include "hypervisor_port.h"
#include "model.h"
#include "xenstore_port.h"
#include "xl_rules.h"

namespace balloon::daemon {

struct ApplyOutcome {
    std::vector<DomId> shrunk;
    std::vector<DomId> grown;
    std::vector<DomId> deferred;  // grows waiting for memory the shrinks have not freed yet
    // Skipped: someone (xl mem-set) changed the target while balloond wrote; theirs stands, and
    // Xen's maxmem was put back in step with it.
    std::vector<DomId> raced;
    std::vector<std::string> failures;
    [[nodiscard]] bool wroteAnything() const { return !shrunk.empty() || !grown.empty(); }
};

class Actuator {
public:
    Actuator(xen::XenStore& xs, xen::HypervisorPort& hv);

    // The plan's changes. hostFree is what Xen reports free now (free + scrub - claims).
    ApplyOutcome apply(const Plan& plan, DomainRegistry& registry, KiB hostFree, KiB slush,
                       KiB dom0Floor, TimePoint now);

    // One target with xl's checks (D-Bus SetTarget), written with `alongside` (the caller's
    // bookkeeping) in one round trip; throws balloon::Error.
    void setTarget(DomainRecord& record, KiB target, KiB dom0Floor, TimePoint now,
                   std::span<const xen::NodeWrite> alongside = {});
    // xl mem-max: static-max and Xen maxmem; throws balloon::Error.
    void setMax(DomainRecord& record, KiB size);

    // Memory that targets already promise but domains have not taken yet: it is not free.
    static KiB outstandingGrowth(DomainRegistry& registry);

    [[nodiscard]] std::uint64_t transactions() const { return transactions_; }

    struct Write {
        DomainRecord* record;
        Actuation actuation;
    };

private:
    // Hypervisor first (maxmem must allow the new target), then one Xenstore transaction. Xen's
    // side of a write the transaction skips is put back in step with the target that stands.
    std::vector<DomId> writePhase(std::vector<Write>& writes, ApplyOutcome& outcome, TimePoint now);
    // Xen maxmem and (HVM/PVH) the PoD target for an actuation.
    void applyToXen(DomId domid, const Actuation& actuation);
    // Xen's side back in step with a target in memory/target; a failure is reported, not thrown.
    void matchXenTo(const DomainRecord& record, KiB target, ApplyOutcome& outcome);
    // The record after its new target reached Xenstore.
    static void noteWritten(DomainRecord& record, KiB target, TimePoint now);

    xen::XenStore& xs_;
    xen::HypervisorPort& hv_;
    std::uint64_t transactions_ = 0;
};

// The xl_rules view of a record.
MemoryLayout layoutOf(const DomainRecord& record);

}  // namespace balloon::daemon
