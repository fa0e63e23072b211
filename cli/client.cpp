#include "client.h"

#include <algorithm>
#include <array>
#include <csignal>
#include <map>

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "domain_match.h"
#include "names.h"

namespace balloon::cli {
namespace {

using Properties = std::map<std::string, sdbus::Variant>;

template <class T>
T get(const Properties& props, const char* name, T fallback = {}) {
    const auto it = props.find(name);
    return it == props.end() ? fallback : it->second.get<T>();
}

DomainView domainOf(const Properties& p) {
    DomainView d;
    d.id = get<std::uint16_t>(p, "Id");
    d.name = get<std::string>(p, "Name");
    d.uuid = get<std::string>(p, "Uuid");
    d.type = get<std::string>(p, "Type");
    d.targetKiB = get<std::uint64_t>(p, "TargetKiB");
    d.actualKiB = get<std::uint64_t>(p, "ActualKiB");
    d.minKiB = get<std::uint64_t>(p, "MinKiB");
    d.maxKiB = get<std::uint64_t>(p, "MaxKiB");
    d.staticMaxKiB = get<std::uint64_t>(p, "StaticMaxKiB");
    d.weight = get<std::uint32_t>(p, "Weight");
    d.pinned = get<bool>(p, "Pinned");
    d.excluded = get<bool>(p, "Excluded");
    d.state = get<std::string>(p, "State");
    d.reason = get<std::string>(p, "Reason");
    if (p.contains("LastReport")) {
        const auto report =
            get<sdbus::Struct<std::string, std::int64_t, std::uint64_t, std::uint64_t>>(
                p, "LastReport");
        d.reportSource = report.get<0>();
        d.reportAgeSeconds = report.get<1>();
        d.reportUsedKiB = report.get<2>();
        d.reportAvailableKiB = report.get<3>();
    }
    return d;
}

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

Client::Client(const std::optional<std::string>& address)
    : connection_(address ? sdbus::createSessionBusConnectionWithAddress(*address)
                          : sdbus::createSystemBusConnection()),
      manager_(std::make_unique<ManagerProxy>(*connection_)) {}

void Client::allowCallsOf(std::chrono::milliseconds duration) {
    const auto withMargin = duration + std::chrono::seconds(10);
    connection_->setMethodCallTimeout(std::max<std::chrono::microseconds>(
        withMargin, std::chrono::microseconds(connection_->getMethodCallTimeout())));
}

HostView Client::host() {
    Properties p;
    manager_->raw()
        .callMethod("GetAll")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(std::string(dbus::kManagerInterface))
        .storeResultsTo(p);
    HostView h;
    h.totalKiB = get<std::uint64_t>(p, "HostTotalKiB");
    h.freeKiB = get<std::uint64_t>(p, "HostFreeKiB");
    h.slushKiB = get<std::uint64_t>(p, "SlushKiB");
    h.reservedKiB = get<std::uint64_t>(p, "ReservedKiB");
    h.policy = get<std::string>(p, "Policy");
    h.rebalances = get<std::uint64_t>(p, "Rebalances");
    return h;
}

std::vector<DomainView> Client::domains() {
    std::map<sdbus::ObjectPath, std::map<std::string, Properties>> objects;
    manager_->raw()
        .callMethod("GetManagedObjects")
        .onInterface("org.freedesktop.DBus.ObjectManager")
        .storeResultsTo(objects);
    std::vector<DomainView> result;
    for (const auto& [path, interfaces] : objects) {
        const auto it = interfaces.find(std::string(dbus::kDomainInterface));
        if (it != interfaces.end()) {
            result.push_back(domainOf(it->second));
        }
    }
    std::sort(result.begin(), result.end(),
              [](const DomainView& a, const DomainView& b) { return a.id < b.id; });
    return result;
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

bool Client::follow(const std::function<void()>& settled, const std::function<bool()>& done) {
    const SignalFd signals;
    bool dirty = true;
    auto slot =
        connection_->addMatch("type='signal',sender='" + std::string(dbus::kBusName) +
                                  "',path_namespace='" + std::string(dbus::kManagerPath) + "'",
                              [&](sdbus::Message&) { dirty = true; });
    while (true) {
        while (connection_->processPendingRequest()) {
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
