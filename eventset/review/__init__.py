"""Reviewing a pull request: what its checks found and what it changes, fact by fact."""
