// BIOs that let OpenSSL stream straight from our Sources and into our Sinks,
// so CMS data never has to be assembled in memory.
#pragma once

#include "io/sink.h"
#include "io/source.h"
#include "ossl/handles.h"

#include <functional>

namespace inkan::ossl {

/** A write-only BIO forwarding to sink (which must outlive the BIO). */
BioPtr sink_bio(io::Sink& sink);

/** Rethrows the error a sink BIO's sink threw, if any (OpenSSL only sees "write failed"). */
void rethrow_sink_error(BIO* sink);

/** A read-only BIO over range of src (which must outlive the BIO). */
BioPtr source_bio(const io::Source& src, io::Range range);

/** Frees the BIOs of a chain from `top` down to, not including, `stop` (which the caller owns). */
void free_chain_above(BIO* top, BIO* stop);

/** A read-only BIO pulling bytes from a callback: fn(buffer, capacity) -> bytes (0 = end). */
BioPtr pull_bio(std::function<std::size_t(char*, std::size_t)> fn);

/** Rethrows the error a pull BIO's callback threw, if any (OpenSSL only sees "read failed"). */
void rethrow_pull_error(BIO* pull);

}  // namespace inkan::ossl
