#include "store/contact_use.h"

#include "mime/address.h"
#include "mime/headers.h"
#include "store/contact_json.h"
#include "store/trust_settings.h"

#include <algorithm>

namespace inkan::store {

MessageHarvest harvest_message(Store& store, const Verdict& verdict, const io::Source& message, const std::string& source,
                               std::int64_t now) {
  MessageHarvest out;
  try {
    const MessageFacts facts = read_message_facts(message, source);
    out.from = facts.from;
    ContactBook book(store);
    out.report = book.harvest(verdict, facts, now);
  } catch (const Error& e) {
    out.error = e;
  }
  return out;
}

nlohmann::ordered_json harvest_contact_json(const MessageHarvest& harvest, const Verdict& verdict) {
  if (harvest.error) {
    return {{"error", {{"code", std::string(code_string(harvest.error->code()))}, {"detail", harvest.error->detail()}}}};
  }
  return verdict_contact_json(harvest.report, verdict, harvest.from);
}

std::vector<std::string> message_recipients(const io::Source& message) {
  std::vector<std::string> out;
  const auto block = mime::parse_header_block(message, {0, message.size()});
  for (const auto& f : block.headers.fields()) {
    if (!mime::iequals(f.name, "To") && !mime::iequals(f.name, "Cc")) continue;
    for (const auto& m : mime::parse_mailboxes(f.value)) {
      const std::string a = mime::normalize_address(m.address);
      if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
  }
  return out;
}

EncryptionRecipients encryption_recipients(Store& store, const std::vector<std::string>& addresses, std::int64_t now) {
  const ContactBook book(store);
  EncryptionRecipients out;
  for (auto& a : book.lookup(addresses, now)) {
    if (!a.found()) {
      out.missing.push_back(std::move(a));
      continue;
    }
    // The user's own identities are read by Inkan itself (is_self: what we support).
    out.recipients.push_back(cms::Recipient{ossl::up_ref(a.cert.get()), a.capabilities, a.source == "identity"});
  }
  return out;
}

std::string missing_detail(const std::vector<RecipientAnswer>& missing) {
  std::string detail;
  for (const auto& a : missing) detail += (detail.empty() ? "" : ", ") + a.address + " (" + a.reason + ")";
  return detail;
}

std::vector<cms::Recipient> require_recipients(Store& store, const std::vector<std::string>& addresses, std::int64_t now) {
  EncryptionRecipients found = encryption_recipients(store, addresses, now);
  if (!found.missing.empty()) throw Error(Errc::no_recipient_cert, missing_detail(found.missing));
  return std::move(found.recipients);
}

nlohmann::ordered_json decision_json(const Contact& contact, std::string_view fingerprint, bool accepted, std::int64_t now) {
  auto j = contact_json(contact, now);
  j["status"] = "ok";
  j[accepted ? "accepted" : "rejected"] = normalize_fingerprint(fingerprint);
  return j;
}

nlohmann::ordered_json import_json(const HarvestReport& report) {
  auto j = harvest_json(report);
  j["status"] = "ok";
  return j;
}

}  // namespace inkan::store
