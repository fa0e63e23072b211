// rebalance, dry-run, policy: the policy engine from the outside.
#include <cstdio>
#include <iostream>

#include "command.h"
#include "format.h"

namespace balloon::cli {

int runRebalance(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    args.finish();
    const std::uint32_t written = context.client().manager().Rebalance();
    std::cout << "rebalanced: " << written << " target" << (written == 1 ? "" : "s")
              << " written\n";
    return kExitOk;
}

int runDryRun(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    args.finish();
    const auto plan = context.client().manager().GetPlan();
    std::printf("%-20s %5s %8s %8s %-6s  %s\n", "Name", "ID", "Target", "Planned", "Change",
                "Reason");
    for (const auto& p : plan) {
        const std::string name =
            p.get<1>().empty() ? "dom" + std::to_string(p.get<0>()) : p.get<1>();
        std::printf("%-20.19s %5u %8s %8s %-6s  %s\n", name.c_str(), unsigned{p.get<0>()},
                    mibColumn(p.get<2>()).c_str(), mibColumn(p.get<3>()).c_str(),
                    p.get<4>().c_str(), p.get<5>().c_str());
    }
    std::cout << "(dry run: nothing was written; sizes in MiB)\n";
    return kExitOk;
}

int runPolicy(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const auto name = args.optionalPositional();
    args.finish();
    Client& client = context.client();
    if (name) {
        client.manager().SetPolicy(*name);
        std::cout << "policy: " << *name << " (until balloond reloads its configuration)\n";
    } else {
        std::cout << "policy: " << client.manager().Policy() << "\n";
    }
    return kExitOk;
}

}  // namespace balloon::cli
