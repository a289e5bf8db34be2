# cmake -DSOURCE_DIR=... -DOUT=... [-DCOMMIT=...] -P BuildCommit.cmake
# Writes OUT defining SHARDSCOPE_COMMIT: COMMIT when given (a build from a tarball), else
# the source tree's git commit, "-dirty" when tracked files differ from it, else "unknown".
# Rewrites OUT only when the text changes, so an unchanged commit rebuilds nothing.
if(NOT COMMIT)
  execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0 OR NOT COMMIT)
    set(COMMIT unknown)
  else()
    execute_process(COMMAND git -C "${SOURCE_DIR}" diff --quiet HEAD -- RESULT_VARIABLE dirty ERROR_QUIET)
    if(NOT dirty EQUAL 0)
      string(APPEND COMMIT "-dirty")
    endif()
  endif()
endif()
set(text "#pragma once\n#define SHARDSCOPE_COMMIT \"${COMMIT}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
