#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keepa {

/// Compresses `data` into the gzip format (RFC 1952).
std::string gzip_compress(std::string_view data);

/// Inflates a gzip (or zlib) stream; nullopt when it is corrupt or truncated,
/// or when it would inflate beyond `max_size` bytes.
std::optional<std::string> gzip_decompress(std::string_view data,
                                           size_t max_size = 256u << 20);

} // namespace keepa
