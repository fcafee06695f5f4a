"""``metstandards check``: the lint rules, the gates (MS501, MS502) and the wrapped tools in one report."""
