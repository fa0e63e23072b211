#include "remote_hypervisor.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <sstream>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace balloon::reliability {
namespace {

std::string encode(const xen::DomainInfo& d) {
    std::ostringstream out;
    out << d.domid << ' ' << d.totPages.count() << ' ' << d.maxPages.count() << ' '
        << d.outstanding.count() << ' ' << d.dying << ' ' << d.shutdown << ' ' << d.paused << ' '
        << d.hvm;
    return out.str();
}

xen::DomainInfo decode(std::istream& in) {
    xen::DomainInfo d;
    std::uint64_t tot = 0;
    std::uint64_t max = 0;
    std::uint64_t outstanding = 0;
    in >> d.domid >> tot >> max >> outstanding >> d.dying >> d.shutdown >> d.paused >> d.hvm;
    if (!in) {
        throw xen::HypervisorError(EPROTO, "remote hypervisor: malformed domain in the reply");
    }
    d.totPages = Pages{tot};
    d.maxPages = Pages{max};
    d.outstanding = Pages{outstanding};
    return d;
}

std::string answerOrThrow(xen::HypervisorPort& port, const std::string& request) {
    std::istringstream in(request);
    std::string op;
    in >> op;
    std::ostringstream out;
    if (op == "host") {
        const xen::HostInfo h = port.hostInfo();
        out << h.total.count() << ' ' << h.free.count() << ' ' << h.scrub.count() << ' '
            << h.outstandingClaims.count();
    } else if (op == "domains") {
        for (const xen::DomainInfo& d : port.domains()) {
            out << encode(d) << ';';
        }
    } else if (op == "domain" || op == "maxmem" || op == "pod") {
        DomId domid = 0;
        std::uint64_t kib = 0;
        in >> domid;
        if (op == "domain") {
            if (const auto d = port.domain(domid)) {
                out << encode(*d);
            }
        } else {
            in >> kib;
            op == "maxmem" ? port.setMaxMem(domid, KiB{kib}) : port.setPodTarget(domid, KiB{kib});
        }
    } else {
        return "err " + std::to_string(EINVAL) + " unknown request " + op;
    }
    return "ok " + out.str();
}

}  // namespace

std::string answerRequest(xen::HypervisorPort& port, std::string_view request) {
    try {
        return answerOrThrow(port, std::string(request));
    } catch (const xen::HypervisorError& e) {
        return "err " + std::to_string(e.error()) + " " + e.what();
    }
}

RemoteHypervisor::RemoteHypervisor(const std::string& socketPath)
    : fd_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socketPath.size() >= sizeof address.sun_path) {
        throw xen::HypervisorError(ENAMETOOLONG,
                                   "remote hypervisor socket path too long: " + socketPath);
    }
    std::memcpy(address.sun_path, socketPath.c_str(), socketPath.size() + 1);
    if (!fd_.valid() ||
        connect(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        throw xen::HypervisorError(errno, "cannot connect to the test's hypervisor at " +
                                              socketPath + ": " + std::strerror(errno));
    }
}

std::string RemoteHypervisor::call(const std::string& request) {
    const std::string line = request + '\n';
    if (send(fd_.get(), line.data(), line.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(line.size())) {
        throw xen::HypervisorError(EPIPE, "remote hypervisor: cannot send " + request);
    }
    std::size_t end = 0;
    while ((end = buffer_.find('\n')) == std::string::npos) {
        char chunk[4096];
        const ssize_t n = read(fd_.get(), chunk, sizeof chunk);
        if (n <= 0) {
            throw xen::HypervisorError(EPIPE, "remote hypervisor: connection lost on " + request);
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    std::string reply = buffer_.substr(0, end);
    buffer_.erase(0, end + 1);
    if (reply.starts_with("ok ")) {
        return reply.substr(3);
    }
    int err = EPROTO;
    if (reply.starts_with("err ")) {
        std::from_chars(reply.data() + 4, reply.data() + reply.size(), err);
    }
    throw xen::HypervisorError(err, "remote hypervisor: " + request + ": " + reply);
}

xen::HostInfo RemoteHypervisor::hostInfo() {
    std::istringstream in(call("host"));
    std::uint64_t total = 0;
    std::uint64_t free = 0;
    std::uint64_t scrub = 0;
    std::uint64_t claims = 0;
    in >> total >> free >> scrub >> claims;
    return xen::HostInfo{Pages{total}, Pages{free}, Pages{scrub}, Pages{claims}};
}

std::vector<xen::DomainInfo> RemoteHypervisor::domains() {
    std::vector<xen::DomainInfo> result;
    std::istringstream all(call("domains"));
    std::string one;
    while (std::getline(all, one, ';')) {
        std::istringstream in(one);
        result.push_back(decode(in));
    }
    return result;
}

std::optional<xen::DomainInfo> RemoteHypervisor::domain(DomId domid) {
    const std::string reply = call("domain " + std::to_string(domid));
    if (reply.empty()) {
        return std::nullopt;
    }
    std::istringstream in(reply);
    return decode(in);
}

void RemoteHypervisor::setMaxMem(DomId domid, KiB maxmem) {
    call("maxmem " + std::to_string(domid) + " " + std::to_string(maxmem.count()));
}

void RemoteHypervisor::setPodTarget(DomId domid, KiB target) {
    call("pod " + std::to_string(domid) + " " + std::to_string(target.count()));
}

}  // namespace balloon::reliability
