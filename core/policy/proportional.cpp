// squeezed's policy: every movable domain gets the same fraction of its [floor, ceiling], the
// largest fraction that fits. Guest statistics and weights play no part. The range is the
// admin's (shareFloor); a guest-set floor above a domain's share holds the domain at that floor
// and the others share what is left.
#include <vector>

#include "planning.h"

namespace balloon::policy {
namespace {

__extension__ using Wide = unsigned __int128;

KiB shareOf(const Slot& s, KiB above, KiB ranges) {
    if (ranges.count() == 0) {
        return s.shareFloor;
    }
    const KiB range = s.ceiling - s.shareFloor;
    return s.shareFloor +
           KiB{static_cast<std::uint64_t>(Wide{range.count()} * above.count() / ranges.count())};
}

}  // namespace

void planProportional(std::span<Slot> slots, KiB forTargets) {
    // Domains whose floor is above their share are held at it; each pass may push more below
    // theirs, so it repeats until none changes (at most one pass per domain).
    std::vector<bool> atFloor(slots.size(), false);
    KiB above;
    KiB ranges;
    for (bool changed = true; changed;) {
        changed = false;
        KiB floors;
        ranges = KiB{};
        for (std::size_t i = 0; i < slots.size(); ++i) {
            const Slot& s = slots[i];
            if (!s.movable) {
                continue;
            }
            if (atFloor[i]) {
                floors += s.floor;
            } else {
                floors += s.shareFloor;
                ranges += s.ceiling - s.shareFloor;
            }
        }
        // fraction = above / ranges, kept as a ratio so every target is exact and they fit.
        above = min(forTargets - floors, ranges);
        for (std::size_t i = 0; i < slots.size(); ++i) {
            if (slots[i].movable && !atFloor[i] &&
                shareOf(slots[i], above, ranges) < slots[i].floor) {
                atFloor[i] = true;
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
        s.ideal = atFloor[i] ? s.floor : shareOf(s, above, ranges);
        s.reason.kind = ReasonKind::Proportional;
        s.reason.fraction = fraction;
        s.reason.ideal = s.ideal;
        if (s.ideal == s.floor && s.ceiling > s.floor) {
            s.reason.limit = Limit::Floor;
        }
    }
}

}  // namespace balloon::policy
