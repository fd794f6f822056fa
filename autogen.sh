#!/bin/sh
# Regenerates configure and Makefile.in from configure.ac and Makefile.am.
# Needs autoconf, automake, libtool, pkg-config and autoconf-archive (Debian package names).
set -e
cd "$(dirname "$0")"
autoreconf --install --force --warnings=all
