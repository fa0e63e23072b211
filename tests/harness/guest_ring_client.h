// GuestRingClient: acts as an introduced, unprivileged domU talking to the real xenstored over
// the shared ring page (xs_wire.h protocol), so tests see the permissions a guest really gets.
// Socket clients are always dom0; only a ring connection is subject to permissions and quotas.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domid.h"
#include "owned_fd.h"
#include "xenstore_client.h"
#include "xenstored_process.h"

struct xenstore_domain_interface;

namespace balloon::harness {

class GuestRingClient {
public:
    // Creates the domain's ring page and notification FIFO in the run dir, then introduces the
    // domain through the privileged client (firing @introduceDomain). The domain is not released
    // on destruction: the test decides (releaseDomain, or sandbox::XenstoredProcess::setDying).
    GuestRingClient(sandbox::XenstoredProcess& xenstored, xen::XenStoreClient& privileged,
                    DomId domid);
    ~GuestRingClient();
    GuestRingClient(const GuestRingClient&) = delete;
    GuestRingClient& operator=(const GuestRingClient&) = delete;
    GuestRingClient(GuestRingClient&&) = delete;
    GuestRingClient& operator=(GuestRingClient&&) = delete;

    [[nodiscard]] DomId domid() const { return domid_; }

    // As the port's operations: nullopt / empty for a missing node; any other refusal throws
    // XenStoreError with the errno xenstored sent (EACCES, EINVAL, ...). Relative paths are
    // relative to the guest's home, as for a real guest.
    std::optional<std::string> read(std::string_view path);
    void write(std::string_view path, std::string_view value);
    std::vector<std::string> directory(std::string_view path);
    void remove(std::string_view path);

private:
    struct Reply {
        std::uint32_t type = 0;
        std::string payload;
    };

    Reply request(std::uint32_t type, const std::string& payload, std::string_view operation,
                  std::string_view path);
    void send(const std::string& bytes, std::string_view operation, std::string_view path);
    void receive(char* out, std::size_t size, std::string_view operation, std::string_view path);
    void waitForXenstored(std::chrono::steady_clock::time_point deadline,
                          std::string_view operation, std::string_view path);

    sandbox::XenstoredProcess& xenstored_;
    DomId domid_;
    xenstore_domain_interface* ring_ = nullptr;
    OwnedFd notify_;
    std::uint32_t nextRequestId_ = 1;
};

}  // namespace balloon::harness
