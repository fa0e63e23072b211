// rebalance, dry-run, explain, policy: the policy engine from the outside.
#include <algorithm>
#include <iostream>

#include "command.h"
#include "format.h"
#include "json_output.h"
#include "program.h"

namespace balloon::cli {

Runner defineRebalance(CLI::App& /*command*/) {
    return [](Context& context) -> int {
        const std::uint32_t written = context.client().manager().Rebalance();
        std::cout << "rebalanced: " << written << " target" << (written == 1 ? "" : "s")
                  << " written\n";
        return cmdline::kExitOk;
    };
}

Runner defineDryRun(CLI::App& command) {
    auto json = std::make_shared<bool>(false);
    addJsonFlag(command, *json);
    return [json](Context& context) -> int {
        const auto plan = context.client().plan();
        std::cout << (*json ? planJson(plan) : planTable(plan));
        return cmdline::kExitOk;
    };
}

Runner defineExplain(CLI::App& command) {
    auto args = addDomainQuery(command);
    return [args](Context& context) -> int {
        Client& client = context.client();
        const DomainView d = client.domain(args->domain);
        const auto plan = client.plan();
        const auto it = std::find_if(plan.begin(), plan.end(),
                                     [&](const PlanEntry& p) { return p.id == d.id; });
        const PlanEntry* entry = it == plan.end() ? nullptr : &*it;
        std::cout << (args->json ? explainJson(d, entry) : explanation(d, entry));
        return cmdline::kExitOk;
    };
}

Runner definePolicy(CLI::App& command) {
    struct Args {
        std::string name;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    cmdline::addArgument(command, "POLICY", args->name,
                         "switch to off, proportional or demand until balloond next reads its "
                         "configuration; without it, show the policy")
        ->required(false);
    addJsonFlag(command, args->json);
    return [args](Context& context) -> int {
        Client& client = context.client();
        if (!args->name.empty()) {
            client.manager().SetPolicy(args->name);
        }
        const std::string policy = args->name.empty() ? client.manager().Policy() : args->name;
        if (args->json) {
            std::cout << policyJson(policy);
        } else if (!args->name.empty()) {
            std::cout << "policy: " << policy << " (until balloond reloads its configuration)\n";
        } else {
            std::cout << "policy: " << policy << "\n";
        }
        return cmdline::kExitOk;
    };
}

}  // namespace balloon::cli
