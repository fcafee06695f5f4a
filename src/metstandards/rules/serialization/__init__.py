"""MS2xx: serialization. Model artifacts are written and read back safely and consistently."""
