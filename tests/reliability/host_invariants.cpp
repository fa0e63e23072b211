#include "host_invariants.h"

#include "stats_codec.h"

namespace balloon::reliability {

std::optional<KiB> memoryKey(xen::XenStore& xs, DomId domid, const std::string& key) {
    const auto text = xs.read("/local/domain/" + std::to_string(domid) + "/memory/" + key);
    if (!text) {
        return std::nullopt;
    }
    std::string why;
    const auto value = parseBoundedDecimal(*text, kMaxReportValue, why);
    return value ? std::optional<KiB>(KiB{*value}) : std::nullopt;
}

std::vector<std::string> invariantViolations(xen::XenStore& xs, sim::Simulation& sim,
                                             const InvariantLimits& limits) {
    std::vector<std::string> problems;
    std::vector<DomId> domids{0};
    for (const sim::SimGuest* guest : sim.guests()) {
        domids.push_back(guest->domid());
    }
    KiB committed = limits.reserved;
    for (const DomId domid : domids) {
        const std::string who = "dom" + std::to_string(domid);
        const auto target = memoryKey(xs, domid, "target");
        const auto staticMax = memoryKey(xs, domid, "static-max");
        const KiB videoram = memoryKey(xs, domid, "videoram").value_or(KiB{});
        const auto info = sim.host().domain(domid);
        if (!target || !staticMax || !info) {
            continue;  // being built or destroyed right now: nothing to hold yet
        }
        committed += *target + videoram;
        if (*target < limits.floor) {
            problems.push_back(who + ": target " + std::to_string(target->count()) +
                               " KiB below the floor " + std::to_string(limits.floor.count()));
        }
        if (*target > *staticMax) {
            problems.push_back(who + ": target " + std::to_string(target->count()) +
                               " KiB above static-max " + std::to_string(staticMax->count()));
        }
        const KiB maxmemCeiling = *staticMax + videoram + mib(1);
        if (toKiB(info->maxPages) > maxmemCeiling) {
            problems.push_back(who + ": Xen maxmem " +
                               std::to_string(toKiB(info->maxPages).count()) +
                               " KiB above static-max + videoram + 1 MiB");
        }
    }
    const KiB total = toKiB(sim.host().hostInfo().total);
    if (committed > total) {
        problems.push_back("targets and reservations " + std::to_string(committed.count()) +
                           " KiB exceed the host's " + std::to_string(total.count()) + " KiB");
    }
    return problems;
}

}  // namespace balloon::reliability
