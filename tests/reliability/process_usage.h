// What a long-running process must not accumulate, measured from the outside where possible:
// resident memory and open descriptors from /proc/self, live heap bytes from the allocator
// (ASan's own counter under ASan, whose quarantine keeps freed memory resident by design), and
// xenstored's live watches from its trace file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace balloon::reliability {

struct ProcessUsage {
    long rssKiB = 0;            // VmRSS
    std::size_t openFds = 0;    // entries of /proc/self/fd
    std::size_t heapBytes = 0;  // bytes allocated and not freed
    long xenstoredWatches = 0;  // watches xenstored created minus those it destroyed
    [[nodiscard]] std::string describe() const;
};

ProcessUsage measureUsage(const std::filesystem::path& xenstoredTrace);

// True in an AddressSanitizer build or under valgrind: their quarantines of freed memory make
// resident memory a poor leak signal (their own leak checks are the evidence there).
bool underMemoryChecker();

}  // namespace balloon::reliability
