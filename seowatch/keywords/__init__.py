"""Chinese keyword intelligence: normalization, tokenization, grouping, coverage, ideas."""
