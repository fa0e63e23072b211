#include "host_server.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "remote_hypervisor.h"

namespace balloon::reliability {

HostServer::HostServer(sim::Simulation& simulation, std::filesystem::path socketPath,
                       std::chrono::milliseconds step)
    : sim_(simulation),
      socketPath_(std::move(socketPath)),
      step_(step),
      listener_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)),
      nextStep_(std::chrono::steady_clock::now() + step) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = socketPath_.string();
    if (path.size() >= sizeof address.sun_path) {
        throw std::runtime_error("hypervisor socket path too long: " + path);
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    std::filesystem::remove(socketPath_);
    if (!listener_.valid() ||
        bind(listener_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener_.get(), 8) != 0) {
        throw std::runtime_error("cannot listen on " + path + ": " + std::strerror(errno));
    }
}

HostServer::~HostServer() {
    std::error_code ignored;
    std::filesystem::remove(socketPath_, ignored);
}

void HostServer::serve(Connection& connection) {
    char chunk[4096];
    const ssize_t n = read(connection.fd.get(), chunk, sizeof chunk);
    if (n <= 0) {
        connection.fd.reset();  // the daemon exited or was killed
        return;
    }
    connection.buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t end = 0;
    while ((end = connection.buffer.find('\n')) != std::string::npos) {
        const std::string reply =
            answerRequest(sim_.host(), std::string_view(connection.buffer).substr(0, end)) + '\n';
        connection.buffer.erase(0, end + 1);
        ++served_;
        // A killed daemon's socket may refuse the reply: that is its connection closing.
        if (send(connection.fd.get(), reply.data(), reply.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(reply.size())) {
            connection.fd.reset();
            return;
        }
    }
}

bool HostServer::pumpUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (done()) {
            return true;
        }
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return false;
        }
        if (now >= nextStep_) {
            sim_.step(step_);
            nextStep_ += step_;
            if (nextStep_ < now) {
                nextStep_ = now + step_;  // a slow machine: do not try to catch up in a burst
            }
            continue;
        }
        std::vector<pollfd> fds{{listener_.get(), POLLIN, 0}};
        for (const Connection& c : connections_) {
            fds.push_back({c.fd.get(), POLLIN, 0});
        }
        const auto wake = std::min(nextStep_, deadline);
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now);
        poll(fds.data(), fds.size(), static_cast<int>(wait.count()) + 1);
        if ((fds[0].revents & POLLIN) != 0) {
            const int fd = accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) {
                connections_.push_back(Connection{OwnedFd(fd), {}});
            }
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                serve(connections_[i - 1]);
            }
        }
        std::erase_if(connections_, [](const Connection& c) { return !c.fd.valid(); });
    }
}

void HostServer::pumpFor(std::chrono::milliseconds period) {
    const auto end = std::chrono::steady_clock::now() + period;
    pumpUntil([&] { return std::chrono::steady_clock::now() >= end; }, period * 2);
}

}  // namespace balloon::reliability
