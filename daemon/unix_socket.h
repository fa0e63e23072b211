// A listening AF_UNIX stream socket for local clients (the qmemman socket, daemon/qmemman_server.h)
// and what serving one needs: user and group lookup, the peer's pid, short non-blocking sends.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "owned_fd.h"

namespace balloon::daemon {

// The gid of a group name; nullopt when there is no such group.
std::optional<gid_t> lookupGroup(const std::string& name);
// The uid (and primary gid) of a user name; nullopt when there is no such user.
std::optional<std::pair<uid_t, gid_t>> lookupUser(const std::string& name);

struct SocketOwner {
    uid_t uid = 0;
    gid_t gid = 0;
};

// "user" (the user's primary group) or "user:group" as ids. Throws std::runtime_error naming the
// missing user or group.
SocketOwner resolveSocketOwner(const std::string& spec);

// Binds and listens on `path` (non-blocking, close-on-exec), replacing a socket file a previous
// run left (never any other kind of file), then applies `mode` and, when given, `owner`. Creates
// the parent directory (0755) when missing. Throws std::runtime_error saying what failed and
// what to do.
OwnedFd listenUnix(const std::filesystem::path& path, mode_t mode,
                   std::optional<SocketOwner> owner);

// The pid of the process on the other end (SO_PEERCRED); 0 when unknown.
pid_t peerPid(int fd);

// Sends `bytes` without blocking and without SIGPIPE; false when not all of it went out (the peer
// is gone or its buffer is full: a few bytes never fill a fresh socket's buffer).
bool sendAll(int fd, std::string_view bytes);

}  // namespace balloon::daemon
