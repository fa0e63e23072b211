// watch: the list, redrawn whenever balloond announces a change (PropertiesChanged,
// InterfacesAdded/Removed, applied from the signals themselves: live_table.h); no polling. Ends
// at Ctrl-C.
#include <iostream>

#include <unistd.h>

#include "command.h"
#include "live_table.h"

namespace balloon::cli {

Runner defineWatch(CLI::App& /*command*/) {
    return [](Context& context) -> int {
        Client& client = context.client();
        const bool terminal = isatty(STDOUT_FILENO) != 0;
        std::string shown;
        LiveTable table(client.manager());
        client.follow(
            [&] {
                table.refreshIfStale();
                const std::optional<std::string> view = table.view();
                if (!view || *view == shown) {
                    return;  // a change the table does not show (e.g. a report's age)
                }
                shown = *view;
                if (terminal) {
                    std::cout << "\033[H\033[2J";  // home and clear: redraw in place
                }
                std::cout << shown << std::endl;
            },
            [] { return false; }, [&](sdbus::Message& signal) { table.apply(signal); });
        return cmdline::kExitOk;
    };
}

}  // namespace balloon::cli
