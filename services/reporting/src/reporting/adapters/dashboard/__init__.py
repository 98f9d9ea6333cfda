"""The dashboard page's files (``static/``), read from the package."""
