"""Gotong platform library: the mechanisms every service shares.

It holds no business rules. Services import the pieces they need from the
subpackages (``eventstore``, ``outbox``, ``consumer``, ``http``, ``auth``,
``telemetry``) and the published event contracts from ``contracts``.
"""
