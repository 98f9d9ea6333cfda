"""Root conftest: shared fixtures for every test folder (unit tests ignore them)."""

pytest_plugins = ["gotong_platform.testing.fixtures"]
