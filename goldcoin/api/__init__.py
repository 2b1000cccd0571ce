"""The public JSON API (v1). See API.md; its paths and fields are a contract.

`blueprint.bp` is the one blueprint at /api/v1; `views` imports every module
that adds routes to it.
"""
