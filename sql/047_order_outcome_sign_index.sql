-- Taken-back outcome rows (sign −1) are few — the orders refreshed since the engine last merged
-- them with the rows they cancel — and the order KPIs look them up per window to net the
-- exact cycle-time quantiles (server/store/kpi/orderKpis.ts). A refresh writes them in a part
-- of their own, and a merge collapses most of them with their pairs, so a min-max index on
-- sign lets that look-up skip the granules of standing rows instead of reading every sign of
-- the window (at 100M events, a 30-day window's 4M shipped rows).
ALTER TABLE order_outcome_rows ADD INDEX IF NOT EXISTS sign_minmax sign TYPE minmax GRANULARITY 1;

ALTER TABLE order_outcome_rows MATERIALIZE INDEX sign_minmax;
