// The Xenstore port: the narrow interface everything above the adapters uses. Its one
// implementation (xen/xenstore_client.h) talks to the real xenstored through libxenstore; tests
// run it against the real daemon, never against an imitation.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "domid.h"

namespace balloon::xen {

// A failed Xenstore operation: errno plus the operation and the path it was on.
class XenStoreError : public std::system_error {
public:
    XenStoreError(int err, std::string_view operation, std::string_view path);
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

// One entry of a node's permission list. As in Xen, the first entry names the owner and the
// access everyone else gets; later entries grant access to particular domains.
struct Permission {
    enum class Access { None, Read, Write, Both };
    DomId domid;
    Access access;
};

// One node write of XenStore::writeMany.
struct NodeWrite {
    std::string path;
    std::string value;
};

struct WatchEvent {
    std::string path;   // the node that changed (may be below the watched path)
    std::string token;  // the token given to watch()
};

// Node operations, available both directly and inside a transaction.
class XenStoreOps {
public:
    virtual ~XenStoreOps() = default;
    XenStoreOps() = default;
    XenStoreOps(const XenStoreOps&) = delete;
    XenStoreOps& operator=(const XenStoreOps&) = delete;
    XenStoreOps(XenStoreOps&&) = delete;
    XenStoreOps& operator=(XenStoreOps&&) = delete;

    // nullopt when the node does not exist; throws XenStoreError on any other failure.
    virtual std::optional<std::string> read(std::string_view path) = 0;
    virtual void write(std::string_view path, std::string_view value) = 0;
    // Removing a node that does not exist is not an error.
    virtual void remove(std::string_view path) = 0;
    // Children's names; empty when the node does not exist.
    virtual std::vector<std::string> directory(std::string_view path) = 0;
    virtual void mkdir(std::string_view path) = 0;
    virtual void setPermissions(std::string_view path, std::span<const Permission> perms) = 0;
};

class XenStore : public XenStoreOps {
public:
    // Runs body inside a transaction and commits; on EAGAIN (a conflicting write) runs it again,
    // a bounded number of times with back-off, then throws XenStoreError(EAGAIN).
    virtual void transact(const std::function<void(XenStoreOps&)>& body) = 0;

    // Watches are delivered through watchFd(), which an event loop polls for readability; the
    // event xenstored fires at registration is drained by watch() itself.
    virtual void watch(std::string_view path, std::string_view token) = 0;
    virtual void unwatch(std::string_view path, std::string_view token) = 0;
    [[nodiscard]] virtual int watchFd() const = 0;
    // Every pending event, without blocking; empty when none.
    virtual std::vector<WatchEvent> takeWatchEvents() = 0;

    // "/local/domain/<id>"
    virtual std::string domainPath(DomId domid) = 0;

    // Reads many nodes outside any transaction; nullopt where a node does not exist. One request
    // after another here; an implementation may keep several in flight (XenStoreClient).
    virtual std::vector<std::optional<std::string>> readMany(std::span<const std::string> paths) {
        std::vector<std::optional<std::string>> values;
        values.reserve(paths.size());
        for (const std::string& path : paths) {
            values.push_back(read(path));
        }
        return values;
    }
    // Writes many nodes outside any transaction, in no particular order; throws the first
    // failure after every write was tried. One request after another here; an implementation may
    // keep several in flight (XenStoreClient).
    virtual void writeMany(std::span<const NodeWrite> writes) {
        for (const NodeWrite& w : writes) {
            write(w.path, w.value);
        }
    }
};

}  // namespace balloon::xen
