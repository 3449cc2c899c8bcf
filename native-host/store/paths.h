// Where the store lives: $INKAN_HOME, else the platform's place for user data
// (XDG on Linux). Computing the path touches nothing on disk.
#pragma once

#include <filesystem>

namespace inkan::store {

/**
 * $INKAN_HOME when set and non-empty; on Linux $XDG_DATA_HOME/inkan, else
 * ~/.local/share/inkan (XDG Base Directory Specification); on macOS
 * ~/Library/Application Support/Inkan; on Windows %APPDATA%\Inkan.
 * Throws USAGE when no home directory can be found at all.
 */
std::filesystem::path default_root();

}  // namespace inkan::store
