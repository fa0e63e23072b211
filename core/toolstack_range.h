// A domain's range from two sources: balloond.toml ([[domain]] min and max) and the toolstack's
// memory/dynamic-min and memory/dynamic-max (XenServer's squeezed interface). The narrower range
// wins; min = max leaves the policy a single target, which turns ballooning off for the domain.
#pragma once

#include <optional>

#include "units.h"

namespace balloon {

struct MemoryRange {
    std::optional<KiB> min;
    std::optional<KiB> max;
    bool operator==(const MemoryRange&) const = default;
};

// The intersection of both ranges. A toolstack range whose min is above its max is ignored (a
// half-written pair); when the two ranges do not overlap, the toolstack's wins: it is the range
// the toolstack set for this domain now, the configuration's is a standing default.
inline MemoryRange narrowRange(const MemoryRange& configured, const MemoryRange& toolstack) {
    if (toolstack.min && toolstack.max && *toolstack.min > *toolstack.max) {
        return configured;
    }
    const auto tighter = [](std::optional<KiB> a, std::optional<KiB> b, bool lower) {
        if (!a || !b) {
            return a ? a : b;
        }
        return std::optional<KiB>(lower ? max(*a, *b) : min(*a, *b));
    };
    MemoryRange out{tighter(configured.min, toolstack.min, true),
                    tighter(configured.max, toolstack.max, false)};
    if (!out.min || !out.max || *out.min <= *out.max) {
        return out;
    }
    MemoryRange own{toolstack.min ? toolstack.min : configured.min,
                    toolstack.max ? toolstack.max : configured.max};
    return own.min && own.max && *own.min > *own.max ? toolstack : own;
}

}  // namespace balloon
