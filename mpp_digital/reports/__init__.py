"""Statistics and charts for the people who run a hall; reads, never writes."""
