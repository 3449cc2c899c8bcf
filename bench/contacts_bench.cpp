// How the contacts scale (docs/performance.md "Contacts scaling"): a store is
// filled with 100, 1,000 and 10,000 contacts, then recipient lookup (1, 10 and
// 100 addresses), harvesting a message (a known contact and a new one) and
// listing every contact are timed. Prints a table of medians (wall clock, and
// the process's CPU time, which other load on a shared machine disturbs less)
// and the ratio of each cost to the smallest store's: linear growth shows as a
// ratio near the size ratio, constant cost as a ratio near 1.
//
// Certificates are made here with the OpenSSL API (one CA, one shared P-256
// key, a certificate per address) so that 10,000 of them take seconds; the
// messages are signed with the engine's signer, and verified by the engine,
// exactly as the native host would before harvesting.
//
// usage: contacts_bench [SIZES (default 100,1000,10000)] [RUNS (default 15)]
#include "cms/sign.h"
#include "io/source.h"
#include "keys/credentials.h"
#include "ossl/library.h"
#include "smime/analyse.h"
#include "store/contacts.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

inkan::ossl::EvpPkeyPtr p256() {
  inkan::ossl::EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("EVP_EC_gen");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  inkan::ossl::X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) throw std::runtime_error(std::string("extension ") + value);
}

inkan::ossl::X509Ptr make_cert(const std::string& cn, const std::string& email, EVP_PKEY* key, X509* issuer,
                              EVP_PKEY* issuer_key, std::uint64_t serial, bool ca) {
  inkan::ossl::X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), serial);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -86400);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 365L * 86400);
  X509_set_pubkey(x.get(), key);
  X509* signer_cert = issuer != nullptr ? issuer : x.get();
  add_ext(x.get(), signer_cert, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(x.get(), signer_cert, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(x.get(), signer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(x.get(), signer_cert, NID_basic_constraints, "CA:FALSE");
    add_ext(x.get(), signer_cert, NID_key_usage, "critical,digitalSignature,keyAgreement");
    add_ext(x.get(), signer_cert, NID_ext_key_usage, "emailProtection");
    add_ext(x.get(), signer_cert, NID_subject_alt_name, ("email:" + email).c_str());
    add_ext(x.get(), signer_cert, NID_authority_key_identifier, "keyid");
  }
  if (X509_sign(x.get(), issuer_key, EVP_sha256()) <= 0) throw std::runtime_error("X509_sign");
  return x;
}

std::string address_of(int i) { return "user" + std::to_string(i) + "@example.org"; }

struct Pki {
  inkan::ossl::EvpPkeyPtr ca_key = p256();
  inkan::ossl::X509Ptr ca = make_cert("Bench CA", "", ca_key.get(), nullptr, ca_key.get(), 1, true);
  inkan::ossl::EvpPkeyPtr leaf_key = p256();  // shared by every contact: certificates differ, keys need not
  std::uint64_t serial = 100;

  inkan::ossl::X509Ptr leaf(const std::string& address) {
    return make_cert(address, address, leaf_key.get(), ca.get(), ca_key.get(), ++serial, false);
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Wall and CPU time of one call.
struct Timer {
  Clock::time_point wall = Clock::now();
  std::clock_t cpu = std::clock();
  double wall_ms() const { return ms_since(wall); }
  double cpu_ms() const { return 1000.0 * static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC; }
};

struct Samples {
  std::vector<double> wall, cpu;
  void add(const Timer& t) {
    wall.push_back(t.wall_ms());
    cpu.push_back(t.cpu_ms());
  }
};

// A message signed by `cert` (with the shared key), From its address, verified against the store's anchors.
inkan::Verdict signed_verdict(Pki& pki, X509* cert, const std::string& address, const inkan::x509::TrustStore& trust,
                              int n, inkan::store::MessageFacts& facts) {
  inkan::keys::Credentials creds;
  creds.key = inkan::ossl::EvpPkeyPtr(EVP_PKEY_dup(pki.leaf_key.get()));
  creds.cert = inkan::ossl::up_ref(cert);
  creds.chain.push_back(inkan::ossl::up_ref(pki.ca.get()));
  const std::string entity = "Content-Type: text/plain\r\n\r\nHello.\r\n";
  inkan::cms::DetachedSigner signer(creds, {});
  signer.update(entity);
  const std::string der = signer.finish();
  std::string b64;
  {
    inkan::ossl::BioPtr b(BIO_new(BIO_f_base64()));
    BIO* mem = BIO_new(BIO_s_mem());
    BIO_push(b.get(), mem);
    BIO_write(b.get(), der.data(), static_cast<int>(der.size()));
    (void)BIO_flush(b.get());
    char* data = nullptr;
    const long len = BIO_get_mem_data(mem, &data);
    b64.assign(data, static_cast<std::size_t>(len));
  }
  char date[64];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", std::gmtime(&now));
  const std::string msg = "From: " + address + "\r\nTo: me@example.com\r\nDate: " + date + "\r\nMessage-ID: <bench-" +
                          std::to_string(n) + "@example.org>\r\nSubject: bench\r\nMIME-Version: 1.0\r\n"
                          "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; "
                          "boundary=\"b\"\r\n\r\n--b\r\n" + entity + "\r\n--b\r\nContent-Type: application/pkcs7-signature\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b--\r\n";
  inkan::io::MemorySource src(msg);
  inkan::smime::AnalyseOptions o;
  o.trust = &trust;
  o.at = static_cast<std::int64_t>(now);
  const auto analysis = inkan::smime::analyse(src, o);
  facts = inkan::store::read_message_facts(src, "bench");
  return analysis.verdict;
}

struct Row {
  std::size_t contacts = 0;
  double fill_s = 0;
  std::map<std::string, double> ms;   // wall, median
  std::map<std::string, double> cpu;  // CPU, median
  void put(const std::string& op, const Samples& s) {
    ms[op] = median(s.wall);
    cpu[op] = median(s.cpu);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes{100, 1000, 10000};
  int runs = 15;
  if (argc > 1) {
    sizes.clear();
    std::stringstream in(argv[1]);
    for (std::string s; std::getline(in, s, ',');) sizes.push_back(std::stoi(s));
  }
  if (argc > 2) runs = std::max(3, std::atoi(argv[2]));
  inkan::ossl::ensure_initialized();
  const fs::path base = fs::temp_directory_path() / ("inkan-contacts-bench-" + std::to_string(::getpid()));
  fs::create_directories(base);
  Pki pki;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::mt19937 rng(42);
  std::vector<Row> rows;
  int message = 0;
  try {
    for (const int n : sizes) {
      Row row;
      row.contacts = static_cast<std::size_t>(n);
      inkan::store::StoreOptions opts;
      opts.root = base / ("store-" + std::to_string(n));
      inkan::store::Store store(opts);
      store.add_anchors({pki.ca.get()}, "Bench CA", now);
      inkan::store::ContactBook book(store);

      // Fill: certificates handed over in batches (one lock per batch), as `inkan contact import` would.
      const auto fill = Clock::now();
      for (int i = 0; i < n; i += 250) {
        std::vector<inkan::ossl::X509Ptr> certs;
        for (int j = i; j < std::min(n, i + 250); ++j) certs.push_back(pki.leaf(address_of(j)));
        std::vector<X509*> raw;
        for (const auto& c : certs) raw.push_back(c.get());
        book.import_certificates(raw, "bench", now);
      }
      row.fill_s = ms_since(fill) / 1000;
      if (book.count() != row.contacts) throw std::runtime_error("the store does not hold every contact");

      const auto time_lookup = [&](int k) {
        Samples t;
        for (int r = 0; r < runs; ++r) {
          std::vector<std::string> who;
          for (int j = 0; j < k; ++j) who.push_back(address_of(static_cast<int>(rng() % static_cast<unsigned>(n))));
          const Timer timer;
          const auto answers = book.lookup(who, now);
          t.add(timer);
          for (const auto& a : answers) {
            if (!a.found()) throw std::runtime_error("lookup did not find " + a.address + ": " + a.reason);
          }
        }
        return t;
      };
      row.put("lookup 1", time_lookup(1));
      row.put("lookup 10", time_lookup(10));
      row.put("lookup 100", time_lookup(100));

      const inkan::x509::TrustStore trust = store.trust_store();
      Samples known, fresh;
      for (int r = 0; r < runs; ++r) {
        inkan::store::MessageFacts facts;
        const std::string a = address_of(static_cast<int>(rng() % static_cast<unsigned>(n)));
        auto cert = pki.leaf(a);  // another certificate of the same CA: recorded, the file rewritten
        const inkan::Verdict v = signed_verdict(pki, cert.get(), a, trust, ++message, facts);
        const Timer t1;
        const auto rep = book.harvest(v, facts, now + r + 1);
        known.add(t1);
        if (rep.changes.empty()) throw std::runtime_error("nothing harvested");

        const std::string b = "new" + std::to_string(message) + "@example.org";
        auto cert_b = pki.leaf(b);
        const inkan::Verdict vb = signed_verdict(pki, cert_b.get(), b, trust, ++message, facts);
        const Timer t2;
        book.harvest(vb, facts, now + r + 1);
        fresh.add(t2);
      }
      row.put("harvest known", known);
      row.put("harvest new", fresh);

      Samples list;
      for (int r = 0; r < std::min(runs, 5); ++r) {
        const Timer t;
        const auto all = book.list();
        list.add(t);
        if (all.contacts.size() < row.contacts || !all.problems.empty()) throw std::runtime_error("list is incomplete");
      }
      row.put("list", list);
      rows.push_back(row);
      fs::remove_all(opts.root);
      std::cerr << "done: " << n << " contacts" << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "contacts_bench: " << e.what() << std::endl;
    fs::remove_all(base);
    return 1;
  }
  fs::remove_all(base);

  const std::vector<std::string> ops{"lookup 1", "lookup 10", "lookup 100", "harvest known", "harvest new", "list"};
  std::printf("%-14s", "contacts");
  for (const auto& r : rows) std::printf(" %12zu", r.contacts);
  std::printf("   %s\n", rows.size() > 1 ? "ratio last/first" : "");
  std::printf("%-14s", "fill (s)");
  for (const auto& r : rows) std::printf(" %12.1f", r.fill_s);
  std::printf("\n");
  for (const char* kind : {"wall", "cpu"}) {
    std::printf("-- %s time, ms (median)\n", kind);
    for (const auto& op : ops) {
      const auto value = [&](const Row& r) { return std::string(kind) == "wall" ? r.ms.at(op) : r.cpu.at(op); };
      std::printf("%-14s", op.c_str());
      for (const auto& r : rows) std::printf(" %12.3f", value(r));
      if (rows.size() > 1) std::printf("   %.2f", value(rows.back()) / value(rows.front()));
      std::printf("\n");
    }
  }
  if (rows.size() > 1) {
    std::printf("(size ratio last/first: %.0f; medians of %d runs, list of %d)\n",
                static_cast<double>(rows.back().contacts) / static_cast<double>(rows.front().contacts), runs,
                std::min(runs, 5));
  }
  return 0;
}
