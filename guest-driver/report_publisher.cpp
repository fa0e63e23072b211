#include "report_publisher.h"

#include "stats_codec.h"

namespace balloon::guest {

std::string ReportPublisher::path(std::string_view key) const {
    if (domainPath_.empty()) {
        return std::string(key);
    }
    return domainPath_ + "/" + std::string(key);
}

void ReportPublisher::publish(const GuestReport& report) {
    const std::string text = encodeReport(report);
    // XenServer agents' meminfo_free is what the guest could still use: MemAvailable when the
    // kernel has it, else MemFree.
    const KiB freeKib = report.available.value_or(report.free.value_or(report.total - report.used));
    const std::string total = std::to_string(report.total.count());
    const std::string free = std::to_string(freeKib.count());
    store_.transact([&](xen::XenStoreOps& ops) {
        ops.write(path(kReportKey), text);
        ops.write(path(kXenServerTotalKey), total);
        ops.write(path(kXenServerFreeKey), free);
    });
}

std::optional<GuestReport> ReportPublisher::current() {
    const auto text = store_.read(path(kReportKey));
    if (!text) {
        return std::nullopt;
    }
    DecodeResult decoded = decodeReport(*text);
    return decoded.report;
}

std::optional<KiB> ReportPublisher::readKiB(std::string_view key) {
    const auto text = store_.read(path(key));
    if (!text) {
        return std::nullopt;
    }
    std::string why;
    const auto value = parseBoundedDecimal(*text, kMaxReportValue, why);
    if (!value) {
        return std::nullopt;
    }
    return KiB{*value};
}

}  // namespace balloon::guest
