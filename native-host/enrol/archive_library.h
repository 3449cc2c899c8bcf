// libarchive, opened when the first ZIP is read instead of linked: Debian's
// libarchive.so.13 brings libxml2, ICU, nettle and five compressors with it,
// which a linked library would map and relocate at every `inkan` start
// (about 3 MiB resident and several ms) for the one command that reads
// Actalis's ZIP.
#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace inkan::enrol {

struct ArchiveLibrary {
  decltype(&archive_read_new) read_new;
  decltype(&archive_read_free) read_free;
  decltype(&archive_read_support_format_zip) read_support_format_zip;
  decltype(&archive_read_open_memory) read_open_memory;
  decltype(&archive_read_next_header) read_next_header;
  decltype(&archive_read_data) read_data;
  decltype(&archive_error_string) error_string;
  decltype(&archive_entry_pathname) entry_pathname;
  decltype(&archive_entry_filetype) entry_filetype;
  decltype(&archive_entry_symlink) entry_symlink;
  decltype(&archive_entry_hardlink) entry_hardlink;
  decltype(&archive_entry_is_encrypted) entry_is_encrypted;
};

/** The functions of libarchive.so.13, loaded once (thread-safe); throws ARCHIVE_UNUSABLE if it cannot be loaded. */
const ArchiveLibrary& libarchive();

}  // namespace inkan::enrol
