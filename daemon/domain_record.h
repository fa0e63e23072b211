// What balloond knows about one domain: read from Xenstore and the hypervisor, plus its own
// tracking state. A reused domid gets a fresh record (a new `generation`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "convergence.h"
#include "domid.h"
#include "guest_report.h"
#include "model.h"
#include "policy/recent_peak.h"
#include "units.h"

namespace balloon::daemon {

struct DomainRecord {
    DomId domid = 0;
    std::uint64_t generation = 0;  // distinguishes a reused domid in watch tokens
    std::string path;              // "/local/domain/<id>", asked of xenstored once
    std::string name;
    std::string uuid;
    DomainType type = DomainType::Pv;

    // Xenstore, written by the toolstack (and memory/target by us).
    KiB staticMax;
    KiB target;
    KiB videoram;

    // The hypervisor's view, refreshed every sample.
    KiB actual;
    KiB maxmem;

    // The guest's own word, decoded and bounded; receivedAt is our clock, not the guest's.
    std::optional<GuestReport> report;
    std::optional<TimePoint> reportReceivedAt;
    bool reportPending = false;       // a change arrived while the domain was over its read rate
    std::uint64_t reportReads = 0;    // Xenstore reads of this guest's statistics
    std::uint64_t reportRejects = 0;  // reports refused (malformed, out of bounds): metrics
    double readTokens = 0;            // the per-domain read budget (ReportReader)
    std::optional<TimePoint> readTokensAt;
    // The most it needed lately (the burst reserve): fed by each accepted report, its window
    // set from [policy] burst-window when the balancer takes a snapshot.
    policy::RecentPeak peak;

    ConvergenceTracker convergence;
    bool uncooperativeFlagWritten = false;  // memory/uncooperative is there

    // An admin target (D-Bus SetTarget, or an xl mem-set balloond did not write) pins the domain.
    bool pinned = false;
    std::optional<KiB> lastWrittenTarget;  // what balloond itself last wrote
    std::optional<TimePoint> lastTargetChange;

    [[nodiscard]] bool translated() const { return type != DomainType::Pv; }
    // What Xen's allocation should become for the current target (HVM allocations count
    // videoram).
    [[nodiscard]] KiB expectedAllocation() const {
        return type == DomainType::Hvm ? target + videoram : target;
    }
    [[nodiscard]] std::string label() const { return domainLabel(domid, name); }
};

}  // namespace balloon::daemon
