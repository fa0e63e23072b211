#include "sim_toolstack.h"

#include <array>
#include <cstdio>

#include "error.h"
#include "stats_codec.h"

namespace balloon::sim {

namespace {

using xen::Permission;
using Access = xen::Permission::Access;

// The token of the per-domain memory/target watches.
constexpr std::string_view kTargetToken = "balloon-sim-target";

// meminfo-writer only writes when used memory moved by more than this.
constexpr KiB kQubesWriteThreshold = mib(30);

std::string decimal(KiB v) {
    return std::to_string(v.count());
}

// A stable, made-up UUID per domain: the same scenario gives the same /vm paths every run.
std::string uuidFor(DomId domid, std::string_view name) {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
    for (const char c : name) {
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    char out[40];
    std::snprintf(out, sizeof out, "00000000-0000-4000-8000-%04x%08x", domid,
                  static_cast<unsigned>(h & 0xffffffffU));
    return out;
}

}  // namespace

SimToolstack::SimToolstack(xen::XenStoreClient& xs, DomainIntroducer introducer)
    : xs_(xs), introducer_(std::move(introducer)) {
    if (!introducer_) {
        // xenstored ignores the ring's mfn; the event channel is the interposer's (or Xen's).
        introducer_ = [this](DomId domid) { xs_.introduceDomain(domid, 0, 1); };
    }
}

const std::string& SimToolstack::home(DomId domid) {
    auto it = domainPaths_.find(domid);
    if (it == domainPaths_.end()) {
        it = domainPaths_.emplace(domid, xs_.domainPath(domid)).first;
    }
    return it->second;
}

void SimToolstack::writeDom0(KiB target, KiB staticMax) {
    xs_.transact([&](xen::XenStoreOps& t) {
        t.write(path(kDom0, "name"), "Domain-0");
        t.write(path(kDom0, "domid"), "0");
        t.write(path(kDom0, "memory/target"), decimal(target));
        t.write(path(kDom0, "memory/static-max"), decimal(staticMax));
    });
}

void SimToolstack::domainCreated(DomId domid, const GuestSpec& spec) {
    const std::string dom = home(domid);
    const std::string vm = "/vm/" + uuidFor(domid, spec.name);
    // xl: dom0 owns the domain's directory and its memory/ and control/ keys, which the guest may
    // only read; the guest owns the areas it reports through.
    const std::array<Permission, 2> readOnly{Permission{kDom0, Access::None},
                                             Permission{domid, Access::Read}};
    const std::array<Permission, 1> guestOwned{Permission{domid, Access::None}};
    const KiB target = spec.memory - spec.videoram;
    xs_.transact([&](xen::XenStoreOps& t) {
        t.mkdir(vm);
        t.setPermissions(vm, readOnly);
        t.write(vm + "/name", spec.name);
        t.write(vm + "/uuid", vm.substr(4));
        t.mkdir(dom);
        t.setPermissions(dom, readOnly);
        t.write(dom + "/name", spec.name);
        t.write(dom + "/domid", std::to_string(domid));
        t.write(dom + "/vm", vm);
        // libxl's own record of the domain's type (dom0-only): how PVH is told from HVM.
        t.write("/libxl/" + std::to_string(domid) + "/type", nameOf(kDomainTypeNames, spec.type));
        t.mkdir(dom + "/memory");
        t.setPermissions(dom + "/memory", readOnly);
        t.write(dom + "/memory/static-max", decimal(spec.maxmem));
        t.write(dom + "/memory/target", decimal(target));
        if (spec.type == DomainType::Hvm) {
            t.write(dom + "/memory/videoram", decimal(spec.videoram));
        }
        if (spec.rangeMin.count() != 0 || spec.rangeMax.count() != 0) {
            // XenServer's toolstack range, as squeezed reads it.
            t.write(dom + "/memory/dynamic-min", decimal(spec.rangeMin));
            const KiB top = spec.rangeMax.count() != 0 ? spec.rangeMax : spec.maxmem;
            t.write(dom + "/memory/dynamic-max", decimal(top));
        }
        t.mkdir(dom + "/control");
        t.setPermissions(dom + "/control", readOnly);
        for (const char* owned :
             {"data", "feature", "attr", "drivers", "error", "device", "control/shutdown",
              "control/feature-poweroff", "control/feature-reboot", "control/feature-suspend",
              "control/sysrq"}) {
            if (std::string_view(owned).starts_with("control/")) {
                t.write(dom + "/" + owned, "");
            } else {
                t.mkdir(dom + "/" + owned);
            }
            t.setPermissions(dom + "/" + owned, guestOwned);
        }
        // The foreign toolstacks grant their agents the keys they write outside data/.
        if (spec.agent == Agent::Qubes) {
            t.write(dom + "/memory/meminfo", "");
            t.setPermissions(dom + "/memory/meminfo", guestOwned);
        }
        if (spec.agent == Agent::XenServer) {
            t.write(dom + "/control/feature-balloon", "1");
            t.setPermissions(dom + "/control/feature-balloon", guestOwned);
        }
    });
    vmPaths_[domid] = vm;
    introducer_(domid);
    xs_.watch(dom + "/memory/target", kTargetToken);
    targetPaths_[dom + "/memory/target"] = domid;
    targets_[domid] = readTarget(domid);
}

void SimToolstack::domainDestroyed(DomId domid) {
    const std::string target = path(domid, "memory/target");
    xs_.unwatch(target, kTargetToken);
    targetPaths_.erase(target);
    targets_.erase(domid);
    xs_.releaseDomain(domid);
    xs_.remove(home(domid));
    xs_.remove("/libxl/" + std::to_string(domid));
    domainPaths_.erase(domid);
    if (auto it = vmPaths_.find(domid); it != vmPaths_.end()) {
        xs_.remove(it->second);
        vmPaths_.erase(it);
    }
    lastQubesUsed_.erase(domid);
}

void SimToolstack::refreshTargets() {
    for (const auto& event : xs_.takeWatchEvents()) {
        if (event.token != kTargetToken) {
            continue;
        }
        // Events may still arrive for a domain destroyed since; those are dropped.
        if (const auto it = targetPaths_.find(event.path); it != targetPaths_.end()) {
            targets_[it->second] = readTarget(it->second);
        }
    }
}

std::optional<KiB> SimToolstack::target(DomId domid) const {
    const auto it = targets_.find(domid);
    return it == targets_.end() ? std::nullopt : it->second;
}

std::optional<KiB> SimToolstack::readTarget(DomId domid) {
    const auto value = xs_.read(path(domid, "memory/target"));
    if (!value) {
        return std::nullopt;
    }
    std::string why;
    const auto kib = parseBoundedDecimal(*value, kMaxReportValue, why);
    return kib ? std::optional<KiB>(KiB{*kib}) : std::nullopt;
}

void SimToolstack::writeReport(DomId domid, const GuestReport& report) {
    switch (report.source) {
        case ReportSource::Balloond:
            xs_.write(path(domid, kReportKey), encodeReport(report));
            return;
        case ReportSource::Qubes: {
            auto [it, first] = lastQubesUsed_.try_emplace(domid, report.used);
            const KiB last = it->second;
            const KiB moved = last < report.used ? report.used - last : last - report.used;
            if (first || moved > kQubesWriteThreshold) {
                it->second = report.used;
                xs_.write(path(domid, kQubesMeminfoKey), decimal(report.used));
            }
            return;
        }
        case ReportSource::XenServer:
            xs_.transact([&](xen::XenStoreOps& t) {
                t.write(path(domid, kXenServerTotalKey), decimal(report.total));
                t.write(path(domid, kXenServerFreeKey), decimal(report.free.value_or(KiB{0})));
            });
            return;
    }
}

MemoryLayout readMemoryLayout(xen::XenStore& xs, xen::HypervisorPort& hypervisor, DomId domid) {
    const std::string dom = xs.domainPath(domid);
    const auto info = hypervisor.domain(domid);
    if (!info) {
        throw Error(Errc::NoSuchDomain, "mem-set: domain " + std::to_string(domid) +
                                            " does not exist; list domains with `xl list`");
    }
    const auto number = [&](const std::string& key, bool required) {
        const auto text = xs.read(dom + "/" + key);
        std::string why;
        const auto value =
            text ? parseBoundedDecimal(*text, kMaxReportValue, why) : std::optional<uint64_t>{};
        if (!value && (required || text)) {
            throw Error(Errc::Failed, "mem-set: " + dom + "/" + key + " is " +
                                          (text ? "not a KiB number (" + why + ")" : "missing") +
                                          "; the domain was not built by a toolstack that "
                                          "writes xl's keys");
        }
        return KiB{value.value_or(0)};
    };
    MemoryLayout layout;
    layout.domid = domid;
    layout.name = xs.read(dom + "/name").value_or("");
    layout.staticMax = number("memory/static-max", true);
    layout.videoram = number("memory/videoram", false);
    layout.currentTarget = number("memory/target", true);
    layout.translated = info->hvm;
    return layout;
}

Actuation xlMemSet(xen::XenStore& xs, xen::HypervisorPort& hypervisor, DomId domid, KiB size) {
    const MemoryLayout layout = readMemoryLayout(xs, hypervisor, domid);
    const Actuation act = memSet(layout, size, kXlDom0Minimum);
    // libxl's order: Xen's limit first, then PoD, then the target the guest acts on.
    hypervisor.setMaxMem(domid, act.maxmem);
    if (act.podTarget) {
        hypervisor.setPodTarget(domid, *act.podTarget);
    }
    xs.write(xs.domainPath(domid) + "/memory/target", decimal(act.target));
    return act;
}

}  // namespace balloon::sim
