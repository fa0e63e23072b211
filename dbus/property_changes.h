// Which properties one PropertiesChanged signal names: those whose values differ between the view
// the clients saw and the next one. The names come from the contract (balloon1_property_names.h).
#pragma once

#include <string>
#include <vector>

#include "domain_view.h"
#include "manager_view.h"

namespace balloon::dbus {

std::vector<std::string> changedProperties(const ManagerView& before, const ManagerView& after);
// Id, Name, Uuid and Type never change for one object: a new domain is a new object.
std::vector<std::string> changedProperties(const DomainView& before, const DomainView& after);

}  // namespace balloon::dbus
