from samenaanpak.core.tests.conftest import db_tasks, smtp  # noqa: F401 - fixtures
