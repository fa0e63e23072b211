// Which properties one PropertiesChanged signal names: those whose values differ between the view
// the clients saw and the next one. The names come from the contract (balloon1_property_names.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain_view.h"
#include "manager_view.h"

namespace balloon::dbus {

std::vector<std::string> changedProperties(const ManagerView& before, const ManagerView& after);
// Id, Name, Uuid and Type never change for one object: a new domain is a new object.
std::vector<std::string> changedProperties(const DomainView& before, const DomainView& after);

// A domain's LastReport and Reason move with every report its guest writes (the report's figures
// and age, the policy's figures in its reason): signalled at once, they would make a host of
// 1,000 guests reporting every second send a signal per domain per round. So they are signalled
// at most once per kChattySignalGap per object, with whatever else changes then; every other
// property at once. Get always returns the current value.
inline constexpr std::chrono::seconds kChattySignalGap{5};

class SignalCoalescer {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    // What to name in a PropertiesChanged now (empty: no signal), given what changed since the
    // last call: anything but LastReport and Reason flushes every held name at once.
    std::vector<std::string> take(const std::vector<std::string>& changed, TimePoint now);

private:
    std::vector<std::string> held_;
    std::optional<TimePoint> lastSignal_;
};

}  // namespace balloon::dbus
