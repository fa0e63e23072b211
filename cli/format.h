// How balloonctl prints for people: tables in MiB like xl (headers carry the unit, figures are
// rounded to the nearest MiB), exact sizes in messages. JSON for scripts is json_output.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "views.h"

namespace balloon::cli {

// Whole MiB, rounded to nearest (xl list's column, without its truncation).
std::string mibColumn(std::uint64_t kib);
// "512M", "1536M", "4097K": exact (core/size.h formatSize).
std::string exactSize(std::uint64_t kib);
// "1.5G": for people (core/size.h formatSizeHuman).
std::string humanSize(std::uint64_t kib);

// "auto", "pinned" or "excluded".
std::string_view modeOf(const DomainView& d);

// The `list` table: Name, ID, Target, Actual, Min, Max (MiB), State, Mode. Max is the ceiling
// the policy uses; where static-max differs (an HVM guest's videoram, a configured max), it
// reads "ceiling/static-max".
std::string domainTable(const std::vector<DomainView>& domains);
// One line about the host for `watch`.
std::string hostLine(const ManagerView& host);
// `status`: one domain, field by field.
std::string domainDetails(const DomainView& d);
// `dry-run`: the plan, in MiB, with the reasons.
std::string planTable(const std::vector<PlanEntry>& plan);
// `reservations`: id, exact size, domain, owner, expiry in local time.
std::string reservationTable(const std::vector<ReservationView>& reservations);
// `explain`: why a domain has its target, and what a round now would do.
std::string explanation(const DomainView& d, const PlanEntry* entry);

}  // namespace balloon::cli
