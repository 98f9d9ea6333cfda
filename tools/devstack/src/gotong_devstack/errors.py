"""Errors the stack manager reports to people, without a stack trace."""

from __future__ import annotations


class StackError(RuntimeError):
    """Something failed while managing the stack (a component would not start, ...).

    The message is meant to be printed as is: the CLI shows it and exits with `exit_code`.
    """

    exit_code = 1


class PrerequisiteError(StackError):
    """The machine lacks a tool, or a setting is wrong: the fix is on the user's side.

    Exit code 2 lets scripts (and CI) tell "install something" apart from "it broke".
    """

    exit_code = 2
