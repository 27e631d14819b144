#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the repository's own sites: the sample
# (tebiki.toml, content/, layouts/, static/) and every fixture site under
# tests/fixtures/. Run from anywhere; re-running adds nothing twice (files are
# named by their content hash). See README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
corpus="$here/corpus"
mkdir -p "$corpus/config" "$corpus/front_matter" "$corpus/shortcodes" \
  "$corpus/markdown" "$corpus/layouts" "$corpus/images"

# put TARGET FILE [SELECTOR_BYTE_OCTAL]: copies FILE (after the selector byte).
put() {
  tmp=$(mktemp)
  if [ $# -eq 3 ]; then printf "\\$3" >"$tmp"; fi
  cat "$2" >>"$tmp"
  sum=$(sha1sum "$tmp" | cut -c1-16)
  mv "$tmp" "$corpus/$1/seed-$sum"
}

sites="$repo"
if [ -d "$repo/tests/fixtures" ]; then
  sites="$sites $(find "$repo/tests/fixtures" -name tebiki.toml -exec dirname {} \; | sort)"
fi

for site in $sites; do
  [ -f "$site/tebiki.toml" ] && put config "$site/tebiki.toml"
  if [ -d "$site/content" ]; then
    find "$site/content" -name '*.md' | sort | while read -r page; do
      put markdown "$page"
      if grep -q '{{' "$page"; then put shortcodes "$page"; fi
      # The front matter alone, between its fences (000: YAML, 001: TOML).
      fm=$(mktemp)
      first=$(head -n 1 "$page")
      if [ "$first" = "---" ] || [ "$first" = "+++" ]; then
        awk -v f="$first" 'NR == 1 { next } $0 == f { exit } { print }' "$page" >"$fm"
        if [ "$first" = "---" ]; then put front_matter "$fm" 000; else put front_matter "$fm" 001; fi
      fi
      rm -f "$fm"
    done
  fi
  [ -f "$site/layouts/pdf.toml" ] && put layouts "$site/layouts/pdf.toml" 000
  [ -f "$site/layouts/epub.toml" ] && put layouts "$site/layouts/epub.toml" 001
  if [ -d "$site/static" ]; then
    # Selector: 000 png, 001 jpg, 002 gif, 003 webp, 004 bmp.
    find "$site/static" -type f | sort | while read -r image; do
      case "$image" in
        *.png) put images "$image" 000 ;;
        *.jpg | *.jpeg) put images "$image" 001 ;;
        *.gif) put images "$image" 002 ;;
        *.webp) put images "$image" 003 ;;
        *.bmp) put images "$image" 004 ;;
      esac
    done
  fi
done
for t in config front_matter shortcodes markdown layouts images; do
  printf '%s: %s inputs\n' "$t" "$(ls "$corpus/$t" | wc -l)"
done
