# Build options and the shared compile settings every Inkan target links.

option(INKAN_BUILD_TESTS "Build unit, interop and corpus tests" ON)
option(INKAN_BUILD_BENCH "Build the benchmark driver" OFF)
option(INKAN_BUILD_FUZZERS "Build libFuzzer targets (needs clang)" OFF)
option(INKAN_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
option(INKAN_ENABLE_SANITIZERS "Build with AddressSanitizer and UBSan" OFF)

add_library(inkan_warnings INTERFACE)
target_compile_options(inkan_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<BOOL:${INKAN_WARNINGS_AS_ERRORS}>:-Werror>)

# OpenSSL 3 only: the deprecated 1.x API must not even be declared.
add_library(inkan_openssl_policy INTERFACE)
target_compile_definitions(inkan_openssl_policy INTERFACE
  OPENSSL_API_COMPAT=30000 OPENSSL_NO_DEPRECATED)

add_library(inkan_sanitizers INTERFACE)
if(INKAN_ENABLE_SANITIZERS OR INKAN_BUILD_FUZZERS)
  target_compile_options(inkan_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(inkan_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
if(INKAN_BUILD_FUZZERS)
  target_compile_options(inkan_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Executables started once per request (the CLI, the native host) pay for dynamic
# linking on every start: libstdc++ alone costs about 1.3 MiB of resident memory and
# 1.7 M instructions of relocation there. Linked statically, only what is used is
# loaded and nothing is relocated by name. Not with sanitizers, which must see
# operator new and delete. Use: inkan_lean_executable(target).
# Likewise every function and object in its own section, so that the linker drops
# what no executable calls: the CLI's text shrinks from 3.6 to 3.0 MB, and since the kernel
# maps code in 64 KiB runs around each page touched, its resident share falls by 0.3 MiB
# (peak RSS is a target: docs/performance.md).
option(INKAN_STATIC_LIBSTDCXX "Link libstdc++ and libgcc statically into the executables" ON)
set(INKAN_LEAN_BUILD OFF)
if(INKAN_STATIC_LIBSTDCXX AND NOT INKAN_ENABLE_SANITIZERS AND NOT INKAN_BUILD_FUZZERS
   AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(INKAN_LEAN_BUILD ON)
  add_compile_options(-ffunction-sections -fdata-sections)
endif()
function(inkan_lean_executable target)
  if(INKAN_LEAN_BUILD)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -Wl,--as-needed -Wl,-O1 -Wl,--gc-sections)
  endif()
endfunction()
