SUMMARY = "click.Group extension that invokes a default subcommand"
DESCRIPTION = "Extension of click.Group that runs a default subcommand \
               when none is named; a dependency of sqlite-utils."
HOMEPAGE = "https://github.com/click-contrib/click-default-group"
BUGTRACKER = "https://github.com/click-contrib/click-default-group/issues"
SECTION = "devel/python"
LICENSE = "BSD-3-Clause"
LIC_FILES_CHKSUM = "file://LICENSE;md5=65eba42bf46c44352304fa7df67c632f"

CVE_PRODUCT = "click-default-group"

SRC_URI[sha256sum] = "eb3f3c99ec0d456ca6cd2a7f08f7d4e91771bef51b01bdd9580cc6450fe1251e"

PYPI_PACKAGE = "click_default_group"

inherit pypi python_flit_core

RDEPENDS:${PN} = "python3-click"

BBCLASSEXTEND = "native nativesdk"
