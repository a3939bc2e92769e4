"""Complaints: intake with acknowledgement, the owner's complaint rules and false-information
requests (LAW-13, 31, 32, 46-50)."""
