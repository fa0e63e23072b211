#include "error.h"

namespace balloon {

std::string_view errcName(Errc code) {
    switch (code) {
        case Errc::InvalidArgument:
            return "InvalidArgument";
        case Errc::NoSuchDomain:
            return "NoSuchDomain";
        case Errc::AboveStaticMax:
            return "AboveStaticMax";
        case Errc::BelowMinimum:
            return "BelowMinimum";
        case Errc::BelowTarget:
            return "BelowTarget";
        case Errc::Excluded:
            return "Excluded";
        case Errc::CannotFreeEnough:
            return "CannotFreeEnough";
        case Errc::NoSuchReservation:
            return "NoSuchReservation";
        case Errc::NotAuthorized:
            return "NotAuthorized";
        case Errc::Timeout:
            return "Timeout";
        case Errc::NotReached:
            return "NotReached";
        case Errc::PodDeficit:
            return "PodDeficit";
        case Errc::Failed:
            return "Failed";
    }
    return "Failed";
}

}  // namespace balloon
