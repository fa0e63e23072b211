// reserve, release, transfer, reservations: memory for domains about to be built. A reservation
// belongs to the client that made it until it is transferred to a domain, so `reserve` stays on
// the bus holding it; when it exits (Ctrl-C), balloond releases what was not transferred.
#include <algorithm>
#include <iostream>

#include "command.h"
#include "format.h"
#include "json_output.h"
#include "option_types.h"
#include "program.h"

namespace balloon::cli {
namespace {

constexpr std::chrono::seconds kDefaultReserveTimeout{30};

}  // namespace

Runner defineReserve(CLI::App& command) {
    struct Args {
        std::string size;
        std::chrono::milliseconds timeout = kDefaultReserveTimeout;
        std::uint32_t expirySeconds = 0;  // never
    };
    auto args = std::make_shared<Args>();
    cmdline::addArgument(command, "SIZE", args->size, "how much: 512M, 2G, 1.5G, 4096K")
        ->check(cmdline::sizeCheck(RelativeSizes::Refused));
    cmdline::addDuration(
        command, "--timeout", [args](std::chrono::milliseconds d) { args->timeout = d; },
        "how long balloond may take to free the memory (default 30s)");
    cmdline::addDuration(
        command, "--expiry",
        [args](std::chrono::milliseconds d) {
            args->expirySeconds = static_cast<std::uint32_t>((d.count() + 999) / 1000);
        },
        "end the reservation after this long in any case");
    return [args](Context& context) -> int {
        Client& client = context.client();
        client.allowCallsOf(args->timeout);
        const std::string id = client.manager().Reserve(
            args->size, static_cast<uint32_t>(args->timeout.count()), args->expirySeconds);
        std::cout << id << std::endl;  // flushed: scripts read the id while we hold it
        std::cerr << "balloonctl: reservation " << id << " of " << args->size
                  << " held; `balloonctl transfer " << id
                  << " DOMID` hands it to the new domain; Ctrl-C releases it\n";
        bool ended = false;
        std::string how;
        const bool completed = client.follow(
            [&] {
                const auto all = client.reservations();
                const auto it = std::find_if(all.begin(), all.end(),
                                             [&](const ReservationView& r) { return r.id == id; });
                if (it == all.end()) {
                    ended = true;
                    how = "released or expired";
                } else if (it->domid) {
                    ended = true;
                    how = "transferred to dom" + std::to_string(*it->domid);
                }
            },
            [&] { return ended; });
        std::cerr << "balloonctl: reservation " << id << " "
                  << (completed ? how : std::string("released (interrupted)")) << "\n";
        return cmdline::kExitOk;
    };
}

Runner defineRelease(CLI::App& command) {
    auto id = std::make_shared<std::string>();
    cmdline::addArgument(command, "ID", *id, "the reservation's id, as reserve printed it");
    return [id](Context& context) -> int {
        context.client().manager().ReleaseReservation(*id);
        std::cout << *id << ": released\n";
        return cmdline::kExitOk;
    };
}

Runner defineTransfer(CLI::App& command) {
    struct Args {
        std::string id;
        std::uint32_t domid = 0;
    };
    auto args = std::make_shared<Args>();
    cmdline::addArgument(command, "ID", args->id, "the reservation's id, as reserve printed it");
    cmdline::addArgument(command, "DOMID", args->domid, "the number of the domain being built")
        ->check(CLI::Range(std::uint32_t{0}, std::uint32_t{kFirstReservedDomId - 1}));
    return [args](Context& context) -> int {
        context.client().manager().TransferReservation(args->id, args->domid);
        std::cout << args->id << ": transferred to dom" << args->domid << "\n";
        return cmdline::kExitOk;
    };
}

Runner defineReservations(CLI::App& command) {
    auto json = std::make_shared<bool>(false);
    addJsonFlag(command, *json);
    return [json](Context& context) -> int {
        const auto all = context.client().reservations();
        std::cout << (*json ? reservationsJson(all) : reservationTable(all));
        return cmdline::kExitOk;
    };
}

}  // namespace balloon::cli
