#include "reservation_store.h"

#include <array>
#include <charconv>
#include <sstream>

#include "error.h"
#include "size.h"

namespace balloon::daemon {
namespace {

std::string entryPath(const std::string& id) {
    return std::string(kReservationsPath) + "/" + id;
}

template <class T>
bool parseNumber(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string encodeReservation(const StoredReservation& r) {
    std::ostringstream out;
    out << r.reservation.amount.count() << ' ' << r.expiresAtUnix << ' '
        << (r.reservation.domid ? std::to_string(*r.reservation.domid) : "-") << ' '
        << (r.owner.empty() ? "-" : r.owner);
    return out.str();
}

std::optional<StoredReservation> decodeReservation(const std::string& id, std::string_view text) {
    std::array<std::string_view, 4> fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto space = text.find(' ');
        if ((space == std::string_view::npos) != (i + 1 == fields.size())) {
            return std::nullopt;
        }
        fields[i] = text.substr(0, space);
        text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
    }
    StoredReservation r;
    r.reservation.id = id;
    std::uint64_t amount = 0;
    if (!parseNumber(fields[0], amount) || !parseNumber(fields[1], r.expiresAtUnix)) {
        return std::nullopt;
    }
    // Every reservation was a parsed size; more is damage, and would wrap total().
    if (amount > kMaxSize.count()) {
        return std::nullopt;
    }
    r.reservation.amount = KiB{amount};
    if (fields[2] != "-") {
        unsigned domid = 0;
        if (!parseNumber(fields[2], domid) || domid >= kFirstReservedDomId) {
            return std::nullopt;
        }
        r.reservation.domid = static_cast<DomId>(domid);
    }
    r.owner = fields[3] == "-" ? "" : std::string(fields[3]);
    return r;
}

ReservationStore::ReservationStore(xen::XenStore& xs) : xs_(xs) {}

std::vector<std::string> ReservationStore::load() {
    std::vector<std::string> problems;
    entries_.clear();
    for (const std::string& id : xs_.directory(kReservationsPath)) {
        const auto text = xs_.read(entryPath(id));
        auto decoded = text ? decodeReservation(id, *text) : std::nullopt;
        if (!decoded) {
            problems.push_back("reservation " + id + ": unreadable entry dropped");
            xs_.remove(entryPath(id));
            continue;
        }
        entries_[id] = std::move(*decoded);
        std::uint64_t n = 0;
        if (id.starts_with("r") && parseNumber(std::string_view(id).substr(1), n)) {
            nextId_ = std::max(nextId_, n + 1);
        }
    }
    return problems;
}

void ReservationStore::persist(const StoredReservation& r) {
    xs_.write(entryPath(r.reservation.id), encodeReservation(r));
}

void ReservationStore::erase(const std::string& id, bool used) {
    xs_.remove(entryPath(id));
    if (entries_.erase(id) != 0) {
        ended_.push_back({id, used});
    }
}

std::string ReservationStore::add(KiB amount, std::string owner, std::int64_t expiresAtUnix) {
    StoredReservation r;
    r.reservation.id = "r" + std::to_string(nextId_++);
    r.reservation.amount = amount;
    r.owner = std::move(owner);
    r.expiresAtUnix = expiresAtUnix;
    persist(r);
    std::string id = r.reservation.id;
    entries_[id] = std::move(r);
    return id;
}

namespace {

// The id came from a D-Bus client: named in the error, but never echoed back at any length.
Error noSuchReservation(const std::string& id) {
    constexpr std::size_t kShown = 64;
    const std::string shown = id.size() > kShown ? id.substr(0, kShown) + "..." : id;
    return Error(Errc::NoSuchReservation,
                 "no reservation " + shown + "; `balloonctl reservations` lists them");
}

}  // namespace

void ReservationStore::transfer(const std::string& id, DomId domid) {
    const auto it = entries_.find(id);
    if (it == entries_.end()) {
        throw noSuchReservation(id);
    }
    it->second.reservation.domid = domid;
    persist(it->second);
}

void ReservationStore::release(const std::string& id) {
    if (!entries_.contains(id)) {
        throw noSuchReservation(id);
    }
    erase(id);
}

std::size_t ReservationStore::releaseOwnedBy(const std::string& owner) {
    std::vector<std::string> ids;
    for (const auto& [id, r] : entries_) {
        // A reservation handed to a domain now belongs to that domain, not to the client.
        if (r.owner == owner && !r.reservation.domid) {
            ids.push_back(id);
        }
    }
    for (const auto& id : ids) {
        erase(id);
    }
    return ids.size();
}

std::vector<std::string> ReservationStore::expire(
    std::int64_t nowUnix, const std::function<bool(const Reservation&)>& consumed) {
    std::vector<std::string> ids;
    std::vector<bool> used;
    for (const auto& [id, r] : entries_) {
        const bool taken = r.reservation.domid && consumed(r.reservation);
        if (taken || (r.expiresAtUnix != 0 && nowUnix >= r.expiresAtUnix)) {
            ids.push_back(id);
            used.push_back(taken);
        }
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        erase(ids[i], used[i]);
    }
    return ids;
}

std::vector<Reservation> ReservationStore::active() const {
    std::vector<Reservation> result;
    result.reserve(entries_.size());
    for (const auto& [id, r] : entries_) {
        result.push_back(r.reservation);
    }
    return result;
}

const StoredReservation* ReservationStore::find(const std::string& id) const {
    const auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
}

KiB ReservationStore::total() const {
    KiB sum;
    for (const auto& [id, r] : entries_) {
        sum += r.reservation.amount;
    }
    return sum;
}

}  // namespace balloon::daemon
