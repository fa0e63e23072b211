// watch: the list, redrawn whenever balloond announces a change (PropertiesChanged,
// InterfacesAdded/Removed); no polling. Ends at Ctrl-C.
#include <iostream>

#include <unistd.h>

#include "command.h"
#include "format.h"

namespace balloon::cli {

Runner defineWatch(CLI::App& /*command*/) {
    return [](Context& context) -> int {
        Client& client = context.client();
        const bool terminal = isatty(STDOUT_FILENO) != 0;
        std::string shown;
        client.follow(
            [&] {
                const std::string view = hostLine(client.host()) + domainTable(client.domains());
                if (view == shown) {
                    return;  // a change the table does not show (e.g. a report's age)
                }
                shown = view;
                if (terminal) {
                    std::cout << "\033[H\033[2J";  // home and clear: redraw in place
                }
                std::cout << view << std::endl;
            },
            [] { return false; });
        return cmdline::kExitOk;
    };
}

}  // namespace balloon::cli
