// How each groupBy / filter dimension maps onto the two subjects the KPIs are computed
// over. Expressions are constants chosen by name from this table — never user text —
// and filter values always travel as query parameters.
import type { GroupBy, KpiFilters } from './kpiTypes.ts';

/** Columns of an exception (exception_log / snapshot row). */
export const EXCEPTION_DIMENSION: Record<GroupBy, string> = {
  type: 'type',
  team: 'team',
  tier: 'customer_tier',
  warehouse: 'warehouse',
  carrier: 'carrier',
  interface: 'interface',
};

/**
 * An order belongs to the type/team groups of every exception that names it (orders with
 * none fall under ''). Orders have no interface: order KPIs grouped by interface all fall
 * under '' and are null under an interface filter.
 */
export const ORDER_DIMENSION: Record<GroupBy, string> = {
  type: "arrayJoin(if(empty(ex_types), [''], ex_types))",
  team: "arrayJoin(if(empty(ex_teams), [''], ex_teams))",
  tier: 'customer_tier',
  warehouse: 'warehouse',
  carrier: 'carrier',
  interface: "''",
};

export const groupExpression = (table: Record<GroupBy, string>, groupBy: GroupBy | undefined) => (groupBy ? table[groupBy] : "''");

/** Filter values bound as parameters; '' means "no filter" in every query. */
export function filterParams(filters: KpiFilters): Record<string, string> {
  return {
    f_type: filters.type ?? '',
    f_team: filters.team ?? '',
    f_tier: filters.tier ?? '',
    f_warehouse: filters.warehouse ?? '',
    f_carrier: filters.carrier ?? '',
    f_interface: filters.interface ?? '',
  };
}

/** The WHERE fragment for exception rows (every dimension is a column). */
export const EXCEPTION_FILTER = `({f_type:String} = '' OR type = {f_type:String})
  AND ({f_team:String} = '' OR team = {f_team:String})
  AND ({f_tier:String} = '' OR customer_tier = {f_tier:String})
  AND ({f_warehouse:String} = '' OR warehouse = {f_warehouse:String})
  AND ({f_carrier:String} = '' OR carrier = {f_carrier:String})
  AND ({f_interface:String} = '' OR interface = {f_interface:String})`;

/** The WHERE fragment for orders (see ORDER_DIMENSION for type, team and interface). */
export const ORDER_FILTER = `({f_type:String} = '' OR has(ex_types, {f_type:String}))
  AND ({f_team:String} = '' OR has(ex_teams, {f_team:String}))
  AND ({f_tier:String} = '' OR customer_tier = {f_tier:String})
  AND ({f_warehouse:String} = '' OR warehouse = {f_warehouse:String})
  AND ({f_carrier:String} = '' OR carrier = {f_carrier:String})
  AND {f_interface:String} = ''`;
