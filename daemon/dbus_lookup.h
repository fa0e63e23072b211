// The words of the D-Bus API turned into the daemon's values: a DOMAIN argument (name, domid,
// "dom3" or uuid; a name wins) and policy names. Strict: anything else is an InvalidArgument or
// NoSuchDomain error that says what to write.
#pragma once

#include <string>
#include <string_view>

#include "domain_registry.h"
#include "policy_config.h"

namespace balloon::daemon {

// The domain a DOMAIN argument names (dbus/domain_match.h). Throws balloon::Error (InvalidArgument,
// NoSuchDomain).
DomId resolveDomain(DomainRegistry& registry, std::string_view text);

// A policy named as in kPolicyKindNames; throws balloon::Error(InvalidArgument) otherwise.
PolicyKind parsePolicy(std::string_view text);

}  // namespace balloon::daemon
