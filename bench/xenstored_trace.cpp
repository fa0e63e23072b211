#include "xenstored_trace.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace balloon::bench {
namespace {

struct Line {
    std::string direction;  // IN or OUT
    std::string connection;
    std::string type;
    std::string args;  // inside the parentheses, trailing space included
};

std::optional<Line> parse(const std::string& text) {
    if (!text.starts_with("IN ") && !text.starts_with("OUT ")) {
        return std::nullopt;
    }
    std::istringstream in(text);
    Line line;
    std::string date;
    std::string time;
    if (!(in >> line.direction >> line.connection >> date >> time >> line.type)) {
        return std::nullopt;
    }
    const auto open = text.find('(');
    const auto close = text.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open) {
        line.args = text.substr(open + 1, close - open - 1);
    }
    return line;
}

bool readsPath(const Line& line, const std::string& path) {
    return line.direction == "IN" && line.type == "READ" && line.args == path + " ";
}

}  // namespace

TrafficCount countTraffic(const std::filesystem::path& trace, const std::string& markerPath,
                          const std::string& startPath, const std::string& endPath) {
    std::ifstream in(trace);
    if (!in) {
        throw std::runtime_error("cannot read xenstored's trace " + trace.string());
    }
    std::optional<std::string> connection;
    enum class Phase { Before, Inside, After } phase = Phase::Before;
    TrafficCount count;
    std::string text;
    while (phase != Phase::After && std::getline(in, text)) {
        const auto line = parse(text);
        if (!line) {
            continue;
        }
        if (!connection) {
            if (readsPath(*line, markerPath)) {
                connection = line->connection;
            }
            continue;
        }
        if (line->connection != *connection) {
            continue;
        }
        if (phase == Phase::Before) {
            phase = readsPath(*line, startPath) ? Phase::Inside : Phase::Before;
            continue;
        }
        if (readsPath(*line, endPath)) {
            phase = Phase::After;
        } else if (line->direction == "IN") {
            count.requests[line->type] += 1;
            if (line->type == "WRITE") {
                count.writes.push_back(line->args);
            }
        } else if (line->type == "WATCH_EVENT") {
            count.watchEvents += 1;
        }
    }
    if (!connection) {
        throw std::runtime_error("xenstored's trace " + trace.string() + " has no read of " +
                                 markerPath + ": which client is which?");
    }
    if (phase != Phase::After) {
        throw std::runtime_error("xenstored's trace " + trace.string() + " lacks the read of " +
                                 (phase == Phase::Before ? startPath : endPath) +
                                 " that bounds the measuring window");
    }
    return count;
}

}  // namespace balloon::bench
