from tests.community.conftest import forum, form_post  # noqa: F401  (shared fixtures)
