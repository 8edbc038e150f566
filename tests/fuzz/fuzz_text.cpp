// libFuzzer target: token files (strict UTF-8 decoding, the sentence tokenizer, token lists).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using attnscope::TokenMode;
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    for (const TokenMode mode : {TokenMode::Auto, TokenMode::OneTokenPerLine, TokenMode::Sentence})
        (void)attnscope::parseTokens(bytes, "fuzz.txt", mode);
    if (const auto text = attnscope::decodeUtf8(bytes, "fuzz.txt"))
        (void)attnscope::tokenizeSentence(*text);
    return 0;
}
