"""The SHU (Sisa Hasil Usaha) engine: policies, calculations from the read model, RAT approval.

``domain`` is pure; ``application`` runs the use cases; ``adapters`` holds the
event store and tables; ``bases`` reads the live read model's fact tables.
"""
