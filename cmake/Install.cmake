# Installation layout, man pages and the Debian package. Included from the top-level
# CMakeLists.txt (after the tools exist). Every destination is relative to the prefix
# (GNUInstallDirs), so `cmake --install BUILD --prefix P` and CPack put the same tree under P:
#   bin/                                   mkmod modcheck modversions   (tools/CMakeLists.txt)
#   share/modver/linker-scripts/modver.lds found by lib/Relink's findLinkerScript as
#                                          <bindir>/../share/modver/linker-scripts/
#   share/modver/modver.mk, modver-modpost, modver-upgrade   the recipes' parts (docs/recipes/)
#   share/man/man1/*.1.gz                  from man/*.1.scd (man/CMakeLists.txt)
#   share/doc/modver/                      README.md, docs/*.md, docs/recipes/*.md
include(GNUInstallDirs)

install(FILES ${PROJECT_SOURCE_DIR}/linker-scripts/modver.lds
        DESTINATION ${CMAKE_INSTALL_DATADIR}/modver/linker-scripts)
install(FILES ${PROJECT_SOURCE_DIR}/docs/recipes/modver.mk
        DESTINATION ${CMAKE_INSTALL_DATADIR}/modver)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/docs/recipes/modver-upgrade
                 ${PROJECT_SOURCE_DIR}/docs/recipes/modver-modpost
        DESTINATION ${CMAKE_INSTALL_DATADIR}/modver)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")

add_subdirectory(${PROJECT_SOURCE_DIR}/man ${PROJECT_BINARY_DIR}/man)
add_subdirectory(${PROJECT_SOURCE_DIR}/packaging ${PROJECT_BINARY_DIR}/packaging)

# Install checks (label unit): the installed tree works from a fresh prefix; every long option
# of every tool's --help is in its man page; --help/--version work. They need neither GoogleTest
# nor tests/, so they are registered even with MODVER_BUILD_TESTS=OFF (a packaging build, whose
# `cpack` then builds only the tools, the man pages and the plugin).
enable_testing()
foreach(t test-install test-man-options)
  add_test(NAME install-${t}
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/install/${t}.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(install-${t} PROPERTIES LABELS unit TIMEOUT 300
    ENVIRONMENT "MODVER_TOOLS_DIR=${PROJECT_BINARY_DIR}/tools;MODVER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endforeach()
