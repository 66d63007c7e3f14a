"""Functions over findings and reports: their order, text, Markdown, HTML, tables, pictures, explanations, diffs."""
