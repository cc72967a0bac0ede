"""Models of this domain arrive with its issue (see DESIGN.md)."""
