"""Use cases. Each takes an open workspace, runs its SQL through the store's repositories and returns data or a
:class:`desktop.changes.Changes` description of what it altered."""
