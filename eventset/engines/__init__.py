"""Engines beyond this machine's process pool for the build's parallel steps (docs/scaling.md)."""
