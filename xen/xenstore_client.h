// XenStoreClient: the Xenstore port over libxenstore, talking to a real xenstored (the socket
// named by XENSTORED_PATH, or the system default). Also the privileged extras the simulated host
// needs: introducing and releasing domains.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "owned_fd.h"
#include "xenstore_port.h"

struct xs_handle;

namespace balloon::xen {

namespace detail {
struct HandleCloser {
    void operator()(xs_handle* handle) const;
};
}  // namespace detail

class XenStoreClient final : public XenStore {
public:
    // Connects with libxenstore's rules (XENSTORED_PATH, else the system socket or device).
    // Throws XenStoreError "cannot connect to xenstored ..." when nothing answers.
    static std::unique_ptr<XenStoreClient> open();
    ~XenStoreClient() override;
    XenStoreClient(const XenStoreClient&) = delete;
    XenStoreClient& operator=(const XenStoreClient&) = delete;
    XenStoreClient(XenStoreClient&&) = delete;
    XenStoreClient& operator=(XenStoreClient&&) = delete;

    std::optional<std::string> read(std::string_view path) override;
    void write(std::string_view path, std::string_view value) override;
    void remove(std::string_view path) override;
    std::vector<std::string> directory(std::string_view path) override;
    void mkdir(std::string_view path) override;
    void setPermissions(std::string_view path, std::span<const Permission> perms) override;

    void transact(const std::function<void(XenStoreOps&)>& body) override;

    void watch(std::string_view path, std::string_view token) override;
    void unwatch(std::string_view path, std::string_view token) override;
    [[nodiscard]] int watchFd() const override { return pollFd_.get(); }
    std::vector<WatchEvent> takeWatchEvents() override;

    std::string domainPath(DomId domid) override;

    // Several requests in flight at once, on connections of its own (kReadLanes of them, opened
    // on first use): xenstored serves one request per connection per pass over all of them, so
    // on a host with many guest connections one synchronous read waits a whole pass.
    std::vector<std::optional<std::string>> readMany(std::span<const std::string> paths) override;
    // The same lanes, from two writes up: an admin's target and its bookkeeping in one round trip.
    void writeMany(std::span<const NodeWrite> writes) override;

    // Privileged: tells xenstored that domid exists with its ring (granted page) and event
    // channel port, which fires @introduceDomain. mfn is ignored by current xenstored.
    void introduceDomain(DomId domid, std::uint64_t mfn, std::uint32_t eventChannelPort);
    // Drops the domain's connection and fires @releaseDomain.
    void releaseDomain(DomId domid);
    bool isDomainIntroduced(DomId domid);

    // The XENSTORED_PATH this client connected with ("" when the default was used).
    [[nodiscard]] const std::string& socketPath() const { return socketPath_; }

private:
    XenStoreClient();
    void connect();
    void drainRegistrationEvent(const std::string& path, const std::string& token);
    void pullLibraryEvents();
    void signalPending();

    bool openReadLanes();
    // Runs op(connection, i) for every i < count, spread over the lanes, one thread each; joins,
    // then rethrows the first failure.
    void onLanes(std::size_t count, const std::function<void(xs_handle*, std::size_t)>& op);

    std::unique_ptr<xs_handle, detail::HandleCloser> handle_;
    std::string socketPath_;
    // readMany's and writeMany's extra connections (no watches on them).
    std::vector<std::unique_ptr<xs_handle, detail::HandleCloser>> readLanes_;
    std::mutex lanesMutex_;  // guards opening readLanes_
    // Events already taken out of libxenstore (while draining a registration event) but not yet
    // handed to the caller. pendingFd_ (an eventfd) is readable while this is non-empty.
    std::deque<WatchEvent> pending_;
    OwnedFd pendingFd_;
    // epoll set of libxenstore's watch pipe and pendingFd_: readable when either is.
    OwnedFd pollFd_;
};

}  // namespace balloon::xen
