"""The document as the rules see it: facts, dated duties, the portfolio index."""
