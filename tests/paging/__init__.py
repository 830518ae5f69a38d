"""End-to-end tests of paging, by topic; their fixtures are in conftest.py."""
