"""Complaints (投诉处理): the lifecycle as events, SLA clocks, repeats and analysis."""
