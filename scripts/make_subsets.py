"""Cuts the quick subsets (first N train, first M test images) out of the full gzipped IDX sets.

Usage: make_subsets.py DATA_DIR N_TRAIN N_TEST. Writes DATA_DIR/<set>-quick/*.gz for set in
mnist, fashion. Output is byte-for-byte reproducible (gzip mtime 0).
"""

import gzip
import struct
import sys
from pathlib import Path


def cut(src: Path, dst: Path, count: int) -> None:
    raw = gzip.decompress(src.read_bytes())
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim]))
    if count > dims[0]:
        raise SystemExit(f"{src}: has {dims[0]} items, asked for {count}")
    item = 1
    for d in dims[1:]:
        item *= d
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * ndim, count, *dims[1:])
    body = raw[4 + 4 * ndim : 4 + 4 * ndim + count * item]
    dst.write_bytes(gzip.compress(header + body, compresslevel=9, mtime=0))


def main() -> None:
    data, n_train, n_test = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for name in ("mnist", "fashion"):
        out = data / f"{name}-quick"
        out.mkdir(parents=True, exist_ok=True)
        for split, count in (("train", n_train), ("t10k", n_test)):
            for kind in ("images-idx3", "labels-idx1"):
                f = f"{split}-{kind}-ubyte.gz"
                cut(data / name / f, out / f, count)


if __name__ == "__main__":
    main()
