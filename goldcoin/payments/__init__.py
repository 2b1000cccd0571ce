"""Buying coins: packages, bonus tiers, CoinPayments orders, IPNs, the simulator."""
