# Settings every ShardScope target shares: link shardscope_common.
add_library(shardscope_common INTERFACE)
target_compile_features(shardscope_common INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_options(shardscope_common INTERFACE -Wall -Wextra -Wpedantic)
target_compile_definitions(shardscope_common INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_USE_QSTRINGBUILDER
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
)
target_include_directories(shardscope_common INTERFACE ${PROJECT_SOURCE_DIR})

if(SHARDSCOPE_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(shardscope_common INTERFACE ${_san})
  target_link_options(shardscope_common INTERFACE ${_san})
endif()

# ThreadSanitizer (cannot be combined with SHARDSCOPE_SANITIZE). Qt and spdlog come from
# Debian and are not instrumented: tests/sanitizers/tsan.supp silences their noise only.
option(SHARDSCOPE_TSAN "Build with ThreadSanitizer" OFF)
if(SHARDSCOPE_TSAN)
  if(SHARDSCOPE_SANITIZE)
    message(FATAL_ERROR "SHARDSCOPE_TSAN and SHARDSCOPE_SANITIZE exclude each other: use separate build dirs")
  endif()
  set(_tsan -fsanitize=thread -fno-omit-frame-pointer)
  target_compile_options(shardscope_common INTERFACE ${_tsan})
  target_link_options(shardscope_common INTERFACE ${_tsan})
endif()

# libFuzzer targets in fuzz/ (clang only: CC=clang-14 CXX=clang++-14, own build dir).
# Every library gets coverage instrumentation plus ASan+UBSan; fuzz/CMakeLists.txt
# links the targets with -fsanitize=fuzzer (which brings libFuzzer's main()).
option(SHARDSCOPE_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)
if(SHARDSCOPE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SHARDSCOPE_FUZZ needs clang (configure with CC=clang-14 CXX=clang++-14)")
  endif()
  if(SHARDSCOPE_SANITIZE OR SHARDSCOPE_TSAN)
    message(FATAL_ERROR "SHARDSCOPE_FUZZ brings its own sanitizers: turn SHARDSCOPE_SANITIZE/TSAN off")
  endif()
  set(_fuzz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(shardscope_common INTERFACE ${_fuzz})
  target_link_options(shardscope_common INTERFACE -fsanitize=address,undefined)
endif()
