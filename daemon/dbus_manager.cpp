#include "dbus_manager.h"

#include <chrono>
#include <memory>
#include <type_traits>

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

template <class... Out>
void answerError(sdbus::Result<Out...>& result, const sdbus::Error& error) {
    try {
        result.returnError(error);
    } catch (const sdbus::Error&) {
        // The caller left.
    }
}

}  // namespace

ManagerObject::ManagerObject(sdbus::IConnection& connection, Daemon& daemon,
                             Authorizations& authorizations, PendingCalls& pending,
                             ChangedHandler changed,
                             std::function<void(const std::string&)> watchOwner)
    : AdaptorInterfaces(connection, std::string(dbus::kManagerPath)),
      daemon_(daemon),
      authorizations_(authorizations),
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

template <class... Out, class Action>
void ManagerObject::whenAuthorized(std::string_view method, sdbus::Result<Out...>&& result,
                                   Action action) {
    // The Result is move-only; a parked call and its two continuations share it.
    auto parked = std::make_shared<sdbus::Result<Out...>>(std::move(result));
    auto run = [parked, method, action = std::move(action)] {
        try {
            if constexpr (std::is_invocable_v<Action&, sdbus::Result<Out...>&>) {
                action(*parked);  // answers by itself
            } else if constexpr (sizeof...(Out) == 0) {
                action();
                parked->returnResults();
            } else {
                parked->returnResults(action());
            }
        } catch (...) {
            answerError(*parked, translate(method));
        }
    };
    try {
        const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
        if (call == nullptr) {
            throw Error(Errc::NotAuthorized, std::string(method) + ": no caller to check");
        }
        authorizations_.authorize(*call, method, std::move(run), [parked](const Error& e) {
            answerError(*parked, dbus::toDbusError(e));
        });
    } catch (...) {
        answerError(*parked, translate(method));
    }
}

void ManagerObject::SetTarget(sdbus::Result<uint64_t>&& result, std::string domain,
                              std::string size) {
    whenAuthorized("SetTarget", std::move(result), [this, domain, size] {
        Balancer& b = daemon_.balancer();
        const DomId domid = resolveDomain(b.registry(), domain);
        const KiB target =
            b.memSet(domid, parseSizeArg(size, RelativeSizes::Allowed), Clock::now());
        BLOG(notice) << logattr::domid(domid) << logattr::kib("target", target)
                     << "target set over D-Bus to " << formatSize(target) << " (pinned)";
        changed_(domid);
        return b.require(domid).target.count();
    });
}

void ManagerObject::SetMax(sdbus::Result<uint64_t>&& result, std::string domain, std::string size) {
    whenAuthorized("SetMax", std::move(result), [this, domain, size] {
        Balancer& b = daemon_.balancer();
        const DomId domid = resolveDomain(b.registry(), domain);
        const KiB max = parseSize(size);
        b.setMax(domid, max);
        BLOG(notice) << logattr::domid(domid) << "max set over D-Bus to " << formatSize(max);
        changed_(domid);
        return b.require(domid).staticMax.count();
    });
}

void ManagerObject::Pin(sdbus::Result<>&& result, std::string domain) {
    whenAuthorized("Pin", std::move(result), [this, domain] {
        const DomId domid = resolveDomain(daemon_.balancer().registry(), domain);
        daemon_.balancer().pin(domid, true);
        changed_(domid);
    });
}

void ManagerObject::Release(sdbus::Result<>&& result, std::string domain) {
    whenAuthorized("Release", std::move(result), [this, domain] {
        Balancer& b = daemon_.balancer();
        const DomId domid = resolveDomain(b.registry(), domain);
        b.release(domid);
        changed_(domid);
    });
}

void ManagerObject::Reserve(sdbus::Result<std::string>&& result, std::string size,
                            uint32_t timeoutMs, uint32_t expirySeconds) {
    // The owner is the caller, whose message is no longer current when polkit answers.
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    const std::string owner = call != nullptr ? call->getSender() : std::string();
    whenAuthorized("Reserve", std::move(result),
                   [this, size, owner, timeoutMs, expirySeconds](sdbus::Result<std::string>& r) {
                       reserve(std::move(r), size, owner, timeoutMs, expirySeconds);
                   });
}

void ManagerObject::reserve(sdbus::Result<std::string>&& result, const std::string& size,
                            const std::string& owner, uint32_t timeoutMs, uint32_t expirySeconds) {
    try {
        const KiB amount = parseSize(size);
        const std::string id = daemon_.balancer().reserve(amount, owner, expirySeconds);
        watchOwner_(owner);
        BLOG(notice) << "reservation " << id << " of " << formatSize(amount) << " for " << owner;
        pending_.reserve(std::move(result), id, std::chrono::milliseconds(timeoutMs));
    } catch (...) {
        answerError(result, translate("Reserve"));
        return;
    }
    // The call is parked from here on: a round (now, to shrink the others at once, or a later
    // one) or its timer answers it.
    try {
        daemon_.roundNow();
        changed_(std::nullopt);
    } catch (...) {
        BLOG(error) << "round after a reservation failed: " << translate("Reserve").getMessage();
    }
}

void ManagerObject::TransferReservation(sdbus::Result<>&& result, std::string id, uint32_t domid) {
    whenAuthorized("TransferReservation", std::move(result), [this, id, domid] {
        if (domid >= kFirstReservedDomId) {
            throw Error(Errc::InvalidArgument, "domid " + std::to_string(domid) +
                                                   " is not a domain's id (ids stop at " +
                                                   std::to_string(kFirstReservedDomId - 1) + ")");
        }
        daemon_.balancer().reservations().transfer(id, static_cast<DomId>(domid));
        changed_(std::nullopt);
    });
}

void ManagerObject::ReleaseReservation(sdbus::Result<>&& result, std::string id) {
    whenAuthorized("ReleaseReservation", std::move(result), [this, id] {
        daemon_.balancer().reservations().release(id);
        changed_(std::nullopt);
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

void ManagerObject::Rebalance(sdbus::Result<uint32_t>&& result) {
    whenAuthorized("Rebalance", std::move(result), [this] {
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

void ManagerObject::SetPolicy(sdbus::Result<>&& result, std::string policy) {
    whenAuthorized("SetPolicy", std::move(result), [this, policy] {
        Config config = daemon_.balancer().config();
        config.policy.kind = parsePolicy(policy);
        daemon_.balancer().reconfigure(std::move(config));
        BLOG(notice) << "policy set over D-Bus to " << policy << " (until the next reload)";
        changed_(std::nullopt);
    });
}

void ManagerObject::WaitForTarget(sdbus::Result<uint64_t, std::string>&& result, std::string domain,
                                  uint32_t timeoutMs) {
    try {
        const DomId domid = resolveDomain(daemon_.balancer().registry(), domain);
        pending_.waitForTarget(std::move(result), domid, std::chrono::milliseconds(timeoutMs));
    } catch (...) {
        answerError(result, translate("WaitForTarget"));
    }
}

}  // namespace balloon::daemon
