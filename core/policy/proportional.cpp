// squeezed's policy: every movable domain gets the same fraction of its [floor, ceiling], the
// largest fraction that fits. Guest statistics and weights play no part. The range is the
// admin's (shareFloor, shareCeiling); a guest-set floor above a domain's share holds the domain at
// that floor, a grow limit below it at that limit, and the others share what is left.
#include <optional>
#include <vector>

#include "planning.h"

namespace balloon::policy {
namespace {

__extension__ using Wide = unsigned __int128;

KiB shareOf(const Slot& s, KiB above, KiB ranges) {
    if (ranges.count() == 0) {
        return s.shareFloor;
    }
    const KiB range = s.shareCeiling - s.shareFloor;
    return s.shareFloor +
           KiB{static_cast<std::uint64_t>(Wide{range.count()} * above.count() / ranges.count())};
}

}  // namespace

void planProportional(std::span<Slot> slots, KiB forTargets) {
    // Domains whose floor is above their share are held at it, and those whose ceiling (a grow
    // limit) is below it at that; each pass may push more out of their bounds, so it repeats
    // until none changes (at most one pass per domain).
    std::vector<std::optional<KiB>> held(slots.size());
    KiB above;
    KiB ranges;
    for (bool changed = true; changed;) {
        changed = false;
        KiB fixed;
        ranges = KiB{};
        for (std::size_t i = 0; i < slots.size(); ++i) {
            const Slot& s = slots[i];
            if (!s.movable) {
                continue;
            }
            if (held[i]) {
                fixed += *held[i];
            } else {
                fixed += s.shareFloor;
                ranges += s.shareCeiling - s.shareFloor;
            }
        }
        // fraction = above / ranges, kept as a ratio so every target is exact and they fit.
        above = min(forTargets - fixed, ranges);
        for (std::size_t i = 0; i < slots.size(); ++i) {
            const Slot& s = slots[i];
            if (!s.movable || held[i]) {
                continue;
            }
            const KiB share = shareOf(s, above, ranges);
            if (share < s.floor || share > s.ceiling) {
                held[i] = clamp(share, s.floor, s.ceiling);
                changed = true;
            }
        }
    }
    const double fraction = ranges.count() == 0 ? 1.0
                                                : static_cast<double>(above.count()) /
                                                      static_cast<double>(ranges.count());
    for (std::size_t i = 0; i < slots.size(); ++i) {
        Slot& s = slots[i];
        if (!s.movable) {
            continue;
        }
        s.ideal = held[i].value_or(shareOf(s, above, ranges));
        s.reason.kind = ReasonKind::Proportional;
        s.reason.fraction = fraction;
        s.reason.ideal = s.ideal;
        if (s.ideal == s.floor && (s.ceiling > s.floor || s.podHeld)) {
            s.reason.limit = s.floorLimit();
        } else if (held[i] && s.ideal == s.ceiling) {
            s.reason.limit = s.ceilingLimit();
        }
    }
}

}  // namespace balloon::policy
