// What the Linux kernel says about the guest's memory: /proc/meminfo, /proc/vmstat and
// /proc/pressure/memory, parsed into KiB and counters.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "units.h"

namespace balloon::guest {

struct Meminfo {
    KiB total;                     // MemTotal
    KiB free;                      // MemFree
    std::optional<KiB> available;  // MemAvailable (Linux 3.14 and later)
    KiB buffers;
    KiB cached;
    KiB swapTotal;
    KiB swapFree;
    // What the kernel holds for itself and cannot give back: part of the safeguard.
    KiB slabUnreclaimable;  // SUnreclaim
    KiB kernelStack;
    KiB pageTables;
};

// Cumulative event counters since boot.
struct VmCounters {
    std::uint64_t swapInPages = 0;   // pswpin
    std::uint64_t swapOutPages = 0;  // pswpout
    std::uint64_t majorFaults = 0;   // pgmajfault
    // workingset_refault_anon + workingset_refault_file (or workingset_refault before 5.9).
    std::optional<std::uint64_t> refaults;
};

struct KernelStats {
    Meminfo meminfo;
    VmCounters counters;
    // "some avg10" of /proc/pressure/memory in hundredths of a percent; nullopt without PSI.
    std::optional<std::uint32_t> psiSomeAvg10;

    // What the guest needs now: MemTotal - MemAvailable, or without MemAvailable
    // MemTotal - MemFree - Buffers - Cached.
    [[nodiscard]] KiB used() const;
};

// Parsers of the files' text. Throw std::runtime_error naming the file and the line at fault.
Meminfo parseMeminfo(std::string_view text);
VmCounters parseVmstat(std::string_view text);
std::optional<std::uint32_t> parsePressure(std::string_view text);

// Reads the three files under root. /proc/pressure/memory is optional (no PSI, or disabled).
KernelStats readKernelStats(const std::filesystem::path& root);

}  // namespace balloon::guest
