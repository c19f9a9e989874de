"""The browser fixtures (`browser`, `page`: Debian's Chromium driven by Playwright against the live test server)
live in tests/conftest.py, shared with tests/security."""
