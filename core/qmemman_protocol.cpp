#include "qmemman_protocol.h"

#include <algorithm>
#include <optional>
#include <set>

#include "untrusted_text.h"

namespace balloon::qmemman {
namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Plain decimal digits, no sign, no leading zero (but "0"), at most `max`.
std::optional<std::uint64_t> parseNumber(std::string_view s, std::uint64_t max) {
    if (s.empty() || s.size() > 20 || (s.size() > 1 && s.front() == '0')) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (max - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    return value;
}

KiB bytesToKiB(std::uint64_t bytes) {
    return KiB{(bytes + 1023) / 1024};
}

Request parsePairs(std::string_view text) {
    SetSizes out;
    std::set<DomId> seen;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find(' '), text.size());
        const std::string_view pair = text.substr(0, end);
        text.remove_prefix(end);
        if (!text.empty()) {
            text.remove_prefix(1);  // the separating space; another one makes an empty pair
        }
        const std::size_t colon = pair.find(':');
        if (colon == std::string_view::npos) {
            return Invalid{"\"domid:bytes\" pairs must be separated by single spaces"};
        }
        const auto domid = parseNumber(pair.substr(0, colon), kFirstReservedDomId - 1);
        const auto bytes = parseNumber(pair.substr(colon + 1), kMaxBytes);
        if (!domid || !bytes) {
            return Invalid{
                "a pair is not domid:bytes (a domid below 32752, bytes up to 2^50, "
                "digits only)"};
        }
        if (!seen.insert(static_cast<DomId>(*domid)).second) {
            return Invalid{"dom" + std::to_string(*domid) + " is named twice"};
        }
        out.domains.push_back({static_cast<DomId>(*domid), bytesToKiB(*bytes)});
    }
    return out;
}

}  // namespace

Request parseRequest(std::string_view line) {
    if (line.size() > kMaxRequestBytes) {
        return Invalid{"longer than " + std::to_string(kMaxRequestBytes) + " bytes"};
    }
    const std::string_view text = trimWhere(line, isSpace);
    if (text.empty()) {
        return Invalid{"an empty request"};
    }
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        const auto bytes = parseNumber(text, kMaxBytes);
        if (!bytes) {
            return Invalid{"a byte count with a leading zero or above 2^50"};
        }
        return FreeMemory{bytesToKiB(*bytes)};
    }
    if (text.find(':') != std::string_view::npos) {
        return parsePairs(text);
    }
    return Invalid{"neither a byte count nor domid:bytes pairs"};
}

RequestBuffer::State RequestBuffer::append(std::string_view bytes) {
    if (state_ != State::NeedMore) {
        trailing_ = trailing_ || !bytes.empty();
        return state_;
    }
    const std::size_t newline = bytes.find('\n');
    const std::string_view head = bytes.substr(0, newline);
    if (line_.size() + head.size() > kMaxRequestBytes) {
        state_ = State::TooLong;
        line_.clear();
        return state_;
    }
    line_.append(head);
    if (newline != std::string_view::npos) {
        state_ = State::Complete;
        trailing_ = newline + 1 < bytes.size();
    }
    return state_;
}

RequestBuffer::State RequestBuffer::endOfInput() {
    if (state_ == State::NeedMore) {
        state_ = line_.empty() ? State::Empty : State::Complete;
    }
    return state_;
}

}  // namespace balloon::qmemman
