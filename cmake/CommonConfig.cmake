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
