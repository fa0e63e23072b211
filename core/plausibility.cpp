#include "plausibility.h"

#include <optional>
#include <string_view>

#include "size.h"

namespace balloon {
namespace {

// Clamps figures beyond their bound (plus the tolerance) to the bound and notes each one.
class Clamper {
public:
    void bound(std::string_view field, KiB& value, KiB limit, std::string_view limitName) {
        if (value <= limit + kPlausibilityTolerance) {
            return;
        }
        notes_ += notes_.empty() ? "" : "; ";
        notes_ += std::string(field) + " " + formatSizeHuman(value) + " is above " +
                  std::string(limitName) + " " + formatSizeHuman(limit);
        value = limit;
    }
    void bound(std::string_view field, std::optional<KiB>& value, KiB limit,
               std::string_view limitName) {
        if (value) {
            bound(field, *value, limit, limitName);
        }
    }
    std::string take() { return std::move(notes_); }

private:
    std::string notes_;
};

void atMost(std::optional<KiB>& value, KiB limit) {
    if (value) {
        value = min(*value, limit);
    }
}

}  // namespace

PlausibleReport holdToAllocation(GuestReport report, const DomainBounds& bounds) {
    if (bounds.allocation <= bounds.videoram) {
        return {report, {}};
    }
    // What the guest's kernel can have now, and the most it can ever be given.
    const KiB memory = bounds.allocation - bounds.videoram;
    const KiB most = bounds.staticMax - bounds.videoram;
    Clamper clamp;
    if (report.source == ReportSource::Qubes) {
        // meminfo-writer's figure is used + swap used, and it has no total.
        clamp.bound("used (with swap)", report.used, most, "its max");
    } else {
        if (bounds.translated) {
            clamp.bound("total", report.total, max(memory, most), "its max");
        } else {
            clamp.bound("total", report.total, memory, "what Xen gave it");
        }
        clamp.bound("used", report.used, memory, "what Xen gave it");
        // The codec's consistency rules, once total is clamped: nothing above total.
        report.used = min(report.used, report.total);
        atMost(report.available, report.total);
        atMost(report.free, report.total);
        atMost(report.caches, report.total);
    }
    clamp.bound("swap", report.swapUsed, most - report.used, "its max less used");
    clamp.bound("min", report.guestMin, most, "its max");
    clamp.bound("req", report.requestedTarget, most, "its max");
    if (report.guestMin && report.requestedTarget) {
        report.guestMin = min(*report.guestMin, *report.requestedTarget);  // req >= min still
    }
    return {report, clamp.take()};
}

}  // namespace balloon
