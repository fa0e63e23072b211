// Memory set aside for domains about to be built, persisted under a dom0-only Xenstore path so a
// restarted balloond keeps every reservation (squeezed keeps its own there too).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model.h"
#include "private_paths.h"
#include "xenstore_port.h"

namespace balloon::daemon {

struct StoredReservation {
    Reservation reservation;
    std::string owner;               // D-Bus unique name; released when it leaves the bus
    std::int64_t expiresAtUnix = 0;  // wall-clock seconds (survives restarts); 0 = never
};

// A reservation that ended: `used` when its domain took the memory, false when it was released,
// expired or refused without that (the memory it made the guests give back is theirs again).
struct EndedReservation {
    std::string id;
    bool used = false;
};

class ReservationStore {
public:
    explicit ReservationStore(xen::XenStore& xs);

    // Reads what a previous run left; malformed entries are dropped and reported.
    std::vector<std::string> load();

    std::string add(KiB amount, std::string owner, std::int64_t expiresAtUnix);
    // Throws balloon::Error(NoSuchReservation).
    void transfer(const std::string& id, DomId domid);
    void release(const std::string& id);
    // Releases every reservation of a client that left the bus; returns how many.
    std::size_t releaseOwnedBy(const std::string& owner);
    // Releases expired ones and transferred ones whose domain has taken its memory (or is gone).
    std::vector<std::string> expire(std::int64_t nowUnix,
                                    const std::function<bool(const Reservation&)>& consumed);

    // The reservations that ended since the last call (the Balancer lifts holds for unused ones).
    std::vector<EndedReservation> takeEnded() { return std::exchange(ended_, {}); }

    [[nodiscard]] std::vector<Reservation> active() const;
    [[nodiscard]] const StoredReservation* find(const std::string& id) const;
    [[nodiscard]] KiB total() const;

private:
    void persist(const StoredReservation& r);
    void erase(const std::string& id, bool used = false);

    xen::XenStore& xs_;
    std::map<std::string, StoredReservation> entries_;
    std::uint64_t nextId_ = 1;
    std::vector<EndedReservation> ended_;
};

// "<amount KiB> <expires unix|0> <domid|-> <owner|->": the persisted form.
std::string encodeReservation(const StoredReservation& r);
std::optional<StoredReservation> decodeReservation(const std::string& id, std::string_view text);

}  // namespace balloon::daemon
