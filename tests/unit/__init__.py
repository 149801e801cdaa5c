"""Unit tests: respx-mocked wire exchanges, no network, no emulator."""
