// The toolstack half of the simulated host: what xl/libxl writes into the REAL xenstored when it
// builds and destroys domains, and the Xenstore traffic of each simulated guest (reading its
// target, writing its agent's statistics). Runs as the privileged dom0 client; the permissions it
// sets are the ones xl sets, so a domU connection would see exactly what a real guest sees.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "guest_report.h"
#include "sim_guest.h"
#include "xenstore_client.h"
#include "xl_rules.h"

namespace balloon::sim {

// Introduces a freshly built domain to xenstored (fires @introduceDomain). The default uses the
// privileged client with a dummy ring; a test that wants to act as the guest over a real ring
// passes its own (e.g. one that builds a harness GuestRingClient, which introduces the domain).
using DomainIntroducer = std::function<void(DomId)>;

class SimToolstack {
public:
    explicit SimToolstack(xen::XenStoreClient& xs, DomainIntroducer introducer = {});

    // dom0's own keys, as xen-init-dom0 leaves them (dom0 is introduced by xenstored itself).
    void writeDom0(KiB target, KiB staticMax);
    // xl create's Xenstore part for a domain Xen has just built, then the introduction that
    // fires @introduceDomain.
    void domainCreated(DomId domid, const GuestSpec& spec);
    // xl destroy: the domain's trees go, and xenstored releases it (@releaseDomain).
    void domainDestroyed(DomId domid);

    // Takes the client's pending watch events and re-reads every memory/target that changed,
    // as each guest kernel's watch would. The toolstack owns its client's watch events: give it
    // a connection nobody else watches on.
    void refreshTargets();
    // memory/target as last delivered; nullopt when missing or not a canonical decimal (a kernel
    // would ignore such a value too).
    [[nodiscard]] std::optional<KiB> target(DomId domid) const;
    // What the guest's agent writes: data/balloon-report, memory/meminfo (Qubes, only on a
    // change above 30 MiB, like meminfo-writer) or data/meminfo_total + data/meminfo_free.
    void writeReport(DomId domid, const GuestReport& report);

    [[nodiscard]] xen::XenStoreClient& xenstore() { return xs_; }

private:
    const std::string& home(DomId domid);
    std::string path(DomId domid, std::string_view key) {
        return home(domid) + "/" + std::string(key);
    }
    std::optional<KiB> readTarget(DomId domid);

    xen::XenStoreClient& xs_;
    DomainIntroducer introducer_;
    std::map<DomId, std::string> vmPaths_;
    std::map<DomId, KiB> lastQubesUsed_;
    std::map<DomId, std::optional<KiB>> targets_;
    // xs_get_domain_path is a request to xenstored: asked once per domain.
    std::map<DomId, std::string> domainPaths_;
    std::map<std::string, DomId, std::less<>> targetPaths_;
};

// `xl mem-set <domid> <size>` against the real xenstored: reads the domain's layout from
// Xenstore, applies xl's rules (core/xl_rules.h), sets Xen maxmem and (HVM/PVH) the PoD target,
// then writes memory/target. Throws balloon::Error like xl refuses (above static-max, dom0 below
// 128 MiB) and XenStoreError/HypervisorError when either side fails. Daemon tests call it to
// play the admin.
Actuation xlMemSet(xen::XenStore& xs, xen::HypervisorPort& hypervisor, DomId domid, KiB size);

// The domain's memory layout as xl reads it from Xenstore (static-max, videoram, target).
MemoryLayout readMemoryLayout(xen::XenStore& xs, xen::HypervisorPort& hypervisor, DomId domid);

}  // namespace balloon::sim
