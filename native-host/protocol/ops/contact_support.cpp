#include "ops/contact_support.h"

#include "mime/date.h"
#include "reply.h"
#include "store/contact_use.h"

namespace inkan::protocol::ops {
namespace {

// An error frame must stay far below the 1 MiB reply limit whatever the message's To said.
constexpr std::size_t kMaxListedBytes = 512 * 1024;
constexpr std::size_t kMaxAddressBytes = 320;

}  // namespace

bool harvest_param(const Json& params) {
  const bool harvest = bool_param(params, "harvest", false);
  if (harvest && member(params, "trust") != nullptr) {
    throw Error(Errc::bad_request, "harvest uses the store's trust anchors: drop trust");
  }
  return harvest;
}

Json harvest_contact(OpContext& ctx, const Verdict& verdict, const io::Source& message) {
  store::MessageHarvest h;
  try {
    store::Store store = ctx.session.open_store(ctx.now);
    h = store::harvest_message(store, verdict, message, kHarvestSource, ctx.now);
  } catch (const Error& e) {
    h.error = e;
  }
  return store::harvest_contact_json(h, verdict);
}

std::vector<std::string> address_list(const Json& params, std::string_view name) {
  const Json& list = required(params, name);
  const std::string what = std::string(name) + ": an array of addresses";
  if (!list.is_array() || list.empty()) throw Error(Errc::bad_request, what);
  if (list.size() > kMaxAddresses) throw Error(Errc::bad_request, std::string(name) + ": at most 1000 addresses");
  std::vector<std::string> out;
  for (const auto& a : list) {
    if (!a.is_string()) throw Error(Errc::bad_request, what);
    out.push_back(a.get<std::string>());
  }
  return out;
}

std::int64_t time_param(const OpContext& ctx) {
  const auto at = string_param(ctx.request.params, "at");
  if (!at) return ctx.now;
  const auto t = mime::parse_iso8601(*at);
  if (!t) throw Error(Errc::bad_request, "at: not an ISO 8601 time");
  return *t;
}

void throw_missing_recipients(const std::vector<store::RecipientAnswer>& missing) {
  Json listed = Json::array();
  std::size_t bytes = 0;
  bool truncated = false;
  for (const auto& a : missing) {
    Json entry = {{"address", a.address.substr(0, kMaxAddressBytes)}, {"reason", a.reason}, {"details", a.details}};
    bytes += entry.dump(-1, ' ', false, Json::error_handler_t::replace).size();
    if (bytes > kMaxListedBytes) {
      truncated = true;
      break;
    }
    listed.push_back(std::move(entry));
  }
  Json members = {{"addresses", std::move(listed)}};
  if (truncated) members["addresses_truncated"] = true;
  throw ReplyError(Errc::no_recipient_cert, store::missing_detail(missing), std::move(members));
}

}  // namespace inkan::protocol::ops
