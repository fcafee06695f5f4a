"""``metstandards check``: lint rules, gates (MS501, MS502) and wrapped tools in one report."""
