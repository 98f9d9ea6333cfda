"""The SQL of the reports: each cooperative's figures of a period, who a report covers,
and the ``ReadModelReader`` the use cases read through."""
