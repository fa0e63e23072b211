// libFuzzer target: the foreign statistics formats dom0 reads from guests that run another
// project's agent (Qubes memory/meminfo, XenServer data/meminfo_total + data/meminfo_free).
// The input is split at its first NUL: the whole input is the Qubes value, the two halves are
// XenServer's total and free.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stats_codec.h"

namespace {

// What every accepted foreign report must satisfy, whichever agent wrote it.
void checkAccepted(const balloon::DecodeResult& result, balloon::ReportSource source) {
    if (!result) {
        if (result.error.empty()) {
            __builtin_trap();
        }
        return;
    }
    const balloon::GuestReport& r = *result.report;
    if (r.source != source || r.used.count() > balloon::kMaxReportValue ||
        r.total.count() > balloon::kMaxReportValue) {
        __builtin_trap();
    }
    // XenServer gives total and free: used can never exceed total.
    if (source == balloon::ReportSource::XenServer && r.used > r.total) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    checkAccepted(balloon::parseQubesMeminfo(text), balloon::ReportSource::Qubes);

    const std::size_t nul = text.find('\0');
    const std::string_view total = text.substr(0, nul);
    const std::string_view free =
        nul == std::string_view::npos ? std::string_view{} : text.substr(nul + 1);
    checkAccepted(balloon::parseXenServerMeminfo(total, free), balloon::ReportSource::XenServer);
    return 0;
}
