"""API routers of sales, one module per part; mounted through SalesConfig.api_routers."""
