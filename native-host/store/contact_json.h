// The JSON shapes of the contacts (docs/store.md "Contacts JSON"): what
// `inkan contact … --json` prints and what the native host will answer.
// Every top-level object carries "version": 1.
#pragma once

#include "store/contacts.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace inkan::store {

/** One contact certificate: its facts, status, trust, sightings (with_pem: its PEM too). */
nlohmann::ordered_json contact_cert_json(const ContactCert& cert, std::int64_t now, bool with_pem);

/** A contact in a listing: address, current certificates, the one shown, known since, pending key change. */
nlohmann::ordered_json contact_summary_json(const Contact& contact, std::int64_t now);

/** The whole contact: the summary plus every certificate with its history and PEM. */
nlohmann::ordered_json contact_json(const Contact& contact, std::int64_t now);

/** {"version":1,"contacts":[summary…],"problems":[…]} */
nlohmann::ordered_json contacts_json(const ContactList& list, std::int64_t now);

nlohmann::ordered_json change_json(const ContactChange& change);

/** {"version":1,"changes":[…],"problems":[…]} */
nlohmann::ordered_json harvest_json(const HarvestReport& report);

/**
 * The `contact` member of a verify reply: for the first signer's certificate
 * and its From address, {"address","change","fingerprint","status",
 * "known_since","contact_since","key_change","trusted"}; {"address","error":{code,detail}}
 * when that contact's file could not be read; null when the signer's certificate
 * reached no contact.
 */
nlohmann::ordered_json verdict_contact_json(const HarvestReport& report, const Verdict& verdict,
                                            const std::vector<std::string>& from);

/** {"version":1,"recipients":[{address, found, source, fingerprint, certificate, reason, …}],"missing":[addresses]} */
nlohmann::ordered_json recipients_json(const std::vector<RecipientAnswer>& answers, std::int64_t now);

}  // namespace inkan::store
