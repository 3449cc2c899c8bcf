#include "enrol_support.h"

#include "keys/credentials.h"
#include "support/process.h"

#include <stdexcept>

namespace inkan::test {

std::string openssl_genkey(const TempDir& dir, std::string_view spec, std::string_view name) {
  const std::string path = dir.file(std::string(name) + ".key").string();
  const std::string s(spec);
  const auto colon = s.find(':');
  const std::string alg = s.substr(0, colon);
  const std::string param = s.substr(colon + 1);
  if (alg == "RSA") {
    openssl_ok({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + param, "-out", path});
  } else {
    openssl_ok({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + param, "-out", path});
  }
  return path;
}

ossl::EvpPkeyPtr load_key_file(const std::string& path) {
  return keys::load_private_key(read_file(path), std::nullopt);
}

std::string openssl_public_pem(const TempDir& dir, const std::string& key_path) {
  const std::string out = key_path + ".pub.pem";
  openssl_ok({"pkey", "-in", key_path, "-pubout", "-out", out});
  (void)dir;
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out += digits[u >> 4];
    out += digits[u & 15];
  }
  return out;
}

namespace {

std::string der_integer(std::string_view big_endian) {
  std::size_t i = 0;
  while (i + 1 < big_endian.size() && big_endian[i] == '\0') ++i;  // minimal encoding
  std::string v(big_endian.substr(i));
  if ((static_cast<unsigned char>(v[0]) & 0x80) != 0) v.insert(v.begin(), '\0');  // stays positive
  return std::string("\x02", 1) + static_cast<char>(v.size()) + v;
}

}  // namespace

std::string ecdsa_raw_to_der(std::string_view raw) {
  const std::size_t half = raw.size() / 2;
  const std::string body = der_integer(raw.substr(0, half)) + der_integer(raw.substr(half));
  std::string out("\x30", 1);
  if (body.size() >= 0x80) {
    out += '\x81';
  }
  out += static_cast<char>(body.size());
  return out + body;
}

bool openssl_verifies(const TempDir& dir, const std::string& public_pem, std::string_view digest, std::string_view data,
                      std::string_view signature) {
  const std::string data_path = dir.put("signed-input.txt", data);
  const std::string sig_path = dir.put("signature.bin", signature);
  const auto r = openssl({"dgst", "-" + std::string(digest), "-verify", public_pem, "-signature", sig_path, data_path});
  if (r.exit_code != 0 && r.out.find("Verification failure") == std::string::npos) {
    throw std::runtime_error("openssl dgst failed: " + r.err);
  }
  return r.exit_code == 0 && r.out.find("Verified OK") != std::string::npos;
}

}  // namespace inkan::test
