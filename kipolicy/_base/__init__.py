"""General-purpose pieces every layer uses: errors, limits, escaping, dates, identity, version, file names, shared HTML."""
