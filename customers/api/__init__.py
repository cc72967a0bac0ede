"""API routers of customer files, one module per part; mounted through CustomersConfig.api_routers."""
