"""The Hub-like server of the integration tests, for the disk-full download test."""

from tests.integration.conftest import hub

__all__ = ["hub"]
