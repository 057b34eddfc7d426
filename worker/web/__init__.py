"""The Starlette webhook: Twilio's inbound texts and status callbacks, and a health check."""
