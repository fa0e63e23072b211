#include "run.h"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include "host_view.h"
#include "simulation.h"

namespace balloon::compare {
namespace {

// Plays the toolstack for the creates that may wait (`wait` in the scenario): like a toolstack
// in front of squeezed or balloond, it reserves the domain's memory with the balancer, builds the
// domain once the memory free beyond the slush covers it, and gives up at the deadline. Under a
// StartRule (qmemman's protocol) a start also fails when the balancer refuses it, or when free
// memory stalls.
class Toolstack {
public:
    // Takes the waiting creates out of the scenario: the simulation would build a domain the
    // moment free memory covers it, leaving the host without its slush.
    explicit Toolstack(sim::Scenario& scenario) {
        std::erase_if(scenario.events, [&](const sim::ScenarioEvent& e) {
            if (e.action != sim::EventAction::Create || e.wait.count() <= 0) {
                return false;
            }
            const sim::GuestSpec* spec = sim::findDomain(scenario, e.domain);
            waiting_.push_back({e.domain, spec != nullptr ? spec->memory : KiB{}, e.at, e.wait});
            return true;
        });
    }

    // Builds what can be built; counts the builds, their latency and the creates that gave up.
    void step(sim::Simulation& sim, KiB slush, const std::optional<StartRule>& rule,
              RunResult& result) {
        const KiB free = sim.host().hostInfo().freeKiB();
        const bool stalled = rule && stalledFor(sim.now(), free, *rule);
        std::erase_if(waiting_, [&](const Create& c) {
            if (sim.now() < c.at) {
                return false;
            }
            if (sim.host().hostInfo().freeKiB() >= c.memory + slush) {
                try {
                    sim.create(c.name);
                    ++result.creates;
                    result.createLatencyMax =
                        std::max(result.createLatencyMax, sim::toSeconds(sim.now() - c.at));
                    return true;
                } catch (const xen::HypervisorError& e) {
                    if (e.error() != ENOMEM) {
                        throw;
                    }
                }
            }
            if (sim.now() >= c.at + c.wait ||
                (stalled &&
                 sim.now() - c.at >= std::chrono::duration_cast<sim::Duration>(rule->window))) {
                ++result.createsFailed;
                return true;
            }
            return false;
        });
    }

    // The balancer answered FAIL: every start under way fails.
    void refuse(sim::SimTime now, RunResult& result) {
        std::erase_if(waiting_, [&](const Create& c) {
            if (now < c.at) {
                return false;
            }
            ++result.createsFailed;
            return true;
        });
    }

    // Reservations for the creates under way (not yet transferred: the domain does not exist).
    [[nodiscard]] std::vector<Reservation> reservations(sim::SimTime now) const {
        std::vector<Reservation> out;
        for (const Create& c : waiting_) {
            if (now >= c.at) {
                out.push_back({"create-" + c.name, c.memory, std::nullopt});
            }
        }
        return out;
    }

private:
    struct Create {
        std::string name;
        KiB memory;
        sim::SimTime at;
        sim::Duration wait;
    };

    // Free memory grew by less than the rule's minimum over its window (samples kept that long).
    bool stalledFor(sim::SimTime now, KiB free, const StartRule& rule) {
        const auto window = std::chrono::duration_cast<sim::Duration>(rule.window);
        freeSeen_.emplace_back(now, free);
        while (freeSeen_.size() > 1 && now - freeSeen_[1].first >= window) {
            freeSeen_.pop_front();
        }
        const auto& [then, before] = freeSeen_.front();
        return now - then >= window && free < before + rule.minProgress;
    }

    std::vector<Create> waiting_;
    std::deque<std::pair<sim::SimTime, KiB>> freeSeen_;
};

double mibOf(KiB amount) {
    return static_cast<double>(amount.count()) / 1024.0;
}

// The figures taken at every step.
class Meter {
public:
    Meter(const RunConfig& config, KiB reserve) : config_(config), reserve_(reserve) {}

    // Right after the simulation stepped, before the balancer answers: a kill now came under
    // the target the balancer had set, judged against the report it had seen.
    void countKills(sim::Simulation& sim) {
        for (const sim::SimGuest* guest : sim.guests()) {
            const std::string& name = guest->spec().name;
            std::uint64_t& kills = oomKills_[name];
            if (guest->oomKills() > kills) {
                const auto used = lastUsed_.find(name);
                const auto target = sim.target(name);
                if (used != lastUsed_.end() && target && *target < used->second) {
                    result_.oomKillsCaused += guest->oomKills() - kills;
                }
                kills = guest->oomKills();
            }
        }
    }

    void observe(sim::Simulation& sim, sim::Duration dt) {
        const double seconds = sim::toSeconds(dt);
        const KiB free = sim.host().hostInfo().freeKiB();
        KiB idle = free;
        bool pressed = false;
        for (const sim::SimGuest* guest : sim.guests()) {
            const GuestReport& truth = guest->truth();
            const KiB available = truth.available.value_or(KiB{});
            const double floor = static_cast<double>(truth.total.count()) * config_.availableFloor;
            if (guest->underPressure() || static_cast<double>(available.count()) < floor) {
                result_.pressureSeconds += seconds;
                pressed = true;
            }
            idle += truth.free.value_or(KiB{});  // unused: neither in use nor cache
            if (const auto report = guest->report()) {
                lastUsed_[guest->spec().name] = report->used;
            }
        }
        idleMiBSeconds_ += mibOf(idle) * seconds;
        if (pressed) {
            result_.idlePressedGiBs += mibOf(free - reserve_) / 1024.0 * seconds;
        }
        result_.seconds += seconds;
        result_.reserveBreaches += free < reserve_ ? 1U : 0U;
        result_.lowLineBreaches += free < config_.lowLine ? 1U : 0U;
    }

    RunResult& result() { return result_; }

    RunResult finish() {
        for (const auto& [name, kills] : oomKills_) {
            result_.oomKills += kills;
        }
        result_.idleMiB = result_.seconds > 0 ? idleMiBSeconds_ / result_.seconds : 0;
        return result_;
    }

private:
    const RunConfig& config_;
    KiB reserve_;
    RunResult result_;
    double idleMiBSeconds_ = 0;
    std::map<std::string, std::uint64_t> oomKills_;  // by name: a destroyed guest still counts
    std::map<std::string, KiB> lastUsed_;            // what each guest's last report said it used
};

}  // namespace

RunResult runScenario(const sim::Scenario& scenario, const Contender& contender,
                      const RunConfig& config) {
    sim::Scenario playing = scenario;
    Toolstack toolstack(playing);
    sim::Simulation sim(std::move(playing));
    HostView view(sim);
    Meter meter(config, contender.slush);
    meter.result().scenario = scenario.name;
    meter.result().policy = contender.name;

    // The daemon runs a round when a report changes (every report interval) and at least
    // every sample interval.
    const sim::Duration roundEvery = std::min(config.sampleInterval, scenario.reportInterval);
    sim::SimTime lastRound{0};
    while (sim.now() < scenario.duration) {
        const sim::Duration dt = std::min(scenario.step, scenario.duration - sim.now());
        sim.step(dt);
        meter.countKills(sim);
        toolstack.step(sim, contender.slush, contender.startRule, meter.result());
        if (contender.plan && sim.now() - lastRound >= roundEvery) {
            lastRound = sim.now();
            const KiB free = sim.host().hostInfo().freeKiB();
            const Plan plan = contender.plan(view.snapshot(toolstack.reservations(sim.now())));
            if (contender.startRule && plan.shortfall) {
                toolstack.refuse(sim.now(), meter.result());
            }
            meter.result().targetChanges += view.apply(plan, free, contender.slush);
        }
        meter.observe(sim, dt);
    }
    if (config.traceDir) {
        const auto path = *config.traceDir / (scenario.name + "-" + contender.name + ".csv");
        std::ofstream out(path);
        sim.trace().writeCsv(out);
        if (!out) {
            throw std::runtime_error("cannot write the trace " + path.string() +
                                     ": check that the directory exists and is writable");
        }
    }
    return meter.finish();
}

}  // namespace balloon::compare
