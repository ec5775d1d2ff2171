"""Event extraction: from one parsed report to the events it reports, each kept as a claim."""
