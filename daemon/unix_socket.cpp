#include "unix_socket.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace balloon::daemon {
namespace {

// getpwnam_r and getgrnam_r with a buffer that grows on ERANGE (large groups), up to 1 MiB.
template <class Entry, class Lookup>
Entry* lookupEntry(Entry& entry, std::vector<char>& buffer, Lookup lookup) {
    Entry* found = nullptr;
    while (lookup(&entry, buffer.data(), buffer.size(), &found) == ERANGE &&
           buffer.size() < (1U << 20)) {
        buffer.resize(buffer.size() * 2);
    }
    return found;
}

std::runtime_error socketError(const std::filesystem::path& path, const std::string& what) {
    return std::runtime_error("qmemman socket " + path.string() + ": " + what + ": " +
                              std::strerror(errno));
}

}  // namespace

std::optional<gid_t> lookupGroup(const std::string& name) {
    std::vector<char> buffer(4096);
    group entry{};
    const group* found =
        lookupEntry(entry, buffer, [&](group* e, char* b, std::size_t n, group** out) {
            return getgrnam_r(name.c_str(), e, b, n, out);
        });
    return found != nullptr ? std::optional(found->gr_gid) : std::nullopt;
}

std::optional<std::pair<uid_t, gid_t>> lookupUser(const std::string& name) {
    std::vector<char> buffer(4096);
    passwd entry{};
    const passwd* found =
        lookupEntry(entry, buffer, [&](passwd* e, char* b, std::size_t n, passwd** out) {
            return getpwnam_r(name.c_str(), e, b, n, out);
        });
    return found != nullptr ? std::optional(std::pair(found->pw_uid, found->pw_gid)) : std::nullopt;
}

SocketOwner resolveSocketOwner(const std::string& spec) {
    const std::size_t colon = spec.find(':');
    const std::string user = spec.substr(0, colon);
    const auto ids = lookupUser(user);
    if (!ids) {
        throw std::runtime_error("[compat] qmemman-socket-owner: there is no user \"" + user +
                                 "\" on this host; correct the name");
    }
    SocketOwner owner{ids->first, ids->second};
    if (colon != std::string::npos) {
        const std::string groupName = spec.substr(colon + 1);
        const auto gid = lookupGroup(groupName);
        if (!gid) {
            throw std::runtime_error("[compat] qmemman-socket-owner: there is no group \"" +
                                     groupName + "\" on this host; create it or correct the name");
        }
        owner.gid = *gid;
    }
    return owner;
}

OwnedFd listenUnix(const std::filesystem::path& path, mode_t mode,
                   std::optional<SocketOwner> owner) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string text = path.string();
    if (text.size() >= sizeof(address.sun_path)) {
        throw std::runtime_error("qmemman socket " + text + ": the path is too long");
    }
    std::memcpy(address.sun_path, text.c_str(), text.size() + 1);

    std::error_code ec;
    if (!std::filesystem::exists(path.parent_path(), ec)) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            throw std::runtime_error("qmemman socket " + text +
                                     ": cannot create its directory: " + ec.message());
        }
    }
    struct stat st {};
    if (lstat(text.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            throw std::runtime_error("qmemman socket " + text +
                                     ": a file that is not a socket is in the way; move it, or "
                                     "choose another [compat] qmemman-socket");
        }
        // A socket left by a previous run (or by qmemman: stop qubes-qmemman first).
        ::unlink(text.c_str());
    }
    OwnedFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        throw socketError(path, "socket");
    }
    // Never more open than asked, not even between bind and chmod (balloond has no threads).
    const mode_t previous = ::umask(0177);
    const int bound =
        ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    ::umask(previous);
    if (bound != 0) {
        throw socketError(path, "bind");
    }
    if (::chmod(text.c_str(), mode) != 0) {
        throw socketError(path, "chmod");
    }
    // The unit forbids chown (no CAP_CHOWN, no @chown calls): only an owner other than
    // balloond's own needs it, and the drop-in docs/operating.md shows.
    struct stat made {};
    if (owner && (::stat(text.c_str(), &made) != 0 || made.st_uid != owner->uid ||
                  made.st_gid != owner->gid)) {
        if (::chown(text.c_str(), owner->uid, owner->gid) != 0) {
            throw socketError(path,
                              "chown to [compat] qmemman-socket-owner (the unit needs "
                              "CapabilityBoundingSet=CAP_CHOWN and SystemCallFilter=@chown: "
                              "docs/operating.md, \"Moving from qmemman\")");
        }
    }
    if (::listen(fd.get(), SOMAXCONN) != 0) {
        throw socketError(path, "listen");
    }
    return fd;
}

pid_t peerPid(int fd) {
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        return 0;
    }
    return credentials.pid;
}

bool sendAll(int fd, std::string_view bytes) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return sent == static_cast<ssize_t>(bytes.size());
}

}  // namespace balloon::daemon
