# `make install` layout and the Debian package (scripts/package.sh runs cpack -G DEB):
# /usr/bin/shardscope, its desktop entry and icons, the systemd unit for headless nodes,
# an example config in /etc/shardscope, and the Prometheus rules and Grafana dashboard.
include(GNUInstallDirs)
set(_pkg ${PROJECT_SOURCE_DIR}/resources/packaging)

install(TARGETS shardscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/resources/shardscope.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
foreach(size 64 256)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/shardscope-${size}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME shardscope.png)
endforeach()
install(FILES ${_pkg}/shardscope@.service DESTINATION lib/systemd/system)
install(FILES ${_pkg}/example.conf DESTINATION /etc/shardscope)
install(FILES ${PROJECT_SOURCE_DIR}/resources/prometheus/shardscope-alerts.yml
              ${PROJECT_SOURCE_DIR}/resources/prometheus/prometheus.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/shardscope/prometheus)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/grafana/ DESTINATION ${CMAKE_INSTALL_DATADIR}/shardscope/grafana
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/shardscope)
# README.md links into docs/: both go, so the links hold in /usr/share/doc/shardscope too.
install(FILES ${PROJECT_SOURCE_DIR}/docs/openapi.json DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/shardscope)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/shardscope/docs
        FILES_MATCHING PATTERN "*.md")
install(FILES ${_pkg}/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/shardscope)
install(FILES ${PROJECT_SOURCE_DIR}/resources/org.shardscope.shardscope.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${_pkg}/shardscope.bash-completion DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME shardscope)

# Generated at build time: the man pages from the binary's own --help (help2man), and the
# changelog compressed as Debian policy wants it (gzip -9n: no name, no time stamp).
find_program(SHARDSCOPE_HELP2MAN help2man)
if(NOT SHARDSCOPE_HELP2MAN)
  message(WARNING "help2man not found: the man pages cannot be made (run scripts/install-deps.sh)")
endif()
set(_man ${CMAKE_BINARY_DIR}/man)
add_custom_command(OUTPUT ${_man}/shardscope.1.gz ${_man}/shardscope-ctl.1.gz
  COMMAND ${_pkg}/man/make-man.sh $<TARGET_FILE:shardscope> ${_man} ${PROJECT_VERSION}
  DEPENDS shardscope ${_pkg}/man/make-man.sh ${_pkg}/man/shardscope.h2m ${_pkg}/man/shardscope-ctl.h2m
  COMMENT "Man pages from shardscope --help and shardscope ctl --help")
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/changelog.gz
  COMMAND gzip -9nc ${_pkg}/changelog > ${CMAKE_BINARY_DIR}/changelog.gz
  DEPENDS ${_pkg}/changelog)
add_custom_target(shardscope_docs ALL DEPENDS ${_man}/shardscope.1.gz ${_man}/shardscope-ctl.1.gz ${CMAKE_BINARY_DIR}/changelog.gz)
install(FILES ${_man}/shardscope.1.gz ${_man}/shardscope-ctl.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/shardscope)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME shardscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ShardScope team <team@shardscope.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Console and service for a sharded actor query service with phased restarts")
# Debian wants description lines of at most 80 characters.
set(CPACK_PACKAGE_DESCRIPTION "ShardScope runs a sharded actor query service with an HTTP API and a
phased, all-shard restart, headless under systemd (shardscope@.service) or
embedded in its Qt console, which draws every shard as a live tile. /metrics
is Prometheus text; alert rules and a Grafana dashboard are in
/usr/share/shardscope.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Shared libraries (Qt 6, spdlog, fmt) are found by dpkg-shlibdeps; the rest by hand:
# adduser for the service user, the Qt platform plugins for the console's window.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${_pkg}/conffiles ${_pkg}/postinst ${_pkg}/prerm ${_pkg}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
