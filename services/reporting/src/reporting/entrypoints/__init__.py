"""The HTTP edge: module-level routers (summaries, monthly reports, SHU, dashboard), the
dependencies they take from the app (``deps``) and the errors they answer (``errors``)."""
