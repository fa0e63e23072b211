// balloonctl's --json: what the read verbs print for scripts, one JSON document each. The rules,
// documented in balloonctl(8) JSON OUTPUT: snake_case keys, the unit at the end of every figure's
// key (target_kib, age_s, expires_unix_s), exact values (KiB, never MiB), and null for what is
// unknown or absent, never 0 or -1.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "views.h"

namespace balloon::cli {

// list: {"host": {...}, "domains": [{...}, ...]}
std::string listJson(const ManagerView& host, const std::vector<DomainView>& domains);
// status: one domain, as in list.
std::string domainJson(const DomainView& domain);
// dry-run: {"plan": [{"id", "name", "target_kib", "planned_kib", "change", "reason"}, ...]}
std::string planJson(const std::vector<PlanEntry>& plan);
// reservations: {"reservations": [{"id", "size_kib", "domid", "owner", "expires_unix_s"}, ...]}
std::string reservationsJson(const std::vector<ReservationView>& reservations);
// policy: {"policy": "demand"}
std::string policyJson(std::string_view policy);
// explain: the domain's id, name, target and last round's reason, and the plan entry for it.
std::string explainJson(const DomainView& domain, const PlanEntry* entry);

}  // namespace balloon::cli
