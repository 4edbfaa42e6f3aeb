"""Named numpy arrays in a student folder (``.npz``), written reproducibly.

``numpy.savez`` stamps each member with the current time, so the same arrays give different
bytes; :func:`write_arrays` writes the same uncompressed ``.npz`` layout with a fixed
timestamp and the names in sorted order, so re-exporting a student gives the same file.
:func:`read_arrays` is ``numpy.load``. :func:`int8_rows` is the one int8 form of a matrix
stored in numpy (one scale per row).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def write_arrays(path: str | Path, arrays: Mapping[str, np.ndarray]) -> Path:
    """Write ``arrays`` to ``path`` as an ``.npz`` whose bytes depend only on the arrays."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())
    return out


def read_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """Every array of an ``.npz``, read into memory."""
    with np.load(Path(path), allow_pickle=False) as found:
        return {name: found[name] for name in found.files}


def int8_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``matrix`` as int8 rows with one fp32 scale per row (symmetric, [-127, 127]): row i is
    ``rows[i] * scales[i]``."""
    m = np.asarray(matrix, dtype=np.float32)
    scales = np.maximum(np.abs(m).max(axis=1, initial=0.0) / 127.0, 1e-12).astype(np.float32)
    return np.clip(np.round(m / scales[:, None]), -127, 127).astype(np.int8), scales
