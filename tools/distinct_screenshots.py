#!/usr/bin/env python3
"""A variant of a benchmark corpus in which every screenshot use is its own file.

Input: a corpus made by `examples/gen_corpus` (e.g. `bench-out/corpus-1000`,
about 1,850 screenshot uses drawn from a pool of 40 files). Output: a copy of
it (`--out`) in which each `src="/…/bench_NNN.ext"` of the content names a file
of its own, `bench_NNN-uK.ext`, whose pixels differ from the pool file's (PNG:
one byte of the first pixel row changed, the image data re-deflated; JPEG: a
comment segment naming the use, since the pixels of a JPEG cannot be changed
without re-encoding). So the build sees as many distinct screenshots as a real
handbook with one screenshot per step (issue 17: 1,900 distinct screenshots),
which the pool-based corpus does not show. Same input → same bytes.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import sys
import zlib
from pathlib import Path

SRC = re.compile(r'(src=")(/[^"]*?/)(bench_\d+)\.(png|jpg|jpeg)(")')


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, payload) chunks of a PNG file."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_variant(data: bytes, use: int) -> bytes:
    """The PNG with one byte of its first row set from `use` (still valid:
    whatever the row's filter, any byte value decodes)."""
    chunks = png_chunks(data)
    raw = bytearray(zlib.decompress(b"".join(p for k, p in chunks if k == b"IDAT")))
    # Byte 0 is the row's filter type; bytes 1.. are (filtered) samples.
    raw[1 + use % 3] = (raw[1 + use % 3] + 1 + use // 3) % 256
    idat = zlib.compress(bytes(raw), 6)
    out = bytearray(data[:8])
    wrote_idat = False
    for kind, payload in chunks:
        if kind == b"IDAT":
            if not wrote_idat:
                out += chunk(b"IDAT", idat)
                wrote_idat = True
            continue
        out += chunk(kind, payload)
    return bytes(out)


def jpeg_variant(data: bytes, use: int) -> bytes:
    """The JPEG with a COM segment after SOI (distinct bytes, same pixels)."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG file")
    text = f"tebiki bench use {use}".encode()
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + data[2:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="a corpus made by gen_corpus")
    parser.add_argument("--out", type=Path, required=True, help="the variant's folder (replaced)")
    args = parser.parse_args()
    src: Path = args.corpus
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out)
    static = out / "static"
    pool: dict[str, bytes] = {}
    uses = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal uses
        prefix, folder, stem, ext, quote = match.groups()
        name = f"{stem}-u{uses}.{ext}"
        original = pool.setdefault(f"{folder}{stem}.{ext}", (static / f"{folder.strip('/')}/{stem}.{ext}").read_bytes())
        variant = png_variant(original, uses) if ext == "png" else jpeg_variant(original, uses)
        (static / folder.strip("/") / name).write_bytes(variant)
        uses += 1
        return f"{prefix}{folder}{name}{quote}"

    for page in sorted((out / "content").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        new = SRC.sub(replace, text)
        if new != text:
            page.write_text(new, encoding="utf-8")
    files = sum(1 for p in static.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in static.rglob("*") if p.is_file())
    print(f"{out}: {uses} screenshot uses, each its own file ({files} files, {size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
