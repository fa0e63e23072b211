#include "dbus_service.h"

#include <poll.h>

#include "log.h"
#include "names.h"

namespace balloon::daemon {
namespace {

// Messages handled per loop iteration before other sources get their turn.
constexpr int kMaxBatch = 64;

std::string ownerGoneRule(const std::string& owner) {
    return "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
           "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" +
           owner + "'";
}

}  // namespace

std::unique_ptr<sdbus::IConnection> connectBus(const std::optional<std::string>& address) {
    try {
        return address ? sdbus::createSessionBusConnectionWithAddress(*address)
                       : sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
        throw std::runtime_error(
            "cannot connect to " + (address ? "the D-Bus at " + *address : "the system bus") +
            ": " + e.getMessage() +
            (address ? "; check --bus-address"
                     : "; is dbus-daemon running? (balloond --no-bus runs without the API)"));
    }
}

BusService::BusService(Daemon& daemon, std::unique_ptr<sdbus::IConnection> connection,
                       const BusOptions& options)
    : daemon_(daemon),
      connection_(std::move(connection)),
      pending_(daemon),
      authorizations_(makeAuthorizer(options)) {
    manager_ = std::make_unique<ManagerObject>(
        *connection_, daemon_, authorizations_, pending_,
        [this](std::optional<DomId> changed) { syncObjects(changed); },
        [this](const std::string& owner) { watchOwner(owner); });
    syncObjects();
    // Reservations a previous run left behind end with their clients too, if those are gone.
    auto& store = daemon_.balancer().reservations();
    for (const auto& r : store.active()) {
        const StoredReservation* stored = store.find(r.id);
        if (stored != nullptr && !r.domid) {
            watchOwner(stored->owner);
        }
    }
    roundObserver_ =
        daemon_.addRoundObserver([this](const RoundSummary& summary) { onRound(summary); });
    daemon_.setReloadObserver([this](const Config& next) { setAdminGroup(next.dbus.adminGroup); });
    busFd_ = connection_->getEventLoopPollData().fd;
    daemon_.loop().watchFd(busFd_, [this] { drain(); });
    daemon_.loop().setPrepareHook([this] { return drain(); });
    try {
        connection_->requestName(std::string(dbus::kBusName));
    } catch (const sdbus::Error& e) {
        throw std::runtime_error(
            "the bus refused balloond the name " + std::string(dbus::kBusName) + ": " +
            e.getMessage() +
            "; run balloond as root, with org.balloond.Balloon1.conf installed in "
            "/usr/share/dbus-1/system.d (then reload dbus)");
    }
    BLOG(notice) << "serving " << dbus::kBusName << " on "
                 << (options.address ? *options.address : std::string("the system bus"));
}

BusService::~BusService() {
    daemon_.removeRoundObserver(roundObserver_);
    daemon_.setReloadObserver({});
    daemon_.loop().setPrepareHook({});
    daemon_.loop().unwatchFd(busFd_);
    domains_.clear();
    manager_.reset();
}

Authorizer BusService::makeAuthorizer(const BusOptions& options) const {
    if (options.adminGroup.empty()) {
        return Authorizer{};
    }
    const auto gid = lookupGroup(options.adminGroup);
    if (!gid) {
        BLOG(warning) << "admin group \"" << options.adminGroup
                      << "\" does not exist: only root may change things over D-Bus";
        return Authorizer{};
    }
    return Authorizer{*gid, options.adminGroup};
}

void BusService::setAdminGroup(const std::string& group) {
    authorizations_.setAuthorizer(makeAuthorizer(BusOptions{std::nullopt, group}));
}

void BusService::onRound(const RoundSummary& summary) {
    lastPlan_ = summary.plan;
    try {
        syncObjects();
        pending_.onRound(summary);
    } catch (const sdbus::Error& e) {
        BLOG(warning) << "D-Bus update after the round failed: " << e.getMessage();
    }
}

void BusService::syncObjects(std::optional<DomId> changed) {
    if (!changed) {
        syncObjects();
        return;
    }
    const auto& records = daemon_.balancer().registry().records();
    const auto record = records.find(*changed);
    const auto object = domains_.find(*changed);
    if (record == records.end() || object == domains_.end() ||
        record->second.generation != object->second->generation()) {
        syncObjects();  // the domain came or went meanwhile
        return;
    }
    const auto now = Clock::now();
    object->second->update(
        viewOf(record->second, lastPlan_.find(*changed), daemon_.balancer().config(), now), now);
    manager_->refresh();
}

void BusService::syncObjects() {
    auto& records = daemon_.balancer().registry().records();
    // A vanished domain, or a new one that reused its domid, takes its object with it.
    std::erase_if(domains_, [&](const auto& entry) {
        const auto it = records.find(entry.first);
        return it == records.end() || it->second.generation != entry.second->generation();
    });
    const auto now = Clock::now();
    const Config& config = daemon_.balancer().config();
    for (const auto& [domid, record] : records) {
        DomainView view = viewOf(record, lastPlan_.find(domid), config, now);
        const auto it = domains_.find(domid);
        if (it == domains_.end()) {
            domains_.emplace(domid, std::make_unique<DomainObject>(*connection_, record.generation,
                                                                   std::move(view)));
        } else {
            it->second->update(std::move(view), now);
        }
    }
    manager_->refresh();
}

void BusService::watchOwner(const std::string& owner) {
    if (owner.empty() || ownerWatches_.contains(owner)) {
        return;
    }
    ownerWatches_.emplace(
        owner, connection_->addMatch(ownerGoneRule(owner), [this](sdbus::Message& message) {
            std::string name;
            std::string oldOwner;
            std::string newOwner;
            message >> name >> oldOwner >> newOwner;
            if (newOwner.empty()) {
                onOwnerGone(name);
            }
        }));
    // The client may have left before the match was in place.
    bool present = false;
    auto bus = sdbus::createProxy(*connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    bus->callMethod("NameHasOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(owner)
        .storeResultsTo(present);
    if (!present) {
        onOwnerGone(owner);
    }
}

void BusService::onOwnerGone(const std::string& owner) {
    const std::size_t released = daemon_.balancer().reservations().releaseOwnedBy(owner);
    if (released > 0) {
        BLOG(notice) << owner << " left the bus: released " << released << " reservation"
                     << (released == 1 ? "" : "s");
        syncObjects();
    }
    goneOwners_.insert(owner);
}

std::optional<EventLoop::Clock::duration> BusService::drain() {
    bool more = false;
    try {
        int handled = 0;
        while ((more = connection_->processPendingRequest()) && ++handled < kMaxBatch) {
        }
    } catch (const sdbus::Error& e) {
        BLOG(error) << "lost the D-Bus connection (" << e.getMessage()
                    << "); exiting so that the service manager restarts balloond";
        daemon_.loop().stop();
        throw sdbus::Error(e.getName(), "D-Bus connection lost: " + e.getMessage());
    }
    for (const std::string& owner : goneOwners_) {
        ownerWatches_.erase(owner);
    }
    goneOwners_.clear();
    if (more) {
        return EventLoop::Clock::duration::zero();
    }
    const auto poll = connection_->getEventLoopPollData();
    if ((poll.events & POLLOUT) != 0) {
        // Replies are queued behind a full socket: come back soon to write them.
        return std::chrono::milliseconds(1);
    }
    const auto timeout = poll.getRelativeTimeout();
    if (!timeout) {
        return std::nullopt;
    }
    return std::chrono::duration_cast<EventLoop::Clock::duration>(*timeout);
}

}  // namespace balloon::daemon
