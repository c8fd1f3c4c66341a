"""Policy regimes: what a rule asks of terminals and how they respond (caps, technology)."""
