#!/bin/sh
# deb.sh: build the Debian package of sanling from the build (BUILD/sanling,
# the manual page, web/dist) and debian/: the files laid out by
# `make install` under /usr, the configuration, the systemd unit and the
# maintainer scripts, the control file from debian/control with the
# libraries' packages found by dpkg-shlibdeps; then dpkg-deb.
#   sh scripts/deb.sh build 1.0.0   → build/sanling_1.0.0_amd64.deb
set -eu
build=$1
version=$2
arch=$(dpkg --print-architecture)
root=$build/deb/root
out=$build/sanling_${version}_${arch}.deb

rm -rf "$build/deb"
mkdir -p "$root/DEBIAN"
make -s install DESTDIR="$root" PREFIX=/usr BUILD="$build"
strip --strip-unneeded -R .comment "$root/usr/bin/sanling" "$root/usr/lib/sanling/sanling-pdf.so"
install -D -m 0644 debian/sanling.conf "$root/etc/sanling/sanling.conf"
install -D -m 0644 debian/sanling.service "$root/lib/systemd/system/sanling.service"
install -d -m 0750 "$root/var/lib/sanling"
install -D -m 0644 debian/copyright "$root/usr/share/doc/sanling/copyright"
install -D -m 0644 docs/grafana-sanling.json "$root/usr/share/doc/sanling/grafana-sanling.json"
gzip -9n < debian/changelog > "$root/usr/share/doc/sanling/changelog.Debian.gz"
chmod 0644 "$root/usr/share/doc/sanling/changelog.Debian.gz"
install -m 0755 debian/postinst debian/prerm debian/postrm "$root/DEBIAN/"
install -m 0644 debian/conffiles "$root/DEBIAN/"

# the libraries the program and its PDF writer link, as packages (dpkg-shlibdeps reads debian/control)
depends=$(dpkg-shlibdeps -O "$root/usr/bin/sanling" "$root/usr/lib/sanling/sanling-pdf.so" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb.sh: dpkg-shlibdeps found no libraries" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
{
	sed -n '/^Package:/,$p' debian/control | sed -n '1,/^Description:/{/^Description:/!p}' |
		sed -e '/^Architecture:/d' -e "s/\${shlibs:Depends}/$depends/"
	echo "Version: $version"
	echo "Architecture: $arch"
	echo "Maintainer: $(sed -n 's/^Maintainer: //p' debian/control)"
	echo "Section: $(sed -n 's/^Section: //p' debian/control)"
	echo "Priority: $(sed -n 's/^Priority: //p' debian/control)"
	echo "Installed-Size: $size"
	sed -n '/^Description:/,$p' debian/control
} > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort |
	xargs md5sum > DEBIAN/md5sums)
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
