#include "errors.h"

#include <array>

namespace balloon::dbus {
namespace {

// Every code, so that a name can be mapped back without a second hand-written table.
constexpr std::array kAllCodes{
    Errc::InvalidArgument, Errc::NoSuchDomain, Errc::AboveStaticMax,   Errc::BelowMinimum,
    Errc::BelowTarget,     Errc::Excluded,     Errc::CannotFreeEnough, Errc::NoSuchReservation,
    Errc::NotAuthorized,   Errc::Timeout,      Errc::NotReached,       Errc::PodDeficit,
    Errc::Failed,
};

}  // namespace

std::string errorName(Errc code) {
    return std::string(kErrorPrefix) + std::string(errcName(code));
}

std::optional<Errc> errcFromErrorName(std::string_view name) {
    if (!name.starts_with(kErrorPrefix)) {
        return std::nullopt;
    }
    name.remove_prefix(kErrorPrefix.size());
    for (Errc code : kAllCodes) {
        if (errcName(code) == name) {
            return code;
        }
    }
    return std::nullopt;
}

sdbus::Error toDbusError(Errc code, const std::string& message) {
    return sdbus::Error(errorName(code), message);
}

sdbus::Error toDbusError(const Error& error) {
    return toDbusError(error.code(), error.what());
}

}  // namespace balloon::dbus
