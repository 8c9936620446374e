# nooelint: oelint.var.bbclassextend - an app with a system user and a
# service has no native or SDK variant.
SUMMARY = "In-car head unit of the car-owner community platform"
DESCRIPTION = "Touchscreen app that reads the car over CAN and OBD-II, \
               records every drive as a trip in SQLite, shows community \
               tips and syncs with the community platform. Runs as the \
               system user headunit under systemd, drawing on EGLFS \
               without a window manager."
HOMEPAGE = "https://headunit.invalid/"
BUGTRACKER = "https://headunit.invalid/issues"
SECTION = "apps"
LICENSE = "CLOSED"
# The product is not tracked in the CVE database under another name.
CVE_PRODUCT = "headunit"

# Point HEADUNIT_GIT_URL and SRCREV at the integrator's copy of the
# repository, for example in local.conf or a bbappend.
HEADUNIT_GIT_URL ??= "git.headunit.invalid/headunit.git"
SRC_URI = "git://${HEADUNIT_GIT_URL};protocol=https;branch=main"
SRCREV = "0000000000000000000000000000000000000000"

S = "${WORKDIR}/git"

inherit python_setuptools_build_meta systemd useradd

USERADD_PACKAGES = "${PN}"
USERADD_PARAM:${PN} = "--system --home-dir ${localstatedir}/lib/headunit \
                       --no-create-home --shell ${base_sbindir}/nologin \
                       --user-group --groups dialout,video,input headunit"

SYSTEMD_SERVICE:${PN} = "headunit.service"

do_install:append() {
    # The Debian package keeps its environment in /opt/venvs; on Yocto the
    # app is installed into the image's own Python.
    install -d ${D}${systemd_system_unitdir}
    sed -e 's,/opt/venvs/headunit/bin/headunit,${bindir}/headunit,' \
        ${S}/packaging/systemd/headunit.service \
        > ${D}${systemd_system_unitdir}/headunit.service
    chmod 0644 ${D}${systemd_system_unitdir}/headunit.service

    install -d ${D}${sysconfdir}/headunit
    install -m 0644 ${S}/packaging/headunit.example.toml \
        ${D}${sysconfdir}/headunit/headunit.toml

    install -d -m 0750 ${D}${localstatedir}/lib/headunit
    chown headunit:headunit ${D}${localstatedir}/lib/headunit
}

CONFFILES:${PN} = "${sysconfdir}/headunit/headunit.toml"

# ttf-wqy-zenhei (meta-oe) covers Simplified Chinese, the UI's first
# language; fontconfig-utils gives `headunit doctor` its fc-list.
RDEPENDS:${PN} = "\
    fontconfig-utils \
    python3-can \
    python3-cantools \
    python3-core \
    python3-json \
    python3-logging \
    python3-pyserial \
    python3-pyside6 \
    python3-sqlite-utils \
    python3-sqlite3 \
    python3-tomllib \
    qtbase \
    qtbase-plugins \
    qtdeclarative-qmlplugins \
    qtsvg-plugins \
    ttf-wqy-zenhei \
"
