// The hypervisor port over libxenctrl, for a real dom0.
#pragma once

#include <memory>

#include "hypervisor_port.h"

namespace balloon::xen {

class XenctrlHypervisor final : public HypervisorPort {
public:
    // Throws HypervisorError with one clear sentence when there is no hypervisor to talk to
    // (not in dom0, /dev/xen/privcmd missing, not root) instead of libxenctrl's own log lines.
    static std::unique_ptr<XenctrlHypervisor> open();
    ~XenctrlHypervisor() override;
    XenctrlHypervisor(const XenctrlHypervisor&) = delete;
    XenctrlHypervisor& operator=(const XenctrlHypervisor&) = delete;
    XenctrlHypervisor(XenctrlHypervisor&&) = delete;
    XenctrlHypervisor& operator=(XenctrlHypervisor&&) = delete;

    HostInfo hostInfo() override;
    std::vector<DomainInfo> domains() override;
    std::optional<DomainInfo> domain(DomId domid) override;
    void setMaxMem(DomId domid, KiB maxmem) override;
    void setPodTarget(DomId domid, KiB target) override;

private:
    struct Handles;
    explicit XenctrlHypervisor(std::unique_ptr<Handles> handles);
    std::unique_ptr<Handles> handles_;
};

}  // namespace balloon::xen
