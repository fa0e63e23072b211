// What a guest tells dom0 about its memory, once decoded. Every field came from an untrusted guest:
// the codec (core/stats_codec.h) bounds and validates each one before it lands here.
#pragma once

#include <cstdint>
#include <optional>

#include "enum_names.h"
#include "units.h"

namespace balloon {

// Which agent wrote the report; the policy trusts richer sources more.
enum class ReportSource {
    Balloond,   // our guest side: data/balloon-report
    Qubes,      // Qubes meminfo-writer: memory/meminfo (used KiB only)
    XenServer,  // XenServer/XCP-ng agents: data/meminfo_total + data/meminfo_free
};
// As the Domain's LastReport property names them.
inline constexpr EnumNames<ReportSource, 3> kReportSourceNames{{
    {"balloond", ReportSource::Balloond},
    {"qubes", ReportSource::Qubes},
    {"xenserver", ReportSource::XenServer},
}};

struct GuestReport {
    ReportSource source = ReportSource::Balloond;
    std::uint64_t sequence = 0;   // increases with every report (ours only)
    std::uint64_t timestamp = 0;  // guest's CLOCK_REALTIME seconds (ours only; informational)

    KiB total;  // MemTotal
    KiB used;   // what the guest needs now: MemTotal - MemAvailable (or the agent's figure)
    std::optional<KiB> available;  // MemAvailable
    std::optional<KiB> free;       // MemFree
    std::optional<KiB> caches;     // Buffers + Cached (reclaimable page cache)
    std::optional<KiB> swapUsed;   // SwapTotal - SwapFree

    // Activity since the previous report (deltas of the kernel's cumulative counters).
    std::optional<std::uint64_t> swapInPages;
    std::optional<std::uint64_t> swapOutPages;
    std::optional<std::uint64_t> majorFaults;
    // workingset_refault_anon + workingset_refault_file (older kernels: workingset_refault):
    // evicted pages needed again, the clearest sign the guest's memory is too small.
    std::optional<std::uint64_t> refaults;
    // /proc/pressure/memory "some avg10", in hundredths of a percent (0..10000).
    std::optional<std::uint32_t> psiSomeAvg10;

    // balloon(4) controls set by the guest's admin (ours only).
    std::optional<KiB> guestMin;         // never target below this
    std::optional<KiB> requestedTarget;  // a request, honoured up to the domain's max and policy
    std::optional<bool> scrubsPages;     // kernel zeroes pages before giving them back
};

}  // namespace balloon
