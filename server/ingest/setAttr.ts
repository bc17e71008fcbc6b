// Mapping files name nested event attributes with dotted keys: `shipTo.taxJurisdiction: TXJCD`
// fills attrs.shipTo.taxJurisdiction. Without this no CSV or OCEL import could carry a ship-to,
// and every imported order would be flagged as missing master data.
export function setAttr(attrs: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  // Mapping files are configuration, but a key must never reach Object.prototype.
  if (parts.some((part) => part === '__proto__' || part === 'constructor' || part === 'prototype')) throw new Error(`attribute '${path}' is not allowed`);
  let target = attrs;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    target = (target[part] = next !== null && typeof next === 'object' ? next : {}) as Record<string, unknown>;
  }
  target[parts[parts.length - 1]] = value;
}
