"""Pairing each Sentinel-2 date with the nearest Sentinel-1 date."""

DEFAULT_MAX_DAYS = 14  # as in SEN12MS-CR-TS


def pair_nearest(s2_dates, s1_dates, max_days=DEFAULT_MAX_DAYS):
    """For each S2 date, the index of the nearest S1 date within ``max_days`` (ties go to
    the earlier S1 date), or None. Dates are ``datetime.date``; None dates never pair."""
    pairs = []
    for s2_date in s2_dates:
        best, best_gap = None, None
        for k, s1_date in enumerate(s1_dates):
            if s2_date is None or s1_date is None:
                continue
            gap = abs((s1_date - s2_date).days)
            if gap > max_days:
                continue
            if best is None or gap < best_gap or (gap == best_gap and s1_date < s1_dates[best]):
                best, best_gap = k, gap
        pairs.append(best)
    return pairs


def describe_pairs(s2_items, s1_items, pairs):
    """Log lines: which S1 file each S2 date uses, and which dates have none."""
    lines = []
    for item, k in zip(s2_items, pairs):
        if k is None:
            lines.append(f"  {item.date_text()} {item.name}: no Sentinel-1 date within reach "
                         "(noise input for this date)")
        else:
            gap = (s1_items[k].date - item.date).days
            lines.append(f"  {item.date_text()} {item.name}: S1 {s1_items[k].name} ({gap:+d} days)")
    return lines
