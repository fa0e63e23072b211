// Xenstore reads on a thread of their own, so that balloond's loop serves D-Bus while a batch of
// guest reports is in flight. At 1,000 guests each reporting every second, xenstored answers a
// batch in 5-15 ms, and a `balloonctl set` that arrived meanwhile waited that long for the loop
// (docs/benchmarks.md, "set at 1,000 guests"). One batch at a time: fd() turns readable when it
// is done, and take() hands its values over on the loop's thread.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "owned_fd.h"
#include "xenstore_port.h"

namespace balloon::daemon {

class BackgroundReads {
public:
    // `xs` outlives this, and its readMany may be called from another thread while the loop's
    // thread uses it (xen::XenStoreClient: libxenstore serialises each connection's requests).
    explicit BackgroundReads(xen::XenStore& xs);
    ~BackgroundReads();  // waits for a batch in flight
    // The worker holds `this`: not copied, not moved.
    BackgroundReads(const BackgroundReads&) = delete;
    BackgroundReads& operator=(const BackgroundReads&) = delete;
    BackgroundReads(BackgroundReads&&) = delete;
    BackgroundReads& operator=(BackgroundReads&&) = delete;

    // Readable when the batch started last has been read.
    [[nodiscard]] int fd() const { return done_.get(); }
    // A batch started and not taken yet.
    [[nodiscard]] bool busy() const { return worker_.joinable(); }
    // Reads `paths` (xen::XenStore::readMany) on a new thread; not while busy().
    void start(std::vector<std::string> paths);
    // Waits for the batch (at once when fd() is readable) and returns its values in path order;
    // rethrows its failure (xen::XenStoreError: xenstored is gone).
    std::vector<std::optional<std::string>> take();

private:
    xen::XenStore& xs_;
    OwnedFd done_;  // an eventfd
    std::vector<std::string> paths_;
    std::vector<std::optional<std::string>> values_;
    std::exception_ptr error_;
    std::jthread worker_;
};

}  // namespace balloon::daemon
