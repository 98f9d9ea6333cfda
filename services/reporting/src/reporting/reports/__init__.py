"""Monthly reports: per cooperative, per region, for the federation (see ``monthly``)."""
