#pragma once

// Text fitted to a terminal's width at word boundaries, so that no word,
// and so no number, is ever cut in half. Pure functions.

#include <string>
#include <vector>

namespace keepa {

/// `text` in rows of at most `width` characters, broken at spaces where
/// the next word would not fit, and at each line end. A word longer than
/// `width` is cut, on rows of its own, since nothing else fits it.
std::vector<std::string> wrap_words(const std::string& text, size_t width);

/// The longest start of `text` that ends with a whole word and fits in
/// `width` characters, without the separators (" ", "|", ",", ";") it
/// would end with; "" when not even the first word fits.
std::string whole_words(const std::string& text, size_t width);

} // namespace keepa
