"""Documents read back: quote PDF, build sheet PDF, BOM CSV, and the quote command."""
