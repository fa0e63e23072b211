// balloon-compare: the shipped scenarios under balloond's demand policy and three baselines, a
// markdown table on stdout, and with --out DIR the table and a CSV written there.
//
//   balloon-compare [--out DIR] [--trace DIR] [--duration D] [--trace-interval D] [SCENARIO ...]
//   balloon-compare plan SNAPSHOT.json --policy demand|proportional|qmemman|squeezed|static
// --trace DIR writes every run's trace (one row per guest per step) for plots; --duration runs
// every scenario this long instead of its own duration ("1h"); --trace-interval thins the trace.
// `plan` prints one policy's plan for one snapshot as JSON (compare/snapshot_json.h).
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <vector>

#include "comparison.h"
#include "option_types.h"
#include "program.h"
#include "snapshot_json.h"
#include "table.h"

namespace {

void writeFile(const std::filesystem::path& path, const auto& write) {
    std::ofstream out(path);
    write(out);
    if (!out) {
        throw std::runtime_error("cannot write " + path.string() +
                                 ": check that the directory exists and is writable");
    }
}

constexpr std::uintmax_t kMaxSnapshotBytes = 16U << 20U;

std::string readSnapshotFile(const std::filesystem::path& path) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        throw std::runtime_error("cannot read the snapshot " + path.string() + ": " + ec.message());
    }
    if (size > kMaxSnapshotBytes) {
        throw std::runtime_error("the snapshot " + path.string() +
                                 " is larger than 16 MiB: is it the right file?");
    }
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (!in) {
        throw std::runtime_error("cannot read the snapshot " + path.string());
    }
    return text;
}

// `balloon-compare plan SNAPSHOT.json --policy NAME`: its own command line (the comparison
// itself takes no command).
int planMain(int argc, char** argv) {
    using namespace balloon;
    std::filesystem::path snapshot;
    std::string policy = "demand";
    CLI::App app("Prints one policy's plan for one snapshot as JSON (KiB; docs/policy.md).",
                 "balloon-compare plan");
    cmdline::applyConventions(app, {},
                              {cmdline::kExitOk, cmdline::kExitUsage, cmdline::kExitRefused});
    cmdline::addArgument(app, "SNAPSHOT", snapshot, "the snapshot, a JSON file");
    app.add_option("--policy", policy, "demand, proportional, qmemman, squeezed or static")
        ->check(CLI::IsMember({"demand", "proportional", "qmemman", "squeezed", "static"}))
        ->capture_default_str();
    if (const auto status = cmdline::parse(app, argc, argv)) {
        return *status;
    }
    try {
        const HostSnapshot host = compare::parseSnapshot(readSnapshotFile(snapshot));
        std::cout << compare::planJson(host, *compare::contenderNamed(policy)).dump(2) << '\n';
    } catch (const std::exception& e) {
        std::cerr << "balloon-compare plan: " << snapshot.string() << ": " << e.what() << '\n';
        return cmdline::kExitRefused;
    }
    return cmdline::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace balloon;
    using namespace balloon::compare;
    if (argc > 1 && std::string_view(argv[1]) == "plan") {
        return planMain(argc - 1, argv + 1);
    }
    std::optional<std::filesystem::path> outDir;
    RunConfig config;
    std::vector<std::filesystem::path> files;
    CLI::App app(
        "Runs the shipped scenarios under balloond's demand policy and four other policies "
        "and prints a markdown table. `balloon-compare plan --help`: one policy's plan for "
        "one snapshot.",
        "balloon-compare");
    cmdline::applyConventions(app, {},
                              {cmdline::kExitOk, cmdline::kExitUsage, cmdline::kExitRefused});
    app.add_option("--out", outDir, "also write policy-comparison.{md,csv} into DIR")
        ->type_name("DIR");
    app.add_option("--trace", config.traceDir,
                   "write every run's trace (one row per guest per step) into DIR")
        ->type_name("DIR");
    cmdline::addDuration(
        app, "--duration", [&](std::chrono::milliseconds d) { config.duration = d; },
        "run every scenario this long instead of its own duration (e.g. 1h)");
    cmdline::addDuration(
        app, "--trace-interval", [&](std::chrono::milliseconds d) { config.traceInterval = d; },
        "one trace row per guest this often");
    cmdline::addArgument(app, "SCENARIO", files,
                         std::string("scenario files (default: the comparison set from ") +
                             BALLOON_SCENARIO_DIR + ")")
        ->required(false);
    if (const auto status = cmdline::parse(app, argc, argv)) {
        return *status;
    }
    try {
        if (files.empty()) {
            files = comparisonScenarios(BALLOON_SCENARIO_DIR);
        }
        const std::vector<RunResult> results = compareAll(files, {}, config);
        writeMarkdown(std::cout, results);
        if (outDir) {
            writeFile(*outDir / "policy-comparison.csv",
                      [&](std::ostream& o) { writeCsv(o, results); });
            writeFile(*outDir / "policy-comparison.md", [&](std::ostream& o) {
                o << "# Policy comparison\n\nGenerated by `balloon-compare --out bench/results` "
                     "(docs/policy.md, \"Comparison\").\n\n";
                writeMarkdown(o, results);
            });
        }
    } catch (const std::exception& e) {
        std::cerr << "balloon-compare: " << e.what() << '\n';
        return cmdline::kExitRefused;
    }
    return cmdline::kExitOk;
}
