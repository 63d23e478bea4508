// Boost.URL is header-only when its sources are compiled in exactly one TU.
#include <boost/url/src.hpp>
