"""Regions, MPPs, agencies, the national services and each hall's offerings, with opening
hours, closures and the demo data."""
