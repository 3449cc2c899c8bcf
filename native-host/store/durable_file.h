// Crash-safe files for the store. Every change is one new file made complete
// under a temporary name in the same directory (O_EXCL, 0600), fsynced, and
// renamed into place; the directory is fsynced too, so after a crash or a
// SIGKILL a reader finds either the old file or the new one, never half of one.
// Temporary names start with ".tmp-": readers skip them and the next writer
// (holding the write lock, so no live writer can own them) removes them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

/** True for names of temporary files (".tmp-…") left by writers. */
bool is_temp_name(std::string_view name);

/**
 * Makes dir (and missing parents) with mode 0700; an existing store directory
 * readable by others is narrowed to 0700. Throws IO_WRITE on failure and
 * STORE_CORRUPT if the path exists but is not a directory.
 */
void ensure_private_dir(const std::filesystem::path& dir);

/** Writes dir/name atomically, replacing an existing file (mode 0600). */
void replace_file(const std::filesystem::path& dir, std::string_view name, std::string_view bytes);

/**
 * Writes dir/name atomically only if it does not exist yet (mode 0600);
 * returns false, changing nothing, if it does.
 */
bool create_file(const std::filesystem::path& dir, std::string_view name, std::string_view bytes);

/** Removes dir/name and syncs the directory; false if it did not exist. */
bool remove_file(const std::filesystem::path& dir, std::string_view name);

/** Removes the temporary files of writers that died; call only while holding the write lock. */
void remove_temp_debris(const std::filesystem::path& dir);

/**
 * Reads a store file (not following a symlink in its last component);
 * nullopt if it does not exist. Throws STORE_CORRUPT beyond max_bytes and
 * IO_READ when it exists but cannot be read.
 */
std::optional<std::string> read_store_file(const std::filesystem::path& path, std::size_t max_bytes = 1 << 20);

/** Names in dir (no temporary files, no dot files), sorted; empty if dir does not exist. */
std::vector<std::string> list_names(const std::filesystem::path& dir);

}  // namespace inkan::store
