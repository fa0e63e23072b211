#include "xl_rules.h"

#include "error.h"
#include "size.h"

namespace balloon {
namespace {

std::string label(const MemoryLayout& domain) {
    return domainLabel(domain.domid, domain.name);
}

// What to type in a balloonctl command line for this domain.
std::string handle(const MemoryLayout& domain) {
    return domain.name.empty() ? "dom" + std::to_string(domain.domid) : domain.name;
}

}  // namespace

Actuation forTarget(const MemoryLayout& domain, KiB target, KiB dom0Floor) {
    if (target > domain.staticMax) {
        throw Error(Errc::AboveStaticMax,
                    label(domain) + ": target " + formatSize(target) + " is above its static-max " +
                        formatSize(domain.staticMax) + "; raise it first with `balloonctl max " +
                        handle(domain) +
                        " SIZE` (within the "
                        "domain's boot maxmem), or ask for less");
    }
    const KiB floor = max(dom0Floor, kXlDom0Minimum);
    if (domain.domid == kDom0 && target < floor) {
        throw Error(Errc::BelowMinimum, label(domain) + ": target " + formatSize(target) +
                                            " is below dom0's floor " + formatSize(floor) +
                                            "; dom0 needs at least that much to run the host");
    }
    return actuationFor(domain, target);
}

Actuation actuationFor(const MemoryLayout& domain, KiB target) {
    Actuation result{target, target + domain.videoram + kMaxmemSlack, std::nullopt};
    if (domain.translated) {
        result.podTarget = target + kMaxmemSlack;
    }
    return result;
}

KiB memSetTarget(const MemoryLayout& domain, const SizeArg& size) {
    return size.kind == SizeArg::Kind::Absolute ? size.amount - domain.videoram
                                                : size.applyTo(domain.currentTarget);
}

Actuation memSet(const MemoryLayout& domain, const SizeArg& size, KiB dom0Floor) {
    return forTarget(domain, memSetTarget(domain, size), dom0Floor);
}

Actuation memSet(const MemoryLayout& domain, KiB size, KiB dom0Floor) {
    return memSet(domain, SizeArg{SizeArg::Kind::Absolute, size}, dom0Floor);
}

MaxChange memMax(const MemoryLayout& domain, KiB size) {
    if (size < domain.currentTarget) {
        throw Error(Errc::BelowTarget, label(domain) + ": max " + formatSize(size) +
                                           " is below its current target " +
                                           formatSize(domain.currentTarget) +
                                           "; lower the target first (`balloonctl "
                                           "set`), then the max");
    }
    return MaxChange{size, size + kMaxmemSlack};
}

}  // namespace balloon
