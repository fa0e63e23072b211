// Node operations over libxenstore: every failure becomes a XenStoreError carrying errno, the
// operation and the path; "does not exist" is an answer, not an error, where the port says so.
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>

#include "xenstore_handle.h"

namespace balloon::xen::detail {

namespace {

// libxenstore hands back malloc'd buffers.
struct FreeDeleter {
    void operator()(void* block) const { std::free(block); }
};

unsigned int toXs(Permission::Access access) {
    switch (access) {
        case Permission::Access::None:
            return XS_PERM_NONE;
        case Permission::Access::Read:
            return XS_PERM_READ;
        case Permission::Access::Write:
            return XS_PERM_WRITE;
        case Permission::Access::Both:
            return XS_PERM_READ | XS_PERM_WRITE;
    }
    return XS_PERM_NONE;
}

}  // namespace

std::string checkedPath(std::string_view path, std::string_view operation) {
    if (path.empty() || path.find('\0') != std::string_view::npos) {
        throw XenStoreError(EINVAL, operation, path);
    }
    return std::string{path};
}

std::optional<std::string> NodeOps::read(std::string_view path) {
    const std::string node = checkedPath(path, "xenstore read");
    unsigned int length = 0;
    std::unique_ptr<void, FreeDeleter> value{xs_read(handle_, txn_, node.c_str(), &length)};
    if (!value) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        throw XenStoreError(errno, "xenstore read", path);
    }
    return std::string{static_cast<const char*>(value.get()), length};
}

void NodeOps::write(std::string_view path, std::string_view value) {
    const std::string node = checkedPath(path, "xenstore write");
    if (value.size() > XENSTORE_PAYLOAD_MAX) {
        throw XenStoreError(E2BIG, "xenstore write", path);
    }
    if (!xs_write(handle_, txn_, node.c_str(), value.data(),
                  static_cast<unsigned int>(value.size()))) {
        throw XenStoreError(errno, "xenstore write", path);
    }
}

void NodeOps::remove(std::string_view path) {
    const std::string node = checkedPath(path, "xenstore remove");
    if (!xs_rm(handle_, txn_, node.c_str()) && errno != ENOENT) {
        throw XenStoreError(errno, "xenstore remove", path);
    }
}

std::vector<std::string> NodeOps::directory(std::string_view path) {
    const std::string node = checkedPath(path, "xenstore directory");
    unsigned int count = 0;
    std::unique_ptr<char*, FreeDeleter> names{xs_directory(handle_, txn_, node.c_str(), &count)};
    if (!names) {
        if (errno == ENOENT) {
            return {};
        }
        throw XenStoreError(errno, "xenstore directory", path);
    }
    const std::span<char* const> entries{names.get(), count};
    return {entries.begin(), entries.end()};
}

void NodeOps::mkdir(std::string_view path) {
    const std::string node = checkedPath(path, "xenstore mkdir");
    if (!xs_mkdir(handle_, txn_, node.c_str())) {
        throw XenStoreError(errno, "xenstore mkdir", path);
    }
}

void NodeOps::setPermissions(std::string_view path, std::span<const Permission> perms) {
    const std::string node = checkedPath(path, "xenstore set-permissions");
    if (perms.empty()) {
        // Xen needs an owner entry; an empty list would be refused anyway, say so here.
        throw XenStoreError(EINVAL, "xenstore set-permissions (empty list)", path);
    }
    std::vector<xs_permissions> list;
    list.reserve(perms.size());
    for (const Permission& perm : perms) {
        list.push_back({perm.domid, toXs(perm.access)});
    }
    if (!xs_set_permissions(handle_, txn_, node.c_str(), list.data(),
                            static_cast<unsigned int>(list.size()))) {
        throw XenStoreError(errno, "xenstore set-permissions", path);
    }
}

}  // namespace balloon::xen::detail
