// The balancing policy: a pure function from a snapshot of the host to a plan. No I/O, no clock:
// the same snapshot and config always give the same plan. docs/policy.md explains the design.
#pragma once

#include "model.h"
#include "policy_config.h"

namespace balloon::policy {

// A target for every domain in the snapshot, with a reason, in write order (shrinks first).
// Guarantees (property-tested in tests/unit/policy_properties_test.cpp):
// - floor <= target <= ceiling <= static-max - videoram for every domain the plan moves;
// - pinned, excluded, stuck and uncooperative domains keep their target;
// - without a shortfall, committed + slush + reserved <= usable.
[[nodiscard]] Plan decide(const HostSnapshot& host, const PolicyConfig& config);

}  // namespace balloon::policy
