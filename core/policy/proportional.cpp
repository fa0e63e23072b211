// squeezed's policy: every movable domain gets the same fraction of its [floor, ceiling], the
// largest fraction that fits. Guest statistics and weights play no part.
#include "planning.h"

namespace balloon::policy {
namespace {

__extension__ using Wide = unsigned __int128;

}  // namespace

void planProportional(std::span<Slot> slots, KiB forTargets) {
    KiB floors;
    KiB ranges;
    for (const auto& s : slots) {
        if (s.movable) {
            floors += s.floor;
            ranges += s.ceiling - s.floor;
        }
    }
    // fraction = above / ranges, kept as a ratio so every target is exact and they fit.
    const KiB above = min(forTargets - floors, ranges);
    const double fraction = ranges.count() == 0 ? 1.0
                                                : static_cast<double>(above.count()) /
                                                      static_cast<double>(ranges.count());
    for (auto& s : slots) {
        if (!s.movable) {
            continue;
        }
        const KiB range = s.ceiling - s.floor;
        const KiB extra = ranges.count() == 0
                              ? KiB{}
                              : KiB{static_cast<std::uint64_t>(Wide{range.count()} * above.count() /
                                                               ranges.count())};
        s.ideal = s.floor + extra;
        s.reason.kind = ReasonKind::Proportional;
        s.reason.fraction = fraction;
        s.reason.ideal = s.ideal;
        if (s.ideal == s.floor && range.count() > 0) {
            s.reason.limit = Limit::Floor;
        }
    }
}

}  // namespace balloon::policy
