#include "process_usage.h"

#include <fstream>
#include <sstream>

#include <malloc.h>

#if defined(__SANITIZE_ADDRESS__)
// ASan's live-heap counter (compiler-rt's allocator interface; GCC installs no header for it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>  // deps/debian-packages.txt, group test
#else
#define RUNNING_ON_VALGRIND 0
#endif

namespace balloon::reliability {

bool underMemoryChecker() {
#if defined(__SANITIZE_ADDRESS__)
    return true;
#else
    return RUNNING_ON_VALGRIND != 0;
#endif
}

std::string ProcessUsage::describe() const {
    std::ostringstream out;
    out << "RSS " << rssKiB << " KiB, " << openFds << " fds, heap " << heapBytes
        << " bytes, xenstored watches " << xenstoredWatches;
    return out.str();
}

ProcessUsage measureUsage(const std::filesystem::path& xenstoredTrace) {
    ProcessUsage usage;
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) {
            usage.rssKiB = std::stol(line.substr(6));
        }
    }
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/fd")) {
        ++usage.openFds;
    }
#if defined(__SANITIZE_ADDRESS__)
    usage.heapBytes = __sanitizer_get_current_allocated_bytes();
#else
    const struct mallinfo2 info = mallinfo2();
    usage.heapBytes = info.uordblks + info.hblkhd;
#endif
    std::ifstream trace(xenstoredTrace);
    for (std::string line; std::getline(trace, line);) {
        if (line.starts_with("CREATE watch ")) {
            ++usage.xenstoredWatches;
        } else if (line.starts_with("DESTROY watch ")) {
            --usage.xenstoredWatches;
        }
    }
    return usage;
}

}  // namespace balloon::reliability
