"""Tests of personal data protection."""
