#include "qmemman_algo.h"

#include <cmath>
#include <cstdlib>

namespace balloon::compare::qmemman {
namespace {

SignedKiB sig(KiB amount) {
    return static_cast<SignedKiB>(amount.count());
}

double real(KiB amount) {
    return static_cast<double>(amount.count());
}

// Python's int(): toward zero.
SignedKiB truncated(double value) {
    return static_cast<SignedKiB>(std::trunc(value));
}

// A target as a KiB amount (a negative target, which qmemman never computes for a sane input,
// becomes 0 rather than wrapping).
KiB targetOf(SignedKiB value) {
    return KiB{value > 0 ? static_cast<std::uint64_t>(value) : 0U};
}

SignedKiB needed(const Domain& dom, const Config& config) {
    return sig(prefMem(dom, config)) - sig(dom.actual());
}

}  // namespace

KiB prefMem(const Domain& dom, const Config& config) {
    const double scaled = real(dom.used.value_or(KiB{})) * config.cacheMarginFactor;
    if (dom.domid == kDom0) {
        return targetOf(truncated(std::min(scaled + real(config.dom0MemBoost), real(dom.max))));
    }
    return targetOf(truncated(std::max(std::min(scaled, real(dom.max)), real(config.vmMinMem))));
}

SignedKiB xenFree(KiB physicalFree, std::span<const Domain> domains, const Config& config) {
    SignedKiB assignedButUnused = 0;
    for (const Domain& d : domains) {
        assignedButUnused += sig(d.lastTarget - d.current);  // saturates at 0: max(0, ...)
    }
    return truncated(real(physicalFree) * config.overheadFactor) - assignedButUnused;
}

namespace {

std::vector<Request> whenEnough(std::span<const Domain> domains, SignedKiB totalPref,
                                SignedKiB totalAvailable, const Config& config) {
    struct Target {
        const Domain* dom;
        SignedKiB target;
    };
    std::vector<Target> targets;
    SignedKiB left = 0;  // cut off by static max
    int acceptors = 0;
    for (const Domain& d : domains) {
        if (!d.balanced()) {
            continue;
        }
        const double pref = real(prefMem(d, config));
        const double share =
            pref / static_cast<double>(totalPref) * static_cast<double>(totalAvailable);
        SignedKiB target = truncated(config.rounding * (pref + share));
        if (target > sig(d.max)) {
            left += target - sig(d.max);
            target = sig(d.max);
        } else {
            ++acceptors;
        }
        targets.push_back({&d, target});
    }
    // What the caps cut off, in equal parts to those still under max, round after round.
    while (left > 0 && acceptors > 0) {
        SignedKiB nextLeft = 0;
        int nextAcceptors = acceptors;
        const SignedKiB bonus = truncated(
            config.rounding * (static_cast<double>(left) / static_cast<double>(acceptors)));
        for (Target& t : targets) {
            const SignedKiB max = sig(t.dom->max);
            if (t.target >= max) {
                continue;
            }
            if (t.target + bonus >= max) {
                nextLeft += t.target + bonus - max;
                t.target = max;
                --nextAcceptors;
            } else {
                t.target += bonus;
            }
        }
        left = nextLeft;
        acceptors = nextAcceptors;
    }
    std::vector<Request> shrinks;
    std::vector<Request> grows;
    for (const Target& t : targets) {
        (t.target < sig(t.dom->actual()) ? shrinks : grows)
            .push_back({t.dom->domid, targetOf(t.target)});
    }
    shrinks.insert(shrinks.end(), grows.begin(), grows.end());
    return shrinks;
}

std::vector<Request> whenLow(SignedKiB free, SignedKiB totalPrefAcceptors,
                             std::span<const Domain* const> donors,
                             std::span<const Domain* const> acceptors, const Config& config) {
    std::vector<Request> requests;
    SignedKiB squeezed = free;
    for (const Domain* d : donors) {
        const SignedKiB gives = -needed(*d, config);
        if (gives < sig(config.minDonation)) {
            continue;  // probably at its preference already
        }
        squeezed -= gives;
        requests.push_back({d->domid, prefMem(*d, config)});
    }
    if (squeezed < 0) {
        return requests;
    }
    for (const Domain* d : acceptors) {
        const double share = real(prefMem(*d, config)) / static_cast<double>(totalPrefAcceptors) *
                             static_cast<double>(squeezed);
        const SignedKiB target = truncated(config.rounding * (real(d->actual()) + share));
        requests.push_back({d->domid, targetOf(std::min(target, sig(d->max)))});
    }
    return requests;
}

}  // namespace

Balance balance(SignedKiB free, std::span<const Domain> domains, const Config& config) {
    SignedKiB totalNeeded = 0;
    SignedKiB totalPref = 0;
    SignedKiB totalPrefAcceptors = 0;
    std::vector<const Domain*> donors;
    std::vector<const Domain*> acceptors;
    for (const Domain& d : domains) {
        if (!d.balanced()) {
            continue;
        }
        const SignedKiB need = needed(d, config);
        const SignedKiB pref = sig(prefMem(d, config));
        if (need < 0 || d.actual() >= d.max) {
            donors.push_back(&d);
        } else {
            acceptors.push_back(&d);
            totalPrefAcceptors += pref;
        }
        totalNeeded += need;
        totalPref += pref;
    }
    Balance out;
    out.totalAvailable = free - totalNeeded;
    if (out.totalAvailable > 0) {
        out.branch = Branch::EnoughMemory;
        out.requests = whenEnough(domains, totalPref, out.totalAvailable, config);
    } else {
        out.branch = Branch::LowOnMemory;
        out.requests = whenLow(free, totalPrefAcceptors, donors, acceptors, config);
    }
    return out;
}

bool significant(std::span<const Request> requests, SignedKiB xenFreeNow,
                 std::span<const Domain> domains, const Config& config) {
    const SignedKiB reserve = sig(config.reserve);
    const SignedKiB alone = sig(config.minChangeUnderPref);
    if (reserve - xenFreeNow > alone) {
        return true;
    }
    SignedKiB transfer = 0;
    for (const Request& r : requests) {
        const Domain* dom = nullptr;
        for (const Domain& d : domains) {
            if (d.domid == r.domid) {
                dom = &d;
            }
        }
        if (dom == nullptr) {
            continue;
        }
        const SignedKiB change = sig(r.target) - sig(dom->lastTarget);
        transfer += std::abs(change);
        const KiB pref = prefMem(*dom, config);
        if (dom->lastTarget.count() > 0 && dom->lastTarget < pref && change > alone) {
            return true;
        }
    }
    return transfer + std::abs(xenFreeNow - reserve) > sig(config.minTotalTransfer);
}

std::optional<std::vector<Request>> balloon(KiB size, std::span<const Domain> domains,
                                            const Config& config) {
    struct Offer {
        const Domain* dom;
        SignedKiB amount;
    };
    std::vector<Offer> offers;
    SignedKiB available = 0;
    for (const Domain& d : domains) {
        if (!d.balanced()) {
            continue;
        }
        const SignedKiB need = needed(d, config);
        if (need < 0) {
            offers.push_back({&d, -need});
            available -= need;
        }
    }
    if (available < sig(size)) {
        return std::nullopt;
    }
    const double scale = real(size) / static_cast<double>(available);
    std::vector<Request> requests;
    for (const Offer& o : offers) {
        const double borrowed = static_cast<double>(o.amount) * scale * config.safetyNetFactor;
        requests.push_back({o.dom->domid, targetOf(truncated(real(o.dom->actual()) - borrowed))});
    }
    return requests;
}

}  // namespace balloon::compare::qmemman
