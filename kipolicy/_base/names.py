"""The names of the files kipolicy recognises (a light module: the pytest plugin imports it at
start-up without loading the rule engine)."""

from __future__ import annotations

__all__ = ["CASE_SUFFIX"]

#: A case file's name ends so: ``risk.case.toml``.
CASE_SUFFIX = ".case.toml"
