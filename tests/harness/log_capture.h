// What the code under test logged through BLOG: the message of every record from construction on
// (what the stream operators wrote, without severity, domain or fields). Replaces every log sink
// while it lives, so make one per test.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core.hpp>
#include <boost/log/sinks/basic_sink_backend.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/make_shared.hpp>

namespace balloon::harness {

class LogCapture {
public:
    LogCapture() : backend_(boost::make_shared<Backend>()) {
        auto core = boost::log::core::get();
        core->remove_all_sinks();
        core->add_sink(boost::make_shared<boost::log::sinks::synchronous_sink<Backend>>(backend_));
    }

    [[nodiscard]] std::vector<std::string> messages() const {
        const std::lock_guard lock(backend_->mutex);
        return backend_->messages;
    }

private:
    struct Backend
        : boost::log::sinks::basic_sink_backend<boost::log::sinks::synchronized_feeding> {
        void consume(const boost::log::record_view& record) {
            const auto message = boost::log::extract<std::string>("Message", record);
            const std::lock_guard lock(mutex);
            messages.push_back(message ? *message : std::string());
        }
        mutable std::mutex mutex;
        std::vector<std::string> messages;
    };
    boost::shared_ptr<Backend> backend_;
};

}  // namespace balloon::harness
