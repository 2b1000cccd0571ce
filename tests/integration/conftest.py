from tests.community.conftest import balance, forum, form_post  # noqa: F401  (shared fixtures)
