"""A test-only app for the worker processes of the integration tests: it slows each step of a deadline pass
(SLOW_PASS_SECONDS) so a worker can be killed in the middle. Production code reads no test setting."""
