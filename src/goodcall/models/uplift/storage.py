"""Model directories: written whole or not at all, read back only if intact.

A model directory holds ``metadata.json`` (training metadata, feature schema, and the SHA-256 of
every other file) and plain-text model files. No pickle: LightGBM boosters are saved in
LightGBM's own text format and linear models as JSON coefficients, so a model directory can be
inspected, diffed and loaded by a later library version without executing stored code.

Writing goes to a hidden sibling directory first and is renamed into place, so a crash never
leaves a half-written model where a scorer would find it, and an existing model is only
replaced when the caller asks for it.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from collections.abc import Mapping
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from goodcall.writing import new_folder, place_folder

METADATA_FILE = "metadata.json"
_VERSIONED = ("goodcall", "lightgbm", "numpy", "polars", "scikit-learn", "scipy", "pydantic")


class ModelDirectoryError(ValueError):
    """A model directory that cannot be written or read back as it was saved."""


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model's numbers depend on, recorded at training time."""
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_model_directory(
    directory: Path,
    files: Mapping[str, str],
    metadata: Mapping[str, Any],
    *,
    overwrite: bool = False,
) -> Path:
    """Write ``files`` and ``metadata.json`` to ``directory`` atomically; return the path."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise ModelDirectoryError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise ModelDirectoryError(
            f"{target} already holds files; choose another directory or allow overwriting"
        )
    staging = new_folder(target)
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        (staging / METADATA_FILE).write_text(
            json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        place_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def read_metadata(directory: Path) -> dict[str, Any]:
    """The parsed ``metadata.json`` of a model directory."""
    path = Path(directory) / METADATA_FILE
    if not path.is_file():
        raise ModelDirectoryError(f"{directory} is not a model directory: {METADATA_FILE} missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ModelDirectoryError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ModelDirectoryError(f"{path} must hold a JSON object")
    return data


def read_checked(directory: Path, name: str, expected_sha256: str) -> str:
    """A model file's text, refused if it differs from what the metadata recorded."""
    path = Path(directory) / name
    if not path.is_file():
        raise ModelDirectoryError(f"{path} is missing from the model directory")
    text = path.read_text(encoding="utf-8")
    if sha256_text(text) != expected_sha256:
        raise ModelDirectoryError(
            f"{path} does not match the model's metadata (SHA-256 differs): the directory mixes "
            "files from different trainings"
        )
    return text
