// The guest side of the xenstore ring: requests go into req[] and replies come out of rsp[],
// each a free-running index pair masked into a 1 KiB ring. We are the producer of req_prod and
// the consumer of rsp_cons; xenstored owns the other two. Index reads are acquire, index writes
// release, so the bytes are in place before the other side sees the index move.
#include "guest_ring_client.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <span>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
#include <xen/io/xs_wire.h>
}

namespace balloon::harness {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kRingPageSize = 4096;
// A live xenstored answers in microseconds; this only bounds a hang.
constexpr auto kReplyTimeout = std::chrono::seconds(5);
// Notifications can coalesce; re-check the ring at least this often while waiting.
constexpr int kRecheckMs = 20;
// Any port number: the interposer maps whatever xenstored binds to this domain.
constexpr std::uint32_t kGuestEventChannel = 1;

std::uint32_t loadAcquire(XENSTORE_RING_IDX& index) {
    return std::atomic_ref<XENSTORE_RING_IDX>(index).load(std::memory_order_acquire);
}

void storeRelease(XENSTORE_RING_IDX& index, std::uint32_t value) {
    std::atomic_ref<XENSTORE_RING_IDX>(index).store(value, std::memory_order_release);
}

int errnoFromName(std::string_view name) {
    for (const auto& known : xsd_errors) {
        if (name == known.errstring) {
            return known.errnum;
        }
    }
    return EIO;  // an error name we do not know is still an error
}

std::system_error setupError(const std::string& what) {
    return {errno, std::generic_category(), what};
}

}  // namespace

GuestRingClient::GuestRingClient(sandbox::XenstoredProcess& xenstored,
                                 xen::XenStoreClient& privileged, DomId domid)
    : xenstored_(xenstored), domid_(domid) {
    const std::string pagePath = xenstored.ringPagePath(domid).string();
    {
        OwnedFd page{::open(pagePath.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
        if (!page.valid() || ::ftruncate(page.get(), kRingPageSize) != 0) {
            throw setupError("creating the ring page " + pagePath);
        }
        void* mapped =
            ::mmap(nullptr, kRingPageSize, PROT_READ | PROT_WRITE, MAP_SHARED, page.get(), 0);
        if (mapped == MAP_FAILED) {
            throw setupError("mapping the ring page " + pagePath);
        }
        ring_ = static_cast<xenstore_domain_interface*>(mapped);
    }
    const std::string notifyPath = xenstored.notifyPath(domid).string();
    if (::mkfifo(notifyPath.c_str(), 0600) != 0 && errno != EEXIST) {
        ::munmap(ring_, kRingPageSize);
        throw setupError("creating the notification FIFO " + notifyPath);
    }
    // Read-write: the FIFO then always has a writer and never reports end-of-file.
    notify_.reset(::open(notifyPath.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!notify_.valid()) {
        ::munmap(ring_, kRingPageSize);
        throw setupError("opening the notification FIFO " + notifyPath);
    }
    try {
        privileged.introduceDomain(domid, 0, kGuestEventChannel);
    } catch (...) {
        ::munmap(ring_, kRingPageSize);
        throw;
    }
}

GuestRingClient::~GuestRingClient() {
    ::munmap(ring_, kRingPageSize);
}

std::optional<std::string> GuestRingClient::read(std::string_view path) {
    try {
        return request(XS_READ, std::string{path} + '\0', "guest read", path).payload;
    } catch (const xen::XenStoreError& error) {
        if (error.code().value() == ENOENT) {
            return std::nullopt;
        }
        throw;
    }
}

void GuestRingClient::write(std::string_view path, std::string_view value) {
    std::string payload{path};
    payload += '\0';
    payload += value;
    request(XS_WRITE, payload, "guest write", path);
}

std::vector<std::string> GuestRingClient::directory(std::string_view path) {
    std::string names;
    try {
        names = request(XS_DIRECTORY, std::string{path} + '\0', "guest directory", path).payload;
    } catch (const xen::XenStoreError& error) {
        if (error.code().value() == ENOENT) {
            return {};
        }
        throw;
    }
    // NUL-terminated names, one after another.
    std::vector<std::string> children;
    std::size_t start = 0;
    for (std::size_t end = names.find('\0'); end != std::string::npos;
         end = names.find('\0', start)) {
        children.push_back(names.substr(start, end - start));
        start = end + 1;
    }
    return children;
}

void GuestRingClient::remove(std::string_view path) {
    try {
        request(XS_RM, std::string{path} + '\0', "guest remove", path);
    } catch (const xen::XenStoreError& error) {
        if (error.code().value() != ENOENT) {
            throw;
        }
    }
}

GuestRingClient::Reply GuestRingClient::request(std::uint32_t type, const std::string& payload,
                                                std::string_view operation, std::string_view path) {
    if (payload.size() > XENSTORE_PAYLOAD_MAX) {
        throw xen::XenStoreError(E2BIG, operation, path);
    }
    const xsd_sockmsg header{type, nextRequestId_++, 0, static_cast<std::uint32_t>(payload.size())};
    std::string bytes(sizeof header, '\0');
    std::memcpy(bytes.data(), &header, sizeof header);
    bytes += payload;
    send(bytes, operation, path);

    for (;;) {
        xsd_sockmsg replyHeader{};
        receive(reinterpret_cast<char*>(&replyHeader), sizeof replyHeader, operation, path);
        if (replyHeader.len > XENSTORE_PAYLOAD_MAX) {
            throw xen::XenStoreError(EPROTO, std::string{operation} + " (oversized reply)", path);
        }
        Reply reply{replyHeader.type, std::string(replyHeader.len, '\0')};
        receive(reply.payload.data(), reply.payload.size(), operation, path);
        if (replyHeader.type == XS_WATCH_EVENT || replyHeader.req_id != header.req_id) {
            continue;  // this client registers no watches; nothing else is ours
        }
        if (reply.type == XS_ERROR) {
            const std::string name{reply.payload.c_str()};
            throw xen::XenStoreError(errnoFromName(name), operation, path);
        }
        return reply;
    }
}

void GuestRingClient::send(const std::string& bytes, std::string_view operation,
                           std::string_view path) {
    const auto deadline = Clock::now() + kReplyTimeout;
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const std::uint32_t consumed = loadAcquire(ring_->req_cons);
        const std::uint32_t produced = ring_->req_prod;
        const std::uint32_t used = produced - consumed;
        if (used > XENSTORE_RING_SIZE) {
            throw xen::XenStoreError(EPROTO, std::string{operation} + " (corrupt request ring)",
                                     path);
        }
        const std::size_t space = XENSTORE_RING_SIZE - used;
        if (space == 0) {
            xenstored_.kick();
            waitForXenstored(deadline, operation, path);
            continue;
        }
        const std::size_t offset = MASK_XENSTORE_IDX(produced);
        const std::size_t chunk =
            std::min({space, bytes.size() - sent, XENSTORE_RING_SIZE - offset});
        std::memcpy(ring_->req + offset, bytes.data() + sent, chunk);
        storeRelease(ring_->req_prod, produced + static_cast<std::uint32_t>(chunk));
        sent += chunk;
    }
    xenstored_.kick();
}

void GuestRingClient::receive(char* out, std::size_t size, std::string_view operation,
                              std::string_view path) {
    const auto deadline = Clock::now() + kReplyTimeout;
    std::size_t got = 0;
    while (got < size) {
        const std::uint32_t produced = loadAcquire(ring_->rsp_prod);
        const std::uint32_t consumed = ring_->rsp_cons;
        const std::uint32_t available = produced - consumed;
        if (available > XENSTORE_RING_SIZE) {
            throw xen::XenStoreError(EPROTO, std::string{operation} + " (corrupt reply ring)",
                                     path);
        }
        if (available == 0) {
            waitForXenstored(deadline, operation, path);
            continue;
        }
        const std::size_t offset = MASK_XENSTORE_IDX(consumed);
        const std::size_t chunk = std::min(
            {static_cast<std::size_t>(available), size - got, XENSTORE_RING_SIZE - offset});
        std::memcpy(out + got, ring_->rsp + offset, chunk);
        storeRelease(ring_->rsp_cons, consumed + static_cast<std::uint32_t>(chunk));
        got += chunk;
        // xenstored may be waiting for room to write the rest.
        xenstored_.kick();
    }
}

void GuestRingClient::waitForXenstored(Clock::time_point deadline, std::string_view operation,
                                       std::string_view path) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
        throw xen::XenStoreError(
            ETIMEDOUT, std::string{operation} + " (xenstored did not answer on the ring)", path);
    }
    pollfd pfd{notify_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, std::min(kRecheckMs, static_cast<int>(left.count()))) == 1) {
        char drained[64];
        [[maybe_unused]] const auto n = ::read(notify_.get(), drained, sizeof drained);
    }
}

}  // namespace balloon::harness
