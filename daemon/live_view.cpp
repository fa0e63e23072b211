#include "live_view.h"

#include <chrono>
#include <iomanip>
#include <sstream>

#include <unistd.h>

#include "policy/explain.h"
#include "size.h"

namespace balloon::daemon {
namespace {

std::string clock(sim::SimTime t) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(t).count();
    std::ostringstream out;
    out << std::setfill('0') << std::setw(2) << s / 60 << ':' << std::setw(2) << s % 60;
    return out.str();
}

std::string cut(std::string text, std::size_t width) {
    if (text.size() > width) {
        text.resize(width - 1);
        text += "~";
    }
    return text;
}

struct Row {
    std::string name, id, demand, target, actual, state, why;
};

void print(std::ostringstream& out, const Row& r) {
    out << std::left << std::setw(10) << r.name << ' ' << std::right << std::setw(3) << r.id << ' '
        << std::setw(8) << r.demand << ' ' << std::setw(8) << r.target << ' ' << std::setw(8)
        << r.actual << "  " << std::left << std::setw(13) << r.state << ' ' << r.why << '\n';
}

}  // namespace

LiveView::LiveView(std::FILE* out, std::string scenarioName)
    : out_(out), scenario_(std::move(scenarioName)), terminal_(isatty(fileno(out)) != 0) {}

void LiveView::draw(Balancer& balancer, sim::Simulation& simulation, const std::string& footer) {
    std::ostringstream text;
    if (terminal_) {
        text << "\x1b[H\x1b[2J";  // home, clear: redraw in place
    }
    text << "balloond sandbox: scenario " << scenario_ << ", t=" << clock(simulation.now())
         << "   host " << formatSizeHuman(balancer.lastHostTotal()) << ", free "
         << formatSizeHuman(balancer.lastHostFree()) << ", slush "
         << formatSizeHuman(balancer.config().policy.slush) << "\n\n";
    print(text, {"NAME", "ID", "DEMAND", "TARGET", "ACTUAL", "STATE", "WHY"});
    const Plan* plan = balancer.lastPlan();
    for (auto& [domid, record] : balancer.registry().records()) {
        const sim::SimGuest* guest = simulation.guest(record.name);
        const DomainPlan* entry = plan != nullptr ? plan->find(domid) : nullptr;
        print(text, {cut(record.name, 10), std::to_string(domid),
                     guest != nullptr ? formatSizeHuman(guest->demand()) : "-",
                     formatSizeHuman(record.target), formatSizeHuman(record.actual),
                     std::string(convergenceName(record.convergence.state())),
                     entry != nullptr ? cut(policy::explain(*entry), 72) : ""});
    }
    text << '\n' << footer << "\n\n";
    std::fputs(text.str().c_str(), out_);
    std::fflush(out_);
}

}  // namespace balloon::daemon
