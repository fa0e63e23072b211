#include "live_view.h"

#include <chrono>
#include <iomanip>
#include <sstream>

#include <sys/ioctl.h>
#include <unistd.h>

#include "policy/explain.h"
#include "size.h"

namespace balloon::daemon {
namespace {

// The columns before WHY take this many characters.
constexpr std::size_t kFixedColumns = 57;
constexpr std::size_t kNarrowestReason = 20;

// Terminal control: the alternate screen (the shell's screen comes back on exit), cursor home,
// clear to the end of the line and of the screen, cursor hidden and shown.
constexpr const char* kEnterScreen = "\x1b[?1049h\x1b[?25l";
constexpr const char* kLeaveScreen = "\x1b[?25h\x1b[?1049l";
constexpr const char* kHome = "\x1b[H";
constexpr const char* kClearLine = "\x1b[K";
constexpr const char* kClearBelow = "\x1b[J";

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

std::size_t terminalColumns(std::FILE* out) {
    winsize size{};
    if (ioctl(fileno(out), TIOCGWINSZ, &size) != 0 || size.ws_col == 0) {
        return 80;
    }
    return size.ws_col;
}

}  // namespace

std::string formatClock(sim::SimTime t) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(t).count();
    std::ostringstream out;
    out << std::setfill('0') << std::setw(2) << s / 60 << ':' << std::setw(2) << s % 60;
    return out.str();
}

LiveView::LiveView(std::FILE* out, std::string scenarioName)
    : out_(out), scenario_(std::move(scenarioName)), terminal_(isatty(fileno(out)) != 0) {
    if (terminal_) {
        std::fputs(kEnterScreen, out_);
        std::fflush(out_);
        onAlternateScreen_ = true;
    }
}

LiveView::~LiveView() {
    leaveScreen();
}

void LiveView::leaveScreen() {
    if (onAlternateScreen_) {
        std::fputs(kLeaveScreen, out_);
        std::fflush(out_);
        onAlternateScreen_ = false;
    }
}

std::string LiveView::frame(Balancer& balancer, sim::Simulation& simulation,
                            std::size_t reasonWidth) const {
    std::ostringstream text;
    text << "balloond sandbox: scenario " << scenario_ << ", t=" << formatClock(simulation.now())
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
                     entry != nullptr ? cut(policy::explain(*entry), reasonWidth) : ""});
    }
    return text.str();
}

void LiveView::draw(Balancer& balancer, sim::Simulation& simulation, const std::string& footer) {
    if (!terminal_) {
        std::fputs(
            (frame(balancer, simulation, std::string::npos) + '\n' + footer + "\n\n").c_str(),
            out_);
        std::fflush(out_);
        return;
    }
    // Every line cleared to its end, and everything below the frame, so nothing of a longer
    // earlier frame stays; the screen never scrolls.
    const std::size_t columns = terminalColumns(out_);
    const std::size_t reasonWidth =
        columns > kFixedColumns + kNarrowestReason ? columns - kFixedColumns : kNarrowestReason;
    std::istringstream lines(frame(balancer, simulation, reasonWidth));
    std::string screen = kHome;
    for (std::string line; std::getline(lines, line);) {
        screen += cut(line, columns) + kClearLine + '\n';
    }
    // The footer in full (addresses and paths to copy), wrapped by the terminal if need be.
    screen += std::string(kClearLine) + '\n';
    std::istringstream footerLines(footer);
    for (std::string line; std::getline(footerLines, line);) {
        screen += line + kClearLine + '\n';
    }
    screen += kClearBelow;
    std::fputs(screen.c_str(), out_);
    std::fflush(out_);
}

void LiveView::close(Balancer& balancer, sim::Simulation& simulation) {
    leaveScreen();
    std::fputs((frame(balancer, simulation, std::string::npos) + '\n').c_str(), out_);
    std::fflush(out_);
}

}  // namespace balloon::daemon
