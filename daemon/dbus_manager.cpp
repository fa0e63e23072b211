#include "dbus_manager.h"

#include <chrono>

#include "dbus_lookup.h"
#include "errors.h"
#include "log.h"
#include "names.h"
#include "policy/explain.h"
#include "property_changes.h"
#include "size.h"

namespace balloon::daemon {
namespace {

// sdbus-c++ turns only sdbus::Error into an error reply; anything else thrown from a handler
// would unwind through sd-bus's C code. Every handler therefore runs inside this.
sdbus::Error translate(std::string_view method) {
    try {
        throw;
    } catch (const sdbus::Error& e) {
        return e;
    } catch (const Error& e) {
        return dbus::toDbusError(e);
    } catch (const SizeError& e) {
        return dbus::toDbusError(Errc::InvalidArgument, e.what());
    } catch (const std::exception& e) {
        BLOG(error) << method << " failed: " << e.what();
        return dbus::toDbusError(Errc::Failed, std::string(method) + " failed: " + e.what() +
                                                   "; balloond's log has the details");
    }
}

template <class Body>
auto guarded(std::string_view method, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (...) {
        throw translate(method);
    }
}

}  // namespace

ManagerObject::ManagerObject(sdbus::IConnection& connection, Daemon& daemon, Authorizer authorizer,
                             PendingCalls& pending, std::function<void()> changed,
                             std::function<void(const std::string&)> watchOwner)
    : AdaptorInterfaces(connection, std::string(dbus::kManagerPath)),
      daemon_(daemon),
      authorizer_(std::move(authorizer)),
      pending_(pending),
      changed_(std::move(changed)),
      watchOwner_(std::move(watchOwner)) {
    view_ = currentView();
    registerAdaptor();
}

ManagerObject::~ManagerObject() {
    unregisterAdaptor();
}

ManagerView ManagerObject::currentView() {
    Balancer& b = daemon_.balancer();
    ManagerView v;
    v.hostTotalKiB = b.lastHostTotal().count();
    v.hostFreeKiB = b.lastHostFree().count();
    v.slushKiB = b.config().policy.slush.count();
    v.reservedKiB = b.reservations().total().count();
    v.policy = std::string(nameOf(kPolicyKindNames, b.config().policy.kind));
    v.rebalances = b.stats().rebalances;
    return v;
}

void ManagerObject::refresh() {
    ManagerView next = currentView();
    const auto names = dbus::changedProperties(view_, next);
    view_ = std::move(next);
    if (!names.empty()) {
        emitPropertiesChangedSignal(std::string(dbus::kManagerInterface), names);
    }
}

void ManagerObject::authorize(std::string_view action) {
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    if (call == nullptr) {
        throw Error(Errc::NotAuthorized, std::string(action) + ": no caller to check");
    }
    authorizer_.require(*call, action);
}

std::string ManagerObject::sender() const {
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    return call != nullptr ? call->getSender() : std::string();
}

uint64_t ManagerObject::SetTarget(const std::string& domain, const std::string& size) {
    return guarded("SetTarget", [&] {
        authorize("SetTarget");
        Balancer& b = daemon_.balancer();
        const DomId domid = resolveDomain(b.registry(), domain);
        const KiB target =
            b.memSet(domid, parseSizeArg(size, RelativeSizes::Allowed), Clock::now());
        BLOG(notice) << logattr::domid(domid) << logattr::kib("target", target)
                     << "target set over D-Bus to " << formatSize(target) << " (pinned)";
        changed_();
        return b.require(domid).target.count();
    });
}

uint64_t ManagerObject::SetMax(const std::string& domain, const std::string& size) {
    return guarded("SetMax", [&] {
        authorize("SetMax");
        Balancer& b = daemon_.balancer();
        const DomId domid = resolveDomain(b.registry(), domain);
        const KiB max = parseSize(size);
        b.setMax(domid, max);
        BLOG(notice) << logattr::domid(domid) << "max set over D-Bus to " << formatSize(max);
        changed_();
        return b.require(domid).staticMax.count();
    });
}

void ManagerObject::Pin(const std::string& domain) {
    guarded("Pin", [&] {
        authorize("Pin");
        const DomId domid = resolveDomain(daemon_.balancer().registry(), domain);
        daemon_.balancer().pin(domid, true);
        changed_();
    });
}

void ManagerObject::Release(const std::string& domain) {
    guarded("Release", [&] {
        authorize("Release");
        Balancer& b = daemon_.balancer();
        b.release(resolveDomain(b.registry(), domain));
        changed_();
    });
}

void ManagerObject::Reserve(sdbus::Result<std::string>&& result, std::string size,
                            uint32_t timeoutMs, uint32_t expirySeconds) {
    try {
        authorize("Reserve");
        const KiB amount = parseSize(size);
        const std::string owner = sender();
        const std::string id = daemon_.balancer().reserve(amount, owner, expirySeconds);
        watchOwner_(owner);
        BLOG(notice) << "reservation " << id << " of " << formatSize(amount) << " for " << owner;
        pending_.reserve(std::move(result), id, std::chrono::milliseconds(timeoutMs));
    } catch (...) {
        const sdbus::Error error = translate("Reserve");
        try {
            result.returnError(error);
        } catch (const sdbus::Error&) {
            // The caller left.
        }
        return;
    }
    // The call is parked from here on: a round (now, to shrink the others at once, or a later
    // one) or its timer answers it.
    try {
        daemon_.roundNow();
        changed_();
    } catch (...) {
        BLOG(error) << "round after a reservation failed: " << translate("Reserve").getMessage();
    }
}

void ManagerObject::TransferReservation(const std::string& id, const uint32_t& domid) {
    guarded("TransferReservation", [&] {
        authorize("TransferReservation");
        if (domid >= kFirstReservedDomId) {
            throw Error(Errc::InvalidArgument, "domid " + std::to_string(domid) +
                                                   " is not a domain's id (ids stop at " +
                                                   std::to_string(kFirstReservedDomId - 1) + ")");
        }
        daemon_.balancer().reservations().transfer(id, static_cast<DomId>(domid));
        changed_();
    });
}

void ManagerObject::ReleaseReservation(const std::string& id) {
    guarded("ReleaseReservation", [&] {
        authorize("ReleaseReservation");
        daemon_.balancer().reservations().release(id);
        changed_();
    });
}

std::vector<sdbus::Struct<std::string, uint64_t, int64_t, std::string, uint64_t>>
ManagerObject::ListReservations() {
    return guarded("ListReservations", [&] {
        ReservationStore& store = daemon_.balancer().reservations();
        std::vector<sdbus::Struct<std::string, uint64_t, int64_t, std::string, uint64_t>> out;
        for (const auto& r : store.active()) {
            const StoredReservation* s = store.find(r.id);
            const std::int64_t domid = r.domid ? std::int64_t{*r.domid} : -1;
            out.emplace_back(r.id, r.amount.count(), domid, s != nullptr ? s->owner : "",
                             s != nullptr ? static_cast<uint64_t>(s->expiresAtUnix) : 0);
        }
        return out;
    });
}

uint32_t ManagerObject::Rebalance() {
    return guarded("Rebalance", [&] {
        authorize("Rebalance");
        const RoundSummary summary = daemon_.roundNow();
        return static_cast<uint32_t>(summary.applied.shrunk.size() + summary.applied.grown.size());
    });
}

std::vector<sdbus::Struct<uint16_t, std::string, uint64_t, uint64_t, std::string, std::string>>
ManagerObject::GetPlan() {
    return guarded("GetPlan", [&] {
        Balancer& b = daemon_.balancer();
        const Plan plan = b.dryRun(Clock::now());
        std::vector<
            sdbus::Struct<uint16_t, std::string, uint64_t, uint64_t, std::string, std::string>>
            out;
        for (const DomainPlan& d : plan.domains) {
            const DomainRecord* record = b.registry().find(d.domid);
            out.emplace_back(d.domid, record != nullptr ? record->name : "", d.oldTarget.count(),
                             d.target.count(), std::string(nameOf(kChangeNames, d.change)),
                             policy::explain(d));
        }
        return out;
    });
}

void ManagerObject::SetPolicy(const std::string& policy) {
    guarded("SetPolicy", [&] {
        authorize("SetPolicy");
        Config config = daemon_.balancer().config();
        config.policy.kind = parsePolicy(policy);
        daemon_.balancer().reconfigure(std::move(config));
        BLOG(notice) << "policy set over D-Bus to " << policy << " (until the next reload)";
        changed_();
    });
}

void ManagerObject::WaitForTarget(sdbus::Result<uint64_t, std::string>&& result, std::string domain,
                                  uint32_t timeoutMs) {
    try {
        const DomId domid = resolveDomain(daemon_.balancer().registry(), domain);
        pending_.waitForTarget(std::move(result), domid, std::chrono::milliseconds(timeoutMs));
    } catch (...) {
        const sdbus::Error error = translate("WaitForTarget");
        try {
            result.returnError(error);
        } catch (const sdbus::Error&) {
            // The caller left.
        }
    }
}

}  // namespace balloon::daemon
