"""Repository standards (MS6xx): one verdict per repository, from its files and git metadata.

Where the lint rules look at code, these look at how a repository is kept: its pre-commit
configuration, its CI, its tests, documents, release tags, data and credentials. ``metstandards
audit`` runs them over every repository of an organisation, and ``metstandards check`` runs them
on its own repository as the ``repository`` part. Nothing of the repository is imported, built
or run: not its code, its hooks, its build or its CI.
"""
