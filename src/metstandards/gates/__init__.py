"""The gates of `metstandards check`: checks over the project rather than lint rules."""
