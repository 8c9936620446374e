SUMMARY = "CLI tool and Python library for manipulating SQLite databases"
DESCRIPTION = "Python library and command-line tool that create, query \
               and change SQLite databases, used by the head unit for its \
               trip store."
HOMEPAGE = "https://github.com/simonw/sqlite-utils"
BUGTRACKER = "https://github.com/simonw/sqlite-utils/issues"
SECTION = "devel/python"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=86d3f3a95c324c9479bd8986968f4327"

CVE_PRODUCT = "sqlite-utils"

SRC_URI[sha256sum] = "1ae77b931384052205a15478d429464f6c67a3ac3b4eafd3c674ac900f623aab"

PYPI_PACKAGE = "sqlite_utils"

inherit pypi setuptools3

RDEPENDS:${PN} = "\
    python3-click \
    python3-click-default-group \
    python3-dateutil \
    python3-pluggy \
    python3-sqlite-fts4 \
    python3-sqlite3 \
    python3-tabulate \
"

BBCLASSEXTEND = "native nativesdk"
