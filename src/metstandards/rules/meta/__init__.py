"""MS0xx: what the engine itself reports: files it could not check, suppressions that do nothing."""
