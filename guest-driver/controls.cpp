#include "controls.h"

#include <cerrno>
#include <cstring>

namespace balloon::guest {
namespace {

std::string kib(KiB value) {
    return std::to_string(value.count()) + " KiB";
}

std::string refusal(std::string_view control, KiB value, const std::string& why) {
    return "cannot set " + std::string(control) + " to " + kib(value) + ": " + why + " (" +
           std::strerror(EPERM) + ")";
}

}  // namespace

std::string formatStatus(const ControlStatus& s) {
    const auto line = [](std::string_view name, std::optional<KiB> value) {
        return "balloon." + std::string(name) + " = " +
               (value ? std::to_string(value->count()) : std::string("unknown")) + "\n";
    };
    std::string out = line("current", s.current) + line("min", s.min) + line("max", s.max) +
                      line("target", s.target);
    if (s.requested) {
        out += line("requested", s.requested);
    }
    out += line("safeguard", s.safeguard);
    out += "balloon.scrub_pages = " +
           std::string(s.scrubsPages ? (*s.scrubsPages ? "1" : "0") : "unknown") + "\n";
    return out;
}

std::string checkMin(KiB value, KiB safeguard, std::optional<KiB> max) {
    if (value < safeguard) {
        return refusal("min", value, "below the guest's safeguard of " + kib(safeguard));
    }
    if (max && value > *max) {
        return refusal("min", value, "above max " + kib(*max));
    }
    return {};
}

std::string checkTarget(KiB value, KiB min, std::optional<KiB> max) {
    if (value < min) {
        return refusal("target", value, "below min " + kib(min));
    }
    if (!max) {
        throw std::runtime_error("cannot check target " + kib(value) +
                                 " against max: memory/static-max is not readable in Xenstore");
    }
    if (value > *max) {
        return refusal("target", value, "above max " + kib(*max));
    }
    return {};
}

ControlStatus BalloonControls::status() {
    const GuestSettings settings = store_.load();
    ControlStatus s;
    s.current = backend_.current();
    s.safeguard = backend_.safeguard();
    s.min = settings.min.value_or(s.safeguard);
    s.max = readMax_();
    s.target = backend_.kernelTarget();
    s.requested = settings.target;
    s.scrubsPages = backend_.scrubsPages();
    return s;
}

void BalloonControls::setMin(KiB value) {
    if (std::string why = checkMin(value, backend_.safeguard(), readMax_()); !why.empty()) {
        throw ControlRefused(why);
    }
    GuestSettings settings = store_.load();
    settings.min = value;
    if (settings.target && *settings.target < value) {
        settings.target = value;  // a request below min would contradict it
    }
    store_.save(settings);
    if (backend_.kernelTarget() < value) {
        backend_.setKernelTarget(value);
    }
}

void BalloonControls::setTarget(KiB value) {
    GuestSettings settings = store_.load();
    const KiB min = settings.min.value_or(backend_.safeguard());
    if (std::string why = checkTarget(value, min, readMax_()); !why.empty()) {
        throw ControlRefused(why);
    }
    settings.target = value;
    store_.save(settings);
    backend_.setKernelTarget(value);
}

void BalloonControls::unsetMin() {
    GuestSettings settings = store_.load();
    settings.min.reset();
    store_.save(settings);
}

void BalloonControls::unsetTarget() {
    GuestSettings settings = store_.load();
    settings.target.reset();
    store_.save(settings);
}

}  // namespace balloon::guest
