// XenStoreClient over libxenstore. Watch events reach the caller through one epoll fd that
// combines libxenstore's watch pipe with our own queue, so events set aside while draining a
// registration event still wake the caller's event loop.
#include "xenstore_client.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "xenstore_handle.h"

namespace balloon::xen {

namespace {

using Clock = std::chrono::steady_clock;

// xenstored answers the registration event right after the watch reply; if it has not arrived
// within this, the connection is broken.
constexpr auto kRegistrationEventTimeout = std::chrono::seconds(5);
// Conflicts come from concurrent writers (the daemon vs a toolstack), which finish quickly.
constexpr int kTransactionAttempts = 10;
constexpr auto kFirstBackoff = std::chrono::milliseconds(1);
constexpr auto kMaxBackoff = std::chrono::milliseconds(64);

struct FreeDeleter {
    void operator()(void* block) const { std::free(block); }
};

std::string currentSocketPath() {
    const char* env = std::getenv("XENSTORED_PATH");
    return env != nullptr ? env : "";
}

std::string checkedToken(std::string_view token, std::string_view path) {
    if (token.find('\0') != std::string_view::npos) {
        throw XenStoreError(EINVAL, "xenstore watch (token contains NUL)", path);
    }
    return std::string{token};
}

}  // namespace

void detail::HandleCloser::operator()(xs_handle* handle) const {
    xs_close(handle);
}

XenStoreClient::XenStoreClient()
    : pendingFd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      pollFd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!pendingFd_.valid() || !pollFd_.valid()) {
        throw XenStoreError(errno, "creating the watch notification fds", "");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = pendingFd_.get();
    if (::epoll_ctl(pollFd_.get(), EPOLL_CTL_ADD, pendingFd_.get(), &event) != 0) {
        throw XenStoreError(errno, "registering the watch queue fd", "");
    }
    connect();
}

XenStoreClient::~XenStoreClient() = default;

std::unique_ptr<XenStoreClient> XenStoreClient::open() {
    return std::unique_ptr<XenStoreClient>(new XenStoreClient());
}

void XenStoreClient::connect() {
    readLanes_.clear();
    socketPath_ = currentSocketPath();
    decltype(handle_) fresh{xs_open(XS_UNWATCH_FILTER)};
    if (!fresh) {
        const std::string shown = socketPath_.empty() ? "<unset>" : socketPath_;
        throw XenStoreError(
            errno,
            "cannot connect to xenstored (is xenstored running? XENSTORED_PATH=" + shown + ")", "");
    }
    // xs_fileno creates libxenstore's watch pipe; it must exist before the first watch.
    const int libraryFd = xs_fileno(fresh.get());
    if (libraryFd < 0) {
        throw XenStoreError(errno, "xenstore watch pipe", "");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = libraryFd;
    if (::epoll_ctl(pollFd_.get(), EPOLL_CTL_ADD, libraryFd, &event) != 0) {
        throw XenStoreError(errno, "registering the xenstore watch pipe", "");
    }
    handle_ = std::move(fresh);
}

std::optional<std::string> XenStoreClient::read(std::string_view path) {
    return detail::NodeOps(handle_.get(), XBT_NULL).read(path);
}

namespace {
// Connections readMany keeps requests in flight on; fewer paths than kParallelFrom are read on
// the main connection, one after another.
constexpr std::size_t kReadLanes = 8;
constexpr std::size_t kParallelFrom = 4;
}  // namespace

bool XenStoreClient::openReadLanes() {
    // Opened once, by whichever thread reads or writes many first (balloond's report reads run
    // on a thread of their own); never changed after.
    const std::scoped_lock lock(lanesMutex_);
    if (!readLanes_.empty()) {
        return true;
    }
    // libxenstore connects where XENSTORED_PATH says now: only where the main connection went.
    if (currentSocketPath() != socketPath_) {
        return false;
    }
    for (std::size_t i = 0; i < kReadLanes; ++i) {
        decltype(handle_) lane{xs_open(0)};
        if (!lane) {
            readLanes_.clear();
            return false;  // read on the main connection instead
        }
        readLanes_.push_back(std::move(lane));
    }
    return true;
}

void XenStoreClient::onLanes(std::size_t count,
                             const std::function<void(xs_handle*, std::size_t)>& op) {
    const std::size_t lanes = std::min(readLanes_.size(), count);
    std::vector<std::exception_ptr> errors(lanes);
    {
        std::vector<std::jthread> threads;
        threads.reserve(lanes);
        for (std::size_t lane = 0; lane < lanes; ++lane) {
            threads.emplace_back([&, lane] {
                try {
                    for (std::size_t i = lane; i < count; i += lanes) {
                        op(readLanes_[lane].get(), i);
                    }
                } catch (...) {
                    errors[lane] = std::current_exception();
                }
            });
        }
    }  // joined
    for (const std::exception_ptr& error : errors) {
        if (error) {
            std::rethrow_exception(error);
        }
    }
}

std::vector<std::optional<std::string>> XenStoreClient::readMany(
    std::span<const std::string> paths) {
    if (paths.size() < kParallelFrom || !openReadLanes()) {
        return XenStore::readMany(paths);
    }
    std::vector<std::optional<std::string>> values(paths.size());
    onLanes(paths.size(), [&](xs_handle* lane, std::size_t i) {
        values[i] = detail::NodeOps(lane, XBT_NULL).read(paths[i]);
    });
    return values;
}

void XenStoreClient::writeMany(std::span<const NodeWrite> writes) {
    if (writes.size() < 2 || !openReadLanes()) {
        XenStore::writeMany(writes);
        return;
    }
    onLanes(writes.size(), [&](xs_handle* lane, std::size_t i) {
        detail::NodeOps(lane, XBT_NULL).write(writes[i].path, writes[i].value);
    });
}

void XenStoreClient::write(std::string_view path, std::string_view value) {
    detail::NodeOps(handle_.get(), XBT_NULL).write(path, value);
}

void XenStoreClient::remove(std::string_view path) {
    detail::NodeOps(handle_.get(), XBT_NULL).remove(path);
}

std::vector<std::string> XenStoreClient::directory(std::string_view path) {
    return detail::NodeOps(handle_.get(), XBT_NULL).directory(path);
}

void XenStoreClient::mkdir(std::string_view path) {
    detail::NodeOps(handle_.get(), XBT_NULL).mkdir(path);
}

void XenStoreClient::setPermissions(std::string_view path, std::span<const Permission> perms) {
    detail::NodeOps(handle_.get(), XBT_NULL).setPermissions(path, perms);
}

void XenStoreClient::transact(const std::function<void(XenStoreOps&)>& body) {
    auto backoff = kFirstBackoff;
    for (int attempt = 1;; ++attempt) {
        const xs_transaction_t txn = xs_transaction_start(handle_.get());
        if (txn == XBT_NULL) {
            throw XenStoreError(errno, "xenstore transaction start", "");
        }
        bool conflicted = false;
        try {
            detail::NodeOps ops(handle_.get(), txn);
            body(ops);
        } catch (const XenStoreError& error) {
            xs_transaction_end(handle_.get(), txn, true);
            if (error.code().value() != EAGAIN) {
                throw;
            }
            conflicted = true;
        } catch (...) {
            xs_transaction_end(handle_.get(), txn, true);
            throw;
        }
        if (!conflicted) {
            if (xs_transaction_end(handle_.get(), txn, false)) {
                return;
            }
            if (errno != EAGAIN) {
                throw XenStoreError(errno, "xenstore transaction commit", "");
            }
        }
        if (attempt == kTransactionAttempts) {
            throw XenStoreError(EAGAIN,
                                "xenstore transaction still conflicting after " +
                                    std::to_string(kTransactionAttempts) +
                                    " attempts (another writer keeps changing the same nodes)",
                                "");
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
    }
}

void XenStoreClient::watch(std::string_view path, std::string_view token) {
    const std::string node = detail::checkedPath(path, "xenstore watch");
    const std::string tag = checkedToken(token, path);
    if (!xs_watch(handle_.get(), node.c_str(), tag.c_str())) {
        throw XenStoreError(errno, "xenstore watch", path);
    }
    drainRegistrationEvent(node, tag);
}

void XenStoreClient::unwatch(std::string_view path, std::string_view token) {
    const std::string node = detail::checkedPath(path, "xenstore unwatch");
    const std::string tag = checkedToken(token, path);
    // libxenstore's unwatch filter drops this watch's queued events without freeing them: take
    // them out first (they are dropped from our queue below).
    pullLibraryEvents();
    if (!xs_unwatch(handle_.get(), node.c_str(), tag.c_str()) && errno != ENOENT) {
        throw XenStoreError(errno, "xenstore unwatch", path);
    }
    // XS_UNWATCH_FILTER cleans libxenstore's queue; ours needs the same.
    std::erase_if(pending_, [&](const WatchEvent& e) {
        return e.token == tag && xs_path_is_subpath(node.c_str(), e.path.c_str());
    });
}

// Takes events out of libxenstore until this watch's registration event shows up; any other
// event met on the way is a real change and is queued for takeWatchEvents().
void XenStoreClient::drainRegistrationEvent(const std::string& path, const std::string& token) {
    const auto deadline = Clock::now() + kRegistrationEventTimeout;
    for (;;) {
        std::unique_ptr<char*, FreeDeleter> event{xs_check_watch(handle_.get())};
        if (event) {
            std::string eventPath = event.get()[XS_WATCH_PATH];
            std::string eventToken = event.get()[XS_WATCH_TOKEN];
            if (eventPath == path && eventToken == token) {
                return;
            }
            pending_.push_back({std::move(eventPath), std::move(eventToken)});
            signalPending();
            continue;
        }
        if (errno != EAGAIN) {
            throw XenStoreError(errno, "xenstore watch (waiting for its first event)", path);
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            throw XenStoreError(ETIMEDOUT, "xenstore watch (xenstored never sent its first event)",
                                path);
        }
        pollfd pfd{xs_fileno(handle_.get()), POLLIN, 0};
        ::poll(&pfd, 1, static_cast<int>(left.count()));
    }
}

void XenStoreClient::signalPending() {
    const std::uint64_t one = 1;
    // An eventfd write only fails on counter overflow, which a boolean flag never reaches.
    [[maybe_unused]] const auto written = ::write(pendingFd_.get(), &one, sizeof one);
}

void XenStoreClient::pullLibraryEvents() {
    for (;;) {
        std::unique_ptr<char*, FreeDeleter> event{xs_check_watch(handle_.get())};
        if (!event) {
            if (errno != EAGAIN) {
                // xenstored restarted or gone: the connection cannot be resumed, its watches
                // are lost. The caller exits; a supervisor (balloond.service) starts it again.
                throw XenStoreError(errno,
                                    "xenstore connection lost (was xenstored restarted?); "
                                    "start again once it runs. Reading watch events",
                                    "");
            }
            return;
        }
        pending_.push_back({event.get()[XS_WATCH_PATH], event.get()[XS_WATCH_TOKEN]});
    }
}

std::vector<WatchEvent> XenStoreClient::takeWatchEvents() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto drained = ::read(pendingFd_.get(), &count, sizeof count);
    pullLibraryEvents();
    std::vector<WatchEvent> events(std::make_move_iterator(pending_.begin()),
                                   std::make_move_iterator(pending_.end()));
    pending_.clear();
    return events;
}

std::string XenStoreClient::domainPath(DomId domid) {
    std::unique_ptr<char, FreeDeleter> path{xs_get_domain_path(handle_.get(), domid)};
    if (!path) {
        throw XenStoreError(errno, "xenstore get-domain-path for domain " + std::to_string(domid),
                            "");
    }
    return path.get();
}

void XenStoreClient::introduceDomain(DomId domid, std::uint64_t mfn,
                                     std::uint32_t eventChannelPort) {
    if (!xs_introduce_domain(handle_.get(), domid, mfn, eventChannelPort)) {
        throw XenStoreError(errno, "xenstore introduce of domain " + std::to_string(domid),
                            domainPath(domid));
    }
}

void XenStoreClient::releaseDomain(DomId domid) {
    if (!xs_release_domain(handle_.get(), domid)) {
        throw XenStoreError(errno, "xenstore release of domain " + std::to_string(domid), "");
    }
}

bool XenStoreClient::isDomainIntroduced(DomId domid) {
    // libxenstore answers false both for "no" and for a failed request; errno tells them apart.
    errno = 0;
    const bool introduced = xs_is_domain_introduced(handle_.get(), domid);
    if (!introduced && errno != 0) {
        throw XenStoreError(
            errno, "xenstore is-domain-introduced for domain " + std::to_string(domid), "");
    }
    return introduced;
}

}  // namespace balloon::xen
