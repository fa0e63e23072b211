#include "dbus_domain.h"

#include "convergence.h"
#include "dbus_lookup.h"
#include "names.h"
#include "policy/explain.h"

namespace balloon::daemon {
namespace {

std::string_view sourceName(ReportSource source) {
    switch (source) {
        case ReportSource::Balloond:
            return "balloond";
        case ReportSource::Qubes:
            return "qubes";
        case ReportSource::XenServer:
            return "xenserver";
    }
    return "";
}

}  // namespace

DomainView viewOf(const DomainRecord& record, const DomainPlan* plan, const Config& config,
                  TimePoint now) {
    DomainView v;
    v.id = record.domid;
    v.name = record.name;
    v.uuid = record.uuid;
    v.type = std::string(domainTypeName(record.type));
    v.targetKiB = record.target.count();
    v.actualKiB = record.actual.count();
    v.staticMaxKiB = record.staticMax.count();
    v.maxKiB = (record.staticMax - record.videoram).count();
    v.pinned = record.pinned;
    if (const DomainOverride* o = config.overrideFor(record.name, record.uuid)) {
        v.weight = o->weight;
        v.pinned = v.pinned || o->pinned;
        v.excluded = o->excluded;
    }
    if (record.domid == kDom0) {
        v.excluded = v.excluded || !config.dom0.managed;
    }
    v.state = std::string(convergenceName(record.convergence.state()));
    if (plan != nullptr) {
        v.minKiB = plan->floor.count();
        v.maxKiB = plan->ceiling.count();
        v.reason = policy::explain(*plan);
    }
    if (record.report) {
        v.reportSource = std::string(sourceName(record.report->source));
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

std::vector<std::string> changedProperties(const DomainView& a, const DomainView& b) {
    std::vector<std::string> names;
    auto check = [&](bool differs, const char* name) {
        if (differs) {
            names.emplace_back(name);
        }
    };
    check(a.targetKiB != b.targetKiB, "TargetKiB");
    check(a.actualKiB != b.actualKiB, "ActualKiB");
    check(a.minKiB != b.minKiB, "MinKiB");
    check(a.maxKiB != b.maxKiB, "MaxKiB");
    check(a.staticMaxKiB != b.staticMaxKiB, "StaticMaxKiB");
    check(a.weight != b.weight, "Weight");
    check(a.pinned != b.pinned, "Pinned");
    check(a.excluded != b.excluded, "Excluded");
    check(a.state != b.state, "State");
    check(a.reportSource != b.reportSource || a.reportAgeSeconds != b.reportAgeSeconds ||
              a.reportUsedKiB != b.reportUsedKiB || a.reportAvailableKiB != b.reportAvailableKiB,
          "LastReport");
    check(a.reason != b.reason, "Reason");
    return names;
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

void DomainObject::update(DomainView next) {
    const auto names = changedProperties(view_, next);
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
