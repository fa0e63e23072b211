// The Linux xen-balloon driver through sysfs (/sys/devices/system/xen_memory/xen_memory0) and the
// VM settings in /proc, all under a root prefix.
#pragma once

#include <filesystem>
#include <string_view>
#include <utility>

#include "balloon_backend.h"
#include "kernel_stats.h"

namespace balloon::guest {

inline constexpr std::string_view kXenMemoryDir = "/sys/devices/system/xen_memory/xen_memory0";

// Linux's safeguard, the counterpart of NetBSD's "freemin + 256 pages": the kernel's own free
// reserve (vm.min_free_kbytes) plus 256 pages, plus what the kernel holds for itself and cannot
// give back (unreclaimable slab, kernel stacks, page tables). Below that the balloon would starve
// the kernel.
KiB linuxSafeguard(const Meminfo& meminfo, KiB minFreeKbytes);

class LinuxBalloon final : public BalloonBackend {
public:
    explicit LinuxBalloon(std::filesystem::path root) : root_(std::move(root)) {}

    KiB current() override;
    KiB kernelTarget() override;
    void setKernelTarget(KiB target) override;
    std::optional<bool> scrubsPages() override;
    KiB safeguard() override;

private:
    [[nodiscard]] std::filesystem::path attribute(std::string_view name) const;
    KiB readKiB(std::string_view name);

    std::filesystem::path root_;
};

}  // namespace balloon::guest
