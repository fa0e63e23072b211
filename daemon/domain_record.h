// What balloond knows about one domain: read from Xenstore and the hypervisor, plus its own
// tracking state. A reused domid gets a fresh record (a new `generation`).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "convergence.h"
#include "domid.h"
#include "guest_report.h"
#include "model.h"
#include "plausibility.h"
#include "policy/recent_peak.h"
#include "size.h"
#include "units.h"

namespace balloon::daemon {

// How long the most Xen counted for a domain stays the bound its reports are held to. The guest
// side writes a report within a second of a change (250 ms under pressure) and balloond reads at
// most a few a second: a report written before a shrink and read after it is seconds old at most.
inline constexpr std::chrono::seconds kAllocationMemory{10};

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
    // The toolstack's range (squeezed's memory/dynamic-min and -max); absent or malformed: none.
    std::optional<KiB> dynamicMin;
    std::optional<KiB> dynamicMax;
    // The guest wrote control/feature-balloon = "1" ([compat] require-feature-balloon).
    bool featureBalloon = false;

    // The hypervisor's view, refreshed every sample.
    KiB actual;
    KiB maxmem;
    // Populate-on-demand (translated domains; 0 for PV): frames not backed yet, and the pool
    // that backs them (part of actual).
    KiB podEntries;
    KiB podCache;
    // The most Xen counted for it within kAllocationMemory (noteAllocation).
    KiB recentAllocation;
    TimePoint recentAllocationAt{};

    // The guest's own word, decoded and bounded; receivedAt is our clock, not the guest's.
    std::optional<GuestReport> report;
    std::optional<TimePoint> reportReceivedAt;
    TimePoint seenAt{};  // when the registry first listed it (balloond's start at the earliest)
    bool reportPending = false;       // a change arrived while the domain was over its read rate
    bool reportDue = false;           // to be read in this batch (ReportReader::readDue)
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
    // PoD entries the cache cannot back: memory the guest believes it has and must hand back
    // (its balloon driver catching up) before it touches it. nullopt when there is none.
    [[nodiscard]] std::optional<KiB> podDeficit() const {
        return podEntries > podCache ? std::optional<KiB>(podEntries - podCache) : std::nullopt;
    }
    // What the guest believes it holds: its populated pages plus its PoD entries while the cache
    // cannot back them, else Xen's allocation. Whether it follows its target is judged on this:
    // a PoD guest whose balloon driver has not caught up is still converging.
    [[nodiscard]] KiB guestAllocation() const {
        return podDeficit() ? actual - podCache + podEntries : actual;
    }
    // "current X" (guestAllocation), the part Xen has not backed said apart, for messages.
    [[nodiscard]] std::string holdingText() const {
        std::string text = "current " + formatSize(guestAllocation());
        if (const auto deficit = podDeficit()) {
            text +=
                ", " + formatSize(*deficit) + " of it populate-on-demand memory Xen has not backed";
        }
        return text;
    }

    // A new sample of Xen's allocation (tot_pages).
    void noteAllocation(KiB allocation, TimePoint now) {
        actual = allocation;
        if (allocation >= recentAllocation || now - recentAllocationAt > kAllocationMemory) {
            recentAllocation = allocation;
            recentAllocationAt = now;
        }
    }
    // What the guest's reports are held to (core/plausibility.h): what it held lately, or its
    // target when higher (it may have grown to it since the last sample).
    [[nodiscard]] DomainBounds reportBounds() const {
        return {max(max(actual, recentAllocation), expectedAllocation()), staticMax, videoram,
                translated()};
    }
};

}  // namespace balloon::daemon
