// One XS_READ of "/" over the Unix socket; any well-formed reply means the daemon is serving.
#include "xenstore_probe.h"

#include <array>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "owned_fd.h"

extern "C" {
#include <xen/io/xs_wire.h>
}

namespace balloon::sandbox {

namespace {

using Clock = std::chrono::steady_clock;

bool waitFor(int fd, short events, Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
        return false;
    }
    pollfd pfd{fd, events, 0};
    return ::poll(&pfd, 1, static_cast<int>(left.count())) == 1;
}

}  // namespace

bool xenstoredAnswers(const std::filesystem::path& socket, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = socket.string();
    if (path.size() >= sizeof address.sun_path) {
        return false;
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    OwnedFd fd{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
    if (!fd.valid() ||
        ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        return false;
    }
    constexpr std::array<char, 2> kRoot{'/', '\0'};
    const xsd_sockmsg header{XS_READ, 1, 0, kRoot.size()};
    std::array<char, sizeof header + kRoot.size()> request{};
    std::memcpy(request.data(), &header, sizeof header);
    std::memcpy(request.data() + sizeof header, kRoot.data(), kRoot.size());
    if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        return false;
    }
    xsd_sockmsg reply{};
    std::size_t got = 0;
    while (got < sizeof reply) {
        if (!waitFor(fd.get(), POLLIN, deadline)) {
            return false;
        }
        const ssize_t n =
            ::recv(fd.get(), reinterpret_cast<char*>(&reply) + got, sizeof reply - got, 0);
        if (n <= 0) {
            return false;
        }
        got += static_cast<std::size_t>(n);
    }
    return reply.req_id == header.req_id && (reply.type == XS_READ || reply.type == XS_ERROR);
}

}  // namespace balloon::sandbox
