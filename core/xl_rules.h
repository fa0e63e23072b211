// xl's memory semantics as pure functions, so balloond and balloonctl behave exactly like
// `xl mem-set` and `xl mem-max` (libxl_set_memory_target / libxl_domain_setmaxmem in Xen 4.17).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domid.h"
#include "size.h"
#include "units.h"

namespace balloon {

// Xen maxmem is always the target plus videoram plus this slack (LIBXL_MAXMEM_CONSTANT).
inline constexpr KiB kMaxmemSlack{1024};
// libxl refuses a dom0 target below this (LIBXL_MIN_DOM0_MEM).
inline constexpr KiB kXlDom0Minimum = mib(128);

// What the rules need to know about a domain, as read from Xenstore.
struct MemoryLayout {
    DomId domid = 0;
    std::string name;  // for messages; may be empty
    KiB staticMax;
    KiB videoram;
    KiB currentTarget;
    bool translated = false;  // HVM or PVH: populate-on-demand target applies
};

// The three things a target change writes.
struct Actuation {
    KiB target;                    // memory/target
    KiB maxmem;                    // Xen maxmem (target + videoram + slack)
    std::optional<KiB> podTarget;  // HVM/PVH only
};

// The target `xl mem-set D SIZE` asks for: an absolute SIZE counts videoram, the target does not;
// a relative one ("+N" / "-N") moves the current target (videoram not involved), a shrink past
// zero giving zero. Not checked yet: memSet and forTarget check.
KiB memSetTarget(const MemoryLayout& domain, const SizeArg& size);
// `xl mem-set D SIZE`: memSetTarget, then forTarget's checks. Throws balloon::Error
// (AboveStaticMax, BelowMinimum) with a message that says what to do.
Actuation memSet(const MemoryLayout& domain, const SizeArg& size, KiB dom0Floor);
// memSet with an absolute SIZE.
Actuation memSet(const MemoryLayout& domain, KiB size, KiB dom0Floor);
// A target balloond decided itself (already without videoram): same checks and outputs.
Actuation forTarget(const MemoryLayout& domain, KiB target, KiB dom0Floor);
// What goes with a target already in memory/target (no checks: it stands, whoever wrote it).
Actuation actuationFor(const MemoryLayout& domain, KiB target);

struct MaxChange {
    KiB staticMax;  // memory/static-max becomes SIZE
    KiB maxmem;     // Xen maxmem becomes SIZE + slack
};
// `xl mem-max D SIZE`: refused (BelowTarget) when SIZE is below the current target.
MaxChange memMax(const MemoryLayout& domain, KiB size);

}  // namespace balloon
