// The NetBSD balloon(4) driver as a compile-time backend: its sysctl tree machdep.xen.balloon
// (kern.xen.balloon before NetBSD 6), all KiB. Built on NetBSD and, with captured outputs, in the
// unit tests; the sysctl access itself is injected.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "balloon_backend.h"

namespace balloon::guest {

struct NetbsdBalloonValues {
    KiB current;
    KiB min;
    KiB max;
    KiB target;
};

// Parses `sysctl machdep.xen.balloon` (or kern.xen.balloon) output: "<prefix>.<name> = <KiB>"
// lines; all four names once each, one prefix. Throws std::runtime_error on anything else.
NetbsdBalloonValues parseNetbsdSysctl(std::string_view output);

class NetbsdBalloon final : public BalloonBackend {
public:
    // readAll returns the sysctl output; write sets "<prefix>.target" and friends.
    using Reader = std::function<std::string()>;
    using Writer = std::function<void(std::string_view name, KiB value)>;

    NetbsdBalloon(Reader readAll, Writer write)
        : readAll_(std::move(readAll)), write_(std::move(write)) {}

    KiB current() override { return values().current; }
    KiB kernelTarget() override { return values().target; }
    void setKernelTarget(KiB target) override { write_("target", target); }
    // balloon(4): the NetBSD kernel zeroes every page before giving it to the balloon.
    std::optional<bool> scrubsPages() override { return true; }
    // The driver refuses min below its own safeguard (freemin + 256 pages) with EPERM; the
    // guest side only keeps the 256 pages it can know.
    KiB safeguard() override { return toKiB(Pages{256}); }

private:
    NetbsdBalloonValues values() { return parseNetbsdSysctl(readAll_()); }

    Reader readAll_;
    Writer write_;
};

}  // namespace balloon::guest
