"""Browser tests: headless Chromium (Debian's chromium + chromium-driver) driven by Selenium."""
