// What the kernel says about a process: resident memory and CPU time, for the figures the
// benchmarks print. Linux /proc and clock interfaces only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "units.h"

namespace balloon::bench {

// A "Vm...:  1234 kB" line of /proc/<pid>/status (VmRSS, VmHWM); nullopt when missing.
std::optional<KiB> statusKiB(pid_t pid, std::string_view field);
// A plain counter line of /proc/<pid>/status (voluntary_ctxt_switches).
std::optional<std::uint64_t> statusCount(pid_t pid, std::string_view field);

// CPU seconds (user + system) of the calling thread, and of the whole calling process.
double threadCpuSeconds();
double processCpuSeconds();
// CPU seconds (user + system) of another process (/proc/<pid>/stat); nullopt when unreadable.
std::optional<double> processCpuSeconds(pid_t pid);
// The first three fields of /proc/loadavg ("1.52 1.31 0.98"); empty when unreadable.
std::string loadAverage();

}  // namespace balloon::bench
