"""kipolicy's version, read from the installed package's metadata when first asked for."""

from __future__ import annotations

import functools

__all__ = ["version"]


@functools.cache
def version() -> str:
    """The installed kipolicy's version (``0+unknown`` in a source tree never installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version("kipolicy")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"
