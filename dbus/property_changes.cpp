#include "property_changes.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "balloon1_property_names.h"

namespace balloon::dbus {
namespace {

// (property, whether its value differs) -> the names of those that differ, in contract order.
std::vector<std::string> differing(
    std::initializer_list<std::pair<std::string_view, bool>> properties) {
    std::vector<std::string> names;
    for (const auto& [name, differs] : properties) {
        if (differs) {
            names.emplace_back(name);
        }
    }
    return names;
}

}  // namespace

std::vector<std::string> changedProperties(const ManagerView& a, const ManagerView& b) {
    namespace p = properties::manager;
    return differing({{p::kHostTotalKiB, a.hostTotalKiB != b.hostTotalKiB},
                      {p::kHostFreeKiB, a.hostFreeKiB != b.hostFreeKiB},
                      {p::kSlushKiB, a.slushKiB != b.slushKiB},
                      {p::kReservedKiB, a.reservedKiB != b.reservedKiB},
                      {p::kPolicy, a.policy != b.policy},
                      {p::kRebalances, a.rebalances != b.rebalances}});
}

std::vector<std::string> changedProperties(const DomainView& a, const DomainView& b) {
    namespace p = properties::domain;
    const bool reportDiffers =
        a.reportSource != b.reportSource || a.reportAgeSeconds != b.reportAgeSeconds ||
        a.reportUsedKiB != b.reportUsedKiB || a.reportAvailableKiB != b.reportAvailableKiB;
    return differing({{p::kTargetKiB, a.targetKiB != b.targetKiB},
                      {p::kActualKiB, a.actualKiB != b.actualKiB},
                      {p::kMinKiB, a.minKiB != b.minKiB},
                      {p::kMaxKiB, a.maxKiB != b.maxKiB},
                      {p::kStaticMaxKiB, a.staticMaxKiB != b.staticMaxKiB},
                      {p::kPodEntriesKiB, a.podEntriesKiB != b.podEntriesKiB},
                      {p::kPodCacheKiB, a.podCacheKiB != b.podCacheKiB},
                      {p::kWeight, a.weight != b.weight},
                      {p::kPinned, a.pinned != b.pinned},
                      {p::kExcluded, a.excluded != b.excluded},
                      {p::kState, a.state != b.state},
                      {p::kLastReport, reportDiffers},
                      {p::kReason, a.reason != b.reason}});
}

std::vector<std::string> SignalCoalescer::take(const std::vector<std::string>& changed,
                                               TimePoint now) {
    namespace p = properties::domain;
    bool urgent = false;
    for (const std::string& name : changed) {
        urgent = urgent || (name != p::kLastReport && name != p::kReason);
        if (std::find(held_.begin(), held_.end(), name) == held_.end()) {
            held_.push_back(name);
        }
    }
    if (held_.empty() || (!urgent && lastSignal_ && now - *lastSignal_ < kChattySignalGap)) {
        return {};
    }
    lastSignal_ = now;
    return std::exchange(held_, {});
}

}  // namespace balloon::dbus
