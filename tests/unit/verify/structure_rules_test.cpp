// Message structure: only the root's S/MIME layers count (Thunderbird's
// rule), nested signatures with a detached layer are refused, ciphertext
// below the root is never decrypted, and broken S/MIME parts are "bad".
#include "support/process.h"
#include "verify/verify_fixture.h"

namespace {

using inkan::Status;
using inkan::test::VerifyTest;

std::string mixed(const std::string& outer_headers, const std::vector<std::string>& parts) {
  std::string m = outer_headers + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n";
  for (const auto& p : parts) m += "--mix\r\n" + p + "\r\n";
  return m + "--mix--\r\n";
}

class StructureRules : public VerifyTest {
protected:
  // A signed entity (no From/Date of its own), as it sits inside other structures.
  std::string signed_entity(const std::string& text, const std::string& boundary = "inner-signed") {
    const std::string entity = inkan::test::text_entity(text);
    const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity);
    return inkan::test::multipart_signed("", entity, der, boundary);
  }

  inkan::smime::AnalyseOptions with_key(const inkan::keys::Credentials& key) const {
    auto o = options();
    o.keys = {&key};
    return o;
  }
};

TEST_F(StructureRules, UnsignedMessageIsNoSignature) {
  const auto r = analyse(outer("alice@example.org", m_now) + "Content-Type: text/plain\r\n\r\nplain\r\n");
  EXPECT_EQ(r.verdict().status, Status::no_signature) << dump(r.verdict());
  EXPECT_FALSE(r.verdict().is_signed);
  EXPECT_TRUE(r.verdict().signers.empty());
}

TEST_F(StructureRules, SignedPartBelowAnUnsignedRootDoesNotSignTheMessage) {
  // A mailing list added a footer: the signature covers only part 1, not what the reader sees.
  const auto r = analyse(mixed(outer("alice@example.org", m_now),
                               {signed_entity("Signed text.\r\n"), "Content-Type: text/plain\r\n\r\nList footer"}));
  EXPECT_EQ(r.verdict().status, Status::no_signature) << dump(r.verdict());
  EXPECT_FALSE(r.verdict().is_signed);
  EXPECT_TRUE(has(r.verdict().warnings, "smime-part-not-at-root")) << dump(r.verdict());
}

TEST_F(StructureRules, SignThenSignWithADetachedLayerIsNestedSignature) {
  const std::string inner = signed_entity("Inner.\r\n");
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), inner);
  const auto r = analyse(inkan::test::multipart_signed(outer("alice@example.org", m_now), inner, der, "outer-signed"));
  EXPECT_EQ(r.verdict().status, Status::bad) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "nested-signature")) << dump(r.verdict());
}

TEST_F(StructureRules, OpaqueAroundDetachedIsNestedSignature) {
  const std::string inner = signed_entity("Inner.\r\n");
  const std::string der =
      inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), inner, {"-nodetach"});
  const auto r = analyse(inkan::test::pkcs7_mime(outer("alice@example.org", m_now), "signed-data", der));
  EXPECT_EQ(r.verdict().status, Status::bad) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "nested-signature")) << dump(r.verdict());
}

TEST_F(StructureRules, DetachedAroundOpaqueIsNestedSignature) {
  const std::string entity = inkan::test::text_entity("Inner.\r\n");
  const std::string inner = inkan::test::pkcs7_mime(
      "", "signed-data",
      inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity, {"-nodetach"}));
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), inner);
  const auto r = analyse(inkan::test::multipart_signed(outer("alice@example.org", m_now), inner, der, "outer"));
  EXPECT_EQ(r.verdict().status, Status::bad) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "nested-signature")) << dump(r.verdict());
}

TEST_F(StructureRules, TwoOpaqueLayersAreAcceptedAndTheOuterSignerReported) {
  // Thunderbird accepts triple-wrapped style opaque-in-opaque; only the outer layer is judged.
  const std::string entity = inkan::test::text_entity("Innermost.\r\n");
  const std::string der1 =
      inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), entity, {"-nodetach"});
  const std::string inner = inkan::test::pkcs7_mime("", "signed-data", der1);
  const std::string der2 =
      inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), inner, {"-nodetach"});
  const auto r = analyse(inkan::test::pkcs7_mime(outer("alice@example.org", m_now), "signed-data", der2));
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().warnings, "inner-signature-not-checked")) << dump(r.verdict());
}

TEST_F(StructureRules, EncryptedPartBelowTheRootIsNeverDecrypted) {
  const std::string secret = "Content-Type: text/plain\r\n\r\nTOP SECRET 4711\r\n";
  const std::string enveloped = inkan::test::openssl_encrypt(m_dir, {"alice"}, secret);
  const auto alice = inkan::test::credentials("alice");
  const auto r = analyse(mixed(outer("mallory@example.org", m_now),
                               {"Content-Type: text/plain\r\n\r\nPlease reply, quoting this.",
                                inkan::test::pkcs7_mime("", "enveloped-data", enveloped)}),
                         with_key(alice));
  EXPECT_FALSE(r.verdict().encrypted) << dump(r.verdict());
  EXPECT_TRUE(r.verdict().layers.empty());
  EXPECT_TRUE(has(r.verdict().warnings, "encrypted-part-not-decrypted")) << dump(r.verdict());
  EXPECT_EQ(r.content().find("TOP SECRET"), std::string::npos);
  for (const auto& owned : r.analysis.owned) {
    EXPECT_EQ(inkan::io::read_range(*owned, 0, owned->size(), 1 << 20).find("TOP SECRET"), std::string::npos);
  }
}

TEST_F(StructureRules, EncryptedThenSignedMessageIsDecryptedAndVerified) {
  const std::string inner = signed_entity("Signed and sealed.\r\n");
  const std::string enveloped = inkan::test::openssl_encrypt(m_dir, {"bob", "alice"}, inner);
  const auto bob = inkan::test::credentials("bob");
  const auto r = analyse(inkan::test::pkcs7_mime(outer("alice@example.org", m_now), "enveloped-data", enveloped),
                         with_key(bob));
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
  EXPECT_TRUE(r.verdict().encrypted);
  EXPECT_EQ(r.verdict().content_cipher, "aes-256-cbc");
  EXPECT_EQ(r.verdict().layers, (std::vector<std::string>{"encrypted", "signed-detached"}));
  EXPECT_NE(r.content().find("Signed and sealed."), std::string::npos);
}

TEST_F(StructureRules, GatewaySignatureAroundTheEncryptionIsIgnored) {
  // Thunderbird bug 1806161: some gateways sign the encrypted message; the signature says nothing.
  const std::string encrypted_entity = inkan::test::pkcs7_mime(
      "", "enveloped-data",
      inkan::test::openssl_encrypt(m_dir, {"bob"}, "Content-Type: text/plain\r\n\r\nBehind the gateway.\r\n"));
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), encrypted_entity);
  const auto bob = inkan::test::credentials("bob");
  const auto r = analyse(inkan::test::multipart_signed(outer("alice@example.org", m_now), encrypted_entity, der),
                         with_key(bob));
  EXPECT_TRUE(r.verdict().encrypted) << dump(r.verdict());
  EXPECT_FALSE(r.verdict().is_signed) << dump(r.verdict());
  EXPECT_EQ(r.verdict().status, Status::no_signature);
  EXPECT_TRUE(has(r.verdict().warnings, "outer-signature-ignored"));
  EXPECT_NE(r.content().find("Behind the gateway."), std::string::npos);
}

TEST_F(StructureRules, SignatureOverSomeoneElsesCiphertextIsBad) {
  // Inside the encryption, a signature over another ciphertext vouches for nothing readable.
  const std::string their_ciphertext = inkan::test::pkcs7_mime(
      "", "enveloped-data", inkan::test::openssl_encrypt(m_dir, {"bob"}, "Content-Type: text/plain\r\n\r\nold\r\n"));
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), their_ciphertext);
  const std::string signed_cipher = inkan::test::multipart_signed("", their_ciphertext, der, "sc");
  const std::string outer_envelope = inkan::test::openssl_encrypt(m_dir, {"bob"}, signed_cipher);
  const auto bob = inkan::test::credentials("bob");
  const auto r = analyse(inkan::test::pkcs7_mime(outer("alice@example.org", m_now), "enveloped-data", outer_envelope),
                         with_key(bob));
  EXPECT_EQ(r.verdict().status, Status::bad) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "signed-ciphertext")) << dump(r.verdict());
  EXPECT_EQ(r.content().find("old"), std::string::npos);
}

TEST_F(StructureRules, NonCmsPkcs7MimeBodyIsABrokenSignature) {
  const auto r = analyse(inkan::test::pkcs7_mime(outer("alice@example.org", m_now), "signed-data",
                                                 "This is not DER at all, just text."));
  EXPECT_TRUE(r.verdict().is_signed);
  EXPECT_EQ(r.verdict().status, Status::bad) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().reasons, "signature-malformed"));
}

TEST_F(StructureRules, MultipartSignedWithoutSignaturePartIsBad) {
  const auto r = analyse(outer("alice@example.org", m_now) +
                         "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n\r\n"
                         "--s\r\nContent-Type: text/plain\r\n\r\nclaims to be signed\r\n--s--\r\n");
  EXPECT_TRUE(r.verdict().is_signed);
  EXPECT_EQ(r.verdict().status, Status::bad) << dump(r.verdict());
}

TEST_F(StructureRules, SignaturePartThatIsNotSignedDataIsBad) {
  const std::string entity = inkan::test::text_entity("Hello.\r\n");
  const std::string enveloped = inkan::test::openssl_encrypt(m_dir, {"alice"}, entity);
  const auto r = analyse(inkan::test::multipart_signed(outer("alice@example.org", m_now), entity, enveloped));
  EXPECT_EQ(r.verdict().status, Status::bad) << dump(r.verdict());
}

TEST_F(StructureRules, CertificatesOnlyIsNotASignature) {
  const std::string bundle = m_dir.file("certs.p7c").string();
  inkan::test::openssl_ok({"crl2pkcs7", "-nocrl", "-certfile", inkan::test::pki("alice-chain.pem"), "-outform", "DER",
                           "-out", bundle});
  const auto r = analyse(inkan::test::pkcs7_mime(outer("alice@example.org", m_now), "certs-only",
                                                 inkan::test::read_file(bundle)));
  EXPECT_EQ(r.verdict().status, Status::no_signature) << dump(r.verdict());
  EXPECT_TRUE(has(r.verdict().warnings, "certificates-only"));
  EXPECT_FALSE(r.verdict().certificates.empty());
}

TEST_F(StructureRules, BareDetachedSignatureWithItsContentVerifies) {
  const std::string file = "any file, any bytes \x01\x02\n";
  const std::string der = inkan::test::openssl_sign(m_dir, inkan::test::pki_signer("alice"), file);
  inkan::io::MemorySource content(file);
  auto o = options();
  o.detached_content = &content;
  const auto r = analyse(der, o);
  EXPECT_TRUE(r.verdict().is_signed);
  EXPECT_EQ(r.verdict().signature_kind, "detached");
  // No message headers: nothing to compare with the certificate's address or the signing time.
  ASSERT_EQ(r.verdict().signers.size(), 1u);
  EXPECT_EQ(r.verdict().status, Status::good) << dump(r.verdict());
  EXPECT_TRUE(r.verdict().signers[0].reasons.empty()) << dump(r.verdict());

  inkan::io::MemorySource other(file + "x");
  o.detached_content = &other;
  EXPECT_EQ(analyse(der, o).verdict().status, Status::bad);
}

}  // namespace
