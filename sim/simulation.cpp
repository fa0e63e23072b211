#include "simulation.h"

#include <cerrno>
#include <charconv>

#include "error.h"

namespace balloon::sim {

namespace {

// splitmix64: spreads a seed so that neighbouring seeds give unrelated streams.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::string timeText(SimTime t) {
    char buf[32];
    const auto end =
        std::to_chars(buf, buf + sizeof buf, toSeconds(t), std::chars_format::fixed, 1).ptr;
    return std::string(buf, end) + "s";
}

bool translated(DomainType type) {
    return type != DomainType::Pv;
}

}  // namespace

struct Simulation::Running {
    GuestSpec spec;
    DomId domid;
    SimGuest guest;
    std::optional<KiB> target;  // headless: the target itself; bound: as last read
};

Simulation::Simulation(Scenario scenario)
    : scenario_(std::move(scenario)),
      host_(pagesFloor(scenario_.hostMemory), pagesCeil(scenario_.dom0Memory),
            pagesCeil(scenario_.dom0Maxmem + kMaxmemSlack)),
      trace_(scenario_.traceInterval) {
    for (const auto& spec : scenario_.domains) {
        if (spec.autostart) {
            create(spec.name);
        }
    }
}

Simulation::Simulation(Scenario scenario, xen::XenStoreClient& xs, DomainIntroducer introducer)
    : scenario_(std::move(scenario)),
      host_(pagesFloor(scenario_.hostMemory), pagesCeil(scenario_.dom0Memory),
            pagesCeil(scenario_.dom0Maxmem + kMaxmemSlack)),
      toolstack_(std::make_unique<SimToolstack>(xs, std::move(introducer))),
      trace_(scenario_.traceInterval) {
    toolstack_->writeDom0(scenario_.dom0Memory, scenario_.dom0Maxmem);
    for (const auto& spec : scenario_.domains) {
        if (spec.autostart) {
            create(spec.name);
        }
    }
}

Simulation::~Simulation() = default;

std::uint64_t Simulation::guestSeed(std::string_view name) const {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a: stable across platforms, unlike std::hash
    for (const char c : name) {
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    return mix(scenario_.seed ^ mix(h));
}

Simulation::Running* Simulation::find(std::string_view name) {
    for (auto& r : running_) {
        if (r->spec.name == name) {
            return r.get();
        }
    }
    return nullptr;
}

const Simulation::Running* Simulation::find(std::string_view name) const {
    for (const auto& r : running_) {
        if (r->spec.name == name) {
            return r.get();
        }
    }
    return nullptr;
}

Simulation::Running& Simulation::running(std::string_view name, const char* action) {
    Running* r = find(name);
    if (r == nullptr) {
        throw Error(Errc::NoSuchDomain, std::string(action) + ": no running domain named \"" +
                                            std::string(name) + "\"");
    }
    return *r;
}

void Simulation::note(std::string line) {
    log_.push_back(timeText(now_) + " " + std::move(line));
}

std::vector<std::string> Simulation::takeLog() {
    std::vector<std::string> out;
    out.swap(log_);
    return out;
}

DomId Simulation::create(std::string_view name) {
    const GuestSpec* spec = findDomain(scenario_, name);
    if (spec == nullptr) {
        throw Error(Errc::InvalidArgument,
                    "create: the scenario declares no domain named \"" + std::string(name) + "\"");
    }
    if (find(name) != nullptr) {
        throw Error(Errc::InvalidArgument,
                    "create: \"" + std::string(name) + "\" is already running; destroy it first");
    }
    // libxl: Xen maxmem starts at maxmem + slack so the guest may balloon up to static-max.
    const bool pod = spec->pod && translated(spec->type) && spec->memory < spec->maxmem;
    const DomId domid =
        host_.createDomain(pagesCeil(spec->memory), pagesCeil(spec->maxmem + kMaxmemSlack),
                           translated(spec->type), pod ? pagesCeil(spec->maxmem) : Pages{0});
    const KiB target = spec->memory - spec->videoram;
    if (translated(spec->type)) {
        host_.setPodTarget(domid, target);
    }
    if (toolstack_) {
        toolstack_->domainCreated(domid, *spec);
    }
    running_.push_back(std::make_unique<Running>(
        Running{*spec, domid, SimGuest(*spec, domid, guestSeed(name)), target}));
    note(std::string(name) + ": created as domain " + std::to_string(domid));
    return domid;
}

void Simulation::destroy(std::string_view name) {
    Running& r = running(name, "destroy");
    const DomId domid = r.domid;
    host_.destroyDomain(domid);
    if (toolstack_) {
        toolstack_->domainDestroyed(domid);
    }
    std::erase_if(running_, [&](const auto& p) { return p->domid == domid; });
    note(std::string(name) + ": destroyed (domain " + std::to_string(domid) + ")");
}

Actuation Simulation::actuate(Running& r, const Actuation& act) {
    host_.setMaxMem(r.domid, act.maxmem);
    if (act.podTarget) {
        host_.setPodTarget(r.domid, *act.podTarget);
    }
    r.target = act.target;
    return act;
}

Actuation Simulation::memSet(std::string_view name, KiB size) {
    Running& r = running(name, "mem-set");
    if (toolstack_) {
        return xlMemSet(toolstack_->xenstore(), host_, r.domid, size);
    }
    const MemoryLayout layout{.domid = r.domid,
                              .name = r.spec.name,
                              .staticMax = r.spec.maxmem,
                              .videoram = r.spec.videoram,
                              .currentTarget = r.target.value_or(KiB{0}),
                              .translated = translated(r.spec.type)};
    return actuate(r, balloon::memSet(layout, size, kXlDom0Minimum));
}

Actuation Simulation::setTarget(std::string_view name, KiB target) {
    Running& r = running(name, "set target");
    MemoryLayout layout{.domid = r.domid,
                        .name = r.spec.name,
                        .staticMax = r.spec.maxmem,
                        .videoram = r.spec.videoram,
                        .currentTarget = r.target.value_or(KiB{0}),
                        .translated = translated(r.spec.type)};
    if (toolstack_) {
        layout = readMemoryLayout(toolstack_->xenstore(), host_, r.domid);
    }
    const Actuation act = forTarget(layout, target, kXlDom0Minimum);
    if (toolstack_) {
        host_.setMaxMem(r.domid, act.maxmem);
        if (act.podTarget) {
            host_.setPodTarget(r.domid, *act.podTarget);
        }
        auto& xs = toolstack_->xenstore();
        xs.write(xs.domainPath(r.domid) + "/memory/target", std::to_string(act.target.count()));
        return act;
    }
    return actuate(r, act);
}

void Simulation::changeWorkload(std::string_view name, const WorkloadSpec& spec) {
    running(name, "workload").guest.changeWorkload(spec, now_);
}

void Simulation::apply(const ScenarioEvent& event) {
    try {
        switch (event.action) {
            case EventAction::Create:
                try {
                    create(event.domain);
                } catch (const xen::HypervisorError& e) {
                    if (e.error() != ENOMEM || event.wait.count() <= 0) {
                        throw;
                    }
                    pending_.push_back({event.domain, now_ + event.wait});
                    note(event.domain + ": waiting up to " + timeText(event.wait) +
                         " for memory to build it");
                }
                return;
            case EventAction::Destroy:
                destroy(event.domain);
                return;
            case EventAction::MemSet: {
                const Actuation act = memSet(event.domain, event.size);
                note(event.domain + ": mem-set, target " + std::to_string(act.target.count()) +
                     " KiB");
                return;
            }
            case EventAction::Workload:
                changeWorkload(event.domain, event.workload);
                note(event.domain + ": workload changed");
                return;
        }
    } catch (const std::exception& e) {
        // A refused event is part of the story (xl would print it and carry on).
        note(event.domain + ": event failed: " + e.what());
    }
}

void Simulation::applyEvents() {
    while (nextEvent_ < scenario_.events.size() && scenario_.events[nextEvent_].at <= now_) {
        apply(scenario_.events[nextEvent_++]);
    }
}

void Simulation::retryPendingCreates() {
    std::erase_if(pending_, [&](const PendingCreate& p) {
        // Like xl's freemem loop: wait until the host has the memory instead of using up a
        // domid per attempt.
        const GuestSpec* spec = findDomain(scenario_, p.name);
        if (now_ < p.deadline && host_.hostInfo().freeKiB() < spec->memory) {
            return false;
        }
        try {
            create(p.name);
            return true;
        } catch (const xen::HypervisorError& e) {
            if (e.error() == ENOMEM && now_ < p.deadline) {
                return false;
            }
            note(p.name + ": create failed: " + e.what());
            return true;
        }
    });
}

void Simulation::step(Duration dt) {
    now_ += dt;
    applyEvents();
    retryPendingCreates();
    if (toolstack_) {
        toolstack_->refreshTargets();
    }
    for (auto& r : running_) {
        if (toolstack_) {
            r->target = toolstack_->target(r->domid);
        }
        r->guest.readTarget(r->target);
        r->guest.step(now_, dt, host_);
        for (auto& line : r->guest.driver().takeLog()) {
            note(r->spec.name + ": kernel: " + line);
        }
    }
    host_.advance(dt);
    if (toolstack_ && (lastReport_.count() < 0 || now_ - lastReport_ >= scenario_.reportInterval)) {
        lastReport_ = now_;
        for (auto& r : running_) {
            if (const auto report = r->guest.report()) {
                toolstack_->writeReport(r->domid, *report);
            }
        }
    }
    if (trace_.due(now_)) {
        const KiB hostFree = host_.hostInfo().freeKiB();
        for (const auto& r : running_) {
            const SimGuest& g = r->guest;
            trace_.add(TraceRow{.at = now_,
                                .domain = r->spec.name,
                                .domid = r->domid,
                                .demand = g.demand(),
                                .target = r->target.value_or(KiB{0}),
                                .actual = toKiB(host_.allocation(r->domid).value_or(Pages{0})),
                                .pressure = g.underPressure(),
                                .pressureSeconds = g.pressureSeconds(),
                                .oomKills = g.oomKills(),
                                .hostFree = hostFree});
        }
    }
}

void Simulation::runFor(Duration total) {
    while (total.count() > 0) {
        const Duration dt = std::min(total, scenario_.step);
        step(dt);
        total -= dt;
    }
}

void Simulation::runToEnd() {
    if (now_ < scenario_.duration) {
        runFor(scenario_.duration - now_);
    }
}

SimGuest* Simulation::guest(std::string_view name) {
    Running* r = find(name);
    return r == nullptr ? nullptr : &r->guest;
}

std::optional<DomId> Simulation::domid(std::string_view name) const {
    const Running* r = find(name);
    return r == nullptr ? std::nullopt : std::optional<DomId>(r->domid);
}

std::vector<const SimGuest*> Simulation::guests() const {
    std::vector<const SimGuest*> out;
    out.reserve(running_.size());
    for (const auto& r : running_) {
        out.push_back(&r->guest);
    }
    return out;
}

std::optional<KiB> Simulation::target(std::string_view name) const {
    const Running* r = find(name);
    return r == nullptr ? std::nullopt : r->target;
}

}  // namespace balloon::sim
