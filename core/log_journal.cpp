// The journal sink: one native journal entry per record, with the structured fields.
#include <ostream>
#include <utility>

#include <boost/log/sinks/basic_sink_backend.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/make_shared.hpp>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "log.h"
#include "log_record.h"

namespace balloon::log {
namespace {

namespace bl = boost::log;

class SystemJournal final : public JournalWriter {
public:
    int send(const std::vector<std::string>& fields) override {
        std::vector<iovec> parts;
        parts.reserve(fields.size());
        for (const std::string& field : fields) {
            // sd_journal_sendv only reads the buffers.
            parts.push_back(iovec{const_cast<char*>(field.data()), field.size()});
        }
        return sd_journal_sendv(parts.data(), static_cast<int>(parts.size()));
    }
};

class JournalBackend final : public bl::sinks::basic_sink_backend<bl::sinks::synchronized_feeding> {
public:
    JournalBackend(std::shared_ptr<JournalWriter> journal, std::string identifier,
                   std::shared_ptr<std::ostream> fallback)
        : journal_(std::move(journal)),
          identifier_(std::move(identifier)),
          fallback_(std::move(fallback)) {}

    void consume(const bl::record_view& record) {
        if (journal_->send(detail::journalFields(record, identifier_)) >= 0) {
            return;
        }
        // The journal is gone (journald restarting): stderr is still its stream.
        *fallback_ << '<' << syslogPriority(detail::severityOf(record)) << '>'
                   << detail::formatLine(record) << '\n'
                   << std::flush;
    }

private:
    std::shared_ptr<JournalWriter> journal_;
    std::string identifier_;
    std::shared_ptr<std::ostream> fallback_;
};

}  // namespace

std::shared_ptr<JournalWriter> systemJournal() {
    return std::make_shared<SystemJournal>();
}

void initJournalLogging(Severity minLevel, std::shared_ptr<JournalWriter> journal,
                        std::string identifier, std::shared_ptr<std::ostream> fallback) {
    auto backend = boost::make_shared<JournalBackend>(std::move(journal), std::move(identifier),
                                                      std::move(fallback));
    detail::installSink(boost::make_shared<bl::sinks::synchronous_sink<JournalBackend>>(backend),
                        minLevel);
}

}  // namespace balloon::log
