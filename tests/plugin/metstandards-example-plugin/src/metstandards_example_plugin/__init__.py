"""An example metstandards rule plugin: one rule, EX101, registered through an entry point."""

__version__ = "0.1.0"
