#!/bin/sh
# sanafe-peer.sh: build the SANA-FE simulator (SLAM-Lab, GPL-3.0) as a peer
# for the comparisons in docs/sanafe.md and docs/performance.md.
#
# Usage: scripts/sanafe-peer.sh SANAFE_CHECKOUT BUILD_DIR
#
# SANAFE_CHECKOUT is a git clone of github.com/SLAM-Lab/SANA-FE; BUILD_DIR is
# where the build goes (created if missing). Both must lie outside this
# repository: SANA-FE is GPL and no part of it, source or binary, belongs in
# spikemesh. The result is BUILD_DIR/sim, SANA-FE's command-line simulator.
#
# SANA-FE's CMakeLists fetches two libraries from GitHub at configure time
# (rapid-yaml with its c4core submodules, and SLAM-Lab's booksim2 fork). This
# script clones them itself, at the commits the checkout pins, and hands them
# to CMake through FETCHCONTENT_SOURCE_DIR_*, so that the build works from
# local mirrors on a machine without GitHub access:
#
#   SANAFE_MIRROR=DIR  take owner/name from DIR/owner+name/repo (a bare or
#                      normal git repository) instead of https://github.com/
#
# Other settings (environment):
#   SANAFE_JOBS=N      parallel compile jobs (default 2)
#   SANAFE_PYTHON=ON   also build the Python module sanafecpp (needs
#                      pybind11-dev and python3-dev); default OFF
#   SANAFE_PYTHON_EXE  the Python to build it for (default /usr/bin/python3,
#                      the one Debian's pybind11-dev and python3-dev serve)
#
# Build dependencies on Debian 12: cmake g++ make git (and, for the Python
# module, pybind11-dev python3-dev). OpenMP comes with g++.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 SANAFE_CHECKOUT BUILD_DIR" >&2
	exit 2
fi
src=$(cd "$1" && pwd)
build=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
case "$src/" in "$repo"/*) echo "sanafe-peer: $src is inside the repository $repo; use a directory outside it" >&2; exit 2 ;; esac
case "$build/" in "$repo"/*) echo "sanafe-peer: $build is inside the repository $repo; use a directory outside it" >&2; exit 2 ;; esac
mkdir -p "$build"
[ -f "$src/CMakeLists.txt" ] && [ -f "$src/src/main.cpp" ] || {
	echo "sanafe-peer: $src has no CMakeLists.txt and src/main.cpp: not a SANA-FE checkout" >&2
	exit 2
}

# url OWNER/NAME: where to clone a GitHub repository from.
url() {
	if [ -n "${SANAFE_MIRROR:-}" ]; then
		echo "$SANAFE_MIRROR/$(echo "$1" | tr / +)/repo"
	else
		echo "https://github.com/$1.git"
	fi
}

# checkout OWNER/NAME REV DEST: clone at REV, then its submodules at the
# commits REV records, recursively.
checkout() {
	# A fresh clone is always checked out; an earlier one only if it sits
	# at another commit (checking out again would only repeat a mirror's
	# complaints about absent blobs, below).
	if [ ! -d "$3/.git" ]; then
		# --no-checkout: the default branch may hold files a mirror keeps
		# only as absent large blobs; only REV's tree is checked out.
		git clone -q --no-checkout "$(url "$1")" "$3"
		git -C "$3" checkout -q --detach "$2"
	elif [ "$(git -C "$3" rev-parse HEAD)" != "$(git -C "$3" rev-parse "$2^{commit}")" ]; then
		git -C "$3" checkout -q --detach "$2"
	fi
	[ -f "$3/.gitmodules" ] || return 0
	git -C "$3" config -f .gitmodules --get-regexp '^submodule\..*\.path$' |
		while read -r key path; do
			name=${key#submodule.}
			name=${name%.path}
			sub=$(git -C "$3" config -f .gitmodules "submodule.$name.url")
			sub=${sub#https://github.com/}
			sub=${sub%.git}
			rev=$(git -C "$3" ls-tree HEAD "$path" | awk '{print $3}')
			checkout "$sub" "$rev" "$3/$path"
		done
}

# The pins, read from the checkout's own CMakeLists.txt.
ryml_rev=$(sed -n 's/^set(RYML_VERSION "\(.*\)")$/\1/p' "$src/CMakeLists.txt")
booksim_rev=$(sed -n 's/^set(BOOKSIM_VERSION "\(.*\)")$/\1/p' "$src/CMakeLists.txt")
[ -n "$ryml_rev" ] && [ -n "$booksim_rev" ] || {
	echo "sanafe-peer: $src/CMakeLists.txt: no RYML_VERSION or BOOKSIM_VERSION pin found" >&2
	exit 1
}
mkdir -p "$build/deps"
checkout biojppm/rapidyaml "$ryml_rev" "$build/deps/ryml"
checkout SLAM-Lab/booksim2-sanafe "$booksim_rev" "$build/deps/booksim"

cmake -S "$src" -B "$build" \
	-DCMAKE_BUILD_TYPE=Release \
	-DPYTHON_BUILD_ENABLED="${SANAFE_PYTHON:-OFF}" \
	-DPython_EXECUTABLE="${SANAFE_PYTHON_EXE:-/usr/bin/python3}" \
	-DSTANDALONE_BUILD_ENABLED=ON \
	-DFETCHCONTENT_FULLY_DISCONNECTED=ON \
	-DFETCHCONTENT_SOURCE_DIR_RYML="$build/deps/ryml" \
	-DFETCHCONTENT_SOURCE_DIR_BOOKSIM="$build/deps/booksim" >"$build/cmake.log"
nice -n 10 make -C "$build" -j"${SANAFE_JOBS:-2}" >"$build/make.log"
echo "SANA-FE $(git -C "$src" rev-parse HEAD) built: $build/sim"
