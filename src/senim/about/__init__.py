"""Public informational pages about how Senim works (the feed's parameters, LAW-34, LAW-35, LAW-52)."""
