"""Raw article file → `Article`: reading, decoding, the input formats."""
