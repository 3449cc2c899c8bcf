#include "ossl/bio_bridge.h"

#include "error.h"

#include <openssl/bio.h>

#include <climits>
#include <exception>

namespace inkan::ossl {
namespace {

struct SourceState {
  const io::Source* src;
  io::Range range;
  std::uint64_t pos;
};

struct PullState {
  std::function<std::size_t(char*, std::size_t)> fn;
  std::exception_ptr error;
};

struct SinkState {
  io::Sink* sink;
  std::exception_ptr error;
};

int sink_write(BIO* bio, const char* data, size_t len, size_t* written) {
  auto* st = static_cast<SinkState*>(BIO_get_data(bio));
  try {
    st->sink->write({data, len});
  } catch (...) {
    st->error = std::current_exception();
    return 0;
  }
  *written = len;
  return 1;
}

int sink_destroy(BIO* bio) {
  delete static_cast<SinkState*>(BIO_get_data(bio));
  BIO_set_data(bio, nullptr);
  return 1;
}

long common_ctrl(BIO* /*bio*/, int cmd, long /*num*/, void* /*ptr*/) {
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

int source_read(BIO* bio, char* out, size_t len, size_t* read) {
  auto* st = static_cast<SourceState*>(BIO_get_data(bio));
  if (st->pos >= st->range.end) {
    *read = 0;
    return 0;
  }
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(len, st->range.end - st->pos));
  std::size_t got = 0;
  try {
    got = st->src->read_at(st->pos, {out, want});
  } catch (...) {
    return 0;
  }
  st->pos += got;
  *read = got;
  return got > 0 ? 1 : 0;
}

long source_ctrl(BIO* bio, int cmd, long num, void* ptr) {
  auto* st = static_cast<SourceState*>(BIO_get_data(bio));
  switch (cmd) {
    case BIO_CTRL_EOF: return st->pos >= st->range.end ? 1 : 0;
    case BIO_CTRL_RESET:
      st->pos = st->range.begin;
      return 1;
    case BIO_CTRL_PENDING: return static_cast<long>(std::min<std::uint64_t>(st->range.end - st->pos, LONG_MAX));
    default: return common_ctrl(bio, cmd, num, ptr);
  }
}

int source_destroy(BIO* bio) {
  delete static_cast<SourceState*>(BIO_get_data(bio));
  BIO_set_data(bio, nullptr);
  return 1;
}

int pull_read(BIO* bio, char* out, size_t len, size_t* read) {
  auto* st = static_cast<PullState*>(BIO_get_data(bio));
  std::size_t got = 0;
  try {
    got = st->fn(out, len);
  } catch (...) {
    st->error = std::current_exception();
    return 0;
  }
  *read = got;
  return got > 0 ? 1 : 0;
}

int pull_destroy(BIO* bio) {
  delete static_cast<PullState*>(BIO_get_data(bio));
  BIO_set_data(bio, nullptr);
  return 1;
}

int init_bio(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

// The three BIO_METHODs, created once and freed at exit (see ossl/library.cpp).
struct Methods {
  Methods() {
    sink = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "inkan sink");
    BIO_meth_set_write_ex(sink, sink_write);
    BIO_meth_set_ctrl(sink, common_ctrl);
    BIO_meth_set_create(sink, init_bio);
    BIO_meth_set_destroy(sink, sink_destroy);
    source = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "inkan source");
    BIO_meth_set_read_ex(source, source_read);
    BIO_meth_set_ctrl(source, source_ctrl);
    BIO_meth_set_create(source, init_bio);
    BIO_meth_set_destroy(source, source_destroy);
    pull = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "inkan pull");
    BIO_meth_set_read_ex(pull, pull_read);
    BIO_meth_set_ctrl(pull, common_ctrl);
    BIO_meth_set_create(pull, init_bio);
    BIO_meth_set_destroy(pull, pull_destroy);
  }
  ~Methods() {
    BIO_meth_free(sink);
    BIO_meth_free(source);
    BIO_meth_free(pull);
  }
  Methods(const Methods&) = delete;
  Methods& operator=(const Methods&) = delete;

  BIO_METHOD* sink = nullptr;
  BIO_METHOD* source = nullptr;
  BIO_METHOD* pull = nullptr;
};

const Methods& methods() {
  static const Methods m;
  return m;
}


}  // namespace

BioPtr sink_bio(io::Sink& sink) {
  auto* state = new SinkState{&sink, nullptr};
  BioPtr bio(BIO_new(methods().sink));
  if (!bio) {
    delete state;
    throw Error(Errc::internal, "BIO_new");
  }
  BIO_set_data(bio.get(), state);
  return bio;
}

void rethrow_sink_error(BIO* sink) {
  const auto* st = sink != nullptr ? static_cast<SinkState*>(BIO_get_data(sink)) : nullptr;
  if (st != nullptr && st->error) std::rethrow_exception(st->error);
}

void free_chain_above(BIO* top, BIO* stop) {
  while (top != nullptr && top != stop) {
    BIO* next = BIO_pop(top);
    BIO_free(top);
    top = next;
  }
}

BioPtr source_bio(const io::Source& src, io::Range range) {
  auto* state = new SourceState{&src, range, range.begin};
  BioPtr bio(BIO_new(methods().source));
  if (!bio) {
    delete state;
    throw Error(Errc::internal, "BIO_new");
  }
  BIO_set_data(bio.get(), state);
  return bio;
}

BioPtr pull_bio(std::function<std::size_t(char*, std::size_t)> fn) {
  auto* state = new PullState{std::move(fn), nullptr};
  BioPtr bio(BIO_new(methods().pull));
  if (!bio) {
    delete state;
    throw Error(Errc::internal, "BIO_new");
  }
  BIO_set_data(bio.get(), state);
  return bio;
}

void rethrow_pull_error(BIO* pull) {
  const auto* st = pull != nullptr ? static_cast<PullState*>(BIO_get_data(pull)) : nullptr;
  if (st != nullptr && st->error) std::rethrow_exception(st->error);
}

}  // namespace inkan::ossl
