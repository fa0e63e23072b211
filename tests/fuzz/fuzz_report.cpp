// libFuzzer target: the guest report decoder (core/stats_codec.h), fed what a hostile guest could
// write to data/balloon-report. A decoded report must be valid, encodable, and survive an
// encode -> decode round trip unchanged; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "stats_codec.h"

namespace {

auto fields(const balloon::GuestReport& r) {
    return std::tie(r.source, r.sequence, r.timestamp, r.total, r.used, r.available, r.free,
                    r.caches, r.swapUsed, r.swapInPages, r.swapOutPages, r.majorFaults, r.refaults,
                    r.psiSomeAvg10, r.guestMin, r.requestedTarget, r.scrubsPages);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const balloon::DecodeResult first = balloon::decodeReport(text);
    if (!first) {
        // A refusal must say why; an empty reason would leave the log silent.
        if (first.error.empty()) {
            __builtin_trap();
        }
        return 0;
    }
    if (size > balloon::kMaxReportBytes || !balloon::validateReport(*first.report).empty()) {
        __builtin_trap();
    }
    // encodeReport throws only for reports the decoder refuses: escaping here is a finding.
    const std::string encoded = balloon::encodeReport(*first.report);
    const balloon::DecodeResult second = balloon::decodeReport(encoded);
    if (!second || fields(*second.report) != fields(*first.report)) {
        __builtin_trap();
    }
    return 0;
}
