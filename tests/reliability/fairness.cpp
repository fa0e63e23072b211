#include "fairness.h"

#include <array>

#include "simulated_balloond.h"
#include "stats_codec.h"
#include "xenstore_client.h"
#include "xenstored_process.h"

namespace balloon::reliability {
namespace {

using namespace std::chrono_literals;

constexpr KiB kPetabyte{kMaxReportValue};
constexpr sim::Duration kStep = 100ms;
// As often as balloond reads a domain's reports by default (2 a second): writing more often
// wins a guest nothing, so the liar and the honest guests all write at this pace.
constexpr sim::Duration kReportInterval = 500ms;

// 6G host, dom0 1G: the guests share about 4.9G. db needs 1.5G with its headroom, web 575M
// between its bursts and 1.8G in them, and the liar's place up to its 2G max: in web's bursts
// not everyone can have what they ask.
constexpr std::string_view kHost = R"(
[host]
memory = "5G"
dom0 = "1G"
seed = 42
step = "100ms"
report_interval = "500ms"

[[domain]]
name = "web"
memory = "1G"
maxmem = "2G"
workload = { kind = "burst", base = "500M", amplitude = "1100M", period = "60s", length = "20s" }

[[domain]]
name = "db"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "1300M", noise = 0.02 }

[[domain]]
name = "guest"
memory = "1G"
maxmem = "2G"
)";

// The liar's place. The liar reports nothing itself (its lies are written over its ring) and
// really uses 200M; the reference uses all it is given, needs its whole max, and has the swap to
// hold what it is not given, so its honest report is the strongest an honest guest can write.
constexpr std::string_view kLiar = R"(agent = "none"
workload = { kind = "idle", base = "200M", noise = 0 }
)";
constexpr std::string_view kReference = R"(swap = "2G"
workload = { kind = "steady", base = "2G", noise = 0 }
)";

// Writes a report in a format over the guest's own ring, as a hostile kernel would.
class RingWriter {
public:
    RingWriter(harness::GuestRingClient& ring, Format format) : ring_(ring), format_(format) {}

    // `r` in this format's terms: balloon-report as it is; Qubes writes `used` (used + swap, as
    // meminfo-writer counts it); XenServer writes `total` and `free`.
    void write(GuestReport r) {
        switch (format_) {
            case Format::BalloonReport:
                r.sequence = ++sequence_;
                ring_.write(kReportKey, encodeReport(r));
                return;
            case Format::Qubes:
                ring_.write(kQubesMeminfoKey, std::to_string(r.used.count()));
                return;
            case Format::XenServer:
                ring_.write(kXenServerTotalKey, std::to_string(r.total.count()));
                ring_.write(kXenServerFreeKey, std::to_string(r.free.value_or(KiB{0}).count()));
                return;
        }
    }

private:
    harness::GuestRingClient& ring_;
    Format format_;
    std::uint64_t sequence_ = 0;
};

// The truth (what the liar's kernel sees) in the format's terms.
GuestReport honest(const GuestReport& truth, Format format) {
    GuestReport r = truth;
    if (format == Format::Qubes) {
        r.used = truth.used + truth.swapUsed.value_or(KiB{0});
    } else if (format == Format::XenServer) {
        r.free = truth.available;
    }
    return r;
}

GuestReport overClaim() {
    GuestReport r;
    r.total = kPetabyte;
    r.used = kPetabyte;
    r.free = KiB{0};
    return r;
}

GuestReport lieFor(Lie lie, Format format, const GuestReport& truth, std::uint64_t count) {
    switch (lie) {
        case Lie::Reference:
        case Lie::Truth:
            break;
        case Lie::OverClaim:
            return overClaim();
        case Lie::Pressure: {
            GuestReport r = truth;
            r.used = truth.total;
            r.available = r.free = r.caches = KiB{0};
            if (format == Format::BalloonReport) {
                r.swapUsed = kPetabyte;
                r.swapInPages = r.swapOutPages = r.majorFaults = r.refaults = kMaxReportValue;
                r.psiSomeAvg10 = kMaxPsi;
            }
            return r;
        }
        case Lie::Oscillate:
            return count % 2 == 0 ? overClaim() : honest(truth, format);
        case Lie::Floor: {
            GuestReport r = truth;
            r.guestMin = kPetabyte;
            r.requestedTarget = kPetabyte;
            return r;
        }
    }
    return honest(truth, format);
}

// A Qubes toolstack grants the guest its one key outside data/.
void grantQubesKey(xen::XenStoreClient& xs, DomId domid) {
    const std::string path = xs.domainPath(domid) + "/" + std::string(kQubesMeminfoKey);
    xs.write(path, "");
    const std::array<xen::Permission, 1> owned{
        xen::Permission{domid, xen::Permission::Access::None}};
    xs.setPermissions(path, owned);
}

}  // namespace

std::vector<FairnessCase> everyLie() {
    return {
        {Lie::OverClaim, Format::BalloonReport}, {Lie::Pressure, Format::BalloonReport},
        {Lie::Oscillate, Format::BalloonReport}, {Lie::Floor, Format::BalloonReport},
        {Lie::OverClaim, Format::Qubes},         {Lie::Oscillate, Format::Qubes},
        {Lie::OverClaim, Format::XenServer},     {Lie::Pressure, Format::XenServer},
        {Lie::Oscillate, Format::XenServer},
    };
}

std::string_view describe(Lie lie) {
    switch (lie) {
        case Lie::Reference:
            return "none: uses all it has (the reference)";
        case Lie::Truth:
            return "none: tells its truth (200M)";
        case Lie::OverClaim:
            return "over-claims use (1 PiB)";
        case Lie::Pressure:
            return "claims pressure";
        case Lie::Oscillate:
            return "oscillates (1 PiB / 200M)";
        case Lie::Floor:
            return "claims a huge floor";
    }
    return "?";
}

std::string_view describe(Format format) {
    switch (format) {
        case Format::BalloonReport:
            return "balloon-report";
        case Format::Qubes:
            return "Qubes meminfo";
        case Format::XenServer:
            return "XenServer meminfo";
    }
    return "?";
}

FairnessResult runFairness(const FairnessCase& fairnessCase, sim::Duration length) {
    sandbox::XenstoredProcess xenstored;
    xenstored.exportToThisProcess();
    const auto privileged = xen::XenStoreClient::open();
    const bool lying = fairnessCase.lie != Lie::Reference;  // the liar's place writes its reports
    testing::SimulatedBalloond balloond(
        xenstored, *privileged, std::string(kHost) + std::string(lying ? kLiar : kReference));
    const DomId liar = balloond.domid(std::string(kLiarSlot));
    if (lying && fairnessCase.format == Format::Qubes) {
        grantQubesKey(*privileged, liar);
    }
    RingWriter writer(balloond.guest(std::string(kLiarSlot)), fairnessCase.format);
    std::vector<std::string> guests = kHonestGuests;
    guests.emplace_back(kLiarSlot);
    std::map<std::string, double> sums;
    std::uint64_t steps = 0;
    std::uint64_t lies = 0;
    std::optional<sim::SimTime> lastLie;
    while (balloond.sim().now() < length) {
        // Written in the step the simulation's agents write theirs: read in the same round.
        const sim::SimTime next = balloond.sim().now() + kStep;
        // The liar starts with its kernel (its first truth), as the agents do.
        const GuestReport truth = balloond.sim().guest(std::string(kLiarSlot))->truth();
        if (lying && truth.sequence != 0 && (!lastLie || next - *lastLie >= kReportInterval)) {
            lastLie = next;
            writer.write(lieFor(fairnessCase.lie, fairnessCase.format, truth, lies++));
        }
        balloond.step(kStep);
        for (const std::string& name : guests) {
            const auto pages = balloond.sim().host().allocation(balloond.domid(name));
            sums[name] += static_cast<double>(toKiB(pages.value_or(Pages{})).count());
        }
        ++steps;
    }
    FairnessResult result;
    for (const auto& [name, sum] : sums) {
        result.meanAllocation[name] =
            KiB{static_cast<std::uint64_t>(sum / static_cast<double>(steps))};
    }
    result.clampedReports = balloond.balancer().reportsClamped();
    return result;
}

double percentFrom(KiB observed, KiB reference) {
    return 100.0 * static_cast<double>(signedDelta(observed, reference)) /
           static_cast<double>(reference.count());
}

}  // namespace balloon::reliability
