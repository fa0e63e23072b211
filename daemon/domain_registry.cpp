#include "domain_registry.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <set>

#include "private_paths.h"
#include "stats_codec.h"

namespace balloon::daemon {
namespace {

constexpr std::string_view kTokenPrefix = "dom:";

DomainType parseType(const std::optional<std::string>& libxlType, bool hvmFlag) {
    if (libxlType) {
        if (const auto type = valueOf(kDomainTypeNames, *libxlType)) {
            return *type;
        }
    }
    // Without libxl's record, Xen's flag tells translated from PV (PVH then looks like HVM).
    return hvmFlag ? DomainType::Hvm : DomainType::Pv;
}

// "/vm/<uuid>" -> "<uuid>", only when it looks like a uuid.
std::string uuidFromVmPath(const std::optional<std::string>& vm) {
    constexpr std::string_view kPrefix = "/vm/";
    if (!vm || !vm->starts_with(kPrefix)) {
        return {};
    }
    std::string uuid = vm->substr(kPrefix.size());
    const bool looksRight =
        uuid.size() == 36 && uuid.find_first_not_of("0123456789abcdefABCDEF-") == std::string::npos;
    return looksRight ? uuid : std::string{};
}

}  // namespace

std::optional<KiB> parseKiBValue(const std::optional<std::string>& text) {
    if (!text) {
        return std::nullopt;
    }
    std::string why;
    const auto value = parseBoundedDecimal(*text, kMaxReportValue, why);
    return value ? std::optional<KiB>(KiB{*value}) : std::nullopt;
}

DomainRegistry::DomainRegistry(xen::XenStore& xs, xen::HypervisorPort& hv,
                               ConvergenceConfig convergence)
    : xs_(xs), hv_(hv), convergence_(convergence) {}

void DomainRegistry::setConvergenceConfig(ConvergenceConfig convergence) {
    convergence_ = convergence;
    for (auto& [domid, record] : records_) {
        record.convergence.setConfig(convergence);
    }
}

DomainRecord* DomainRegistry::find(DomId domid) {
    const auto it = records_.find(domid);
    return it == records_.end() ? nullptr : &it->second;
}

std::string DomainRegistry::watchToken(const DomainRecord& record) {
    return std::string(kTokenPrefix) + std::to_string(record.domid) + ":" +
           std::to_string(record.generation);
}

DomainRecord* DomainRegistry::fromToken(std::string_view token) {
    if (!token.starts_with(kTokenPrefix)) {
        return nullptr;
    }
    token.remove_prefix(kTokenPrefix.size());
    const auto colon = token.find(':');
    if (colon == std::string_view::npos) {
        return nullptr;
    }
    unsigned domid = 0;
    std::uint64_t generation = 0;
    const auto* idEnd = token.data() + colon;
    if (std::from_chars(token.data(), idEnd, domid).ptr != idEnd ||
        std::from_chars(idEnd + 1, token.data() + token.size(), generation).ec != std::errc{}) {
        return nullptr;
    }
    DomainRecord* record = find(static_cast<DomId>(domid));
    return record != nullptr && record->generation == generation ? record : nullptr;
}

std::optional<DomainRecord> DomainRegistry::load(const xen::DomainInfo& info) {
    DomainRecord record;
    record.domid = info.domid;
    record.path = xs_.domainPath(info.domid);
    const std::string& path = record.path;
    // A domain still being built has no memory keys yet: it is picked up on a later refresh.
    if (!reloadMemoryKeys(record)) {
        return std::nullopt;
    }
    reloadControlKeys(record);
    record.name = xs_.read(path + "/name").value_or("");
    record.uuid = uuidFromVmPath(xs_.read(path + "/vm"));
    record.type = parseType(xs_.read("/libxl/" + std::to_string(info.domid) + "/type"), info.hvm);
    record.generation = nextGeneration_++;
    record.lastTargetChange = storedLastChange(record);
    record.convergence = ConvergenceTracker(convergence_);
    return record;
}

void DomainRegistry::startWatching(const DomainRecord& record) {
    const std::string& path = record.path;
    const std::string token = watchToken(record);
    xs_.watch(path + "/memory", token);
    xs_.watch(path + "/data", token);
    xs_.watch(path + "/control/feature-balloon", token);
}

void DomainRegistry::stopWatching(const DomainRecord& record) {
    const std::string& path = record.path;
    const std::string token = watchToken(record);
    // The domain's nodes may already be gone; an unwatch failure then means nothing.
    try {
        xs_.unwatch(path + "/memory", token);
        xs_.unwatch(path + "/data", token);
        xs_.unwatch(path + "/control/feature-balloon", token);
    } catch (const xen::XenStoreError&) {
    }
}

DomainRegistry::Changes DomainRegistry::refresh(TimePoint now, bool checkIdentity) {
    Changes changes;
    std::set<DomId> alive;
    now_ = now;
    for (const xen::DomainInfo& info : hv_.domains()) {
        if (info.dying) {
            continue;
        }
        alive.insert(info.domid);
        auto it = records_.find(info.domid);
        if (it != records_.end() && checkIdentity) {
            const auto vm = xs_.read(it->second.path + "/vm");
            const std::string uuid = uuidFromVmPath(vm);
            if (!uuid.empty() && uuid != it->second.uuid) {
                // The domid was reused between two refreshes: a new domain.
                stopWatching(it->second);
                changes.removed.push_back(info.domid);
                records_.erase(it);
                it = records_.end();
            }
        }
        if (it == records_.end()) {
            auto record = load(info);
            if (!record) {
                continue;
            }
            it = records_.emplace(info.domid, std::move(*record)).first;
            it->second.seenAt = now;
            startWatching(it->second);
            changes.added.push_back(info.domid);
        }
        it->second.noteAllocation(toKiB(info.totPages), now);
        it->second.maxmem = toKiB(info.maxPages);
        it->second.podEntries = toKiB(info.podEntries);
        it->second.podCache = toKiB(info.podCache);
    }
    for (auto it = records_.begin(); it != records_.end();) {
        if (alive.contains(it->first)) {
            ++it;
            continue;
        }
        stopWatching(it->second);
        forget(it->first);
        changes.removed.push_back(it->first);
        it = records_.erase(it);
    }
    return changes;
}

std::optional<TimePoint> DomainRegistry::storedLastChange(const DomainRecord& record) {
    // "<uuid> <unix seconds>", written with every target change: the hold time survives a
    // restart, so a restarted balloond does not redo what it was holding back.
    const auto stored = xs_.read(lastChangePath(record.domid));
    if (!stored || !stored->starts_with(record.uuid + " ")) {
        return std::nullopt;
    }
    std::int64_t then = 0;
    const std::string_view seconds = std::string_view(*stored).substr(record.uuid.size() + 1);
    if (std::from_chars(seconds.data(), seconds.data() + seconds.size(), then).ec != std::errc{}) {
        return std::nullopt;
    }
    const std::int64_t ago = std::max<std::int64_t>(0, unixSeconds() - then);
    return now_ - std::chrono::seconds(ago);
}

void DomainRegistry::forget(DomId domid) {
    // What balloond kept about a domain that is gone; a new domain with its id starts afresh.
    xs_.remove(lastChangePath(domid));
    xs_.remove(pinPath(domid));
    removeStrayTarget(domid);
}

void DomainRegistry::removeStrayTarget(DomId domid) {
    // An admin's target written as the toolstack destroyed the domain (Actuator::setTarget writes
    // outside a transaction) recreates memory/target under the tree it removed: a dom0-owned node
    // that would outlive the domain. Anything more in the tree is someone else's.
    const std::string path = xs_.domainPath(domid);
    if (xs_.directory(path) == std::vector<std::string>{"memory"} &&
        xs_.directory(path + "/memory") == std::vector<std::string>{"target"}) {
        xs_.remove(path);
    }
}

bool DomainRegistry::reloadMemoryKeys(DomainRecord& record) {
    // All five in flight at once: one after another, they held balloond's loop for 10 ms after
    // every target write at 1,000 guests (the watch fires for our own writes too).
    const std::string memory = record.path + "/memory/";
    const std::array<std::string, 5> paths{memory + "static-max", memory + "target",
                                           memory + "videoram", memory + "dynamic-min",
                                           memory + "dynamic-max"};
    const auto values = xs_.readMany(paths);
    const auto staticMax = parseKiBValue(values[0]);
    const auto target = parseKiBValue(values[1]);
    if (!staticMax || !target) {
        return false;
    }
    record.staticMax = *staticMax;
    record.target = *target;
    record.videoram = parseKiBValue(values[2]).value_or(KiB{0});
    record.dynamicMin = parseKiBValue(values[3]);
    record.dynamicMax = parseKiBValue(values[4]);
    return true;
}

void DomainRegistry::reloadControlKeys(DomainRecord& record) {
    // Guest-writable: only the exact "1" counts, whatever else is there.
    record.featureBalloon = xs_.read(record.path + "/control/feature-balloon") == "1";
}

}  // namespace balloon::daemon
