"""Findings and reports as data, and reports without quotes."""
