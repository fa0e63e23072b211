// Text from guests, D-Bus callers or files, made safe to print: control characters become \xNN,
// so such text can never forge a second log line, a field or a terminal escape.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace balloon {

// Quoted, printable and bounded, for messages: "a\x0ab". Bytes outside printable ASCII, '"' and
// '\' become \xNN; beyond maxChars input bytes the text is cut and "..." follows the quote.
std::string quoteUntrusted(std::string_view text, std::size_t maxChars = 24);

// The text with control characters (below 0x20, and DEL) as \xNN and nothing else changed.
std::string escapeControlCharacters(std::string_view text);

// The text without the leading and trailing characters for which `drop` is true.
template <class Pred>
std::string_view trimWhere(std::string_view text, Pred drop) {
    while (!text.empty() && drop(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && drop(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace balloon
