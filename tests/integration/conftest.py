from tests.community.conftest import form_post, forum  # noqa: F401  (shared fixtures)
