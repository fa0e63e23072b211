// Asks a xenstored socket one question, without libxenstore (which only reads the socket path
// from the environment): used to tell when a freshly started daemon is serving.
#pragma once

#include <chrono>
#include <filesystem>

namespace balloon::sandbox {

// True when a daemon on `socket` answered a read of "/" within the timeout.
bool xenstoredAnswers(const std::filesystem::path& socket, std::chrono::milliseconds timeout);

}  // namespace balloon::sandbox
