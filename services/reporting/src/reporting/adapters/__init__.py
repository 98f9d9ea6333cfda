"""The code that talks to PostgreSQL, Kafka and the package's files.

``projection``: events into the read model; ``read_model``: its DDL, versions and
the live one; ``reports``: the SQL of the reports; ``queries``: the summaries;
``shu``: the SHU engine's streams, tables and facts; ``consumer`` and ``replay``: the
read model fed from Kafka; ``dashboard``: the page's static files.
"""
