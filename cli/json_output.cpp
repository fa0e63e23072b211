#include "json_output.h"

#include <nlohmann/json.hpp>

#include "format.h"

namespace balloon::cli {
namespace {

// Ordered: keys come out in the order the man page lists them.
using Json = nlohmann::ordered_json;

// Text balloond leaves empty when it does not know it.
Json textOrNull(const std::string& text) {
    return text.empty() ? Json(nullptr) : Json(text);
}

Json kibOrNull(std::uint64_t kib) {
    return kib == 0 ? Json(nullptr) : Json(kib);
}

std::string document(const Json& json) {
    // Guest-chosen names need not be UTF-8: replace what is not, rather than fail.
    return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json reportJson(const DomainView& d) {
    if (d.reportSource.empty()) {
        return nullptr;
    }
    // LastReport: age -1 when the time is unknown, figures 0 when the report lacks them.
    return {{"source", d.reportSource},
            {"age_s", d.reportAgeSeconds < 0 ? Json(nullptr) : Json(d.reportAgeSeconds)},
            {"used_kib", kibOrNull(d.reportUsedKiB)},
            {"available_kib", kibOrNull(d.reportAvailableKiB)}};
}

Json toJson(const DomainView& d) {
    return {{"id", d.id},
            {"name", textOrNull(d.name)},
            {"uuid", textOrNull(d.uuid)},
            {"type", textOrNull(d.type)},
            {"target_kib", d.targetKiB},
            {"actual_kib", d.actualKiB},
            {"min_kib", d.minKiB},
            {"max_kib", d.maxKiB},
            {"static_max_kib", d.staticMaxKiB},
            {"pod_entries_kib", d.podEntriesKiB},
            {"pod_cache_kib", d.podCacheKiB},
            {"weight", d.weight},
            {"mode", modeOf(d)},
            {"pinned", d.pinned},
            {"excluded", d.excluded},
            {"state", textOrNull(d.state)},
            {"reason", textOrNull(d.reason)},
            {"report", reportJson(d)}};
}

Json toJson(const PlanEntry& p) {
    return {{"id", p.id},
            {"name", textOrNull(p.name)},
            {"target_kib", p.targetKiB},
            {"planned_kib", p.plannedKiB},
            {"change", p.change},
            {"reason", textOrNull(p.reason)}};
}

}  // namespace

std::string listJson(const ManagerView& h, const std::vector<DomainView>& domains) {
    Json all = Json::array();
    for (const auto& d : domains) {
        all.push_back(toJson(d));
    }
    return document({{"host",
                      {{"total_kib", h.hostTotalKiB},
                       {"free_kib", h.hostFreeKiB},
                       {"slush_kib", h.slushKiB},
                       {"reserved_kib", h.reservedKiB},
                       {"policy", textOrNull(h.policy)},
                       {"rebalances", h.rebalances}}},
                     {"domains", all}});
}

std::string domainJson(const DomainView& domain) {
    return document(toJson(domain));
}

std::string planJson(const std::vector<PlanEntry>& plan) {
    Json all = Json::array();
    for (const auto& p : plan) {
        all.push_back(toJson(p));
    }
    return document({{"plan", all}});
}

std::string reservationsJson(const std::vector<ReservationView>& reservations) {
    Json all = Json::array();
    for (const auto& r : reservations) {
        all.push_back({{"id", r.id},
                       {"size_kib", r.sizeKiB},
                       {"domid", r.domid ? Json(*r.domid) : Json(nullptr)},
                       {"owner", textOrNull(r.owner)},
                       {"expires_unix_s",
                        r.expiresUnixSeconds ? Json(*r.expiresUnixSeconds) : Json(nullptr)}});
    }
    return document({{"reservations", all}});
}

std::string policyJson(std::string_view policy) {
    return document({{"policy", policy}});
}

std::string explainJson(const DomainView& d, const PlanEntry* entry) {
    return document({{"id", d.id},
                     {"name", textOrNull(d.name)},
                     {"target_kib", d.targetKiB},
                     {"mode", modeOf(d)},
                     {"state", textOrNull(d.state)},
                     {"last_reason", textOrNull(d.reason)},
                     {"plan", entry != nullptr ? toJson(*entry) : Json(nullptr)}});
}

}  // namespace balloon::cli
