"""Test support for the Gotong workspace (not shipped with any service).

``gotong_testing.fixtures`` is the pytest plugin the root ``conftest.py`` loads: the real
PostgreSQL and Kafka, started through ``gotong-devstack`` as ``make up`` starts them, with
fresh databases and topics per test, and a fixed clock. ``business_now`` and
``business_today`` give the instant and the business dates the tests' services live at.
"""

from gotong_testing.clock import DEFAULT_TEST_NOW, TEST_NOW_ENV, business_now, business_today

__all__ = ["DEFAULT_TEST_NOW", "TEST_NOW_ENV", "business_now", "business_today"]
