#include "dbus_domain.h"

#include "convergence.h"
#include "dbus_lookup.h"
#include "names.h"
#include "policy/explain.h"
#include "property_changes.h"

namespace balloon::daemon {
DomainView viewOf(const DomainRecord& record, const DomainPlan* plan, const Config& config,
                  TimePoint now) {
    DomainView v;
    v.id = record.domid;
    v.name = record.name;
    v.uuid = record.uuid;
    v.type = std::string(nameOf(kDomainTypeNames, record.type));
    v.targetKiB = record.target.count();
    v.actualKiB = record.actual.count();
    v.staticMaxKiB = record.staticMax.count();
    v.maxKiB = (record.staticMax - record.videoram).count();
    v.podEntriesKiB = record.podEntries.count();
    v.podCacheKiB = record.podCache.count();
    if (const DomainOverride* o = config.overrideFor(record.name, record.uuid)) {
        v.weight = o->weight;
    }
    const ConfiguredHold hold = config.holdOn(record.domid, record.name, record.uuid);
    v.pinned = record.pinned || hold.pinned;
    v.excluded = hold.excluded;
    v.state = std::string(convergenceName(record.convergence.state()));
    if (plan != nullptr) {
        v.minKiB = plan->floor.count();
        v.maxKiB = plan->ceiling.count();
        v.reason = policy::explain(*plan);
    }
    if (record.report) {
        v.reportSource = std::string(nameOf(kReportSourceNames, record.report->source));
        v.reportUsedKiB = record.report->used.count();
        v.reportAvailableKiB = record.report->available.value_or(KiB{0}).count();
        if (record.reportReceivedAt) {
            v.reportAgeSeconds =
                std::chrono::duration_cast<std::chrono::seconds>(now - *record.reportReceivedAt)
                    .count();
        }
    }
    return v;
}

DomainObject::DomainObject(sdbus::IConnection& connection, std::uint64_t generation,
                           DomainView view)
    : AdaptorInterfaces(connection, dbus::domainObjectPath(view.id)),
      generation_(generation),
      view_(std::move(view)) {
    registerAdaptor();
    emitInterfacesAddedSignal();
}

DomainObject::~DomainObject() {
    try {
        emitInterfacesRemovedSignal();
    } catch (const sdbus::Error&) {
        // The bus is gone: nobody is left to tell.
    }
    unregisterAdaptor();
}

void DomainObject::update(DomainView next, TimePoint now) {
    const auto names = signals_.take(dbus::changedProperties(view_, next), now);
    view_ = std::move(next);
    if (!names.empty()) {
        emitPropertiesChangedSignal(std::string(dbus::kDomainInterface), names);
    }
}

sdbus::Struct<std::string, int64_t, uint64_t, uint64_t> DomainObject::LastReport() {
    return {view_.reportSource, view_.reportAgeSeconds, view_.reportUsedKiB,
            view_.reportAvailableKiB};
}

}  // namespace balloon::daemon
