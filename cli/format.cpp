#include "format.h"

#include <algorithm>
#include <ctime>
#include <sstream>

#include "size.h"

namespace balloon::cli {
namespace {

// "1.5G (1572864 KiB)": for people, and exact.
std::string size(std::uint64_t kib) {
    return humanSize(kib) + " (" + std::to_string(kib) + " KiB)";
}

// Names come from guests' toolstacks: printable ASCII only, and a domain without one by its id.
std::string printableName(const std::string& name, DomId id) {
    std::string shown = name.empty() ? "dom" + std::to_string(id) : name;
    std::replace_if(
        shown.begin(), shown.end(), [](char c) { return c < 0x20 || c > 0x7e; }, '?');
    return shown;
}

// Columns as wide as their widest cell; text left-aligned, figures right-aligned; the last
// column is not padded.
class Table {
public:
    enum class Align { Left, Right };

    Table(std::vector<std::string> header, std::vector<Align> align)
        : align_(std::move(align)), rows_{std::move(header)} {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

    [[nodiscard]] std::string str() const {
        std::vector<std::size_t> width(align_.size(), 0);
        for (const auto& row : rows_) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                width[i] = std::max(width[i], row[i].size());
            }
        }
        std::string out;
        for (const auto& row : rows_) {
            std::string line;
            for (std::size_t i = 0; i < row.size(); ++i) {
                const std::string pad(width[i] - row[i].size(), ' ');
                const bool last = i + 1 == row.size();
                line += i == 0 ? "" : "  ";
                line += align_[i] == Align::Right ? pad + row[i] : row[i] + (last ? "" : pad);
            }
            out += line + "\n";
        }
        return out;
    }

private:
    std::vector<Align> align_;
    std::vector<std::vector<std::string>> rows_;
};

constexpr std::size_t kMaxNameWidth = 40;

std::string nameCell(const std::string& name, DomId id) {
    return printableName(name, id).substr(0, kMaxNameWidth);
}

}  // namespace

std::string mibColumn(std::uint64_t kib) {
    return std::to_string((kib + 512) / 1024);
}

std::string exactSize(std::uint64_t kib) {
    return formatSize(KiB{kib});
}

std::string humanSize(std::uint64_t kib) {
    return formatSizeHuman(KiB{kib});
}

std::string_view modeOf(const DomainView& d) {
    if (d.excluded) {
        return "excluded";
    }
    return d.pinned ? "pinned" : "auto";
}

std::string domainTable(const std::vector<DomainView>& domains) {
    using A = Table::Align;
    Table table(
        {"Name", "ID", "Target(MiB)", "Actual(MiB)", "Min(MiB)", "Max(MiB)", "State", "Mode"},
        {A::Left, A::Right, A::Right, A::Right, A::Right, A::Right, A::Left, A::Left});
    for (const auto& d : domains) {
        std::string max = mibColumn(d.maxKiB);
        if (d.staticMaxKiB != d.maxKiB) {
            max += "/" + mibColumn(d.staticMaxKiB);
        }
        table.add({nameCell(d.name, d.id), std::to_string(d.id), mibColumn(d.targetKiB),
                   mibColumn(d.actualKiB), mibColumn(d.minKiB), max, d.state,
                   std::string(modeOf(d))});
    }
    return table.str();
}

std::string hostLine(const ManagerView& h) {
    return "host: " + humanSize(h.hostTotalKiB) + " total, " + humanSize(h.hostFreeKiB) +
           " free, " + humanSize(h.reservedKiB) + " reserved, slush " + humanSize(h.slushKiB) +
           ", policy " + h.policy + ", " + std::to_string(h.rebalances) + " rebalances\n";
}

std::string domainDetails(const DomainView& d) {
    std::ostringstream out;
    out << "name:        " << d.name << "\n"
        << "id:          " << d.id << "\n"
        << "uuid:        " << d.uuid << "\n"
        << "type:        " << d.type << "\n"
        << "target:      " << size(d.targetKiB) << "\n"
        << "actual:      " << size(d.actualKiB) << "\n"
        << "min:         " << size(d.minKiB) << "\n"
        << "max:         " << size(d.maxKiB) << "\n"
        << "static-max:  " << size(d.staticMaxKiB) << "\n"
        << "weight:      " << d.weight << "\n"
        << "mode:        " << modeOf(d) << "\n"
        << "state:       " << d.state << "\n"
        << "reason:      " << d.reason << "\n";
    if (d.reportSource.empty()) {
        out << "report:      none\n";
    } else {
        out << "report:      " << d.reportSource << ", " << d.reportAgeSeconds << " s old, used "
            << humanSize(d.reportUsedKiB) << ", available " << humanSize(d.reportAvailableKiB)
            << "\n";
    }
    return out.str();
}

std::string planTable(const std::vector<PlanEntry>& plan) {
    using A = Table::Align;
    Table table({"Name", "ID", "Target(MiB)", "Planned(MiB)", "Change", "Reason"},
                {A::Left, A::Right, A::Right, A::Right, A::Left, A::Left});
    for (const auto& p : plan) {
        table.add({nameCell(p.name, p.id), std::to_string(p.id), mibColumn(p.targetKiB),
                   mibColumn(p.plannedKiB), p.change, p.reason});
    }
    return table.str() + "(dry run: nothing was written)\n";
}

std::string reservationTable(const std::vector<ReservationView>& reservations) {
    using A = Table::Align;
    Table table({"ID", "Size", "Domain", "Owner", "Expires"},
                {A::Left, A::Right, A::Right, A::Left, A::Left});
    for (const auto& r : reservations) {
        std::string expires = "never";
        if (r.expiresUnixSeconds) {
            const auto when = static_cast<std::time_t>(*r.expiresUnixSeconds);
            char text[32];
            std::tm tm{};
            std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", localtime_r(&when, &tm));
            expires = text;
        }
        table.add({r.id, exactSize(r.sizeKiB), r.domid ? std::to_string(*r.domid) : "-",
                   r.owner.empty() ? "-" : r.owner, expires});
    }
    return table.str();
}

std::string explanation(const DomainView& d, const PlanEntry* entry) {
    std::ostringstream out;
    out << "domain:      " << printableName(d.name, d.id) << " (dom" << d.id << ")\n"
        << "target:      " << size(d.targetKiB) << ", " << modeOf(d) << ", " << d.state << "\n"
        << "last round:  " << (d.reason.empty() ? "-" : d.reason) << "\n";
    if (entry == nullptr) {
        out << "a round now: not planned (the domain is not in the plan)\n";
    } else {
        out << "a round now: " << exactSize(entry->plannedKiB) << " (" << entry->change
            << "): " << entry->reason << "\n";
    }
    return out.str();
}

}  // namespace balloon::cli
