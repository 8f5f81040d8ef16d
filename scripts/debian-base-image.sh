#!/bin/sh
# `make image-base`: a minimal Debian bookworm imported as a local base image, for machines that
# cannot pull one from a registry. Trimmed as the official bookworm-slim image is: no manuals,
# documentation (except the copyright files) or translations, and apt keeps no caches, now and
# for every package the Containerfile installs on top.
# usage: debian-base-image.sh ROOTFS_DIR IMAGE_NAME   (as root; needs debootstrap and podman)
set -eu
dir=$1 image=$2
rm -rf "$dir"
debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian
# The suites of the official image: security and stable updates too (debootstrap sets only bookworm).
rm -f "$dir/etc/apt/sources.list"
cat > "$dir/etc/apt/sources.list.d/debian.sources" <<'CFG'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
CFG
cat > "$dir/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
CFG
cat > "$dir/etc/apt/apt.conf.d/slim-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
# What debootstrap installed before those rules existed.
find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/usr/share/info/* \
    "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/* \
    "$dir"/var/log/*.log "$dir"/var/log/apt/*
tar -C "$dir" -c . | podman import --change CMD=/bin/bash - "$image"
rm -rf "$dir"
