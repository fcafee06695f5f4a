"""The lint engine: discover files, parse each once, walk once for all rules, cache the result."""
