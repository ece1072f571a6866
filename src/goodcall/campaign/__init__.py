"""Campaigns: control groups, the batch run, and the report that measures what a campaign did."""
