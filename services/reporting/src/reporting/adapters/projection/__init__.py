"""The projection: each consumed event's published contract into read-model rows.

``dispatch.read_model_handler`` is the consumer's one handler; the per-source modules
only record statements (``statements``), which are written grouped per batch.
"""
