#include "xenctrl_hypervisor.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

extern "C" {
#include <xenctrl.h>
#include <xentoollog.h>
}

namespace balloon::xen {
namespace {

std::string describe(const std::string& call, int err) {
    return call + " failed: " + std::strerror(err);
}

DomainInfo toDomainInfo(const xc_domaininfo_t& info) {
    DomainInfo d;
    d.domid = static_cast<DomId>(info.domain);
    d.totPages = Pages{info.tot_pages};
    d.maxPages = Pages{info.max_pages};
    d.outstanding = Pages{info.outstanding_pages};
    d.dying = (info.flags & XEN_DOMINF_dying) != 0;
    d.shutdown = (info.flags & XEN_DOMINF_shutdown) != 0;
    d.paused = (info.flags & XEN_DOMINF_paused) != 0;
    d.hvm = (info.flags & XEN_DOMINF_hvm_guest) != 0;
    return d;
}

// The PoD figures of a translated domain (PV has none: not asked). A failure leaves them 0: the
// listing is worth more than the figures.
void readPod(xc_interface* xch, DomainInfo& d) {
    if (!d.hvm || d.dying) {
        return;
    }
    std::uint64_t tot = 0;
    std::uint64_t cache = 0;
    std::uint64_t entries = 0;
    if (xc_domain_get_pod_target(xch, d.domid, &tot, &cache, &entries) == 0) {
        d.podCache = Pages{cache};
        d.podEntries = Pages{entries};
    }
}

}  // namespace

struct XenctrlHypervisor::Handles {
    xentoollog_logger_stdiostream* logger = nullptr;
    xc_interface* xch = nullptr;
    Handles() = default;
    Handles(const Handles&) = delete;
    Handles& operator=(const Handles&) = delete;
    Handles(Handles&&) = delete;
    Handles& operator=(Handles&&) = delete;
    ~Handles() {
        if (xch != nullptr) {
            xc_interface_close(xch);
        }
        if (logger != nullptr) {
            xtl_logger_destroy(reinterpret_cast<xentoollog_logger*>(logger));
        }
    }
};

std::unique_ptr<XenctrlHypervisor> XenctrlHypervisor::open() {
    auto handles = std::make_unique<Handles>();
    // Only critical messages: a missing hypervisor is reported once, by us, below.
    handles->logger = xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
    handles->xch =
        xc_interface_open(reinterpret_cast<xentoollog_logger*>(handles->logger), nullptr, 0);
    if (handles->xch == nullptr) {
        const int err = errno;
        throw HypervisorError(
            err, "cannot open the Xen control interface (" + std::string(std::strerror(err)) +
                     "): balloond must run as root in dom0 of a Xen host with /dev/xen/privcmd; "
                     "to try it without Xen, run `balloond --sandbox`");
    }
    return std::unique_ptr<XenctrlHypervisor>(new XenctrlHypervisor(std::move(handles)));
}

XenctrlHypervisor::XenctrlHypervisor(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)) {}

XenctrlHypervisor::~XenctrlHypervisor() = default;

HostInfo XenctrlHypervisor::hostInfo() {
    xc_physinfo_t info{};
    if (xc_physinfo(handles_->xch, &info) != 0) {
        throw HypervisorError(errno, describe("xc_physinfo", errno));
    }
    return HostInfo{Pages{info.total_pages}, Pages{info.free_pages}, Pages{info.scrub_pages},
                    Pages{info.outstanding_pages}};
}

std::vector<DomainInfo> XenctrlHypervisor::domains() {
    std::vector<DomainInfo> result;
    std::array<xc_domaininfo_t, 256> batch{};
    std::uint32_t next = 0;
    while (next < kFirstReservedDomId) {
        const int n = xc_domain_getinfolist(handles_->xch, next, batch.size(), batch.data());
        if (n < 0) {
            throw HypervisorError(errno, describe("xc_domain_getinfolist", errno));
        }
        for (int i = 0; i < n; ++i) {
            result.push_back(toDomainInfo(batch[static_cast<std::size_t>(i)]));
            readPod(handles_->xch, result.back());
        }
        if (static_cast<std::size_t>(n) < batch.size()) {
            break;
        }
        next = result.back().domid + 1U;
    }
    return result;
}

std::optional<DomainInfo> XenctrlHypervisor::domain(DomId domid) {
    xc_domaininfo_t info{};
    const int n = xc_domain_getinfolist(handles_->xch, domid, 1, &info);
    if (n < 0) {
        throw HypervisorError(
            errno, describe("xc_domain_getinfolist(dom" + std::to_string(domid) + ")", errno));
    }
    // getinfolist returns the next domain at or after domid: it may be another one.
    if (n == 0 || info.domain != domid) {
        return std::nullopt;
    }
    DomainInfo d = toDomainInfo(info);
    readPod(handles_->xch, d);
    return d;
}

void XenctrlHypervisor::setMaxMem(DomId domid, KiB maxmem) {
    if (xc_domain_setmaxmem(handles_->xch, domid, maxmem.count()) != 0) {
        throw HypervisorError(errno, describe("xc_domain_setmaxmem(dom" + std::to_string(domid) +
                                                  ", " + std::to_string(maxmem.count()) + " KiB)",
                                              errno));
    }
}

void XenctrlHypervisor::setPodTarget(DomId domid, KiB target) {
    if (xc_domain_set_pod_target(handles_->xch, domid, pagesFloor(target).count(), nullptr, nullptr,
                                 nullptr) != 0) {
        throw HypervisorError(
            errno, describe("xc_domain_set_pod_target(dom" + std::to_string(domid) + ")", errno));
    }
}

}  // namespace balloon::xen
