import type { X12Transaction } from 'node-x12';
import type { X12Context } from '../envelope.ts';

/** An event before the adapter gives it an id, source and (by default) the group's time. */
export type Candidate = { type: string; [field: string]: unknown };

export type SetMapper = (transaction: X12Transaction, context: X12Context, zone: string) => Candidate[];

/** A transaction set that cannot become an event; the message names the segment/element. */
export class X12MappingError extends Error {}
