#include "balloon_driver.h"

#include <algorithm>
#include <cstdint>

namespace balloon::sim {

namespace {

constexpr Duration kFirstDelay{1000};

KiB absDiff(KiB a, KiB b) {
    return a < b ? b - a : a - b;
}

}  // namespace

double defaultRateMiBps(DriverKind kind) {
    switch (kind) {
        case DriverKind::Linux:
        case DriverKind::Liar:
            return 512;
        case DriverKind::NetBsd:
            return 256;
        case DriverKind::Slow:
            return 4;
        case DriverKind::Stuck:
        case DriverKind::None:
            return 0;
    }
    return 0;
}

BalloonDriver::BalloonDriver(const DriverSpec& spec, KiB offset)
    : spec_(spec),
      rateKiBps_((spec.rateMiBps > 0 ? spec.rateMiBps : defaultRateMiBps(spec.kind)) * 1024.0),
      offset_(offset) {}

void BalloonDriver::onTarget(KiB xenstoreTarget) {
    if (spec_.kind == DriverKind::None || lastRead_ == xenstoreTarget) {
        return;
    }
    lastRead_ = xenstoreTarget;
    kernelTarget_ = xenstoreTarget - offset_;
    state_ = DriverState::Working;
    resetBackoff();
    waitLeft_ = Duration{0};
}

void BalloonDriver::resetBackoff() {
    retries_ = 0;
    delay_ = kFirstDelay;
}

void BalloonDriver::failed(KiB current) {
    budgetKiB_ = 0;
    if (spec_.kind == DriverKind::NetBsd) {
        log_.push_back("balloon: could not reach target " + std::to_string(kernelTarget_->count()) +
                       " KiB (current " + std::to_string(current.count()) +
                       " KiB); giving up until the next target");
        state_ = DriverState::GaveUp;
        return;
    }
    if (retries_ >= spec_.maxRetries) {
        // Mainline Linux gives up silently and resets its schedule for the next target.
        state_ = DriverState::GaveUp;
        resetBackoff();
        return;
    }
    ++retries_;
    waitLeft_ = delay_;
    delay_ = std::min(delay_ * 2, spec_.maxDelay);
    state_ = DriverState::BackingOff;
}

void BalloonDriver::step(Duration dt, SimulatedHost& host, DomId domid, KiB hidden, KiB floor) {
    if (spec_.kind == DriverKind::None || spec_.kind == DriverKind::Stuck || !kernelTarget_) {
        return;
    }
    if (state_ == DriverState::BackingOff) {
        waitLeft_ -= dt;
        if (waitLeft_.count() > 0) {
            return;
        }
        state_ = DriverState::Working;
    }
    if (state_ != DriverState::Working) {
        return;
    }
    // Rate budget for this step; unused budget does not pile up beyond one batch.
    const double perStep = rateKiBps_ * toSeconds(dt);
    budgetKiB_ = std::min(budgetKiB_ + perStep, perStep + static_cast<double>(kBatch.count()));
    while (true) {
        const auto pages = host.guestPages(domid);
        if (!pages) {
            return;
        }
        const KiB current = toKiB(*pages) - hidden;
        const KiB distance = absDiff(*kernelTarget_, current);
        if (distance < KiB{kPageSizeKiB}) {
            state_ = DriverState::Idle;
            resetBackoff();
            budgetKiB_ = 0;
            return;
        }
        const KiB batch = min(kBatch, distance);
        if (budgetKiB_ < static_cast<double>(batch.count())) {
            return;
        }
        Pages moved;
        if (current < *kernelTarget_) {
            const bool limited = spec_.growLimit.count() != 0;
            const KiB room = !limited                    ? batch
                             : current < spec_.growLimit ? min(batch, spec_.growLimit - current)
                                                         : KiB{};
            moved = host.populate(domid, pagesFloor(room));
        } else {
            moved = host.release(domid, pagesFloor(min(batch, current - floor)));
        }
        if (moved.count() == 0) {
            failed(current);
            return;
        }
        resetBackoff();
        budgetKiB_ -= static_cast<double>(toKiB(moved).count());
    }
}

std::vector<std::string> BalloonDriver::takeLog() {
    std::vector<std::string> out;
    out.swap(log_);
    return out;
}

}  // namespace balloon::sim
