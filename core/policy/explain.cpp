// Rendering of the structured reasons. Kept out of decide() so planning stays cheap: a plan for
// 10,000 domains is computed every few seconds, its text only when someone asks.
#include "explain.h"

#include <cmath>

#include "size.h"

namespace balloon::policy {
namespace {

std::string sz(KiB size) {
    return formatSizeHuman(size);
}

std::string why(const DomainPlan& p) {
    const Reason& r = p.reason;
    switch (r.kind) {
        case ReasonKind::PolicyOff:
            return "policy off: target left as set";
        case ReasonKind::Pinned:
            return "pinned by admin";
        case ReasonKind::Excluded:
            return "excluded from ballooning";
        case ReasonKind::Building:
            return "being built on a reservation: left to the toolstack";
        case ReasonKind::Stuck:
            if (r.unreleased.count() > 0) {
                return "stuck: keeping " + sz(r.unreleased) + " it has not released";
            }
            return "stuck: target kept until it follows again";
        case ReasonKind::NoStatistics:
            return "no fresh statistics: kept near its allocation";
        case ReasonKind::Proportional: {
            const auto percent = static_cast<long>(std::lround(r.fraction * 100));
            return "proportional: " + std::to_string(percent) + "% of [" + sz(p.floor) + ", " +
                   sz(p.ceiling) + "]";
        }
        case ReasonKind::Demand:
            break;
    }
    std::string text = r.pressure ? "under pressure: demand " : "demand ";
    text += sz(r.demand) + " + headroom " + sz(r.headroom);
    if (r.share.count() > 0) {
        text += ", share by weight " + std::to_string(r.weight) + ": +" + sz(r.share);
    } else if (r.cut.count() > 0) {
        text += ", host short: -" + sz(r.cut) + " at weight " + std::to_string(r.weight);
    }
    return text;
}

std::string limitText(const DomainPlan& p) {
    const Reason& r = p.reason;
    switch (r.limit) {
        case Limit::None:
            return "";
        case Limit::Floor:
            return "; at floor " + sz(p.floor);
        case Limit::Ceiling:
            return "; at ceiling " + sz(p.ceiling);
        case Limit::GrowLimit:
            return "; stopped growing at " + sz(p.ceiling) + ": the rest goes to others";
        case Limit::PodDeficit:
            return "; populate-on-demand: " + sz(r.notBacked) +
                   " of its memory is not backed yet; not lowered until its balloon driver has "
                   "caught up";
        case Limit::Deadband:
            return "; " + sz(r.ideal) + " is within the deadband";
        case Limit::Held:
            return "; held: changed within the hold time (ideal " + sz(r.ideal) + ")";
        case Limit::StepCap:
            return "; step capped (ideal " + sz(r.ideal) + ")";
        case Limit::Budget:
            return "; trimmed to fit host memory (ideal " + sz(r.ideal) + ")";
    }
    return "";
}

}  // namespace

std::string explain(const DomainPlan& plan) {
    return why(plan) + limitText(plan);
}

}  // namespace balloon::policy
