// reserve, release, transfer, reservations: memory for domains about to be built. A reservation
// belongs to the client that made it until it is transferred to a domain, so `reserve` stays on
// the bus holding it; when it exits (Ctrl-C), balloond releases what was not transferred.
#include <cstdio>
#include <ctime>
#include <iostream>

#include "command.h"
#include "format.h"

namespace balloon::cli {
namespace {

constexpr std::chrono::seconds kDefaultReserveTimeout{30};

using Entry = sdbus::Struct<std::string, uint64_t, int64_t, std::string, uint64_t>;

const Entry* findEntry(const std::vector<Entry>& entries, const std::string& id) {
    for (const auto& e : entries) {
        if (e.get<0>() == id) {
            return &e;
        }
    }
    return nullptr;
}

}  // namespace

int runReserve(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {"timeout", "expiry"});
    const std::string size = args.positional("SIZE");
    const auto timeoutText = args.option("timeout");
    const auto expiryText = args.option("expiry");
    args.finish();
    const auto timeout = timeoutText ? parseTimeout(*timeoutText, "timeout")
                                     : std::chrono::milliseconds(kDefaultReserveTimeout);
    std::uint32_t expiry = 0;
    if (expiryText) {
        const auto ms = parseTimeout(*expiryText, "expiry");
        expiry = static_cast<std::uint32_t>((ms.count() + 999) / 1000);
    }

    Client& client = context.client();
    client.allowCallsOf(timeout);
    const std::string id =
        client.manager().Reserve(size, static_cast<uint32_t>(timeout.count()), expiry);
    std::cout << id << std::endl;  // flushed: scripts read the id while we hold it
    std::cerr << "balloonctl: reservation " << id << " of " << size
              << " held; `balloonctl transfer " << id
              << " DOMID` hands it to the new domain; Ctrl-C releases it\n";
    bool ended = false;
    std::string how;
    const bool completed = client.follow(
        [&] {
            const auto entries = client.manager().ListReservations();
            const Entry* e = findEntry(entries, id);
            if (e == nullptr) {
                ended = true;
                how = "released or expired";
            } else if (e->get<2>() >= 0) {
                ended = true;
                how = "transferred to dom" + std::to_string(e->get<2>());
            }
        },
        [&] { return ended; });
    std::cerr << "balloonctl: reservation " << id << " "
              << (completed ? how : std::string("released (interrupted)")) << "\n";
    return kExitOk;
}

int runRelease(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const std::string id = args.positional("ID");
    args.finish();
    context.client().manager().ReleaseReservation(id);
    std::cout << id << ": released\n";
    return kExitOk;
}

int runTransfer(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const std::string id = args.positional("ID");
    const std::string domidText = args.positional("DOMID");
    args.finish();
    std::uint32_t domid = 0;
    try {
        std::size_t used = 0;
        const unsigned long value = std::stoul(domidText, &used);
        if (used != domidText.size() || value > 0xFFFF) {
            throw std::out_of_range("domid");
        }
        domid = static_cast<std::uint32_t>(value);
    } catch (const std::exception&) {
        throw UsageError{"DOMID must be a domain's number, not \"" + domidText + "\""};
    }
    context.client().manager().TransferReservation(id, domid);
    std::cout << id << ": transferred to dom" << domid << "\n";
    return kExitOk;
}

int runReservations(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    args.finish();
    const auto entries = context.client().manager().ListReservations();
    std::printf("%-8s %10s %7s  %-12s %s\n", "ID", "Size", "Domain", "Owner", "Expires");
    for (const auto& e : entries) {
        const std::string domain = e.get<2>() >= 0 ? std::to_string(e.get<2>()) : "-";
        std::string expires = "never";
        if (e.get<4>() != 0) {
            const auto when = static_cast<std::time_t>(e.get<4>());
            char text[32];
            std::tm tm{};
            std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", localtime_r(&when, &tm));
            expires = text;
        }
        std::printf("%-8s %10s %7s  %-12s %s\n", e.get<0>().c_str(), exactSize(e.get<1>()).c_str(),
                    domain.c_str(), e.get<3>().empty() ? "-" : e.get<3>().c_str(), expires.c_str());
    }
    return kExitOk;
}

}  // namespace balloon::cli
