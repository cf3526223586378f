"""Workshops: the built-in workshop files, the handout template, and the parts of
generator.workshop (building, git, the handout, Markdown, participant checks)."""
