#include "dbus_manager.h"

#include <chrono>

#include "dbus_lookup.h"
#include "errors.h"
#include "log.h"
#include "names.h"
#include "policy/explain.h"
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

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
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
    v.policy = std::string(policyName(b.config().policy.kind));
    v.rebalances = b.stats().rebalances;
    return v;
}

void ManagerObject::refresh() {
    const ManagerView next = currentView();
    std::vector<std::string> names;
    auto check = [&](bool differs, const char* name) {
        if (differs) {
            names.emplace_back(name);
        }
    };
    check(next.hostTotalKiB != view_.hostTotalKiB, "HostTotalKiB");
    check(next.hostFreeKiB != view_.hostFreeKiB, "HostFreeKiB");
    check(next.slushKiB != view_.slushKiB, "SlushKiB");
    check(next.reservedKiB != view_.reservedKiB, "ReservedKiB");
    check(next.policy != view_.policy, "Policy");
    check(next.rebalances != view_.rebalances, "Rebalances");
    view_ = next;
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
        const SizeArg arg = parseSizeArg(size, RelativeSizes::Allowed);
        const DomainRecord& record = b.require(domid);
        // xl mem-set: an absolute SIZE counts videoram, a relative one moves the target.
        const KiB target = arg.kind == SizeArg::Kind::Absolute ? arg.amount - record.videoram
                                                               : arg.applyTo(record.target);
        b.setTarget(domid, target, Clock::now());
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
        const DomId domid = resolveDomain(b.registry(), domain);
        const DomainRecord& record = b.require(domid);
        const DomainOverride* o = b.config().overrideFor(record.name, record.uuid);
        if ((o != nullptr && (o->excluded || o->pinned)) ||
            (domid == kDom0 && !b.config().dom0.managed)) {
            throw Error(Errc::Excluded,
                        record.label() +
                            " is excluded or pinned in balloond.toml, so the policy never moves "
                            "it; change its [[domain]] entry (or [dom0] managed) and reload");
        }
        b.pin(domid, false);
        changed_();
    });
}

void ManagerObject::Reserve(sdbus::Result<std::string>&& result, std::string size,
                            uint32_t timeoutMs, uint32_t expirySeconds) {
    try {
        authorize("Reserve");
        const KiB amount = parseSize(size);
        if (amount == KiB{0}) {
            throw Error(Errc::InvalidArgument, "a reservation of 0 reserves nothing: give a size");
        }
        Balancer& b = daemon_.balancer();
        if (b.lastHostTotal() != KiB{0} && amount > b.lastHostTotal()) {
            throw Error(Errc::CannotFreeEnough, "cannot reserve " + formatSize(amount) +
                                                    ": the host has only " +
                                                    formatSize(b.lastHostTotal()) + " in all");
        }
        const std::string owner = sender();
        const std::int64_t expires = expirySeconds == 0 ? 0 : unixNow() + expirySeconds;
        const std::string id = b.reservations().add(amount, owner, expires);
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
                             d.target.count(), std::string(changeName(d.change)),
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
