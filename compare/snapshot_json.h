// One snapshot, any policy: `balloon-compare plan SNAPSHOT.json --policy NAME`. The snapshot is a
// JSON document in KiB (format in docs/policy.md, "One snapshot, any policy"; an example in
// compare/snapshots/), so the same host can be fed to another implementation and the targets
// compared. Parsing is strict: a missing or mistyped key, a negative or fractional size or an
// unknown key is an error naming the key and the domain.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "contender.h"
#include "model.h"

namespace balloon::compare {

using Json = nlohmann::ordered_json;

class SnapshotError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The snapshot in `text`; throws SnapshotError.
HostSnapshot parseSnapshot(std::string_view text);

// `contender`'s plan for `host`: per domain its domid, name, old and new target in KiB, the change
// and the reason; plus the host figures the plan divided. The static split keeps every target.
Json planJson(const HostSnapshot& host, const Contender& contender);

}  // namespace balloon::compare
