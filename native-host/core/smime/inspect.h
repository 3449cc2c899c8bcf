// Describing a message or CMS object without decrypting or judging it:
// the MIME tree, and for S/MIME parts who signed, to whom it is encrypted,
// with which algorithms, and which certificates ride along.
#pragma once

#include "cms/attributes.h"
#include "io/source.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace inkan::smime {

nlohmann::ordered_json inspect(const io::Source& src);

/** A signer's certificate and advertised capabilities, taken from signed mail or a .p7s. */
struct Harvest {
  ossl::X509Ptr cert;
  std::vector<cms::Capability> capabilities;
};

/**
 * The first signer of the message's root signature (or of a bare SignedData):
 * the certificate to encrypt to (the one SMIMEEncryptionKeyPreference names, when
 * it is carried, else the signer's) and the signer's capabilities. This does not
 * judge the signature: callers check the verdict first.
 */
std::optional<Harvest> harvest_signer(const io::Source& src);

}  // namespace inkan::smime
