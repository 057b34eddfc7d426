"""textcoach: an SMS-first fitness coach."""
