"""The errors dualgen raises. The CLI turns each into an exit code and one line on stderr."""

from __future__ import annotations


class DualgenError(Exception):
    """Base of every error dualgen reports to a user."""

    exit_code = 1


class UsageError(DualgenError):
    """Bad input: a value the user gave is not allowed. Nothing was written."""

    exit_code = 2


class SpecError(UsageError):
    """A choice, route or answer file does not describe a valid project."""


class DestinationError(UsageError):
    """The output folder cannot be written without losing the user's files."""


class RunError(DualgenError):
    """The world failed: an install, a server start, or an exchange did not go as expected."""
