"""What a monthly report computes, pure: periods, figures, ratios, loan quality, wajib
compliance, freshness, consolidation of a group, and the report's assembly (``monthly``)."""
