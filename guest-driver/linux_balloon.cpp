#include "linux_balloon.h"

#include <stdexcept>
#include <string>

#include "stats_codec.h"
#include "sys_files.h"

namespace balloon::guest {
namespace {

constexpr std::string_view kDriverHint =
    "is this a Xen guest with the xen_balloon driver (CONFIG_XEN_BALLOON)?";

std::uint64_t parseKernelNumber(const std::filesystem::path& file, std::string_view text) {
    std::string why;
    const auto value = parseBoundedDecimal(chomp(text), kMaxReportValue, why);
    if (!value) {
        throw std::runtime_error(file.string() + ": " + why);
    }
    return *value;
}

}  // namespace

KiB linuxSafeguard(const Meminfo& meminfo, KiB minFreeKbytes) {
    return minFreeKbytes + toKiB(Pages{256}) + meminfo.slabUnreclaimable + meminfo.kernelStack +
           meminfo.pageTables;
}

std::filesystem::path LinuxBalloon::attribute(std::string_view name) const {
    return underRoot(root_, std::string(kXenMemoryDir) + "/" + std::string(name));
}

KiB LinuxBalloon::readKiB(std::string_view name) {
    const auto file = attribute(name);
    return KiB{parseKernelNumber(file, readRequiredSysFile(file, kDriverHint))};
}

KiB LinuxBalloon::current() {
    return readKiB("info/current_kb");
}

KiB LinuxBalloon::kernelTarget() {
    return readKiB("target_kb");
}

void LinuxBalloon::setKernelTarget(KiB target) {
    writeSysFile(attribute("target_kb"), std::to_string(target.count()) + "\n");
}

std::optional<bool> LinuxBalloon::scrubsPages() {
    // Linux 4.19+ exposes the xen_scrub_pages setting (boot parameter of the same name) here;
    // device_show_bool prints 0 or 1.
    const auto text = readSysFile(attribute("scrub_pages"));
    if (!text) {
        return std::nullopt;
    }
    const std::string_view value = chomp(*text);
    if (value == "1" || value == "Y") {
        return true;
    }
    if (value == "0" || value == "N") {
        return false;
    }
    return std::nullopt;
}

KiB LinuxBalloon::safeguard() {
    const auto minFreeFile = underRoot(root_, "/proc/sys/vm/min_free_kbytes");
    const KiB minFree{
        parseKernelNumber(minFreeFile, readRequiredSysFile(minFreeFile, "is /proc mounted?"))};
    const auto meminfoFile = underRoot(root_, "/proc/meminfo");
    return linuxSafeguard(parseMeminfo(readRequiredSysFile(meminfoFile, "is /proc mounted?")),
                          minFree);
}

}  // namespace balloon::guest
