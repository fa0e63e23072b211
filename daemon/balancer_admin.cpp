// The Balancer's admin actions (D-Bus, balloonctl): targets and maxima set by hand, pins,
// reservations. The rounds that act on them are in balancer.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "balancer.h"
#include "error.h"
#include "private_paths.h"
#include "size.h"

namespace balloon::daemon {

void Balancer::setTarget(DomId domid, KiB target, TimePoint now) {
    DomainRecord& record = require(domid);
    // The pin is stored with the target (one round trip), once: a pinned domain's is there.
    std::vector<xen::NodeWrite> pin;
    if (!record.pinned) {
        pin.push_back({pinPath(domid), record.uuid});
    }
    actuator_.setTarget(record, target, dom0Floor(), now, pin);
    record.pinned = true;
}

KiB Balancer::memSet(DomId domid, const SizeArg& size, TimePoint now) {
    const KiB target = memSetTarget(layoutOf(require(domid)), size);
    setTarget(domid, target, now);
    return target;
}

void Balancer::setMax(DomId domid, KiB size) {
    actuator_.setMax(require(domid), size);
}

void Balancer::pin(DomId domid, bool pinned) {
    DomainRecord& record = require(domid);
    record.pinned = pinned;
    persistPin(record);
}

void Balancer::release(DomId domid) {
    DomainRecord& record = require(domid);
    if (config_.holdOn(domid, record.name, record.uuid).any()) {
        throw Error(Errc::Excluded,
                    record.label() +
                        " is excluded or pinned in balloond.toml, so the policy never moves it; "
                        "change its [[domain]] entry (or [dom0] managed) and reload");
    }
    pin(domid, false);
}

std::string Balancer::reserve(KiB amount, const std::string& owner, std::uint32_t expirySeconds) {
    if (amount == KiB{0}) {
        throw Error(Errc::InvalidArgument, "a reservation of 0 reserves nothing: give a size");
    }
    if (lastHostTotal_ != KiB{0} && amount > lastHostTotal_) {
        throw Error(Errc::CannotFreeEnough, "cannot reserve " + formatSize(amount) +
                                                ": the host has only " +
                                                formatSize(lastHostTotal_) + " in all");
    }
    const std::int64_t expires = expirySeconds == 0 ? 0 : unixSeconds() + expirySeconds;
    std::string id = reservations_.add(amount, owner, expires);
    reservedAt_[id] = lastRoundAt_;
    return id;
}

}  // namespace balloon::daemon
