# EGLFS on KMS/DRM with no window manager, and fontconfig so Qt finds the
# CJK font. Applies to a distro or machine that adds "headunit" to its
# DISTROOVERRIDES or MACHINEOVERRIDES.
PACKAGECONFIG:append:headunit = " eglfs fontconfig gbm kms"
