# What `cmake --install` puts where (GNUInstallDirs), keykit.pc, and the
# CPack .deb.  Included from the top-level CMakeLists.txt after the targets.
set(KK_DESCRIPTION "make, convert and check SSH keys in every format people meet")

# ---- tools (linked with keykit_core, so they need no libkeykit.so at run
# time), libraries, header
install(TARGETS keygen keyconv keycheck keybatch
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS keykit keykit_static
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${CMAKE_SOURCE_DIR}/include/keykit.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# libkeykit.a as one relocatable object whose only global symbols are the
# keykit_* API: an archive cannot hide names, so without this every kk_*
# and kc_* function would clash with a program's own of the same name.
# The objects are built with hidden visibility; objcopy makes those local.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND CMAKE_LINKER AND CMAKE_OBJCOPY)
  set(kk_static_obj ${CMAKE_BINARY_DIR}/keykit_static.o)
  add_custom_command(TARGET keykit_static POST_BUILD
    COMMAND ${CMAKE_LINKER} -r -o ${kk_static_obj}
            --whole-archive $<TARGET_FILE:keykit_static>
    COMMAND ${CMAKE_OBJCOPY} --localize-hidden ${kk_static_obj}
    COMMAND ${CMAKE_COMMAND} -E rm -f $<TARGET_FILE:keykit_static>
    COMMAND ${CMAKE_AR} qc $<TARGET_FILE:keykit_static> ${kk_static_obj}
    COMMAND ${CMAKE_RANLIB} $<TARGET_FILE:keykit_static>
    COMMAND ${CMAKE_COMMAND} -E rm -f ${kk_static_obj}
    VERBATIM)
endif()

# ---- keykit.pc: relative to its own directory (${pcfiledir}) when the
# directories are under the prefix, so a tree installed with --prefix or
# DESTDIR, or moved, still describes itself.
set(KK_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(KK_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(KK_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(KK_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH kk_up "/kk/${KK_PC_DIR}" "/kk")
  string(REGEX REPLACE "/$" "" kk_up "${kk_up}")
  set(KK_PC_PREFIX "\${pcfiledir}/${kk_up}")
  set(KK_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(KK_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${CMAKE_SOURCE_DIR}/keykit.pc.in ${CMAKE_BINARY_DIR}/keykit.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/keykit.pc DESTINATION ${KK_PC_DIR})

# ---- man pages, shell completions (bash-completion loads a file named
# after the command, so the one script goes in under each tool's name)
set(KK_TOOLS keygen keyconv keycheck keybatch)
foreach(tool ${KK_TOOLS})
  install(FILES ${CMAKE_SOURCE_DIR}/man/${tool}.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${CMAKE_SOURCE_DIR}/completions/keykit.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME ${tool})
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/completions/_keykit
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

# ---- the .deb: cpack -G DEB (from the build directory)
set(CPACK_PACKAGE_NAME keykit)
set(CPACK_PACKAGE_VENDOR keykit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${KK_DESCRIPTION}")
set(KK_PACKAGE_MAINTAINER "keykit maintainers <maintainers@keykit.invalid>"
    CACHE STRING "Maintainer field of the packages cpack builds")
set(CPACK_PACKAGE_CONTACT "${KK_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KK_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
# The synopsis line is CPACK_PACKAGE_DESCRIPTION_SUMMARY, which CPack puts
# before this text itself: this is the extended description only.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "keygen makes key pairs, keyconv converts keys between PuTTY .ppk v2/v3,\n"
    "OpenSSH, PEM, PKCS#8, ssh.com, RFC 4716 and one-line public keys,\n"
    "keycheck validates public keys for CI (weak RSA, target profiles, SARIF),\n"
    "keybatch converts whole trees of keys.  Also libkeykit, its C library.")
string(REPLACE ";" "" CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}")
# The runtime dependencies: computed by dpkg-shlibdeps (dpkg-dev) when it is
# there, with versions; else the bookworm package names, fixed.
find_program(KK_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(KK_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libssl3, zlib1g, libargon2-1, libgmp10")
endif()
# shlibs file and ldconfig trigger for libkeykit.so.0
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
include(CPack)
