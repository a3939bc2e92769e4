"""The staff console: what needs each staff member's attention, by role."""
