// The simulated host's hypervisor, served to a balloond in another process. The fault tests
// SIGKILL that process; Xen's accounting must outlive it, as the real Xen outlives a killed
// daemon, so the simulated host stays in the test process and the daemon reaches it through this
// port: one request line, one reply line, over a Unix socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypervisor_port.h"
#include "owned_fd.h"

namespace balloon::reliability {

// The daemon's side: every call is one round trip. A lost connection throws HypervisorError
// (EPIPE), which balloond handles as any failed hypervisor call.
class RemoteHypervisor final : public xen::HypervisorPort {
public:
    explicit RemoteHypervisor(const std::string& socketPath);

    xen::HostInfo hostInfo() override;
    std::vector<xen::DomainInfo> domains() override;
    std::optional<xen::DomainInfo> domain(DomId domid) override;
    void setMaxMem(DomId domid, KiB maxmem) override;
    void setPodTarget(DomId domid, KiB target) override;

private:
    // The reply's payload after "ok "; "err <errno> <text>" throws HypervisorError.
    std::string call(const std::string& request);

    OwnedFd fd_;
    std::string buffer_;
};

// The test's side: the reply line (without '\n') to one request line, answered by `port`.
std::string answerRequest(xen::HypervisorPort& port, std::string_view request);

}  // namespace balloon::reliability
