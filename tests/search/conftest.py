"""Fixtures of the search tests: the core fixtures (users, conversations, app connections)."""
from tests.core.conftest import add_messages, as_app, make_conversation, make_user  # noqa: F401
