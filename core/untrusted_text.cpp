#include "untrusted_text.h"

namespace balloon {
namespace {

void appendEscaped(std::string& out, unsigned char c) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
}

bool isControl(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}

}  // namespace

std::string quoteUntrusted(std::string_view text, std::size_t maxChars) {
    const std::string_view shown = text.substr(0, maxChars);
    std::string out = "\"";
    out.reserve(shown.size() + 5);
    for (const char ch : shown) {
        const auto c = static_cast<unsigned char>(ch);
        if (isControl(c) || c >= 0x80 || c == '"' || c == '\\') {
            appendEscaped(out, c);
        } else {
            out += ch;
        }
    }
    out += text.size() > maxChars ? "\"..." : "\"";
    return out;
}

std::string escapeControlCharacters(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (isControl(c)) {
            appendEscaped(out, c);
        } else {
            out += ch;
        }
    }
    return out;
}

}  // namespace balloon
