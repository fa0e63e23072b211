#include "options.h"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include <boost/program_options.hpp>

namespace balloon::daemon {

namespace po = boost::program_options;

Options parseOptions(int argc, char** argv) {
    Options options;
    std::string level = "info";
    po::options_description visible(
        "Usage: balloond [OPTIONS]\n"
        "Balances memory between the domains of a Xen host (run in dom0, as root).\n\n"
        "Options");
    visible.add_options()("help,h", "show this help and exit")("version",
                                                               "show the version and exit")(
        "config,c", po::value(&options.configPath)->value_name("FILE"),
        "configuration file (default /etc/balloond/balloond.toml; a missing file means "
        "the defaults)")("log-level", po::value(&level)->value_name("LEVEL"),
                         "debug, info, notice, warning or error (default info)")(
        "sandbox", po::value<std::string>()->implicit_value("")->value_name("SCENARIO"),
        "run on a simulated host with a private real xenstored instead of Xen; SCENARIO is a "
        "scenario file (default: the built-in 8 GiB host with six guests)")(
        "bus-address", po::value<std::string>()->value_name("ADDRESS"),
        "serve the API on this D-Bus address instead of the system bus")(
        "no-bus", "do not serve the D-Bus API");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(visible).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw std::invalid_argument(std::string(e.what()) + " (see balloond --help)");
    }
    if (vm.count("help") != 0) {
        std::cout << visible << '\n';
        std::exit(EXIT_SUCCESS);
    }
    if (vm.count("version") != 0) {
        std::cout << "balloond " << BALLOOND_VERSION << '\n';
        std::exit(EXIT_SUCCESS);
    }
    const auto severity = log::parseSeverity(level);
    if (!severity) {
        throw std::invalid_argument("bad --log-level \"" + level +
                                    "\": use debug, info, notice, warning or error");
    }
    options.logLevel = *severity;
    if (vm.count("sandbox") != 0) {
        options.sandboxScenario = vm["sandbox"].as<std::string>();
    }
    if (vm.count("bus-address") != 0) {
        options.busAddress = vm["bus-address"].as<std::string>();
    }
    options.noBus = vm.count("no-bus") != 0;
    return options;
}

}  // namespace balloon::daemon
