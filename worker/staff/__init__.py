"""The operators' side of the coach: accounts, audit trail, human takeovers and help requests."""
