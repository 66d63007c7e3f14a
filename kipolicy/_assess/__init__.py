"""Assessing a partnership or a portfolio, comparing readings, verifying a saved report."""
