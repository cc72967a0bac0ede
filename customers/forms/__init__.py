"""Forms of customer files, one module per part (files, imports, inquiries, ownership, visits)."""
