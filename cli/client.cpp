#include "client.h"

#include <algorithm>
#include <array>
#include <csignal>
#include <functional>
#include <map>

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "balloon1_property_names.h"
#include "domain_match.h"
#include "names.h"

namespace balloon::cli {
namespace {

using Properties = std::map<std::string, sdbus::Variant>;

// Sets `out` from the property when the map holds it; leaves it as it was otherwise.
template <class T>
void take(const Properties& props, std::string_view name, T& out) {
    const auto it = props.find(std::string(name));
    if (it != props.end()) {
        out = it->second.get<T>();
    }
}

// One property's value straight from the message, when it has the type the contract gives it;
// anything else is read past and leaves `out` at its default.
template <class T>
void readVariant(sdbus::Message& m, T& out) {
    std::string type;
    std::string contents;
    m.peekType(type, contents);
    if (contents != sdbus::signature_of<T>::str()) {
        sdbus::Variant other;
        m >> other;
        return;
    }
    m.enterVariant(contents);
    m >> out;
    m.exitVariant();
}

// Calls `entry` with the message at each entry of the dictionary (a{...}) it is at, then leaves
// the dictionary.
void forEachEntry(sdbus::Message& m, const std::string& entrySignature,
                  const std::function<void()>& entry) {
    m.enterContainer("{" + entrySignature + "}");
    while (m.enterDictEntry(entrySignature)) {
        entry();
        m.exitDictEntry();
    }
    m.clearFlags();
    m.exitContainer();
}

}  // namespace

// A domain's properties ({sv}) read field by field: GetManagedObjects at 1,000 domains holds
// 25,000 of them, and an sdbus::Variant for each (a message of its own) cost balloonctl 30-50 ms
// of CPU (docs/benchmarks.md).
void readDomainInto(sdbus::Message& m, DomainView& d) {
    namespace property = dbus::properties::domain;
    sdbus::Struct<std::string, std::int64_t, std::uint64_t, std::uint64_t> report;
    forEachEntry(m, "sv", [&] {
        std::string name;
        m >> name;
        if (name == property::kId) {
            readVariant(m, d.id);
        } else if (name == property::kName) {
            readVariant(m, d.name);
        } else if (name == property::kUuid) {
            readVariant(m, d.uuid);
        } else if (name == property::kType) {
            readVariant(m, d.type);
        } else if (name == property::kTargetKiB) {
            readVariant(m, d.targetKiB);
        } else if (name == property::kActualKiB) {
            readVariant(m, d.actualKiB);
        } else if (name == property::kMinKiB) {
            readVariant(m, d.minKiB);
        } else if (name == property::kMaxKiB) {
            readVariant(m, d.maxKiB);
        } else if (name == property::kStaticMaxKiB) {
            readVariant(m, d.staticMaxKiB);
        } else if (name == property::kPodEntriesKiB) {
            readVariant(m, d.podEntriesKiB);
        } else if (name == property::kPodCacheKiB) {
            readVariant(m, d.podCacheKiB);
        } else if (name == property::kWeight) {
            readVariant(m, d.weight);
        } else if (name == property::kPinned) {
            readVariant(m, d.pinned);
        } else if (name == property::kExcluded) {
            readVariant(m, d.excluded);
        } else if (name == property::kState) {
            readVariant(m, d.state);
        } else if (name == property::kReason) {
            readVariant(m, d.reason);
        } else if (name == property::kLastReport) {
            readVariant(m, report);
            d.reportSource = report.get<0>();
            d.reportAgeSeconds = report.get<1>();
            d.reportUsedKiB = report.get<2>();
            d.reportAvailableKiB = report.get<3>();
        } else {
            sdbus::Variant other;  // a property this balloonctl does not know
            m >> other;
        }
    });
}

std::optional<DomainView> readObject(sdbus::Message& m) {
    std::optional<DomainView> domain;
    forEachEntry(m, "sa{sv}", [&] {
        std::string interface;
        m >> interface;
        if (interface == dbus::kDomainInterface) {
            readDomainInto(m, domain.emplace());
        } else {
            Properties other;
            m >> other;
        }
    });
    return domain;
}

std::vector<DomainView> readManagedObjects(sdbus::Message& reply) {
    std::vector<DomainView> result;
    forEachEntry(reply, "oa{sa{sv}}", [&] {
        sdbus::ObjectPath path;
        reply >> path;
        if (auto domain = readObject(reply)) {
            result.push_back(std::move(*domain));
        }
    });
    std::sort(result.begin(), result.end(),
              [](const DomainView& a, const DomainView& b) { return a.id < b.id; });
    return result;
}

void applyManagerProperties(const std::map<std::string, sdbus::Variant>& p, ManagerView& h) {
    namespace property = dbus::properties::manager;
    take(p, property::kHostTotalKiB, h.hostTotalKiB);
    take(p, property::kHostFreeKiB, h.hostFreeKiB);
    take(p, property::kSlushKiB, h.slushKiB);
    take(p, property::kReservedKiB, h.reservedKiB);
    take(p, property::kPolicy, h.policy);
    take(p, property::kRebalances, h.rebalances);
}

namespace {

// SIGINT and SIGTERM as a readable fd, so that waiting on the bus ends cleanly on Ctrl-C. They
// stay blocked afterwards: balloonctl only has its summary left to print once a wait ends, and a
// Ctrl-C arriving then (say, just after a reservation was transferred) must not turn a finished
// command into one killed by a signal.
class SignalFd {
public:
    SignalFd() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        sigprocmask(SIG_BLOCK, &set_, nullptr);
        fd_ = signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
    }
    ~SignalFd() {
        if (fd_ >= 0) {
            close(fd_);
        }
    }
    SignalFd(const SignalFd&) = delete;
    SignalFd& operator=(const SignalFd&) = delete;
    SignalFd(SignalFd&&) = delete;
    SignalFd& operator=(SignalFd&&) = delete;
    [[nodiscard]] int fd() const { return fd_; }

private:
    sigset_t set_{};
    int fd_ = -1;
};

}  // namespace

ManagerProxy::ManagerProxy(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, std::string(dbus::kBusName), std::string(dbus::kManagerPath)) {
    registerProxy();
}

ManagerProxy::~ManagerProxy() {
    unregisterProxy();
}

sdbus::MethodReply ManagerProxy::managedObjectsReply() {
    return getProxy().callMethod(
        getProxy().createMethodCall("org.freedesktop.DBus.ObjectManager", "GetManagedObjects"));
}

sdbus::PendingAsyncCall ManagerProxy::managedObjectsAsync(sdbus::async_reply_handler onReply) {
    return getProxy().callMethod(
        getProxy().createMethodCall("org.freedesktop.DBus.ObjectManager", "GetManagedObjects"),
        std::move(onReply));
}

sdbus::PendingAsyncCall ManagerProxy::managerPropertiesAsync(sdbus::async_reply_handler onReply) {
    auto call = getProxy().createMethodCall("org.freedesktop.DBus.Properties", "GetAll");
    call << std::string(dbus::kManagerInterface);
    return getProxy().callMethod(call, std::move(onReply));
}

Client::Client(const std::optional<std::string>& address)
    : connection_(address ? sdbus::createSessionBusConnectionWithAddress(*address)
                          : sdbus::createSystemBusConnection()),
      manager_(std::make_unique<ManagerProxy>(*connection_)) {}

void Client::allowCallsOf(std::chrono::milliseconds duration) {
    const auto withMargin = duration + std::chrono::seconds(10);
    connection_->setMethodCallTimeout(std::max<std::chrono::microseconds>(
        withMargin, std::chrono::microseconds(connection_->getMethodCallTimeout())));
}

ManagerView Client::host() {
    ManagerView h;
    applyManagerProperties(manager_->GetAll(std::string(dbus::kManagerInterface)), h);
    return h;
}

std::vector<DomainView> Client::domains() {
    sdbus::MethodReply reply = manager_->managedObjectsReply();
    return readManagedObjects(reply);
}

DomainView Client::domain(const std::string& text) {
    auto all = domains();
    std::vector<dbus::DomainIdentity> identities;
    identities.reserve(all.size());
    for (const auto& d : all) {
        identities.push_back({d.id, d.name, d.uuid});
    }
    const DomId domid = dbus::matchDomain(text, identities);
    return *std::find_if(all.begin(), all.end(),
                         [&](const DomainView& d) { return d.id == domid; });
}

std::vector<PlanEntry> Client::plan() {
    std::vector<PlanEntry> result;
    for (const auto& p : manager_->GetPlan()) {
        result.push_back({p.get<0>(), p.get<1>(), p.get<2>(), p.get<3>(), p.get<4>(), p.get<5>()});
    }
    return result;
}

std::vector<ReservationView> Client::reservations() {
    std::vector<ReservationView> result;
    for (const auto& r : manager_->ListReservations()) {
        ReservationView v{r.get<0>(), r.get<1>(), std::nullopt, r.get<3>(), std::nullopt};
        // ListReservations: domid -1 before the transfer, expiry 0 for never.
        if (r.get<2>() >= 0 && r.get<2>() < kFirstReservedDomId) {
            v.domid = static_cast<DomId>(r.get<2>());
        }
        if (r.get<4>() != 0) {
            v.expiresUnixSeconds = static_cast<std::int64_t>(r.get<4>());
        }
        result.push_back(std::move(v));
    }
    return result;
}

bool Client::follow(const std::function<void()>& settled, const std::function<bool()>& done,
                    const std::function<void(sdbus::Message&)>& onSignal) {
    const SignalFd signals;
    bool dirty = true;
    auto slot =
        connection_->addMatch("type='signal',sender='" + std::string(dbus::kBusName) +
                                  "',path_namespace='" + std::string(dbus::kManagerPath) + "'",
                              [&](sdbus::Message& signal) {
                                  if (onSignal) {
                                      onSignal(signal);
                                  }
                              });
    while (true) {
        // A signal, or the answer to an asynchronous call made in `settled`.
        while (connection_->processPendingRequest()) {
            dirty = true;
        }
        if (dirty) {
            dirty = false;
            settled();
        }
        if (done()) {
            return true;
        }
        const auto poll = connection_->getEventLoopPollData();
        std::array<pollfd, 2> fds{
            {{poll.fd, static_cast<short>(poll.events), 0}, {signals.fd(), POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), poll.getPollTimeout()) < 0 && errno != EINTR) {
            return false;
        }
        if ((fds[1].revents & POLLIN) != 0) {
            // Consume it, so that it is not still pending when balloonctl exits.
            signalfd_siginfo info{};
            (void)!read(signals.fd(), &info, sizeof info);
            return false;
        }
    }
}

}  // namespace balloon::cli
