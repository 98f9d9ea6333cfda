"""Use cases: the SHU engine's commands, the monthly reports, the snapshot of every
report and the rebuild of the read model. They reach storage through ``ports``."""
