// One managed domain on the bus: /org/balloond/Balloon1/domain/<domid>, interface
// org.balloond.Balloon1.Domain. Getters serve a view refreshed after every round; update() emits
// PropertiesChanged for exactly the values that changed. Appears and disappears with the domain
// (InterfacesAdded/InterfacesRemoved through the manager's ObjectManager).
#pragma once

#include <cstdint>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "balloon1_adaptor.h"
#include "config.h"
#include "domain_record.h"
#include "domain_view.h"
#include "property_changes.h"

namespace balloon::daemon {

// The view of a record. `plan` is the round's entry for it when there is one (floor, ceiling,
// reason); without one the bounds fall back to 0 and static-max - videoram.
DomainView viewOf(const DomainRecord& record, const DomainPlan* plan, const Config& config,
                  TimePoint now);

class DomainObject final
    : public sdbus::AdaptorInterfaces<org::balloond::Balloon1::Domain_adaptor,
                                      sdbus::ManagedObject_adaptor, sdbus::Properties_adaptor> {
public:
    // Registers the object and announces it (InterfacesAdded).
    DomainObject(sdbus::IConnection& connection, std::uint64_t generation, DomainView view);
    // Announces its removal (InterfacesRemoved) and unregisters it.
    ~DomainObject();
    DomainObject(const DomainObject&) = delete;
    DomainObject& operator=(const DomainObject&) = delete;
    DomainObject(DomainObject&&) = delete;
    DomainObject& operator=(DomainObject&&) = delete;

    // Takes the new view; emits one PropertiesChanged naming the values that differ, the chatty
    // ones (dbus::SignalCoalescer) at most every few seconds.
    void update(DomainView next, TimePoint now);

    [[nodiscard]] std::uint64_t generation() const { return generation_; }
    [[nodiscard]] const DomainView& view() const { return view_; }

private:
    uint16_t Id() override { return view_.id; }
    std::string Name() override { return view_.name; }
    std::string Uuid() override { return view_.uuid; }
    std::string Type() override { return view_.type; }
    uint64_t TargetKiB() override { return view_.targetKiB; }
    uint64_t ActualKiB() override { return view_.actualKiB; }
    uint64_t MinKiB() override { return view_.minKiB; }
    uint64_t MaxKiB() override { return view_.maxKiB; }
    uint64_t StaticMaxKiB() override { return view_.staticMaxKiB; }
    uint64_t PodEntriesKiB() override { return view_.podEntriesKiB; }
    uint64_t PodCacheKiB() override { return view_.podCacheKiB; }
    uint32_t Weight() override { return view_.weight; }
    bool Pinned() override { return view_.pinned; }
    bool Excluded() override { return view_.excluded; }
    std::string State() override { return view_.state; }
    sdbus::Struct<std::string, int64_t, uint64_t, uint64_t> LastReport() override;
    std::string Reason() override { return view_.reason; }

    std::uint64_t generation_;
    DomainView view_;
    dbus::SignalCoalescer signals_;
};

}  // namespace balloon::daemon
