"""Forms of sales, one module per part (funnel, inventory, money, partners, promises)."""
